import { expect } from "chai";
import { PostgresIndexStore } from "../../../server/store/postgres/PostgresIndexStore.js";
import { brand, IDENTITY, range, shouldBehaveLikeIndexStore } from "./index-store.behavior.js";
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

  shouldBehaveLikeIndexStore(openEmpty);
});
