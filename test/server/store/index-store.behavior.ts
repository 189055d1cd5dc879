/**
 * What every IndexStore implementation must do, whatever its engine: run by one thin file per
 * implementation (SqliteIndexStore.ts here; the PostgreSQL store's next to it), each passing a
 * factory that opens an empty store. The suite sets the identity itself.
 */
import { expect } from "chai";
import { InvalidInputError } from "../../../server/errors.js";
import { InvalidCursorError } from "../../../server/store/cursor.js";
import type {
  ApplyRange,
  BlockRef,
  IndexIdentity,
  IndexStore,
  IndexWriteTx,
} from "../../../server/store/IndexStore.js";
import { MAX_PAGE_LIMIT, ReorgTooDeepError } from "../../../server/store/IndexStore.js";
import type { CertificateRecord, ChainRef } from "../../../server/store/model.js";

/** An IndexStore with the diagnostics the suite reads. */
export interface TestableIndexStore extends IndexStore {
  /** Row counts per table. */
  counts(): Promise<Record<string, number>>;
}

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const VAULT = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const ISSUER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";

export const IDENTITY: IndexIdentity = {
  chainId: 31337,
  genesisHash: "0x" + "ab".repeat(32),
  startBlock: 1,
  contracts: {
    BrandRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    HallmarkCertificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    HallmarkGarments: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  },
};

const hashOf = (n: number, fork = 0): string => "0x" + (n * 1000 + fork).toString(16).padStart(64, "0");
const block = (n: number, fork = 0): BlockRef => ({
  number: n,
  hash: hashOf(n, fork),
  parentHash: hashOf(n - 1, fork),
  timestamp: 1_700_000_000 + n,
});
const ref = (n: number, logIndex = 0): ChainRef => ({
  blockNumber: n,
  blockHash: hashOf(n),
  txHash: "0x" + "cd".repeat(32),
  logIndex,
  timestamp: 1_700_000_000 + n,
});
export const range = (from: number, to: number, reversible = true): ApplyRange => ({
  fromBlock: from,
  toBlock: to,
  toBlockHeader: block(to),
  blocks: [],
  reversible,
});

export function certificate(
  tokenId: string,
  n: number,
  logIndex = 0,
  owner = VAULT,
): Omit<CertificateRecord, "inBrandCustody"> {
  return {
    tokenId,
    brandId: 1,
    owner,
    status: "active",
    statusReason: null,
    statusChangedAt: null,
    metadataDigest: "0x" + "11".repeat(32),
    metadataUpdatedBy: ISSUER,
    metadataUpdatedAtBlock: n,
    issuer: ISSUER,
    issued: ref(n, logIndex),
    chip: null,
    claimKey: null,
    chipClaimsEnabled: false,
    successorId: null,
    predecessorId: null,
    updatedAtBlock: n,
  };
}

export function brand(tx: IndexWriteTx, n: number): void {
  tx.insertBrand({
    brandId: 1,
    name: "Maison A",
    metadataURI: "ipfs://a",
    admin: ALICE,
    vault: VAULT,
    royaltyReceiver: null,
    royaltyBps: 0,
    paused: false,
    pausedReason: null,
    registered: ref(n),
    tokenURIBase: null,
    garmentURIBase: null,
  });
}

/** The error a promise rejects with (fails the test when it fulfils). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected a rejection");
}

export function shouldBehaveLikeIndexStore(
  openStore: () => TestableIndexStore | Promise<TestableIndexStore>,
): void {
  let store: TestableIndexStore;

  beforeEach(async function () {
    store = await openStore();
    await store.ensureIdentity(IDENTITY);
  });
  afterEach(async function () {
    await store.close();
  });

  /** Brand at block 1, certificates "1".."n" at block 2, one per log. */
  async function seed(n = 5): Promise<void> {
    await store.applyBlockRange(range(1, 2), (tx) => {
      tx.beginBlock(1);
      brand(tx, 1);
      tx.beginBlock(2);
      for (let i = 1; i <= n; i++) tx.insertCertificate(certificate(String(i), 2, i));
    });
  }

  describe("status", function () {
    describe("when nothing is indexed yet", function () {
      it("answers the block before the start block, not caught up", function () {
        expect(store.status()).to.include({
          chainId: 31337,
          indexedBlock: 0,
          indexedBlockHash: null,
          headBlock: null,
          caughtUp: false,
          lag: 0,
        });
      });
    });
    describe("when the head is known", function () {
      it("reports the lag and whether it is within the confirmations", async function () {
        await seed();
        await store.setHead(5, 3);
        expect(store.status()).to.include({
          indexedBlock: 2,
          headBlock: 5,
          lag: 3,
          caughtUp: true,
          confirmations: 3,
        });
        await store.setHead(6, 3);
        expect(store.status()).to.include({ lag: 4, caughtUp: false });
      });
    });
  });

  describe("applyBlockRange", function () {
    describe("when the writer throws midway", function () {
      it("stores nothing of the range and keeps the checkpoint", async function () {
        await seed();
        const before = await store.counts();
        const error = await rejection(
          store.applyBlockRange(range(3, 4), (tx) => {
            tx.insertCertificate(certificate("99", 3));
            throw new Error("killed mid-range");
          }),
        );
        expect(error).to.have.property("message", "killed mid-range");
        expect(await store.counts()).to.deep.equal(before);
        expect(await store.checkpoint()).to.deep.equal({ blockNumber: 2, blockHash: hashOf(2) });
        expect(await store.getCertificate("99")).to.equal(null);
      });
    });
    describe("when chain data holds quotes, backslashes and dollar quotes", function () {
      // Reasons are free text from the chain (anyone with the role writes them); PostgreSQL sends a
      // range at the head as one message with its rows inlined as SQL text.
      const tricky = [
        "it's O'Brien's",
        "back\\slash \\' and \\\\",
        "$$dollar$$ $tag$ E'x'",
        "'); DROP TABLE hallmark_index.certificates; --",
        'Ünïcödé ✓ \u2028 line\nbreak "quoted"',
      ].join(" | ");
      it("keeps the text as written, and its before-image through a rollback", async function () {
        await seed(1);
        await store.applyBlockRange(range(3, 3), (tx) => {
          tx.beginBlock(3);
          tx.updateCertificate("1", { status: "stolen", statusReason: tricky, updatedAtBlock: 3 });
        });
        await store.applyBlockRange(range(4, 4), (tx) => {
          tx.beginBlock(4);
          tx.updateCertificate("1", { statusReason: `${tricky} (again)`, updatedAtBlock: 4 });
        });
        expect((await store.getCertificate("1"))?.statusReason).to.equal(`${tricky} (again)`);
        await store.rollbackTo(3);
        expect((await store.getCertificate("1"))?.statusReason).to.equal(tricky);
      });
    });
    describe("when a range writes hundreds of rows (a catch-up's)", function () {
      // PostgreSQL sends a large range's rows by COPY: its text format has escapes of its own.
      it("reads back every row as written, text with tabs, line breaks and backslashes included", async function () {
        const reasons = (i: number) => `row ${i}\tcol\nline\r\\N \\. \\\\ 'q' "d" ✓`;
        await store.applyBlockRange(range(1, 2, false), (tx) => {
          tx.beginBlock(1);
          brand(tx, 1);
          tx.beginBlock(2);
          for (let i = 1; i <= 300; i++)
            tx.insertCertificate({
              ...certificate(String(i), 2, i),
              status: i % 3 === 0 ? "stolen" : "active",
              statusReason: i % 3 === 0 ? reasons(i) : null,
              chipClaimsEnabled: i % 2 === 0,
            });
        });
        const page = await store.listCertificates({ brandId: 1, limit: 100 });
        expect(page.items).to.have.length(100);
        for (const i of [1, 2, 3, 150, 299, 300]) {
          const read = await store.getCertificate(String(i));
          expect(read, `certificate ${i}`).to.include({
            tokenId: String(i),
            status: i % 3 === 0 ? "stolen" : "active",
            statusReason: i % 3 === 0 ? reasons(i) : null,
            chipClaimsEnabled: i % 2 === 0,
            updatedAtBlock: 2,
          });
        }
      });
    });
    describe("when the range does not follow the checkpoint", function () {
      it("throws and stores nothing", async function () {
        await seed();
        const error = await rejection(store.applyBlockRange(range(5, 6), () => undefined));
        expect(error).to.have.property("message").that.includes("does not follow checkpoint 2");
        expect((await store.checkpoint())!.blockNumber).to.equal(2);
      });
    });
    describe("when a subscriber listens", function () {
      it("notifies it after the commit", async function () {
        const seen: number[] = [];
        store.subscribe(() => seen.push(store.status().indexedBlock));
        await seed();
        expect(seen).to.deep.equal([2]);
      });
    });
  });

  describe("contentVersion", function () {
    describe("when a range writes rows", function () {
      it("changes after the commit", async function () {
        const before = store.contentVersion();
        await seed();
        expect(store.contentVersion()).to.not.equal(before);
      });
    });
    describe("when a range writes nothing", function () {
      it("stays the same while the checkpoint and the head move", async function () {
        await seed();
        const before = store.contentVersion();
        await store.applyBlockRange(range(3, 9), () => undefined);
        await store.setHead(20, 0);
        expect((await store.checkpoint())?.blockNumber).to.equal(9);
        expect(store.contentVersion()).to.equal(before);
      });
    });
    describe("when the writer throws midway", function () {
      it("may change, but never stays the same after rows did change", async function () {
        await seed();
        const before = store.contentVersion();
        const error = await rejection(
          store.applyBlockRange(range(3, 3), (tx) => {
            tx.insertCertificate(certificate("9", 3));
            throw new Error("boom");
          }),
        );
        expect(error).to.have.property("message", "boom");
        await store.applyBlockRange(range(3, 3), (tx) => tx.updateCertificate("1", { owner: BOB }));
        expect(store.contentVersion()).to.not.equal(before);
      });
    });
    describe("when blocks with rows are rolled back", function () {
      it("changes", async function () {
        await seed();
        await store.applyBlockRange({ ...range(3, 4), blocks: [block(3)] }, (tx) => {
          tx.beginBlock(3);
          tx.updateCertificate("1", { owner: BOB });
        });
        const before = store.contentVersion();
        await store.rollbackTo(2);
        expect((await store.getCertificate("1"))?.owner).to.equal(VAULT);
        expect(store.contentVersion()).to.not.equal(before);
      });
    });
    describe("when the index is wiped", function () {
      it("changes", async function () {
        await seed();
        const before = store.contentVersion();
        await store.reset();
        expect(store.contentVersion()).to.not.equal(before);
      });
    });
  });

  describe("rollbackTo", function () {
    describe("when the rolled-back blocks changed and created rows", function () {
      it("restores the changed rows, deletes the created ones and moves the checkpoint", async function () {
        await seed(2);
        await store.applyBlockRange({ ...range(3, 5), blocks: [block(3)] }, (tx) => {
          tx.beginBlock(3);
          tx.updateCertificate("1", { owner: BOB, status: "stolen", updatedAtBlock: 3 });
          tx.insertCertificate(certificate("3", 3));
          tx.insertProvenance({
            ...ref(3),
            tokenId: "1",
            kind: "stolen",
            actor: BOB,
            actorRoles: [],
            from: null,
            to: null,
            detailsDigest: null,
            conditionGrade: null,
            reason: "gone",
            relatedTokenId: null,
          });
          tx.appendEvent({
            type: "certificate.status",
            blockNumber: 3,
            txHash: null,
            timestamp: null,
            data: { tokenId: "1" },
          });
          tx.beginBlock(5);
          tx.updateCertificate("1", { owner: ALICE, updatedAtBlock: 5 });
        });
        const lastId = await store.lastEventId();
        await store.rollbackTo(2);
        expect(await store.getCertificate("1")).to.include({
          owner: VAULT,
          status: "active",
          updatedAtBlock: 2,
        });
        expect(await store.getCertificate("3")).to.equal(null);
        expect((await store.getProvenance("1", {})).items).to.deep.equal([]);
        expect(await store.checkpoint()).to.deep.equal({ blockNumber: 2, blockHash: hashOf(2) });
        expect(await store.blockAt(3)).to.equal(null);
        const events = await store.recentEvents(0);
        expect(events.map((e) => e.type)).to.deep.equal(["index.reorg"]);
        expect(events[0].id).to.be.greaterThan(lastId);
      });
    });
    describe("when rolling back into the middle of a range", function () {
      it("undoes only the blocks after the fork point", async function () {
        await seed(1);
        await store.applyBlockRange({ ...range(3, 6), blocks: [block(4)] }, (tx) => {
          tx.beginBlock(4);
          tx.updateCertificate("1", { owner: ALICE, updatedAtBlock: 4 });
          tx.beginBlock(6);
          tx.updateCertificate("1", { owner: BOB, updatedAtBlock: 6 });
        });
        await store.rollbackTo(4);
        expect(await store.getCertificate("1")).to.include({ owner: ALICE });
        expect((await store.checkpoint())!.blockNumber).to.equal(4);
      });
    });
    describe("when the blocks were applied as final", function () {
      it("throws ReorgTooDeepError and changes nothing", async function () {
        await store.applyBlockRange(range(1, 2, false), (tx) => brand(tx, 1));
        expect(await rejection(store.rollbackTo(1))).to.be.instanceOf(ReorgTooDeepError);
        expect(await store.getBrand(1)).to.not.equal(null);
      });
    });
  });

  describe("beginRebuild", function () {
    describe("while the rebuild has not completed", function () {
      it("answers readers from the served index, marked rebuilding, while the writer fills an empty one", async function () {
        await seed(2);
        await store.setHead(2, 0);
        const version = store.contentVersion();
        const lastId = await store.lastEventId();
        await store.beginRebuild();
        expect(await store.rebuilding()).to.equal(true);
        expect(await store.checkpoint()).to.equal(null);
        await store.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
        expect(await store.checkpoint()).to.deep.equal({ blockNumber: 1, blockHash: hashOf(1) });
        expect(await store.getCertificate("1")).to.include({ tokenId: "1" });
        expect((await store.listCertificates({})).items).to.have.length(2);
        expect(store.status()).to.include({
          indexedBlock: 2,
          headBlock: 2,
          caughtUp: false,
          rebuilding: true,
        });
        expect(store.contentVersion()).to.equal(version);
        expect(await store.lastEventId()).to.equal(lastId);
      });
    });
  });

  describe("completeRebuild", function () {
    describe("when the rebuilt index has caught up", function () {
      it("serves it in one step, moves the content version and continues the feed ids", async function () {
        await seed(2);
        await store.applyBlockRange(range(3, 3), (tx) => {
          tx.appendEvent({
            type: "certificate.status",
            blockNumber: 3,
            txHash: null,
            timestamp: null,
            data: {},
          });
        });
        const version = store.contentVersion();
        const lastId = await store.lastEventId();
        await store.beginRebuild();
        await store.applyBlockRange(range(1, 4), (tx) => {
          tx.beginBlock(1);
          brand(tx, 1);
          tx.beginBlock(4);
          tx.insertCertificate(certificate("7", 4));
          tx.appendEvent({
            type: "certificate.issued",
            blockNumber: 4,
            txHash: null,
            timestamp: null,
            data: {},
          });
        });
        await store.completeRebuild();
        expect(await store.rebuilding()).to.equal(false);
        expect(await store.getCertificate("1")).to.equal(null);
        expect(await store.getCertificate("7")).to.include({ tokenId: "7" });
        expect(store.status()).to.include({ indexedBlock: 4, rebuilding: false });
        expect(store.contentVersion()).to.not.equal(version);
        const events = await store.recentEvents(lastId);
        expect(events.map((e) => e.type)).to.deep.equal(["index.reorg", "certificate.issued"]);
        expect(events[0].id).to.equal(lastId + 1);
        expect(events[0].data).to.include({ rebuild: true, previousBlock: 3 });
        expect(await store.lastEventId()).to.equal(events[1].id);
      });
    });
    describe("when no rebuild is in progress", function () {
      it("changes nothing", async function () {
        await seed(1);
        const version = store.contentVersion();
        await store.completeRebuild();
        expect(store.contentVersion()).to.equal(version);
        expect(await store.getCertificate("1")).to.not.equal(null);
      });
    });
    describe("when a rebuild starts over before completing", function () {
      it("drops the first attempt and still continues the feed after the served ids", async function () {
        await seed(1);
        const lastId = await store.lastEventId();
        await store.beginRebuild();
        await store.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
        await store.beginRebuild();
        expect(await store.checkpoint()).to.equal(null);
        await store.applyBlockRange(range(1, 2), () => undefined);
        await store.completeRebuild();
        expect(await store.getBrand(1)).to.equal(null);
        expect((await store.recentEvents(lastId)).map((e) => e.id)).to.deep.equal([lastId + 1]);
      });
    });
  });

  describe("ensureIdentity", function () {
    describe("when the identity differs", function () {
      it("wipes every indexed record", async function () {
        await seed();
        const result = await store.ensureIdentity({
          ...IDENTITY,
          contracts: { ...IDENTITY.contracts, HallmarkCertificate: ALICE },
        });
        expect(result).to.deep.equal({ rebuilt: true });
        expect(await store.checkpoint()).to.equal(null);
        expect(await store.counts()).to.include({ certificates: 0, brands: 0 });
      });
    });
    describe("when only the address case differs", function () {
      it("keeps the index", async function () {
        await seed();
        expect(
          await store.ensureIdentity({
            ...IDENTITY,
            genesisHash: IDENTITY.genesisHash.toUpperCase().replace("0X", "0x"),
          }),
        ).to.deep.equal({ rebuilt: false });
        expect(await store.getCertificate("1")).to.not.equal(null);
      });
    });
  });

  describe("listCertificates", function () {
    describe("when paging", function () {
      it("returns every certificate once, in issuance order, and null after the last page", async function () {
        await seed(5);
        const first = await store.listCertificates({ limit: 2 });
        const second = await store.listCertificates({ limit: 2, cursor: first.nextCursor! });
        const third = await store.listCertificates({ limit: 2, cursor: second.nextCursor! });
        expect([first, second, third].flatMap((p) => p.items.map((c) => c.tokenId))).to.deep.equal([
          "1",
          "2",
          "3",
          "4",
          "5",
        ]);
        expect(third.nextCursor).to.equal(null);
        expect(first.items[0].inBrandCustody).to.equal(true);
      });
    });
    describe("when filtered by claim key", function () {
      it("finds the certificate holding that open key, in any letter case, and none once the key is cleared", async function () {
        const key = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        await store.applyBlockRange(range(1, 2), (tx) => {
          tx.beginBlock(1);
          brand(tx, 1);
          tx.beginBlock(2);
          tx.insertCertificate(certificate("1", 2, 0));
          tx.insertCertificate({ ...certificate("2", 2, 1), claimKey: key });
        });
        const found = await store.listCertificates({ claimKey: key.toLowerCase(), limit: 1 });
        expect(found.items.map((c) => c.tokenId)).to.deep.equal(["2"]);
        await store.applyBlockRange(range(3, 3), (tx) => {
          tx.beginBlock(3);
          tx.updateCertificate("2", { claimKey: null });
        });
        expect((await store.listCertificates({ claimKey: key, limit: 1 })).items).to.deep.equal([]);
      });
    });
    describe("when the limit is out of bounds", function () {
      it("clamps it", async function () {
        await seed(3);
        expect((await store.listCertificates({ limit: 0 })).items).to.have.length(1);
        expect((await store.listCertificates({ limit: 10 ** 9 })).items).to.have.length(3);
        expect(MAX_PAGE_LIMIT).to.equal(500);
      });
    });
    for (const cursor of [
      "",
      "not a cursor!",
      "eyJ4IjoxfQ",
      Buffer.from('["p",1]').toString("base64url"),
      Buffer.from('["c","a",1]').toString("base64url"),
      "A".repeat(600),
    ]) {
      describe(`when the cursor is ${JSON.stringify(cursor.slice(0, 20))}`, function () {
        it("throws InvalidCursorError, an InvalidInputError", async function () {
          await seed(1);
          const error = await rejection(store.listCertificates({ cursor, limit: 1 }));
          expect(error).to.be.instanceOf(InvalidCursorError).and.instanceOf(InvalidInputError);
          expect((error as InvalidCursorError).type).to.equal("invalid-cursor");
        });
      });
    }
  });

  describe("rolesOf", function () {
    describe("when a role was granted and later revoked", function () {
      it("answers the roles held now and at a given block", async function () {
        await store.applyBlockRange(range(1, 9), (tx) => {
          tx.beginBlock(1);
          brand(tx, 1);
          tx.beginBlock(3);
          tx.grantRole({ brandId: 1, role: "ISSUER", account: ISSUER, grantedBy: ALICE, grantedAt: ref(3) });
          tx.beginBlock(7);
          tx.revokeRole(1, "ISSUER", ISSUER.toLowerCase(), 7, ALICE);
        });
        expect(await store.rolesOf(1, ISSUER, 2)).to.deep.equal([]);
        expect(await store.rolesOf(1, ISSUER, 6)).to.deep.equal(["ISSUER"]);
        expect(await store.rolesOf(1, ISSUER, 7)).to.deep.equal([]);
        expect(await store.rolesOf(1, ISSUER)).to.deep.equal([]);
        expect((await store.listRoleGrants(1, { includeRevoked: true }))[0]).to.include({
          revokedAtBlock: 7,
          revokedBy: ALICE,
        });
      });
    });
  });

  describe("addGarmentBalance", function () {
    describe("when a balance reaches zero", function () {
      it("removes it from the owner's items", async function () {
        await store.applyBlockRange(range(1, 3), (tx) => {
          tx.beginBlock(1);
          brand(tx, 1);
          tx.insertDesign({
            designId: "1",
            brandId: 1,
            creator: ISSUER,
            maxSupply: 0,
            minted: 0,
            burned: 0,
            closesAt: 0,
            locked: false,
            redeemable: false,
            royaltyReceiver: null,
            royaltyBps: 0,
            metadataDigest: "0x" + "22".repeat(32),
            twinCollectionRoot: null,
            created: ref(1),
          });
          tx.addGarmentBalance("1", 1, ALICE, 3n, 1);
          tx.beginBlock(3);
          tx.addGarmentBalance("1", 1, ALICE, -3n, 3);
          tx.addGarmentBalance("1", 1, BOB, 3n, 3);
        });
        expect(await store.garmentBalance("1", ALICE)).to.equal("0");
        expect((await store.listOwnerItems(ALICE, {})).items).to.deep.equal([]);
        expect((await store.listOwnerItems(BOB.toLowerCase(), { kind: "garment" })).items[0]).to.deep.include(
          {
            kind: "garment",
          },
        );
      });
    });
  });
}
