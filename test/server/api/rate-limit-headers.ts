import { expect } from "chai";
import { ISSUER_SCOPES } from "../../../server/issuer/auth/scopes.js";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

/** `"default";r=7;t=3` → { policy: "default", r: 7, t: 3 }. */
function parseRateLimit(field: string | null): { policy: string; r: number; t: number } {
  const match = /^"([a-z]+)";r=(\d+);t=(\d+)$/.exec(field ?? "");
  if (match === null) throw new Error(`not a RateLimit field: ${field}`);
  return { policy: match[1], r: Number(match[2]), t: Number(match[3]) };
}

/**
 * A partner in a burst reads where it stands on every answer (IETF RateLimit and RateLimit-Policy,
 * draft-ietf-httpapi-ratelimit-headers) instead of finding out with a 429; a partner key carries a
 * larger budget of its own.
 */
describe("rate budgets: RateLimit headers and partner keys", function () {
  let stack: Stack;
  let tokenId: string;
  // Each test comes from its own address, so that budgets do not leak between tests.
  let address = 10;
  const from = (): Record<string, string> => ({ "x-forwarded-for": `198.51.100.${address++}` });

  before(async function () {
    stack = await buildStack({
      env: {
        HALLMARK_RATE_LIMIT_PER_MINUTE: "6",
        HALLMARK_PARTNER_RATE_LIMIT_PER_MINUTE: "600",
        HALLMARK_TRUST_PROXY: "true",
      },
    });
    tokenId = (await stack.issue("RL-1", stack.alice.address)).toString();
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  it("names the policy (a quota of 10 refilled in 100 s at 6 a minute) and counts down on every answer", async function () {
    const headers = from();
    const first = await getJson(`${stack.url}/v1/certificates/${tokenId}`, { headers });
    expect(first.headers.get("ratelimit-policy")).to.equal('"default";q=10;w=100');
    expect(parseRateLimit(first.headers.get("ratelimit")).r).to.equal(9);
    // The second read is the fast path's (a cached answer): it says the same.
    const second = await getJson(`${stack.url}/v1/certificates/${tokenId}`, { headers });
    expect(second.headers.get("ratelimit-policy")).to.equal('"default";q=10;w=100');
    const left = parseRateLimit(second.headers.get("ratelimit"));
    expect(left.r).to.equal(8);
    expect(left.t).to.be.within(1, 100);
    // A problem answer too.
    const missing = await getJson(`${stack.url}/v1/certificates/1`, { headers });
    expect(missing.status).to.equal(404);
    expect(parseRateLimit(missing.headers.get("ratelimit")).r).to.equal(7);
  });

  it("answers 429 with Retry-After and r=0 once the quota is spent", async function () {
    const headers = from();
    for (let i = 0; i < 10; i++) await getJson(`${stack.url}/v1/brands`, { headers });
    const refused = await getJson<{ type: string }>(`${stack.url}/v1/brands`, { headers });
    expect(refused.status).to.equal(429);
    expect(refused.body.type).to.equal("https://hallmark.dev/problems/rate-limited");
    expect(Number(refused.headers.get("retry-after"))).to.be.at.least(1);
    expect(parseRateLimit(refused.headers.get("ratelimit")).r).to.equal(0);
  });

  it("charges a batch one request per item, and refuses one larger than what is left", async function () {
    const headers = { ...from(), "content-type": "application/json" };
    const lookup = (count: number) =>
      getJson(`${stack.url}/v1/certificates/lookup`, {
        method: "POST",
        headers,
        body: JSON.stringify({ items: Array.from({ length: count }, () => ({ tokenId })) }),
      });
    const five = await lookup(5);
    expect(five.status).to.equal(200);
    expect(parseRateLimit(five.headers.get("ratelimit")).r).to.equal(5);
    const tooMany = await lookup(8);
    expect(tooMany.status).to.equal(429);
  });

  describe("with a partner key", function () {
    let partnerKey: string;

    before(async function () {
      partnerKey = (await stack.verifier.issuer.keys.createPartner({ label: "Seconde Main" })).key;
    });

    it("spends the key's own, larger budget, whatever address it comes from", async function () {
      const answer = await getJson(`${stack.url}/v1/certificates/${tokenId}`, {
        headers: { ...from(), authorization: `Bearer ${partnerKey}` },
      });
      expect(answer.status).to.equal(200);
      expect(answer.headers.get("ratelimit-policy")).to.equal('"partner";q=100;w=10');
      expect(parseRateLimit(answer.headers.get("ratelimit")).r).to.equal(99);
      const again = await getJson(`${stack.url}/v1/brands`, {
        headers: { ...from(), authorization: `Bearer ${partnerKey}` },
      });
      expect(parseRateLimit(again.headers.get("ratelimit"))).to.include({ policy: "partner", r: 98 });
    });

    it("gives an unknown key, or an issuer key, the address's budget", async function () {
      const issuerKey = (await stack.verifier.issuer.keys.create({ brandId: 1, scopes: [...ISSUER_SCOPES] }))
        .key;
      for (const key of [`hmk_${"0".repeat(16)}_${"1".repeat(64)}`, issuerKey]) {
        const answer = await getJson(`${stack.url}/v1/brands`, {
          headers: { ...from(), authorization: `Bearer ${key}` },
        });
        expect(answer.status).to.equal(200);
        expect(answer.headers.get("ratelimit-policy")).to.equal('"default";q=10;w=100');
      }
    });

    it("opens no issuer route", async function () {
      const answer = await getJson<{ detail: string }>(`${stack.url}/v1/issuer/audit`, {
        headers: { authorization: `Bearer ${partnerKey}` },
      });
      expect(answer.status).to.equal(403);
      expect(answer.body.detail).to.equal("A partner key reads the verifier API; it acts for no brand");
    });
  });
});
