import { expect } from "chai";
import { buildStack } from "./stack.js";
import type { Stack } from "./stack.js";

interface Case {
  name: string;
  method?: "GET" | "POST";
  path: string;
  /** Raw body text for POST (sent as is). */
  body?: string;
  contentType?: string;
  status: number;
}

const ZERO_ID = "0";
const TOKEN = (1n << 224n) | 12345n;
const CHALLENGE = "0x" + "11".repeat(32);
const SIG = "0x" + "22".repeat(65);
const RECIPIENT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const json = (value: unknown): string => JSON.stringify(value);

/** Every request here is wrong in one way; each must get its 4xx problem, never a 500. */
const CASES: Case[] = [
  { name: "token id with letters", path: "/v1/certificates/12ab", status: 400 },
  { name: "token id above uint256", path: `/v1/certificates/${(1n << 256n).toString()}`, status: 400 },
  { name: "negative token id", path: "/v1/certificates/-1", status: 400 },
  { name: "token id with a decimal point", path: "/v1/certificates/1.5", status: 400 },
  { name: "hex token id too long", path: `/v1/certificates/0x${"f".repeat(65)}`, status: 400 },
  { name: "token id with encoded slash", path: "/v1/certificates/1%2F2", status: 400 },
  { name: "token id with bad percent-encoding", path: "/v1/certificates/%E0%A4%A", status: 400 },
  { name: "unknown certificate", path: `/v1/certificates/${TOKEN.toString()}`, status: 404 },
  { name: "unknown certificate (zero)", path: `/v1/certificates/${ZERO_ID}`, status: 404 },
  { name: "provenance of a malformed id", path: "/v1/certificates/xyz/provenance", status: 400 },
  {
    name: "provenance of an unknown certificate",
    path: `/v1/certificates/${TOKEN.toString()}/provenance`,
    status: 404,
  },
  {
    name: "provenance with a malformed cursor",
    path: "/v1/certificates/1/provenance?cursor=%%%",
    status: 400,
  },
  { name: "list with a malformed cursor", path: "/v1/certificates?cursor=not*a*cursor", status: 400 },
  { name: "list with a forged cursor", path: "/v1/certificates?cursor=AAAA", status: 400 },
  { name: "list with limit 0", path: "/v1/certificates?limit=0", status: 400 },
  { name: "list with limit too large", path: "/v1/certificates?limit=100000", status: 400 },
  { name: "list with a non-numeric limit", path: "/v1/certificates?limit=ten", status: 400 },
  { name: "list with an unknown status", path: "/v1/certificates?status=lost", status: 400 },
  { name: "list with a malformed owner", path: "/v1/certificates?owner=0x1234", status: 400 },
  { name: "list with brand 0", path: "/v1/certificates?brand=0", status: 400 },
  { name: "list with a repeated query key", path: "/v1/certificates?brand=1&brand=2", status: 400 },
  { name: "owner items of a non-address", path: "/v1/owners/alice/items", status: 400 },
  {
    name: "owner items with a bad checksum",
    path: "/v1/owners/0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266/items",
    status: 400,
  },
  {
    name: "owner items with a malformed cursor",
    path: "/v1/owners/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/items?cursor=$$",
    status: 400,
  },
  { name: "brand slug of no brand", path: "/v1/brands/one", status: 404 },
  { name: "brand slug with an underscore", path: "/v1/brands/maison_a", status: 400 },
  { name: "brand id above uint32", path: "/v1/brands/4294967296", status: 400 },
  { name: "unknown brand", path: "/v1/brands/999", status: 404 },
  { name: "brand list with a malformed cursor", path: "/v1/brands?cursor=!!", status: 400 },
  { name: "serial lookup for an unknown brand", path: "/v1/brands/77/items/MA-0001", status: 404 },
  { name: "serial lookup of an unknown serial", path: "/v1/brands/1/items/NO-SUCH", status: 404 },
  { name: "serial too long", path: `/v1/brands/1/items/${"x".repeat(200)}`, status: 400 },
  { name: "serial with a control character", path: "/v1/brands/1/items/A%00B", status: 400 },
  { name: "design id malformed", path: "/v1/garments/-5", status: 400 },
  { name: "unknown design", path: "/v1/garments/424242", status: 404 },
  { name: "GTIN with a wrong check digit", path: "/01/08012345000001/21/MA-0001", status: 400 },
  { name: "GTIN of the wrong length", path: "/01/123/21/MA-0001", status: 400 },
  { name: "GTIN of no configured brand", path: "/01/09999999000003/21/MA-0001", status: 404 },
  { name: "GTIN with a malformed ?brand", path: "/01/08012345000005/21/MA-0001?brand=x", status: 400 },
  { name: "verification page of a malformed id", path: "/v/abc", status: 400 },
  { name: "events with a malformed type filter", path: "/v1/events?type=DROP%20TABLE", status: 400 },
  { name: "unknown route", path: "/v1/nothing-here", status: 404 },
  { name: "CID that is not a CID", path: "/ipfs/not-a-cid", status: 400 },
  {
    name: "ownership challenge without a body",
    method: "POST",
    path: "/v1/ownership/challenges",
    status: 400,
  },
  {
    name: "ownership challenge with invalid JSON",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: "{tokenId:",
    status: 400,
  },
  {
    name: "ownership challenge with a malformed token id",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: json({ tokenId: "abc" }),
    status: 400,
  },
  {
    name: "ownership challenge with a numeric token id",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: json({ tokenId: 5 }),
    status: 400,
  },
  {
    name: "ownership challenge with an extra field",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: json({ tokenId: "1", admin: true }),
    status: 400,
  },
  {
    name: "ownership challenge for an unknown certificate",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: json({ tokenId: TOKEN.toString() }),
    status: 404,
  },
  {
    name: "ownership challenge as form data",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: "tokenId=1",
    contentType: "application/x-www-form-urlencoded",
    status: 400,
  },
  {
    name: "ownership challenge with a JSON array",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: "[1,2]",
    status: 400,
  },
  {
    name: "ownership challenge above the body limit",
    method: "POST",
    path: "/v1/ownership/challenges",
    body: json({ tokenId: "1", pad: "x".repeat(20_000) }),
    status: 413,
  },
  {
    name: "proof with a malformed challenge id",
    method: "POST",
    path: "/v1/ownership/proofs",
    body: json({ challengeId: "0x12", signature: SIG }),
    status: 400,
  },
  {
    name: "proof with a non-hex signature",
    method: "POST",
    path: "/v1/ownership/proofs",
    body: json({ challengeId: CHALLENGE, signature: "0xzz" }),
    status: 400,
  },
  {
    name: "proof with an empty signature",
    method: "POST",
    path: "/v1/ownership/proofs",
    body: json({ challengeId: CHALLENGE, signature: "0x" }),
    status: 400,
  },
  {
    name: "proof with an unknown challenge",
    method: "POST",
    path: "/v1/ownership/proofs",
    body: json({ challengeId: CHALLENGE, signature: SIG }),
    status: 404,
  },
  { name: "challenge state with a short id", path: "/v1/ownership/challenges/0x1234", status: 400 },
  {
    name: "challenge state with a non-hex id",
    path: `/v1/ownership/challenges/0x${"zz".repeat(32)}`,
    status: 400,
  },
  {
    name: "challenge state without the 0x prefix",
    path: `/v1/ownership/challenges/${"11".repeat(32)}`,
    status: 400,
  },
  { name: "challenge state with a token id for an id", path: "/v1/ownership/challenges/12345", status: 400 },
  {
    name: "challenge state of an unknown challenge",
    path: `/v1/ownership/challenges/${CHALLENGE}`,
    status: 404,
  },
  { name: "prove page of a malformed id", path: "/v/abc/prove", status: 400 },
  {
    name: "prove QR with a malformed challenge id",
    method: "POST",
    path: "/v/1/prove/qr",
    body: json({ challengeId: "0x12" }),
    status: 400,
  },
  {
    name: "prove QR of a malformed token id",
    method: "POST",
    path: "/v/abc/prove/qr",
    body: json({ challengeId: CHALLENGE }),
    status: 400,
  },
  {
    name: "prove QR of an unknown challenge",
    method: "POST",
    path: "/v/1/prove/qr",
    body: json({ challengeId: CHALLENGE }),
    status: 404,
  },
  {
    name: "chip challenge with a malformed token id",
    method: "POST",
    path: "/v1/chip/challenges",
    body: json({ tokenId: "0x" }),
    status: 400,
  },
  {
    name: "chip challenge for an unknown certificate",
    method: "POST",
    path: "/v1/chip/challenges",
    body: json({ tokenId: TOKEN.toString() }),
    status: 404,
  },
  {
    name: "chip proof with an unknown challenge",
    method: "POST",
    path: "/v1/chip/proofs",
    body: json({ challengeId: CHALLENGE, signature: SIG }),
    status: 404,
  },
  {
    name: "chip proof without a signature",
    method: "POST",
    path: "/v1/chip/proofs",
    body: json({ challengeId: CHALLENGE }),
    status: 400,
  },
  { name: "relayed claim without a body", method: "POST", path: "/v1/claims", status: 400 },
  {
    name: "relayed claim with invalid JSON",
    method: "POST",
    path: "/v1/claims",
    body: "{tokenId:",
    status: 400,
  },
  {
    name: "relayed claim without a signature",
    method: "POST",
    path: "/v1/claims",
    body: json({ tokenId: TOKEN.toString(), recipient: RECIPIENT, deadline: 1 }),
    status: 400,
  },
  {
    name: "relayed claim with a malformed token id",
    method: "POST",
    path: "/v1/claims",
    body: json({ tokenId: "abc", recipient: RECIPIENT, deadline: 1, signature: SIG }),
    status: 400,
  },
  {
    name: "relayed claim with a malformed recipient",
    method: "POST",
    path: "/v1/claims",
    body: json({ tokenId: TOKEN.toString(), recipient: "0x1234", deadline: 1, signature: SIG }),
    status: 400,
  },
  {
    name: "relayed claim with a bad recipient checksum",
    method: "POST",
    path: "/v1/claims",
    body: json({
      tokenId: TOKEN.toString(),
      recipient: "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      deadline: 1,
      signature: SIG,
    }),
    status: 400,
  },
  {
    name: "relayed claim with a negative deadline",
    method: "POST",
    path: "/v1/claims",
    body: json({ tokenId: TOKEN.toString(), recipient: RECIPIENT, deadline: -1, signature: SIG }),
    status: 400,
  },
  {
    name: "relayed claim with a fractional deadline",
    method: "POST",
    path: "/v1/claims",
    body: json({ tokenId: TOKEN.toString(), recipient: RECIPIENT, deadline: 1.5, signature: SIG }),
    status: 400,
  },
  {
    name: "relayed claim with a signature of the wrong length",
    method: "POST",
    path: "/v1/claims",
    body: json({
      tokenId: TOKEN.toString(),
      recipient: RECIPIENT,
      deadline: 1,
      signature: "0x" + "22".repeat(66),
    }),
    status: 400,
  },
  {
    name: "relayed claim with an extra field",
    method: "POST",
    path: "/v1/claims",
    body: json({
      tokenId: TOKEN.toString(),
      recipient: RECIPIENT,
      deadline: 1,
      signature: SIG,
      relayer: RECIPIENT,
    }),
    status: 400,
  },
  {
    name: "relayed claim for an unknown certificate",
    method: "POST",
    path: "/v1/claims",
    body: json({ tokenId: TOKEN.toString(), recipient: RECIPIENT, deadline: 1, signature: SIG }),
    status: 404,
  },
];

describe("Verifier API: malformed requests", function () {
  let stack: Stack;

  before(async function () {
    stack = await buildStack();
    await stack.issue("MA-0001", stack.alice.address);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  it(`covers at least thirty malformed requests (${CASES.length})`, function () {
    expect(CASES.length).to.be.at.least(30);
  });

  for (const c of CASES) {
    it(`answers ${c.status} to ${c.method ?? "GET"} with ${c.name}`, async function () {
      const response = await fetch(`${stack.url}${c.path}`, {
        method: c.method ?? "GET",
        headers: {
          accept: "application/json",
          ...(c.body === undefined ? {} : { "content-type": c.contentType ?? "application/json" }),
        },
        body: c.body,
      });
      const text = await response.text();
      expect(response.status, text).to.equal(c.status);
      expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
      const problem = JSON.parse(text) as { type: string; status: number; index?: { block: number } };
      expect(problem.status).to.equal(c.status);
      expect(problem.type).to.match(/^https:\/\/hallmark\.dev\/problems\//);
      expect(problem.index?.block).to.be.a("number");
      expect(text).to.not.match(/\.ts:\d+|node_modules|Error: /);
    });
  }

  it("rate-limits a client over its budget with 429 and Retry-After, saying what is left", async function () {
    const { rateLimit } = await import("../../../server/http/rate-limit.js");
    let now = 0;
    const limiter = rateLimit({ perMinute: 60, burst: 2, now: () => now });
    const outcomes: unknown[] = [];
    const headers: Record<string, string>[] = [];
    const request = { path: "/v1/brands", ip: "203.0.113.9", socket: {}, headers: {} } as never;
    const call = async (): Promise<void> => {
      const set: Record<string, string> = {};
      const response = { locals: {}, setHeader: (name: string, value: string) => (set[name] = value) };
      await limiter(request, response as never, (error?: unknown) => outcomes.push(error));
      headers.push(set);
    };
    for (let i = 0; i < 3; i++) await call();
    expect(outcomes.slice(0, 2)).to.deep.equal([undefined, undefined]);
    expect(outcomes[2]).to.have.property("retryAfterSeconds", 1);
    expect(headers[0]).to.deep.equal({
      "RateLimit-Policy": '"default";q=2;w=2',
      RateLimit: '"default";r=1;t=1',
    });
    expect(headers[2].RateLimit).to.equal('"default";r=0;t=2');
    now = 1_000;
    await call();
    expect(outcomes[3]).to.equal(undefined);
  });
});
