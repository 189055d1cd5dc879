import { expect } from "chai";
import { AnswerCache, answerBytes } from "../../../server/api/answer-cache.js";
import type { IndexFreshness } from "../../../server/verification/freshness.js";

const FRESH: IndexFreshness = { block: 12, caughtUp: true, head: 12 };
const answerText = (...args: Parameters<typeof answerBytes>): string => answerBytes(...args).toString("utf8");

describe("AnswerCache", function () {
  let version: number;
  let cache: AnswerCache;
  beforeEach(function () {
    version = 1;
    cache = new AnswerCache({ version: () => version, maxEntries: 3, maxBytes: 10_000 });
  });

  describe("answerBytes", function () {
    it("is the body with the request's freshness as its last member, as JSON.stringify would write it", function () {
      const body = {
        tokenId: "7",
        owner: "0xabc",
        name: "Maison — sac n° 7",
        flags: ["stolen"],
        nested: { a: 1 },
      };
      const entry = cache.set("k", body, cache.currentVersion());
      expect(answerText(entry, FRESH)).to.equal(JSON.stringify({ ...body, index: FRESH }));
      expect(
        (JSON.parse(answerText(cache.get("k")!, { ...FRESH, stale: true })) as { index: unknown }).index,
      ).to.deep.equal({ ...FRESH, stale: true });
    });
    it("writes an empty body as an object holding only the freshness", function () {
      expect(answerText(cache.set("empty", {}, cache.currentVersion()), FRESH)).to.equal(
        JSON.stringify({ index: FRESH }),
      );
    });
  });

  describe("get", function () {
    describe("when the index's records changed since the answer was kept", function () {
      it("misses, and drops every answer", function () {
        cache.set("a", { a: 1 }, cache.currentVersion());
        cache.set("b", { b: 1 }, cache.currentVersion());
        version = 2;
        expect(cache.get("a")).to.equal(undefined);
        expect(cache.size).to.equal(0);
      });
    });
    describe("when the index names the certificates that changed", function () {
      let changed: readonly string[] | null;
      let asked: number[];
      beforeEach(function () {
        changed = ["7"];
        asked = [];
        cache = new AnswerCache({
          version: () => version,
          changedTokens: (since) => (asked.push(since), changed),
          maxEntries: 10,
          maxBytes: 10_000,
        });
        for (const key of [
          "certificate:7",
          "provenance:7::",
          "provenance:7:5:",
          "certificate:70",
          "provenance:8::",
        ])
          cache.set(key, { key }, cache.currentVersion());
      });
      it("drops those certificates' answers, every page of their history, and keeps the others", function () {
        version = 2;
        expect(cache.get("certificate:7")).to.equal(undefined);
        expect(asked).to.deep.equal([1]);
        expect(cache.get("provenance:7::")).to.equal(undefined);
        expect(cache.get("provenance:7:5:")).to.equal(undefined);
        expect(cache.get("certificate:70")?.prefix.toString()).to.equal('{"key":"certificate:70"');
        expect(cache.get("provenance:8::")).to.not.equal(undefined);
        expect(cache.size).to.equal(2);
        expect(cache.stats().bytes).to.equal(
          ["certificate:70", "provenance:8::"].reduce(
            (sum, key) => sum + JSON.stringify({ key }).length - 1 + key.length,
            0,
          ),
        );
      });
      it("drops every answer when the index cannot name them", function () {
        changed = null;
        version = 2;
        expect(cache.get("certificate:70")).to.equal(undefined);
        expect(cache.size).to.equal(0);
        expect(cache.stats().bytes).to.equal(0);
      });
    });
    describe("when the records did not change", function () {
      it("hits", function () {
        cache.set("a", { a: 1 }, cache.currentVersion());
        expect(cache.get("a")?.prefix.toString()).to.equal('{"a":1');
        expect(cache.stats().hits).to.equal(1);
      });
    });
  });

  describe("set", function () {
    describe("when the index changed while the answer was being built", function () {
      it("answers the entry to send but does not keep it", function () {
        const builtAt = cache.currentVersion();
        version = 2;
        const entry = cache.set("a", { a: 1 }, builtAt);
        expect(entry.prefix.toString()).to.equal('{"a":1');
        expect(cache.get("a")).to.equal(undefined);
      });
    });
    describe("when it holds more than its bounds", function () {
      it("drops the least recently used answers first", function () {
        const v = cache.currentVersion();
        cache.set("a", { a: 1 }, v);
        cache.set("b", { b: 1 }, v);
        cache.set("c", { c: 1 }, v);
        cache.get("a");
        cache.set("d", { d: 1 }, v);
        expect(cache.get("b")).to.equal(undefined);
        expect(cache.get("a")).to.not.equal(undefined);
        expect(cache.size).to.equal(3);
      });
      it("keeps nothing when its byte bound is 0 (HALLMARK_ANSWER_CACHE_MB=0), and still answers what to send", function () {
        const off = new AnswerCache({ version: () => 1, maxBytes: 0 });
        expect(off.set("a", { a: 1 }, off.currentVersion()).prefix.toString()).to.equal('{"a":1');
        expect(off.get("a")).to.equal(undefined);
      });
      it("never keeps an answer larger than its byte bound", function () {
        cache.set("big", { text: "x".repeat(12_000) }, cache.currentVersion());
        expect(cache.get("big")).to.equal(undefined);
        expect(cache.stats().bytes).to.equal(0);
      });
    });
  });
});
