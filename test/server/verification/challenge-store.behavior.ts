import { expect } from "chai";
import { ConflictError, ExpiredError, NotFoundError } from "../../../server/errors.js";
import type { ChallengeStore, ChallengeStoreOptions } from "../../../server/verification/challenge-store.js";

/** Makes a fresh, empty store; the suite drives its clock through `options.now`. */
export type MakeChallengeStore = <T, R = never>(
  options: ChallengeStoreOptions,
) => Promise<ChallengeStore<T, R>>;

async function rejection(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

/** The rules every ChallengeStore keeps (memory and PostgreSQL), as one specification. */
export function shouldBehaveLikeAChallengeStore(make: MakeChallengeStore): void {
  let now: number;
  let store: ChallengeStore<{ tokenId: string }>;
  const clock = () => now;
  const tokenPayload = (tokenId: string) => () => ({ tokenId });

  beforeEach(async function () {
    now = 1_000_000_000;
    store = await make({ ttlMs: 60_000, maxEntries: 3, now: clock });
  });

  it("issues random bytes32 challenges that expire after the TTL", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    expect(challenge.id).to.match(/^0x[0-9a-f]{64}$/);
    expect(challenge.issuedAt).to.equal(now);
    expect(challenge.expiresAt).to.equal(now + 60_000);
    expect((await store.issue(tokenPayload("1"))).id).to.not.equal(challenge.id);
  });

  it("makes the payload from the new id (a chip's message embeds it)", async function () {
    const messages = await make<{ message: string }>({ ttlMs: 60_000, now: clock });
    const challenge = await messages.issue((id) => ({ message: `challenge: ${id}` }));
    expect(challenge.payload.message).to.equal(`challenge: ${challenge.id}`);
    expect((await messages.peek(challenge.id)).payload.message).to.equal(`challenge: ${challenge.id}`);
  });

  it("peeks without taking, whatever the case of the id", async function () {
    const challenge = await store.issue(tokenPayload("7"));
    expect(await store.peek(challenge.id.toUpperCase().replace("0X", "0x"))).to.deep.equal(challenge);
    expect(await store.take(challenge.id)).to.deep.equal(challenge);
  });

  it("refuses an expired challenge with ExpiredError (HTTP 410)", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    now += 60_000;
    expect((await store.peek(challenge.id)).id).to.equal(challenge.id); // valid up to its expiry
    now += 1;
    expect(await rejection(store.take(challenge.id))).to.be.instanceOf(ExpiredError);
    expect(await rejection(store.peek(challenge.id))).to.be.instanceOf(ExpiredError);
  });

  it("refuses a used challenge with ConflictError (HTTP 409), also while in use", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    await store.take(challenge.id);
    expect(await rejection(store.take(challenge.id))).to.be.instanceOf(ConflictError);
    expect(await rejection(store.peek(challenge.id))).to.be.instanceOf(ConflictError);
    await store.consume(challenge.id);
    expect(await rejection(store.take(challenge.id))).to.be.instanceOf(ConflictError);
  });

  it("lets exactly one of many concurrent takes win", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.take(challenge.id)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).to.have.length(1);
    for (const o of outcomes.filter((o) => o.status === "rejected"))
      expect(o.reason).to.be.instanceOf(ConflictError);
  });

  it("gives a released challenge back (the chain was down)", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    await store.take(challenge.id);
    await store.release(challenge.id);
    expect((await store.take(challenge.id)).payload.tokenId).to.equal("1");
  });

  it("does not release a consumed challenge", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    await store.take(challenge.id);
    await store.consume(challenge.id);
    await store.release(challenge.id);
    expect(await rejection(store.take(challenge.id))).to.be.instanceOf(ConflictError);
  });

  it("refuses an unknown challenge with NotFoundError (HTTP 404)", async function () {
    const unknown = "0x" + "00".repeat(32);
    expect(await rejection(store.take(unknown))).to.be.instanceOf(NotFoundError);
    expect(await rejection(store.peek(unknown))).to.be.instanceOf(NotFoundError);
    expect(await rejection(store.stateOf(unknown))).to.be.instanceOf(NotFoundError);
  });

  it("lets the state be read without taking it: open, then used with its outcome, then expired", async function () {
    const outcomes = await make<
      { tokenId: string },
      { owner: boolean; address: string | null; block: number }
    >({
      ttlMs: 60_000,
      now: clock,
    });
    const challenge = await outcomes.issue(tokenPayload("1"));
    expect((await outcomes.stateOf(challenge.id)).state).to.equal("open");
    expect((await outcomes.stateOf(challenge.id)).state).to.equal("open");
    await outcomes.take(challenge.id);
    expect((await outcomes.stateOf(challenge.id)).state).to.equal("open");
    const outcome = { owner: true, address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", block: 12 };
    await outcomes.consume(challenge.id, outcome);
    const used = await outcomes.stateOf(challenge.id);
    expect(used).to.deep.equal({ state: "used", challenge, outcome });
    // The outcome keeps its fields in order: an answer built from it reads the same on every store.
    expect(JSON.stringify(used.state === "used" ? used.outcome : null)).to.equal(JSON.stringify(outcome));
    now += 60_001;
    expect(await outcomes.stateOf(challenge.id)).to.deep.equal({ state: "expired", challenge });
  });

  it("tells a consumed challenge without an outcome (the proof failed) from a proven one", async function () {
    const challenge = await store.issue(tokenPayload("1"));
    await store.take(challenge.id);
    await store.consume(challenge.id);
    expect(await store.stateOf(challenge.id)).to.deep.equal({ state: "used", challenge, outcome: undefined });
  });

  it("keeps at most maxEntries, dropping expired then oldest", async function () {
    const first = await store.issue(tokenPayload("1"));
    await store.issue(tokenPayload("2"));
    await store.issue(tokenPayload("3"));
    await store.issue(tokenPayload("4"));
    expect(await store.count()).to.equal(3);
    expect(await rejection(store.take(first.id))).to.be.instanceOf(NotFoundError);
  });

  it("keeps an expired challenge (to say 'expired') until the room is needed", async function () {
    const old = await store.issue(tokenPayload("1"));
    now += 60_001;
    await store.issue(tokenPayload("2"));
    expect((await store.stateOf(old.id)).state).to.equal("expired");
    await store.issue(tokenPayload("3"));
    await store.issue(tokenPayload("4")); // full: the expired one goes first
    expect(await rejection(store.stateOf(old.id))).to.be.instanceOf(NotFoundError);
    expect(await store.count()).to.equal(3);
  });

  describe("per client", function () {
    let shared: ChallengeStore<{ tokenId: string }>;

    beforeEach(async function () {
      shared = await make({ ttlMs: 60_000, maxEntries: 10, maxPerClient: 3, now: clock });
    });

    it("does not let one client asking in a loop evict another client's open challenge", async function () {
      const buyer = await shared.issue(tokenPayload("1"), "198.51.100.7");
      for (let i = 0; i < 50; i++) await shared.issue(tokenPayload("2"), "203.0.113.9");
      expect((await shared.take(buyer.id)).payload.tokenId).to.equal("1");
      expect(await shared.count()).to.equal(4);
    });

    it("replaces a client's own oldest challenge once it holds its limit", async function () {
      const [first, second, third] = [
        await shared.issue(tokenPayload("1"), "198.51.100.7"),
        await shared.issue(tokenPayload("2"), "198.51.100.7"),
        await shared.issue(tokenPayload("3"), "198.51.100.7"),
      ];
      const fourth = await shared.issue(tokenPayload("4"), "198.51.100.7");
      expect(await rejection(shared.take(first.id))).to.be.instanceOf(NotFoundError);
      for (const kept of [second, third, fourth]) expect((await shared.peek(kept.id)).id).to.equal(kept.id);
    });

    it("drops a client's expired challenges before its live ones", async function () {
      const old = await shared.issue(tokenPayload("1"), "198.51.100.7");
      now += 60_001;
      const live = [
        await shared.issue(tokenPayload("2"), "198.51.100.7"),
        await shared.issue(tokenPayload("3"), "198.51.100.7"),
      ];
      await shared.issue(tokenPayload("4"), "198.51.100.7");
      expect(await rejection(shared.take(old.id))).to.be.instanceOf(NotFoundError);
      for (const kept of live) expect((await shared.peek(kept.id)).id).to.equal(kept.id);
    });

    it("when full with many clients, evicts from the one holding the most", async function () {
      const buyers = [];
      for (let n = 1; n <= 4; n++)
        buyers.push(await shared.issue(tokenPayload(String(n)), `198.51.100.${n}`));
      for (let n = 1; n <= 2; n++)
        for (let i = 0; i < 3; i++) await shared.issue(tokenPayload("9"), `203.0.113.${n}`);
      expect(await shared.count()).to.equal(10);
      await shared.issue(tokenPayload("5"), "198.51.100.5");
      expect(await shared.count()).to.equal(10);
      for (const buyer of buyers) expect((await shared.peek(buyer.id)).id).to.equal(buyer.id);
    });

    it("holds the bounds when one client issues many at once", async function () {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => shared.issue(tokenPayload(String(i)), "203.0.113.9")),
      );
      expect(await shared.count()).to.equal(3);
    });
  });
}
