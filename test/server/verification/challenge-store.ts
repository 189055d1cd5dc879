import { expect } from "chai";
import { ConflictError } from "../../../server/errors.js";
import { PostgresChallengeStore } from "../../../server/store/postgres/challenge-store.js";
import { openDatabase } from "../../../server/store/postgres/database.js";
import { MemoryChallengeStore } from "../../../server/verification/memory-challenge-store.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import { shouldBehaveLikeAChallengeStore } from "./challenge-store.behavior.js";

describe("ChallengeStore", function () {
  describe("MemoryChallengeStore", function () {
    shouldBehaveLikeAChallengeStore((options) => Promise.resolve(new MemoryChallengeStore(options)));
  });

  describe("PostgresChallengeStore", function () {
    let database: ThrowawayDatabase;
    let kinds = 0;

    before(async function () {
      database = await createThrowawayDatabase();
    });
    after(async function () {
      await database?.drop();
    });

    // Each store gets a kind of its own: the tests never see each other's rows.
    shouldBehaveLikeAChallengeStore((options) =>
      Promise.resolve(new PostgresChallengeStore(database.pool, { ...options, kind: `test-${++kinds}` })),
    );

    it("keeps ownership and chip challenges apart (an id of one kind is unknown to the other)", async function () {
      const ownership = new PostgresChallengeStore<{ tokenId: string }>(database.pool, {
        kind: "ownership-apart",
      });
      const chip = new PostgresChallengeStore<{ tokenId: string }>(database.pool, { kind: "chip-apart" });
      const challenge = await ownership.issue(() => ({ tokenId: "1" }));
      expect(await chip.stateOf(challenge.id).catch((error: unknown) => error)).to.have.property(
        "type",
        "not-found",
      );
    });

    it("shares a challenge between two verifiers: issued on one, taken once across both", async function () {
      // Instance B has a pool of its own: what they share is the database.
      const poolB = await openDatabase(database.url, { variable: "HALLMARK_TEST_DATABASE_URL" });
      try {
        const onA = new PostgresChallengeStore<{ tokenId: string }, { owner: boolean }>(database.pool, {
          kind: "fleet",
        });
        const onB = new PostgresChallengeStore<{ tokenId: string }, { owner: boolean }>(poolB, {
          kind: "fleet",
        });
        const challenge = await onA.issue(() => ({ tokenId: "42" }));
        expect(await onB.peek(challenge.id)).to.deep.equal(challenge);
        const takes = await Promise.allSettled([onA.take(challenge.id), onB.take(challenge.id)]);
        expect(takes.filter((t) => t.status === "fulfilled")).to.have.length(1);
        const lost = takes.find((t) => t.status === "rejected");
        expect(lost?.reason).to.be.instanceOf(ConflictError);
        await onB.consume(challenge.id, { owner: true });
        expect(await onA.stateOf(challenge.id)).to.deep.include({ state: "used", outcome: { owner: true } });
      } finally {
        await poolB.end();
      }
    });

    it("opens again a challenge whose verifier died mid-proof, once the take is abandoned", async function () {
      let now = 1_000_000_000;
      const store = new PostgresChallengeStore<{ tokenId: string }>(database.pool, {
        kind: "abandoned",
        ttlMs: 300_000,
        abandonedAfterMs: 60_000,
        now: () => now,
      });
      const challenge = await store.issue(() => ({ tokenId: "1" }));
      await store.take(challenge.id); // the verifier is killed here: no consume, no release
      now += 60_000;
      expect(await store.take(challenge.id).catch((error: unknown) => error)).to.be.instanceOf(ConflictError);
      now += 1;
      expect((await store.stateOf(challenge.id)).state).to.equal("open");
      expect((await store.take(challenge.id)).id).to.equal(challenge.id);
      expect(await store.take(challenge.id).catch((error: unknown) => error)).to.be.instanceOf(ConflictError);
    });

    it("uses the database's clock when no clock is given", async function () {
      const store = new PostgresChallengeStore<{ tokenId: string }>(database.pool, {
        kind: "clock",
        ttlMs: 1_000,
      });
      const before = Date.now();
      const challenge = await store.issue(() => ({ tokenId: "1" }));
      // The database runs on this machine: its clock and the test's agree within a second.
      expect(Math.abs(challenge.issuedAt - before)).to.be.below(1_000);
      expect(challenge.expiresAt - challenge.issuedAt).to.equal(1_000);
    });
  });
});
