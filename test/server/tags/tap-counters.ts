import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../../server/store/postgres/database.js";
import { PostgresTapCounters } from "../../../server/store/postgres/tap-counters.js";
import { SqliteTapCounters } from "../../../server/store/sqlite/tap-counters.js";
import type { TagRef, TapCounters } from "../../../server/tags/tap-counters.js";
import { MAX_SDM_READ_COUNTER } from "../../../server/tags/sun.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";

/** Counters of two verifier instances that share state (the same file, the same database). */
type MakeCounters = (instance: "a" | "b") => TapCounters;

let nextUid = 1;
function freshTag(brandId = 1): TagRef {
  // A tag of its own per test: the store is shared by the whole suite.
  return { brandId, uid: `04${(nextUid++).toString(16).toUpperCase().padStart(12, "0")}` };
}

function shouldBehaveLikeTapCounters(make: () => MakeCounters): void {
  let counters: TapCounters;
  let tag: TagRef;

  beforeEach(function () {
    counters = make()("a");
    tag = freshTag();
  });

  it("accepts a tag's first tap and remembers its counter", async function () {
    expect(await counters.last(tag)).to.equal(null);
    expect(await counters.record(tag, 5)).to.deep.equal({ fresh: true, taps: 1 });
    expect(await counters.last(tag)).to.equal(5);
  });

  it("accepts only counters strictly above the last one", async function () {
    await counters.record(tag, 5);
    expect(await counters.record(tag, 5)).to.deep.equal({ fresh: false, last: 5 });
    expect(await counters.record(tag, 4)).to.deep.equal({ fresh: false, last: 5 });
    expect(await counters.record(tag, 9)).to.deep.equal({ fresh: true, taps: 2 });
    expect(await counters.last(tag)).to.equal(9);
  });

  it("keeps each tag's counter apart, and the same UID under two brands apart", async function () {
    await counters.record(tag, 7);
    const sameUidOtherBrand = { brandId: 2, uid: tag.uid };
    expect((await counters.record(sameUidOtherBrand, 1)).fresh).to.equal(true);
    expect((await counters.record(freshTag(), 1)).fresh).to.equal(true);
    expect(await counters.last(tag)).to.equal(7);
  });

  it("accepts the 24-bit maximum once, and nothing after it", async function () {
    await counters.record(tag, MAX_SDM_READ_COUNTER - 1);
    expect((await counters.record(tag, MAX_SDM_READ_COUNTER)).fresh).to.equal(true);
    expect(await counters.record(tag, MAX_SDM_READ_COUNTER)).to.deep.equal({
      fresh: false,
      last: MAX_SDM_READ_COUNTER,
    });
  });

  it("lets exactly one of many concurrent recordings of the same tap win", async function () {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => counters.record(tag, 3)));
    expect(outcomes.filter((outcome) => outcome.fresh)).to.have.length(1);
  });

  it("holds across instances: the same tap on two verifiers at once is fresh on one only", async function () {
    const a = make()("a");
    const b = make()("b");
    for (let counter = 1; counter <= 20; counter++) {
      const [onA, onB] = await Promise.all([a.record(tag, counter), b.record(tag, counter)]);
      expect([onA.fresh, onB.fresh].filter(Boolean), `counter ${counter}`).to.have.length(1);
    }
    expect(await b.last(tag)).to.equal(20);
  });
}

describe("TapCounters", function () {
  describe("SqliteTapCounters (one machine, two processes' connections to one file)", function () {
    let directory: string;
    const open: SqliteTapCounters[] = [];
    let byInstance: Record<"a" | "b", SqliteTapCounters>;

    before(async function () {
      directory = await mkdtemp(path.join(tmpdir(), "hallmark-tap-counters-"));
      const file = path.join(directory, "tags.sqlite");
      byInstance = { a: new SqliteTapCounters(file), b: new SqliteTapCounters(file) };
      open.push(byInstance.a, byInstance.b);
    });
    after(async function () {
      for (const counters of open) await counters.close();
      await rm(directory, { recursive: true, force: true });
    });

    shouldBehaveLikeTapCounters(() => (instance) => byInstance[instance]);
  });

  describe("PostgresTapCounters (two verifiers, two connection pools)", function () {
    let database: ThrowawayDatabase;
    let poolB: Awaited<ReturnType<typeof openDatabase>>;

    before(async function () {
      database = await createThrowawayDatabase();
      poolB = await openDatabase(database.url, { variable: "HALLMARK_TEST_DATABASE_URL" });
    });
    after(async function () {
      await poolB?.end();
      await database?.drop();
    });

    shouldBehaveLikeTapCounters(
      () => (instance) => new PostgresTapCounters(instance === "b" ? poolB : database.pool),
    );
  });
});
