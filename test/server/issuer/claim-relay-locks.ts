import { expect } from "chai";
import { MemoryClaimRelayLocks } from "../../../server/issuer/claim-relay-locks.js";
import type { ClaimRelayLocks, ClaimRelayLocksOptions } from "../../../server/issuer/claim-relay-locks.js";
import { PostgresClaimRelayLocks } from "../../../server/store/postgres/claim-relay-locks.js";
import { openDatabase } from "../../../server/store/postgres/database.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";

/** Fresh locks with no token held; `instance` names a verifier (locks of one instance share state with the others'). */
type MakeLocks = (options: ClaimRelayLocksOptions, instance?: "a" | "b") => ClaimRelayLocks;

let nextToken = 1n;

function shouldBehaveLikeClaimRelayLocks(make: () => MakeLocks, sharedAcrossInstances: boolean): void {
  let now: number;
  let locks: ClaimRelayLocks;
  let tokenId: bigint;
  const options = (): ClaimRelayLocksOptions => ({ ttlMs: 60_000, now: () => now });

  beforeEach(function () {
    now = 1_000_000_000;
    locks = make()(options());
    tokenId = nextToken++; // a token of its own: the database is shared by the whole suite
  });

  it("lets one relay hold a certificate's claim at a time", async function () {
    const first = await locks.acquire(tokenId);
    expect(first).to.not.equal(null);
    expect(await locks.acquire(tokenId)).to.equal(null);
    expect(await locks.acquire(tokenId + 1_000_000n)).to.not.equal(null); // another certificate is free
  });

  it("frees the claim when the holder releases it (after the receipt or the failure)", async function () {
    const first = await locks.acquire(tokenId);
    await first!.release();
    await first!.release(); // idempotent
    expect(await locks.acquire(tokenId)).to.not.equal(null);
  });

  it("lets exactly one of many concurrent attempts hold it", async function () {
    const attempts = await Promise.all(Array.from({ length: 8 }, () => locks.acquire(tokenId)));
    expect(attempts.filter((lock) => lock !== null)).to.have.length(1);
  });

  it("expires a lock whose holder died, and the late holder's release does not free its successor's", async function () {
    const crashed = await locks.acquire(tokenId);
    now += 60_000;
    expect(await locks.acquire(tokenId)).to.equal(null); // still held at its expiry
    now += 1;
    const successor = await locks.acquire(tokenId);
    expect(successor).to.not.equal(null);
    await crashed!.release();
    expect(await locks.acquire(tokenId)).to.equal(null);
    await successor!.release();
    expect(await locks.acquire(tokenId)).to.not.equal(null);
  });

  if (sharedAcrossInstances) {
    it("holds across verifiers: a claim relayed by one is refused by the other until released", async function () {
      const onA = make()(options(), "a");
      const onB = make()(options(), "b");
      const held = await onA.acquire(tokenId);
      expect(await onB.acquire(tokenId)).to.equal(null);
      await held!.release();
      expect(await onB.acquire(tokenId)).to.not.equal(null);
    });
  }
}

describe("ClaimRelayLocks", function () {
  describe("MemoryClaimRelayLocks", function () {
    shouldBehaveLikeClaimRelayLocks(() => (options) => new MemoryClaimRelayLocks(options), false);
  });

  describe("PostgresClaimRelayLocks", function () {
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

    shouldBehaveLikeClaimRelayLocks(
      () => (options, instance) =>
        new PostgresClaimRelayLocks(instance === "b" ? poolB : database.pool, options),
      true,
    );
  });
});
