import { expect } from "chai";
import { existsSync } from "node:fs";
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

  describe("completeRebuild", function () {
    describe("when the index is a file", function () {
      it("renames the rebuilt file over the served one, which a reopen then finds", async function () {
        const file = join(temp.path, "rebuilt.sqlite");
        const store = new SqliteIndexStore({ location: file });
        await store.ensureIdentity(IDENTITY);
        await store.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
        await store.beginRebuild();
        expect(existsSync(`${file}.rebuild`)).to.equal(true);
        await store.applyBlockRange(range(1, 3), () => undefined);
        await store.completeRebuild();
        expect(existsSync(`${file}.rebuild`)).to.equal(false);
        expect(await store.getBrand(1)).to.equal(null);
        expect(store.status()).to.include({ indexedBlock: 3 });
        await store.close();
        const reopened = new SqliteIndexStore({ location: file });
        expect((await reopened.checkpoint())?.blockNumber).to.equal(3);
        expect(await reopened.ensureIdentity(IDENTITY)).to.deep.equal({ rebuilt: false });
        await reopened.close();
      });
    });
    describe("when the process stopped mid-rebuild", function () {
      it("reopens the last complete index and forgets the partial one", async function () {
        const file = join(temp.path, "interrupted.sqlite");
        const store = new SqliteIndexStore({ location: file });
        await store.ensureIdentity(IDENTITY);
        await store.applyBlockRange(range(1, 1), (tx) => brand(tx, 1));
        await store.beginRebuild();
        await store.applyBlockRange(range(1, 2), () => undefined);
        await store.close();
        const reopened = new SqliteIndexStore({ location: file });
        expect(existsSync(`${file}.rebuild`)).to.equal(false);
        expect(await reopened.rebuilding()).to.equal(false);
        expect(await reopened.getBrand(1)).to.include({ name: "Maison A" });
        expect((await reopened.checkpoint())?.blockNumber).to.equal(1);
        await reopened.close();
      });
    });
  });

  shouldBehaveLikeIndexStore(() => new SqliteIndexStore({ location: ":memory:" }));
});
