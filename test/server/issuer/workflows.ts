import path from "node:path";
import { expect } from "chai";
import { parseEther, ZeroAddress } from "ethers";
import type { MetadataStore } from "../../../server/ipfs/metadata-store.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { addBrand, setBrandRole } from "../../../server/issuer/brands.js";
import { changeCertificateStatus } from "../../../server/issuer/certificate-status.js";
import { TransactionRefusedError } from "../../../server/issuer/errors.js";
import { createGarmentDesign, signGarmentVoucher } from "../../../server/issuer/garment-designs.js";
import { parseManifest } from "../../../server/issuer/manifest.js";
import { batchGasTarget, mintCertificates } from "../../../server/issuer/mint-certificates.js";
import type { MintProgress } from "../../../server/issuer/mint-certificates.js";
import { prepareCertificates } from "../../../server/issuer/certificate-rows.js";
import { recordProvenanceEvent } from "../../../server/issuer/provenance-events.js";
import { readReceipt } from "../../../server/issuer/receipt.js";
import { cidToDigest } from "../../../server/ipfs/commitment.js";
import { makeTempDir } from "../support/temp-dir.js";
import { generateCatalogue } from "../../scripts/support/catalogue-fixture.js";
import { startLocalChain } from "../../scripts/support/local-chain.js";
import type { LocalChain } from "../../scripts/support/local-chain.js";
import { readFile } from "node:fs/promises";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("issuer: workflows on a chain", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let chain: LocalChain;
  let store: MetadataStore;
  let media: string;
  const tokens: bigint[] = [];
  const extraRows = (serials: string[]) =>
    parseManifest(
      [
        "serial,productName,modelReference,materials,manufactureCountry,manufactureDate,care,images",
        ...serials.map((s) => `${s},Bag,R,Silk:100,IT,2024-01,Dry,MT-2025-00001.svg`),
      ].join("\n"),
      "csv",
    );

  before(async function () {
    dir = await makeTempDir("issuer");
    chain = await startLocalChain(dir.path);
    store = await EmbeddedMetadataStore.open({ directory: path.join(dir.path, "ipfs") });
    const catalogue = await generateCatalogue(path.join(dir.path, "catalogue"), 6);
    media = catalogue.media;
    const receiptFile = path.join(dir.path, "receipt.jsonl");
    await mintCertificates({
      contracts: chain.contracts,
      signer: chain.signer("issuer"),
      store,
      brandId: chain.brandId,
      brandSalt: chain.brandSalt,
      rows: parseManifest(await readFile(catalogue.manifest, "utf8"), "csv"),
      mediaRoot: catalogue.media,
      receiptFile,
    });
    for (const entry of (await readReceipt(receiptFile)).values()) tokens.push(BigInt(entry.tokenId));
  });

  after(async function () {
    await store?.close();
    await chain?.close();
    await dir?.remove();
  });

  const sale = {
    schema: "hallmark.provenance-details.v1",
    kind: "sold",
    actor: { name: "Boutique Paris", role: "retailer" },
    date: "2025-05-04T11:00:00Z",
  };

  describe("mintCertificates", function () {
    it("stores every document under the digest the chain committed to", async function () {
      const { certificate } = chain.contracts;
      const logs = await certificate.queryFilter(certificate.filters.CertificateIssued());
      expect(logs).to.have.length(6);
      const receipt = [...(await readReceipt(path.join(dir.path, "receipt.jsonl"))).values()];
      for (const entry of receipt) {
        const log = logs.find((l) => l.args.tokenId.toString() === entry.tokenId)!;
        expect(log.args.metadataDigest).to.equal(entry.metadataDigest);
        const { CID } = await import("multiformats/cid");
        expect(cidToDigest(CID.parse(entry.metadataCid))).to.equal(entry.metadataDigest);
        expect(await store.get(CID.parse(entry.metadataCid))).to.have.length.above(100);
      }
    });

    describe("when the signer is not an issuer of the brand", function () {
      it("refuses before uploading or sending anything", async function () {
        const block = await chain.provider.getBlockNumber();
        const error = await rejection(
          mintCertificates({
            contracts: chain.contracts,
            signer: chain.signer("partner"),
            brandId: chain.brandId,
            brandSalt: chain.brandSalt,
            rows: extraRows(["X"]),
            mediaRoot: media,
            receiptFile: path.join(dir.path, "none.jsonl"),
          }),
        );
        expect(error.message).to.equal(
          `${chain.address("partner")} is not an issuer of brand 1 (Maison Test)`,
        );
        expect(await chain.provider.getBlockNumber()).to.equal(block);
      });
    });

    describe("when run as a dry run", function () {
      it("plans batches and prices them without sending", async function () {
        const block = await chain.provider.getBlockNumber();
        const summary = await mintCertificates({
          contracts: chain.contracts,
          signer: chain.signer("issuer"),
          brandId: chain.brandId,
          brandSalt: chain.brandSalt,
          rows: extraRows(["D1", "D2"]),
          mediaRoot: media,
          receiptFile: path.join(dir.path, "dry.jsonl"),
          dryRun: true,
        });
        expect(summary.estimate!.batches).to.deep.equal([2]);
        expect(summary.estimate!.gas > 50_000n).to.equal(true);
        expect(summary.estimate!.cost).to.equal(summary.estimate!.gas * summary.estimate!.feePerGas);
        expect(await chain.provider.getBlockNumber()).to.equal(block);
      });
    });

    describe("when a batch sent by an earlier, killed run is still pending", function () {
      let run = 0;
      let rows = () => extraRows([]);

      /** What a killed run left: a batch of the first two rows sent but never mined (automine off). */
      async function sendUnminedBatch(): Promise<void> {
        const prefix = `PEND-${++run}`;
        rows = () => extraRows([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
        const { certificates } = await prepareCertificates(rows(), {
          brandId: chain.brandId,
          brandName: "Maison Test",
          brandSalt: chain.brandSalt,
          mediaRoot: media,
        });
        const inputs = certificates.slice(0, 2).map((item) => ({
          serialHash: item.serialHash,
          metadataDigest: item.metadataDigest,
          chip: item.chip,
          claimKey: ZeroAddress,
        }));
        await chain.rpc("evm_setAutomine", [false]);
        await chain.contracts.certificate
          .connect(chain.signer("issuer"))
          .issueBatch(chain.brandId, chain.address("vault"), inputs);
      }

      afterEach(async function () {
        await chain.rpc("evm_setAutomine", [true]);
        await chain.rpc("evm_mine");
      });

      it("waits until it is mined, then finds its certificates on-chain and mints only the rest", async function () {
        await sendUnminedBatch();
        const events: MintProgress[] = [];
        let mined = false;
        const summary = await mintCertificates({
          contracts: chain.contracts,
          signer: chain.signer("issuer"),
          store,
          brandId: chain.brandId,
          brandSalt: chain.brandSalt,
          rows: rows(),
          mediaRoot: media,
          receiptFile: path.join(dir.path, "pending.jsonl"),
          pendingPollMs: 50,
          onProgress: (event) => {
            events.push(event);
            // The chain mines the old batch while the tool waits (as a real chain would, eventually).
            if (event.stage === "pending" && !mined) {
              mined = true;
              void chain.rpc("evm_setAutomine", [true]).then(() => chain.rpc("evm_mine"));
            }
          },
        });
        const waits = events.filter((event) => event.stage === "pending");
        expect(waits[0]).to.include({ stage: "pending", issuer: chain.address("issuer"), pending: 1 });
        expect(summary).to.include({ foundOnChain: 2, minted: 1 });
        const resume = events.find((event) => event.stage === "resume");
        expect(resume).to.include({ foundOnChain: 2, toMint: 1 });
      });

      it("gives up after the bounded wait with a message that says what to do, sending nothing", async function () {
        await sendUnminedBatch();
        const pendingBefore = await chain.provider.getTransactionCount(chain.address("issuer"), "pending");
        const error = await rejection(
          mintCertificates({
            contracts: chain.contracts,
            signer: chain.signer("issuer"),
            store,
            brandId: chain.brandId,
            brandSalt: chain.brandSalt,
            rows: rows(),
            mediaRoot: media,
            receiptFile: path.join(dir.path, "pending-timeout.jsonl"),
            pendingWaitMs: 300,
            pendingPollMs: 50,
          }),
        );
        expect(error.message).to.match(
          /^1 transaction\(s\) of 0x[0-9a-fA-F]{40} \(nonce \d+\) are still pending after 0 s/,
        );
        expect(error.message).to.include(
          "wait until they are mined (or replace them at the same nonce), then run again",
        );
        expect(await chain.provider.getTransactionCount(chain.address("issuer"), "pending")).to.equal(
          pendingBefore,
        );
        expect((await readReceipt(path.join(dir.path, "pending-timeout.jsonl"))).size).to.equal(0);
      });
    });

    describe("when the chain's block gas limit is below the batch gas target", function () {
      let original: bigint;

      before(async function () {
        original = (await chain.provider.getBlock("latest"))!.gasLimit;
        await chain.rpc("evm_setBlockGasLimit", ["0x" + (600_000).toString(16)]);
        await chain.rpc("evm_mine");
      });

      after(async function () {
        await chain.rpc("evm_setBlockGasLimit", ["0x" + original.toString(16)]);
        await chain.rpc("evm_mine");
      });

      it("sizes every batch to fit in a block", async function () {
        const confirmed: { size: number; gasUsed: bigint; txHash: string }[] = [];
        const summary = await mintCertificates({
          contracts: chain.contracts,
          signer: chain.signer("issuer"),
          store,
          brandId: chain.brandId,
          brandSalt: chain.brandSalt,
          rows: extraRows(Array.from({ length: 16 }, (_, i) => `GASLIMIT-${i + 1}`)),
          mediaRoot: media,
          receiptFile: path.join(dir.path, "gas-limit.jsonl"),
          onProgress: (event) => {
            if (event.stage === "batch-confirmed") confirmed.push(event);
          },
        });
        expect(summary.minted).to.equal(16);
        expect(summary.batches).to.be.above(1);
        for (const batch of confirmed) {
          expect(batch.gasUsed <= 450_000n, `batch of ${batch.size} used ${batch.gasUsed}`).to.equal(true);
          const tx = await chain.provider.getTransaction(batch.txHash);
          expect(tx!.gasLimit <= 600_000n, `gas limit ${tx!.gasLimit}`).to.equal(true);
        }
      });
    });

    describe("batchGasTarget", function () {
      it("keeps the requested target when blocks are large, and 3/4 of the block gas limit otherwise", function () {
        expect(batchGasTarget(12_000_000n, 60_000_000n)).to.equal(12_000_000n);
        expect(batchGasTarget(12_000_000n, 8_000_000n)).to.equal(6_000_000n);
      });
    });
  });

  describe("recordProvenanceEvent", function () {
    it("publishes the details and records their digest", async function () {
      const result = await recordProvenanceEvent({
        contracts: chain.contracts,
        signer: chain.signer("issuer"),
        store,
        tokenId: tokens[0],
        kind: "sale",
        details: sale,
      });
      const { certificate } = chain.contracts;
      const [log] = await certificate.queryFilter(certificate.filters.ProvenanceRecorded(tokens[0]));
      expect(log.args.detailsDigest).to.equal(result.detailsDigest);
      expect(log.args.kind).to.equal(0n);
    });

    describe("when the details break their schema", function () {
      it("refuses before sending", async function () {
        const error = await rejection(
          recordProvenanceEvent({
            contracts: chain.contracts,
            signer: chain.signer("issuer"),
            store,
            tokenId: tokens[0],
            kind: "inspection",
            details: { ...sale, kind: "inspected" },
          }),
        );
        expect(error.message).to.equal("Invalid provenance-details document: inspection");
      });
    });

    describe("when the document tells another kind of event than the one recorded", function () {
      it("refuses before anything is stored or sent", async function () {
        const block = await chain.provider.getBlockNumber();
        const error = await rejection(
          recordProvenanceEvent({
            contracts: chain.contracts,
            signer: chain.signer("issuer"),
            store,
            tokenId: tokens[0],
            kind: "repair",
            details: sale,
          }),
        );
        expect(error.message).to.equal(
          'A repair event needs a details document of kind "repaired", not "sold"',
        );
        expect(await chain.provider.getBlockNumber()).to.equal(block);
      });
    });

    describe("when the signer may not record that kind", function () {
      it("rejects with the contract's custom error", async function () {
        const error = await rejection(
          recordProvenanceEvent({
            contracts: chain.contracts,
            signer: chain.signer("buyer"),
            store,
            tokenId: tokens[0],
            kind: "sale",
            details: sale,
            dryRun: true,
          }),
        );
        expect(error)
          .to.be.instanceOf(TransactionRefusedError)
          .with.property("errorName", "HallmarkUnauthorizedProvenance");
      });
    });
  });

  describe("changeCertificateStatus", function () {
    it("reports a certificate stolen as brand admin and restores it", async function () {
      await changeCertificateStatus({
        contracts: chain.contracts,
        signer: chain.signer("brandAdmin"),
        tokenId: tokens[1],
        action: "stolen",
        reason: "Boutique break-in",
      });
      expect(await chain.contracts.certificate.statusOf(tokens[1])).to.equal(1n);
      await changeCertificateStatus({
        contracts: chain.contracts,
        signer: chain.signer("brandAdmin"),
        tokenId: tokens[1],
        action: "restore",
        reason: "Recovered",
      });
      expect(await chain.contracts.certificate.statusOf(tokens[1])).to.equal(0n);
    });

    describe("when the signer is not a brand admin", function () {
      it("rejects with HallmarkUnauthorizedStatusChange", async function () {
        const error = await rejection(
          changeCertificateStatus({
            contracts: chain.contracts,
            signer: chain.signer("issuer"),
            tokenId: tokens[1],
            action: "revoke",
            reason: "x",
          }),
        );
        expect(error).to.be.instanceOf(TransactionRefusedError);
        expect((error as TransactionRefusedError).errorName).to.match(
          /^Hallmark(UnauthorizedStatusChange|MissingBrandRole)$/,
        );
      });
    });
  });

  describe("brands and roles", function () {
    it("registers a brand and grants it an issuer", async function () {
      const { brandId } = await addBrand({
        contracts: chain.contracts,
        signer: chain.signer("groupAdmin"),
        name: "Volta",
        admin: chain.address("brandAdmin"),
        vault: chain.address("vault"),
      });
      expect(brandId).to.equal(2);
      await setBrandRole({
        contracts: chain.contracts,
        signer: chain.signer("brandAdmin"),
        brandId: 2,
        role: "issuer",
        account: chain.address("partner"),
        grant: true,
      });
      expect(
        await chain.contracts.registry.hasBrandRole(
          2,
          (await import("../../../server/issuer/contracts.js")).BRAND_ROLES.issuer,
          chain.address("partner"),
        ),
      ).to.equal(true);
    });
  });

  describe("garments", function () {
    it("creates a design and signs a voucher the buyer redeems", async function () {
      const metadata = JSON.parse(
        await readFile("server/metadata/examples/garment-metadata.json", "utf8"),
      ) as unknown;
      const created = await createGarmentDesign({
        contracts: chain.contracts,
        signer: chain.signer("issuer"),
        store,
        brandId: 1,
        design: { maxSupply: 500, royaltyBps: 500, royaltyReceiver: chain.address("brandAdmin") },
        metadata,
      });
      expect(created.designId).to.equal(1n);
      const voucher = await signGarmentVoucher({
        contracts: chain.contracts,
        signer: chain.signer("issuer"),
        designId: 1n,
        buyer: chain.address("buyer"),
        amount: 2,
        price: parseEther("0.1"),
        deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
      });
      const garments = chain.contracts.garments.connect(chain.signer("buyer"));
      await (
        await garments.redeemVoucher({ ...voucher.voucher }, voucher.signer, voucher.signature, {
          value: parseEther("0.1"),
        })
      ).wait();
      expect(await chain.contracts.garments.balanceOf(chain.address("buyer"), 1n)).to.equal(2n);
      expect(voucher.voucher.buyer).to.not.equal(ZeroAddress);
    });
  });
});
