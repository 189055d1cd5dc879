import { expect } from "chai";
import { ConflictError, ExpiredError, NotFoundError } from "../../../server/errors.js";
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

  it("keeps at most maxEntries, dropping expired then oldest", function () {
    const first = store.issue({ tokenId: "1" });
    store.issue({ tokenId: "2" });
    store.issue({ tokenId: "3" });
    store.issue({ tokenId: "4" });
    expect(store.size).to.equal(3);
    expect(() => store.take(first.id)).to.throw(NotFoundError);
  });
});
