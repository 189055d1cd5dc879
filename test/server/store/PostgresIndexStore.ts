import { expect } from "chai";
import { INDEX_CHANNEL, PostgresIndexStore } from "../../../server/store/postgres/PostgresIndexStore.js";
import { SERVED_SCHEMA } from "../../../server/store/postgres/schema.js";
import { brand, certificate, IDENTITY, range, shouldBehaveLikeIndexStore } from "./index-store.behavior.js";
import { openEmptyIndex } from "./postgres/empty-index.js";
import { createThrowawayDatabase } from "./postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "./postgres/throwaway-database.js";

/**
 * The PostgreSQL index store: the same behaviour suite as sqlite's, on a throwaway database of its
 * own (from HALLMARK_TEST_DATABASE_URL; fails with "run: npm run test:services" when PostgreSQL is
 * down, never skips). Each test starts from an empty, freshly migrated index schema.
 */
describe("PostgresIndexStore", function () {
  let database: ThrowawayDatabase;

  before(async function () {
    database = await createThrowawayDatabase();
  });
  after(async function () {
    await database?.drop();
  });

  const openEmpty = (): Promise<PostgresIndexStore> => openEmptyIndex(database);

  describe("open", function () {
    describe("when a second process opens the same database", function () {
      it("reads what the first wrote and hears of its commits through LISTEN/NOTIFY", async function () {
        const writer = await openEmpty();
        const reader = await PostgresIndexStore.open({ pool: database.pool, readOnly: true, pollMs: 60_000 });
        try {
          await writer.ensureIdentity(IDENTITY);
          const heard = new Promise<void>((resolve) =>
            reader.subscribe(() => {
              if (reader.status().indexedBlock === 1) resolve();
            }),
          );
          await writer.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
          await heard;
          expect(reader.status().indexedBlock).to.equal(1);
          expect(reader.contentVersion()).to.equal(writer.contentVersion());
          expect(await reader.getBrand(1)).to.include({ name: "Maison A" });
        } finally {
          await reader.close();
          await writer.close();
        }
      });
    });
  });

  describe("setHead", function () {
    describe("when a new head is seen before its range", function () {
      it("does not wake other processes: they learn the head with the range's notified commit", async function () {
        const writer = await openEmpty();
        const reader = await PostgresIndexStore.open({ pool: database.pool, readOnly: true, pollMs: 60_000 });
        try {
          await writer.ensureIdentity(IDENTITY);
          await writer.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
          while (reader.status().indexedBlock !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
          // A status read the range's notification started may still be in flight: let it land first.
          await new Promise((resolve) => setTimeout(resolve, 200));
          const seen: { indexedBlock: number; headBlock: number | null }[] = [];
          reader.subscribe(() => seen.push(reader.status()));
          await writer.setHead(2, 0);
          // The writer's own status names it at once, without reading it back.
          expect(writer.status()).to.include({ headBlock: 2, indexedBlock: 1, caughtUp: false });
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(seen).to.deep.equal([]);
          await writer.applyBlockRange(range(2, 2), (tx) => tx.updateBrand(1, { name: "Maison B" }));
          while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
          expect(seen[0]).to.include({ indexedBlock: 2, headBlock: 2 });
          expect(reader.status()).to.include({ caughtUp: true });
        } finally {
          await reader.close();
          await writer.close();
        }
      });
    });
  });

  describe("a reader on a hot standby", function () {
    describe("when other writes reach the standby before the notified range", function () {
      it("waits until the standby holds the range's block, not merely until its status row changes", async function () {
        // The standby is simulated on the same database: the range's notification is sent first, then
        // an unnotified write (the head, committed asynchronously) changes the status row, and the
        // range's checkpoint arrives last, without a notification of its own (the standby replaying it).
        const writer = await openEmpty();
        const reader = await PostgresIndexStore.open({
          pool: database.pool,
          listenPool: database.pool,
          readOnly: true,
          pollMs: 60_000,
        });
        try {
          await writer.ensureIdentity(IDENTITY);
          await writer.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
          while (reader.status().indexedBlock !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
          await database.pool.query("SELECT pg_notify($1, '2')", [INDEX_CHANNEL]);
          await new Promise((resolve) => setTimeout(resolve, 30));
          await writer.setHead(2, 0);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await database.pool.query(`UPDATE ${SERVED_SCHEMA}.meta SET value = $1 WHERE key = 'checkpoint'`, [
            JSON.stringify({ blockNumber: 2, blockHash: "0x" + "2".padStart(64, "0") }),
          ]);
          const deadline = Date.now() + 800;
          while (reader.status().indexedBlock !== 2 && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 5));
          expect(reader.status()).to.include({ indexedBlock: 2, headBlock: 2 });
        } finally {
          await reader.close();
          await writer.close();
        }
      });
    });
  });

  describe("applyBlockRange", function () {
    describe("when another writer applied a range since this one's last", function () {
      it("reads the rows as the other writer left them, not as it last wrote them", async function () {
        // The writer keeps its working set from range to range; a checkpoint it did not write means
        // rows it did not see written (a failover's new leader), so the set must be dropped.
        const first = await openEmpty();
        const second = await PostgresIndexStore.open({ pool: database.pool, pollMs: 60_000 });
        try {
          await first.ensureIdentity(IDENTITY);
          await first.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
          await second.applyBlockRange(range(2, 2), (tx) => tx.updateBrand(1, { name: "Maison B" }));
          let seen: string | undefined;
          await first.applyBlockRange(range(3, 3), (tx) => {
            seen = tx.getBrand(1)?.name;
            tx.updateBrand(1, { metadataURI: "ipfs://c" });
          });
          expect(seen).to.equal("Maison B");
          expect(await first.getBrand(1)).to.include({ name: "Maison B", metadataURI: "ipfs://c" });
        } finally {
          await second.close();
          await first.close();
        }
      });
    });
  });

  describe("applyBlockRange", function () {
    describe("when a range fills an empty table with thousands of rows (a first catch-up)", function () {
      it("leaves the table with every index it had, and reads through them", async function () {
        const store = await openEmpty();
        const indexes = async () =>
          (
            await database.pool.query<{ definition: string }>(
              "SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = 'hallmark_index' AND tablename = 'certificates' ORDER BY indexname",
            )
          ).rows.map((row) => row.definition);
        try {
          const before = await indexes();
          expect(before.length, "the primary key and the secondary indexes").to.be.above(2);
          await store.ensureIdentity(IDENTITY);
          await store.applyBlockRange(range(1, 1), (tx) => {
            brand(tx, 1);
            for (let i = 0; i < 2_500; i++) tx.insertCertificate(certificate(String(1_000 + i), 1, i));
          });
          expect(await indexes()).to.deep.equal(before);
          const page = await store.listCertificates({ brandId: 1, limit: 3 });
          expect(page.items.map((c) => c.tokenId)).to.deep.equal(["1000", "1001", "1002"]);
          await store.applyBlockRange(range(2, 2), (tx) =>
            tx.updateCertificate("1001", { status: "stolen" }),
          );
          expect((await store.getCertificate("1001"))?.status).to.equal("stolen");
        } finally {
          await store.close();
        }
      });
    });
  });

  describe("contentChanges", function () {
    it("names the certificates a range changed to a reader one version behind, and nothing more to one further behind", async function () {
      const writer = await openEmpty();
      const reader = await PostgresIndexStore.open({ pool: database.pool, readOnly: true, pollMs: 60_000 });
      const versionOf = async (expected: number) => {
        // The reader hears of the commit by NOTIFY; wait for it rather than for a fixed time.
        while (reader.contentVersion() !== expected) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      try {
        await writer.ensureIdentity(IDENTITY);
        await writer.applyBlockRange(range(1, 1), (tx) => {
          brand(tx, 1);
          tx.insertCertificate(certificate("7", 1));
          tx.insertCertificate(certificate("8", 1, 1));
        });
        const afterMint = writer.contentVersion();
        await versionOf(afterMint);
        expect(reader.contentChanges(afterMint - 1), "a brand row was written").to.equal(null);
        await writer.applyBlockRange(range(2, 2), (tx) => tx.updateCertificate("7", { status: "stolen" }));
        await versionOf(afterMint + 1);
        expect(reader.contentChanges(afterMint)).to.deep.equal(["7"]);
        expect(reader.contentChanges(afterMint + 1)).to.deep.equal([]);
        expect(reader.contentChanges(afterMint - 1), "two versions behind").to.equal(null);
        await writer.applyBlockRange(range(3, 3), (tx) => tx.updateBrand(1, { name: "Maison B" }));
        await versionOf(afterMint + 2);
        expect(reader.contentChanges(afterMint + 1), "a brand's row: every certificate's answer").to.equal(
          null,
        );
        await writer.rollbackTo(2);
        await versionOf(afterMint + 3);
        expect(reader.contentChanges(afterMint + 2), "a rollback").to.equal(null);
      } finally {
        await reader.close();
        await writer.close();
      }
    });
  });

  shouldBehaveLikeIndexStore(openEmpty);
});
