import { expect } from "chai";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../../../server/store/sqlite/schema.js";
import { SqliteIndexStore } from "../../../server/store/sqlite/SqliteIndexStore.js";
import { makeTempDir } from "../support/temp-dir.js";
import { brand, IDENTITY, range, shouldBehaveLikeIndexStore } from "./index-store.behavior.js";

describe("SqliteIndexStore", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  before(async function () {
    temp = await makeTempDir("store");
  });
  after(async function () {
    await temp.remove();
  });

  describe("constructor", function () {
    describe("when opening a file", function () {
      it("applies every migration once, in WAL mode, and keeps the data across reopen", async function () {
        const file = join(temp.path, "index.sqlite");
        const first = new SqliteIndexStore({ location: file });
        await first.ensureIdentity(IDENTITY);
        await first.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
        expect(await first.schemaVersion()).to.equal(MIGRATIONS.length);
        await first.close();
        const raw = new DatabaseSync(file);
        expect(raw.prepare("PRAGMA journal_mode").get()).to.deep.include({ journal_mode: "wal" });
        raw.close();
        const second = new SqliteIndexStore({ location: file });
        expect(await second.schemaVersion()).to.equal(MIGRATIONS.length);
        expect(await second.getBrand(1)).to.include({ name: "Maison A" });
        expect(await second.ensureIdentity(IDENTITY)).to.deep.equal({ rebuilt: false });
        await second.close();
      });
    });
  });

  shouldBehaveLikeIndexStore(() => new SqliteIndexStore({ location: ":memory:" }));
});
