import { expect } from "chai";
import { ConflictError, ExpiredError, NotFoundError } from "../../../server/errors.js";
import { clientKeyOf } from "../../../server/http/client-key.js";
import { ChallengeStore } from "../../../server/verification/challenge-store.js";

describe("ChallengeStore", function () {
  let now: number;
  let store: ChallengeStore<{ tokenId: string }>;

  beforeEach(function () {
    now = 1_000_000;
    store = new ChallengeStore({ ttlMs: 60_000, maxEntries: 3, now: () => now });
  });

  it("issues random bytes32 challenges that expire after the TTL", function () {
    const challenge = store.issue({ tokenId: "1" });
    expect(challenge.id).to.match(/^0x[0-9a-f]{64}$/);
    expect(challenge.expiresAt).to.equal(now + 60_000);
    expect(store.issue({ tokenId: "1" }).id).to.not.equal(challenge.id);
  });

  it("refuses an expired challenge with ExpiredError (HTTP 410)", function () {
    const challenge = store.issue({ tokenId: "1" });
    now += 60_001;
    expect(() => store.take(challenge.id)).to.throw(ExpiredError);
  });

  it("refuses a used challenge with ConflictError (HTTP 409), also while in use", function () {
    const challenge = store.issue({ tokenId: "1" });
    store.take(challenge.id);
    expect(() => store.take(challenge.id)).to.throw(ConflictError);
    store.consume(challenge.id);
    expect(() => store.take(challenge.id)).to.throw(ConflictError);
  });

  it("gives a released challenge back (the chain was down)", function () {
    const challenge = store.issue({ tokenId: "1" });
    store.take(challenge.id);
    store.release(challenge.id);
    expect(store.take(challenge.id).payload.tokenId).to.equal("1");
  });

  it("refuses an unknown challenge with NotFoundError (HTTP 404)", function () {
    expect(() => store.take("0x" + "00".repeat(32))).to.throw(NotFoundError);
  });

  it("lets the state be read without taking it: open, then used with its outcome, then expired", function () {
    const outcomes = new ChallengeStore<{ tokenId: string }, { owner: boolean }>({ ttlMs: 60_000, now: () => now });
    const challenge = outcomes.issue({ tokenId: "1" });
    expect(outcomes.stateOf(challenge.id).state).to.equal("open");
    expect(outcomes.stateOf(challenge.id).state).to.equal("open");
    outcomes.take(challenge.id);
    expect(outcomes.stateOf(challenge.id).state).to.equal("open");
    outcomes.consume(challenge.id, { owner: true });
    expect(outcomes.stateOf(challenge.id)).to.deep.include({ state: "used", outcome: { owner: true } });
    now += 60_001;
    expect(outcomes.stateOf(challenge.id)).to.deep.equal({ state: "expired", challenge: { ...challenge } });
    expect(() => outcomes.stateOf("0x" + "00".repeat(32))).to.throw(NotFoundError);
  });

  it("keeps at most maxEntries, dropping expired then oldest", function () {
    const first = store.issue({ tokenId: "1" });
    store.issue({ tokenId: "2" });
    store.issue({ tokenId: "3" });
    store.issue({ tokenId: "4" });
    expect(store.size).to.equal(3);
    expect(() => store.take(first.id)).to.throw(NotFoundError);
  });

  describe("per client", function () {
    let shared: ChallengeStore<{ tokenId: string }>;

    beforeEach(function () {
      shared = new ChallengeStore({ ttlMs: 60_000, maxEntries: 10, maxPerClient: 3, now: () => now });
    });

    it("does not let one client asking in a loop evict another client's open challenge", function () {
      const buyer = shared.issue({ tokenId: "1" }, "198.51.100.7");
      for (let i = 0; i < 1_000; i++) shared.issue({ tokenId: "2" }, "203.0.113.9");
      expect(shared.take(buyer.id).payload.tokenId).to.equal("1");
      expect(shared.size).to.equal(4);
    });

    it("replaces a client's own oldest challenge once it holds its limit", function () {
      const [first, second, third] = [1, 2, 3].map((n) => shared.issue({ tokenId: String(n) }, "198.51.100.7"));
      const fourth = shared.issue({ tokenId: "4" }, "198.51.100.7");
      expect(() => shared.take(first.id)).to.throw(NotFoundError);
      for (const kept of [second, third, fourth]) expect(shared.peek(kept.id).id).to.equal(kept.id);
    });

    it("drops a client's expired challenges before its live ones", function () {
      const old = shared.issue({ tokenId: "1" }, "198.51.100.7");
      now += 60_001;
      const live = [2, 3].map((n) => shared.issue({ tokenId: String(n) }, "198.51.100.7"));
      shared.issue({ tokenId: "4" }, "198.51.100.7");
      expect(() => shared.take(old.id)).to.throw(NotFoundError);
      for (const kept of live) expect(shared.peek(kept.id).id).to.equal(kept.id);
    });

    it("when full with many clients, evicts from the one holding the most", function () {
      const buyers = [1, 2, 3, 4].map((n) => shared.issue({ tokenId: String(n) }, `198.51.100.${n}`));
      for (let n = 1; n <= 2; n++) for (let i = 0; i < 3; i++) shared.issue({ tokenId: "9" }, `203.0.113.${n}`);
      expect(shared.size).to.equal(10);
      shared.issue({ tokenId: "5" }, "198.51.100.5");
      expect(shared.size).to.equal(10);
      for (const buyer of buyers) expect(shared.peek(buyer.id).id).to.equal(buyer.id);
    });
  });
});

describe("clientKeyOf", function () {
  it("counts an IPv4 address (also IPv4-mapped) as itself", function () {
    expect(clientKeyOf("203.0.113.9")).to.equal("203.0.113.9");
    expect(clientKeyOf("::ffff:203.0.113.9")).to.equal("203.0.113.9");
  });

  it("counts every address of an IPv6 /64 as one client", function () {
    expect(clientKeyOf("2001:db8:1:2::1")).to.equal("2001:db8:1:2::/64");
    expect(clientKeyOf("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")).to.equal("2001:db8:1:2::/64");
    expect(clientKeyOf("2001:db8::1")).to.equal("2001:db8:0:0::/64");
    expect(clientKeyOf("fe80::1%eth0")).to.equal("fe80:0:0:0::/64");
    expect(clientKeyOf("::1")).to.equal("0:0:0:0::/64");
  });

  it("has a key for a request without an address", function () {
    expect(clientKeyOf(undefined)).to.equal("unknown");
  });
});
