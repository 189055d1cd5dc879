import { expect } from "chai";
import { join } from "node:path";
import { network } from "hardhat";
import { HttpJsonRpcProvider } from "../../../server/chain/http.js";
import { ChainReader } from "../../../server/chain/reader.js";
import { Indexer } from "../../../server/indexer/Indexer.js";
import type { PostgresIndexStore } from "../../../server/store/postgres/PostgresIndexStore.js";
import { SqliteIndexStore } from "../../../server/store/sqlite/SqliteIndexStore.js";
import type { TestableIndexStore } from "../store/index-store.behavior.js";
import { openEmptyIndex } from "../store/postgres/empty-index.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import { makeTempDir } from "../support/temp-dir.js";
import type { Connection, Stack } from "./history.js";
import { deployStack, digest, FAR_DEADLINE, item, scriptHistory, tokenIdOf } from "./history.js";
import { certificateDomain, signTypedMessage } from "../../../server/chain/eip712.js";
import { Wallet, id } from "ethers";
import { startJsonRpcBridge } from "../../../scripts/local/json-rpc-bridge.js";
import { dumpIndex, limitedRpcServer, WrappedProvider } from "./support.js";

const connection: Connection = await network.create();
const { ethers, provider } = connection;

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

async function snapshot(): Promise<string> {
  return (await provider.request({ method: "evm_snapshot" })) as string;
}
async function revert(id: string): Promise<void> {
  await provider.request({ method: "evm_revert", params: [id] });
}

describe("Indexer", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let stack: Stack;
  let history: Awaited<ReturnType<typeof scriptHistory>>;
  let base: string;
  /** The index of the scripted history, built once by a plain run. */
  let reference: SqliteIndexStore;
  const stores: SqliteIndexStore[] = [];
  const pgStores: PostgresIndexStore[] = [];

  function openStore(name = ":memory:"): SqliteIndexStore {
    const store = new SqliteIndexStore({ location: name === ":memory:" ? name : join(temp.path, name) });
    stores.push(store);
    return store;
  }

  before(async function () {
    temp = await makeTempDir("indexer");
    stack = await deployStack(ethers);
    history = await scriptHistory(stack);
    base = await snapshot();
    reference = openStore();
    await new Indexer({ provider, store: reference, deployments: stack.deployments }).runOnce();
  });

  afterEach(async function () {
    await revert(base);
    base = await snapshot();
  });

  after(async function () {
    for (const store of stores) await store.close().catch(() => undefined);
    await temp.remove();
  });

  describe("runOnce", function () {
    describe("when indexing the scripted history", function () {
      it("catches up with the head and reports no lag", async function () {
        const head = await ethers.provider.getBlockNumber();
        const status = reference.status();
        expect(status).to.include({
          chainId: 31337,
          indexedBlock: head,
          headBlock: head,
          caughtUp: true,
          lag: 0,
        });
        expect(status.indexedBlockHash).to.equal((await ethers.provider.getBlock(head))!.hash);
      });

      it("answers a resold, repaired, stolen and restored certificate with its whole life in order", async function () {
        const tokenId = history.t1.toString();
        const certificate = (await reference.getCertificate(tokenId))!;
        expect(certificate).to.include({
          brandId: 1,
          owner: stack.carol.address,
          status: "active",
          inBrandCustody: false,
        });
        expect(certificate.chip).to.equal(history.chip.address);
        expect(certificate.statusReason).to.equal("recovered by police");
        const entries = (await reference.getProvenance(tokenId, { limit: 100 })).items;
        expect(entries.map((e) => e.kind)).to.deep.equal([
          "issued",
          "sale",
          "transfer",
          "authenticated_resale",
          "repair",
          "stolen",
          "restored",
        ]);
        const [issued, sale, transfer, resale, repair, stolen] = entries;
        expect(issued).to.include({ actor: stack.issuerA.address, to: stack.vaultA.address, from: null });
        expect(issued.actorRoles).to.deep.equal(["ISSUER"]);
        expect(issued.detailsDigest).to.equal(item("A-1").metadataDigest);
        expect(sale).to.include({ detailsDigest: digest("sale receipt"), conditionGrade: 0 });
        expect(transfer).to.include({ from: stack.vaultA.address, to: stack.alice.address });
        expect(resale).to.include({
          actor: stack.partnerA.address,
          from: stack.alice.address,
          to: stack.carol.address,
          conditionGrade: 8,
        });
        expect(resale.actorRoles).to.deep.equal(["RESALE_PARTNER"]);
        expect(repair).to.include({ actor: stack.repairerA.address, conditionGrade: 7 });
        expect(repair.actorRoles).to.deep.equal(["REPAIRER"]);
        expect(stolen).to.include({ actor: stack.carol.address, reason: "stolen in Milan" });
        expect(stolen.actorRoles).to.deep.equal([]);
      });

      it("stores each entry's block, transaction and block timestamp", async function () {
        for (const entry of (await reference.getProvenance(history.t1.toString(), { limit: 100 })).items) {
          const block = (await ethers.provider.getBlock(entry.blockNumber))!;
          expect(entry.blockHash).to.equal(block.hash);
          expect(entry.timestamp).to.equal(block.timestamp);
          const receipt = (await ethers.provider.getTransactionReceipt(entry.txHash))!;
          expect(receipt.blockNumber).to.equal(entry.blockNumber);
        }
      });

      it("folds a claim by code and its transfer into one entry and clears the claim key", async function () {
        const certificate = (await reference.getCertificate(history.t2.toString()))!;
        expect(certificate).to.include({ owner: stack.bob.address, claimKey: null });
        const entries = (await reference.getProvenance(history.t2.toString(), {})).items;
        expect(entries.map((e) => e.kind)).to.deep.equal(["issued", "claimed_with_code"]);
        expect(entries[1]).to.include({
          from: stack.vaultA.address,
          to: stack.bob.address,
          actor: stack.bob.address,
        });
      });

      it("folds a claim on a tag oracle's attestation and its transfer into one claimed_with_tag entry", async function () {
        const { certificate, registry } = stack;
        const oracle = Wallet.createRandom();
        const tokenId = tokenIdOf(2n, "B-TAG");
        await (
          await certificate.connect(stack.issuerB).issue(2n, stack.adminB.address, item("B-TAG"))
        ).wait();
        await (
          await registry
            .connect(stack.adminB)
            .grantBrandRole(2n, id("hallmark.role.TAG_ORACLE"), oracle.address)
        ).wait();
        const domain = certificateDomain(stack.chainId, await certificate.getAddress());
        const claim = { tokenId, recipient: stack.bob.address, counter: 4n, deadline: FAR_DEADLINE };
        const attestation = await signTypedMessage(oracle, "TagClaim", domain, claim);
        await (
          await certificate.claimWithTag(
            tokenId,
            stack.bob.address,
            4n,
            FAR_DEADLINE,
            oracle.address,
            attestation,
          )
        ).wait();

        const store = openStore();
        await new Indexer({ provider, store, deployments: stack.deployments }).runOnce();
        expect(await store.getCertificate(tokenId.toString())).to.include({ owner: stack.bob.address });
        const entries = (await store.getProvenance(tokenId.toString(), {})).items;
        expect(entries.map((e) => e.kind)).to.deep.equal(["issued", "claimed_with_tag"]);
        expect(entries[1]).to.include({ from: stack.adminB.address, to: stack.bob.address });
        const grants = await store.listRoleGrants(2);
        expect(grants.map((grant) => [grant.role, grant.account])).to.deep.include([
          "TAG_ORACLE",
          oracle.address,
        ]);
      });

      it("links a revoked predecessor and its successor both ways", async function () {
        const predecessor = (await reference.getCertificate(history.t4.toString()))!;
        const successor = (await reference.getCertificate(history.successor.toString()))!;
        expect(predecessor).to.include({
          status: "revoked",
          successorId: history.successor.toString(),
          statusReason: "tag replaced",
        });
        expect(successor).to.include({
          status: "active",
          predecessorId: history.t4.toString(),
          owner: stack.vaultA.address,
          inBrandCustody: true,
        });
        expect(
          (await reference.getProvenance(history.t4.toString(), {})).items.map((e) => e.kind),
        ).to.deep.equal(["issued", "revoked", "succeeded"]);
        const [issued] = (await reference.getProvenance(history.successor.toString(), {})).items;
        expect(issued).to.include({
          kind: "issued",
          relatedTokenId: history.t4.toString(),
          reason: "tag replaced",
        });
      });

      it("records a revocation and a metadata update with the new digest and its author", async function () {
        expect(await reference.getCertificate(history.t3.toString())).to.include({
          status: "revoked",
          statusReason: "counterfeit tag found",
        });
        const updated = (await reference.getCertificate(history.t5.toString()))!;
        expect(updated).to.include({
          metadataDigest: digest("metadata v2 of A-5"),
          metadataUpdatedBy: stack.issuerA.address,
        });
        expect(
          (await reference.getProvenance(history.t5.toString(), {})).items.map((e) => e.kind),
        ).to.deep.equal(["issued", "metadata_updated"]);
      });

      it("keeps brands, their roles over time and the issuer compromise", async function () {
        expect(await reference.getBrand(1)).to.include({
          name: "Maison A",
          vault: stack.vaultA.address,
          royaltyReceiver: stack.adminA.address,
          royaltyBps: 500,
          certificateCount: 6,
        });
        expect(await reference.getBrand(2)).to.include({ certificateCount: 1 });
        const [compromise] = await reference.compromisesOf(1);
        expect(compromise).to.include({
          brandId: 1,
          issuer: stack.issuerA.address,
          fromBlock: history.compromiseFrom,
          declaredBy: stack.adminA.address,
        });
        expect(await reference.rolesOf(1, stack.issuerA.address)).to.deep.equal([]);
        expect(await reference.rolesOf(1, stack.issuerA.address, compromise.blockNumber - 1)).to.deep.equal([
          "ISSUER",
        ]);
        expect(await reference.rolesOf(1, stack.adminA.address.toLowerCase())).to.deep.equal(["BRAND_ADMIN"]);
        expect(await reference.rolesOf(2, stack.issuerA.address, compromise.blockNumber - 1)).to.deep.equal(
          [],
        );
      });

      it("lists certificates by brand, status and owner in pages without gaps or repeats", async function () {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await reference.listCertificates({ brandId: 1, cursor, limit: 2 });
          expect(page.items.length).to.be.at.most(2);
          seen.push(...page.items.map((c) => c.tokenId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        expect(seen).to.have.length(6);
        expect(new Set(seen).size).to.equal(6);
        expect(
          (await reference.listCertificates({ status: "revoked", limit: 10 })).items.map((c) => c.tokenId),
        ).to.have.members([history.t3.toString(), history.t4.toString()]);
        expect(
          (
            await reference.listCertificates({ owner: stack.vaultA.address.toLowerCase(), limit: 10 })
          ).items.map((c) => c.tokenId),
        ).to.have.members([history.t3, history.t4, history.t5, history.successor].map(String));
      });

      it("counts garment editions minted and burned, balances, royalty and twin claims", async function () {
        const design = (await reference.getDesign(history.design1.toString()))!;
        expect(design).to.include({
          brandId: 1,
          minted: 5,
          burned: 1,
          maxSupply: 10,
          royaltyReceiver: stack.adminA.address,
          royaltyBps: 250,
          redeemable: true,
          twinCollectionRoot: null,
        });
        expect(await reference.garmentBalance("1", stack.alice.address)).to.equal("1");
        expect(await reference.garmentBalance("1", stack.bob.address)).to.equal("2");
        expect(await reference.garmentBalance("1", stack.carol.address)).to.equal("1");
        const twin = (await reference.getDesign(history.design2.toString()))!;
        expect(twin).to.include({ minted: 1, locked: true, twinClaimCount: 1 });
        expect(await reference.twinClaimsOfCertificate(history.t2.toString())).to.have.length(1);
        expect((await reference.twinClaimsOfCertificate(history.t2.toString()))[0]).to.include({
          designId: "2",
          owner: stack.bob.address,
        });
      });

      it("lists an owner's certificates and then their garment balances", async function () {
        const items = (await reference.listOwnerItems(stack.bob.address, { limit: 10 })).items;
        expect(
          items.map((i) =>
            i.kind === "certificate"
              ? `c:${i.certificate.tokenId}`
              : `g:${i.garment.designId}=${i.garment.balance}`,
          ),
        ).to.deep.equal([`c:${history.t2}`, "g:1=2", "g:2=1"]);
        const first = await reference.listOwnerItems(stack.bob.address, { limit: 1 });
        const second = await reference.listOwnerItems(stack.bob.address, {
          limit: 1,
          cursor: first.nextCursor!,
        });
        const third = await reference.listOwnerItems(stack.bob.address, {
          limit: 1,
          cursor: second.nextCursor!,
        });
        expect([first, second, third].map((p) => p.items[0].kind)).to.deep.equal([
          "certificate",
          "garment",
          "garment",
        ]);
        expect(third.nextCursor).to.equal(null);
      });

      it("feeds transfers and status changes to the change stream in order", async function () {
        const events = await reference.recentEvents(0, 1000);
        const ids = events.map((e) => e.id);
        expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
        const statuses = events.filter((e) => e.type === "certificate.status").map((e) => e.data.status);
        expect(statuses).to.deep.equal(["stolen", "active", "revoked", "revoked"]);
        expect(events.filter((e) => e.type === "certificate.transfer")).to.have.length(3);
        expect(await reference.recentEvents(ids[ids.length - 2])).to.have.length(1);
        expect(await reference.lastEventId()).to.equal(ids[ids.length - 1]);
      });

      it("counts the events it applied and the time it took", async function () {
        const indexer = new Indexer({ provider, store: openStore(), deployments: stack.deployments });
        const result = await indexer.runOnce();
        expect(indexer.stats.eventsApplied).to.equal(result.events).and.to.be.greaterThan(50);
        expect(indexer.stats.elapsedMs).to.be.greaterThan(0);
        expect(indexer.eventsPerSecond).to.be.greaterThan(0);
      });
    });

    describe("when the chain has advanced after a run", function () {
      it("indexes only the new blocks", async function () {
        const store = openStore();
        const indexer = new Indexer({ provider, store, deployments: stack.deployments });
        await indexer.runOnce();
        await stack.certificate.connect(stack.issuerB).issue(2n, stack.bob.address, item("B-new"));
        const result = await indexer.runOnce();
        expect(result.ranges).to.equal(1);
        expect(result.events).to.equal(2);
        expect(await store.getCertificate(tokenIdOf(2n, "B-new").toString())).to.include({
          owner: stack.bob.address,
        });
      });
    });

    describe("when confirmations are required", function () {
      it("leaves the newest blocks unindexed and reports them as lag", async function () {
        const store = openStore();
        await new Indexer({ provider, store, deployments: stack.deployments, confirmations: 3 }).runOnce();
        const head = await ethers.provider.getBlockNumber();
        expect(store.status()).to.include({
          indexedBlock: head - 3,
          lag: 3,
          caughtUp: true,
          confirmations: 3,
        });
        expect(await store.getCertificate(history.t1.toString())).to.not.equal(null);
      });
    });
  });

  describe("reading ahead", function () {
    it("reads each range's logs once: the next range's, made while one is applied, serve that range", async function () {
      const store = openStore("read-ahead.sqlite");
      const counting = new WrappedProvider(provider, () => undefined);
      const indexer = new Indexer({ provider: counting, store, deployments: stack.deployments, maxRange: 4 });
      await indexer.runOnce();
      expect(indexer.stats.rangesApplied).to.be.greaterThan(2);
      expect(counting.count("eth_getLogs")).to.equal(indexer.stats.rangesApplied);
      expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(reference));
    });
  });

  describe("polling at the head", function () {
    const methods = (counting: WrappedProvider) =>
      counting.calls.map((c) =>
        c.method === "eth_getBlockByNumber" ? `block:${String(c.params?.[0])}` : c.method,
      );

    describe("when the index is at the head", function () {
      it("asks one question per idle run, and for a new block only its logs besides", async function () {
        const store = openStore();
        const counting = new WrappedProvider(provider);
        const indexer = new Indexer({ provider: counting, store, deployments: stack.deployments });
        await indexer.runOnce();
        counting.calls.length = 0;
        await indexer.runOnce();
        expect(methods(counting)).to.deep.equal(["block:latest"]);
        counting.calls.length = 0;
        await stack.certificate.connect(stack.issuerB).issue(2n, stack.bob.address, item("B-at-head"));
        await indexer.runOnce();
        // The head's header serves the range's checks: no reorg probe, no header read.
        expect(methods(counting)).to.deep.equal(["block:latest", "eth_getLogs"]);
        expect(await store.getCertificate(tokenIdOf(2n, "B-at-head").toString())).to.not.equal(null);
        expect(store.status()).to.include({ indexedBlock: await ethers.provider.getBlockNumber(), lag: 0 });
      });
    });

    describe("when confirmations hold the newest blocks back", function () {
      it("checks the checkpoint against the chain once per new head, not on every idle run", async function () {
        const store = openStore();
        const counting = new WrappedProvider(provider);
        const indexer = new Indexer({
          provider: counting,
          store,
          deployments: stack.deployments,
          confirmations: 2,
        });
        await indexer.runOnce();
        counting.calls.length = 0;
        await indexer.runOnce();
        const checkpoint = store.status().indexedBlock;
        expect(methods(counting)).to.deep.equal(["block:latest", `block:0x${checkpoint.toString(16)}`]);
        counting.calls.length = 0;
        await indexer.runOnce();
        expect(methods(counting)).to.deep.equal(["block:latest"]);
      });
    });

    describe("when the head block is replaced at the same height while idle", function () {
      it("still finds the reorganisation and indexes the new block", async function () {
        const store = openStore();
        const indexer = new Indexer({ provider, store, deployments: stack.deployments, finalityDepth: 8 });
        const fork = await snapshot();
        await stack.certificate.connect(stack.issuerB).issue(2n, stack.bob.address, item("B-orphaned"));
        await indexer.runOnce();
        const orphaned = store.status();
        expect(await store.getCertificate(tokenIdOf(2n, "B-orphaned").toString())).to.not.equal(null);
        await revert(fork);
        await stack.certificate.connect(stack.issuerB).issue(2n, stack.carol.address, item("B-replacement"));
        expect(await ethers.provider.getBlockNumber()).to.equal(orphaned.indexedBlock);
        await indexer.runOnce();
        expect(indexer.stats.reorgs).to.equal(1);
        expect(store.status().indexedBlockHash).to.not.equal(orphaned.indexedBlockHash);
        expect(await store.getCertificate(tokenIdOf(2n, "B-orphaned").toString())).to.equal(null);
        expect(await store.getCertificate(tokenIdOf(2n, "B-replacement").toString())).to.not.equal(null);
      });
    });
  });

  describe("crash and resume", function () {
    describe("when the provider fails between ranges", function () {
      it("resumes from the checkpoint: nothing lost, nothing duplicated", async function () {
        const store = openStore("crash-provider.sqlite");
        const failing = new WrappedProvider(provider, (args) => {
          if (args.method === "eth_getLogs" && failing.count("eth_getLogs") === 4)
            throw new Error("connection reset by test");
        });
        const first = new Indexer({ provider: failing, store, deployments: stack.deployments, maxRange: 5 });
        expect((await rejection(first.runOnce())).message).to.equal("connection reset by test");
        const partial = (await store.checkpoint())!.blockNumber;
        expect(partial).to.equal(stack.deployments.startBlock + 3 * 5 - 1);
        await new Indexer({ provider, store, deployments: stack.deployments, maxRange: 5 }).runOnce();
        expect(await store.counts()).to.deep.equal(await reference.counts());
        expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(reference));
      });
    });

    describe("when the process dies with the database closed mid-run", function () {
      it("reopens the file and completes the index exactly once", async function () {
        const file = "crash-close.sqlite";
        let store = openStore(file);
        const killer = new WrappedProvider(provider, async (args) => {
          if (args.method === "eth_getLogs" && killer.count("eth_getLogs") === 6) await store.close();
        });
        expect(
          await rejection(
            new Indexer({ provider: killer, store, deployments: stack.deployments, maxRange: 4 }).runOnce(),
          ),
        ).to.be.instanceOf(Error);
        store = openStore(file);
        const checkpoint = (await store.checkpoint())!.blockNumber;
        // The 6th eth_getLogs is range 6's, read ahead while range 5 is applied: the close fails range 5.
        expect(checkpoint).to.equal(stack.deployments.startBlock + 4 * 4 - 1);
        const result = await new Indexer({
          provider,
          store,
          deployments: stack.deployments,
          maxRange: 4,
        }).runOnce();
        expect(result.fromBlock).to.equal(checkpoint + 1);
        expect(await store.counts()).to.deep.equal(await reference.counts());
        expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(reference));
      });
    });
  });

  for (const engine of ["sqlite", "postgres"] as const)
    describe(
      engine === "sqlite" ? "reorganisations" : "reorganisations on PostgreSQL (the same tests)",
      function () {
        // Postgres: a throwaway database per store, so the store under test and its fresh
        // comparison never share an index.
        const databases: ThrowawayDatabase[] = [];
        afterEach(async function () {
          for (const store of pgStores.splice(0)) await store.close();
          for (const database of databases.splice(0)) await database.drop();
        });
        async function openEngine(): Promise<TestableIndexStore> {
          if (engine === "sqlite") return openStore();
          const database = await createThrowawayDatabase();
          databases.push(database);
          const store = await openEmptyIndex(database);
          pgStores.push(store);
          return store;
        }

        if (engine === "postgres")
          describe("when indexing the scripted history", function () {
            it("stores exactly what the sqlite index holds", async function () {
              const store = await openEngine();
              const indexer = new Indexer({ provider, store, deployments: stack.deployments, maxRange: 7 });
              await indexer.runOnce();
              expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(reference));
              expect(await store.counts()).to.deep.equal(await reference.counts());
              expect(store.status()).to.deep.equal({
                ...reference.status(),
                updatedAt: store.status().updatedAt,
              });
            });
          });

        async function forkedChain(finalityDepth: number) {
          const fork = await snapshot();
          // The first branch: alice transfers B-1 to bob, brand B mints B-2.
          await stack.certificate
            .connect(stack.alice)
            .transferFrom(stack.alice.address, stack.bob.address, history.brandB1);
          await stack.certificate.connect(stack.issuerB).issue(2n, stack.bob.address, item("B-2"));
          const store = await openEngine();
          const indexer = new Indexer({ provider, store, deployments: stack.deployments, finalityDepth });
          await indexer.runOnce();
          expect(await store.getCertificate(tokenIdOf(2n, "B-2").toString())).to.not.equal(null);
          const oldHead = await ethers.provider.getBlockNumber();
          // The chain reorganises: the branch disappears, another one replaces it (and grows longer).
          await revert(fork);
          await stack.certificate
            .connect(stack.alice)
            .transferFrom(stack.alice.address, stack.carol.address, history.brandB1);
          await connection.networkHelpers.mine(3);
          expect(await ethers.provider.getBlockNumber()).to.be.greaterThan(oldHead);
          await indexer.runOnce();
          return { store, indexer };
        }

        describe("when blocks within the finality depth are replaced", function () {
          it("rolls back to the fork point and the index matches the new chain", async function () {
            const { store, indexer } = await forkedChain(64);
            expect(indexer.stats).to.include({ reorgs: 1, rebuilds: 1 }); // the one rebuild is the first run
            expect(await store.getCertificate(tokenIdOf(2n, "B-2").toString())).to.equal(null);
            expect(await store.getCertificate(history.brandB1.toString())).to.include({
              owner: stack.carol.address,
            });
            const kinds = (await store.getProvenance(history.brandB1.toString(), {})).items.map(
              (e) => `${e.kind}:${e.to}`,
            );
            expect(kinds).to.deep.equal([`issued:${stack.alice.address}`, `transfer:${stack.carol.address}`]);
            const fresh = await openEngine();
            await new Indexer({ provider, store: fresh, deployments: stack.deployments }).runOnce();
            expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(fresh));
            expect(await store.counts()).to.include({
              certificates: (await fresh.counts()).certificates,
              provenance: (await fresh.counts()).provenance,
            });
            expect((await store.recentEvents(0, 1000)).some((e) => e.type === "index.reorg")).to.equal(true);
          });
        });

        describe("when the reorganisation is deeper than the kept history", function () {
          it("rebuilds the index from the start block", async function () {
            const { store, indexer } = await forkedChain(0);
            expect(indexer.stats).to.include({ reorgs: 1, rebuilds: 2 });
            expect(await store.getCertificate(tokenIdOf(2n, "B-2").toString())).to.equal(null);
            expect(await store.getCertificate(history.brandB1.toString())).to.include({
              owner: stack.carol.address,
            });
            const fresh = await openEngine();
            await new Indexer({ provider, store: fresh, deployments: stack.deployments }).runOnce();
            expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(fresh));
          });
        });
      },
    );

  describe("provider limits", function () {
    describe("when eth_getLogs refuses large ranges and the node rate-limits", function () {
      it("halves the range, retries after the 429s and still completes", async function () {
        const server = await limitedRpcServer(provider, { maxLogRange: 7, rateLimited: 3, serverErrors: 2 });
        try {
          const http = new HttpJsonRpcProvider(server.url, { backoffMs: 1, retries: 6 });
          const store = openStore();
          const indexer = new Indexer({
            provider: http,
            store,
            deployments: stack.deployments,
            maxRange: 2000,
          });
          await indexer.runOnce();
          expect(server.counters.rateLimited).to.equal(3);
          expect(server.counters.refusedRanges).to.be.greaterThan(0);
          expect(indexer.stats.rangeSplits).to.equal(server.counters.refusedRanges);
          expect(indexer.stats.rangeSize).to.be.at.most(7);
          expect(http.stats.retries).to.be.at.least(5);
          expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(reference));
        } finally {
          await server.close();
        }
      });
    });
  });

  describe("over JSON-RPC HTTP", function () {
    describe("when the node takes batches", function () {
      it("reads a range's block headers in batches, not one request per block, and indexes the same", async function () {
        const bridge = await startJsonRpcBridge(provider, 0);
        try {
          const http = new HttpJsonRpcProvider(bridge.url);
          const store = openStore();
          await new Indexer({ provider: http, store, deployments: stack.deployments }).runOnce();
          expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(reference));
          const head = await ethers.provider.getBlockNumber();
          const contracts = Object.values(stack.deployments.contracts);
          const logs = await new ChainReader(provider).getLogs({
            address: contracts,
            fromBlock: 0,
            toBlock: head,
          });
          const blocksWithLogs = new Set(logs.map((log) => log.blockNumber)).size;
          expect(blocksWithLogs).to.be.greaterThan(10);
          expect(http.stats.batches).to.be.greaterThan(0);
          expect(http.stats.requests).to.be.lessThan(blocksWithLogs / 2);
        } finally {
          await bridge.close();
        }
      });
    });
  });

  describe("identity", function () {
    describe("when the deployment's contract addresses change", function () {
      it("wipes the index and rebuilds it for the new contracts", async function () {
        const store = openStore("identity.sqlite");
        await new Indexer({ provider, store, deployments: stack.deployments }).runOnce();
        const other = await deployStack(ethers);
        await other.certificate.connect(other.issuerA).issue(1n, other.alice.address, item("Z-1"));
        const indexer = new Indexer({ provider, store, deployments: other.deployments });
        await indexer.runOnce();
        expect(indexer.stats.rebuilds).to.equal(1);
        expect(await store.getCertificate(history.t1.toString())).to.equal(null);
        expect(await store.getCertificate(tokenIdOf(1n, "Z-1").toString())).to.include({
          owner: other.alice.address,
        });
        expect((await store.identity())!.contracts.HallmarkCertificate).to.equal(
          other.deployments.contracts.HallmarkCertificate,
        );
      });
    });

    describe("when the same deployment is indexed again after a restart", function () {
      it("keeps the index and resumes from its checkpoint", async function () {
        const file = "restart.sqlite";
        const first = openStore(file);
        await new Indexer({ provider, store: first, deployments: stack.deployments }).runOnce();
        await first.close();
        const second = openStore(file);
        const indexer = new Indexer({ provider, store: second, deployments: stack.deployments });
        const result = await indexer.runOnce();
        expect(indexer.stats.rebuilds).to.equal(0);
        expect(result.ranges).to.equal(0);
        expect(await second.counts()).to.deep.equal(await reference.counts());
      });
    });

    describe("when the chain is another one (a fresh local chain)", function () {
      it("wipes the index and rebuilds it", async function () {
        const store = openStore("other-chain.sqlite");
        await new Indexer({ provider, store, deployments: stack.deployments }).runOnce();
        const otherConnection = await network.create();
        const other = await deployStack(otherConnection.ethers);
        const indexer = new Indexer({
          provider: otherConnection.provider,
          store,
          deployments: other.deployments,
        });
        await indexer.runOnce();
        expect(indexer.stats.rebuilds).to.equal(1);
        expect(await store.getCertificate(history.t1.toString())).to.equal(null);
        expect(await store.getBrand(1)).to.include({ vault: other.vaultA.address });
        await otherConnection.close();
      });
    });

    describe("when the endpoint serves another chain id than the deployments", function () {
      it("refuses to index", async function () {
        const indexer = new Indexer({
          provider,
          store: openStore(),
          deployments: { ...stack.deployments, chainId: 1 },
        });
        expect((await rejection(indexer.runOnce())).message).to.include(
          "serves chain 31337 but the deployments are for chain 1",
        );
      });
    });
  });

  describe("failingSince", function () {
    describe("when a run cannot reach the RPC endpoint", function () {
      it("is set at the first failed run, kept while runs fail, and cleared by a successful one", async function () {
        let down = false;
        const flaky = new WrappedProvider(provider, () => {
          if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
        });
        const indexer = new Indexer({ provider: flaky, store: openStore(), deployments: stack.deployments });
        await indexer.runOnce();
        expect(indexer.failingSince()).to.equal(null);
        down = true;
        const before = Date.now();
        await rejection(indexer.runOnce());
        const since = indexer.failingSince();
        expect(since).to.be.a("number").within(before, Date.now());
        await rejection(indexer.runOnce());
        expect(indexer.failingSince()).to.equal(since);
        down = false;
        await indexer.runOnce();
        expect(indexer.failingSince()).to.equal(null);
      });
    });
  });

  describe("start and stop", function () {
    describe("when polling", function () {
      it("follows new blocks and stop() waits for the run in flight", async function () {
        const store = openStore();
        const indexer = new Indexer({ provider, store, deployments: stack.deployments, pollIntervalMs: 20 });
        let notified = 0;
        const unsubscribe = store.subscribe(() => (notified += 1));
        indexer.start();
        await stack.certificate.connect(stack.issuerB).issue(2n, stack.bob.address, item("B-polled"));
        const deadline = Date.now() + 5_000;
        while (
          (await store.getCertificate(tokenIdOf(2n, "B-polled").toString())) === null &&
          Date.now() < deadline
        ) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await indexer.stop();
        unsubscribe();
        expect(await store.getCertificate(tokenIdOf(2n, "B-polled").toString())).to.not.equal(null);
        expect(notified).to.be.greaterThan(0);
        const checkpoint = await store.checkpoint();
        await stack.certificate.connect(stack.issuerB).issue(2n, stack.bob.address, item("B-after-stop"));
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect(await store.checkpoint()).to.deep.equal(checkpoint);
      });
    });
  });
});
