/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AnswerCache } from "../../../server/api/answer-cache.js";
import { hotAnswerFastPath } from "../../../server/api/fast-path.js";
import { TokenBuckets } from "../../../server/http/rate-limit.js";
import type { IndexFreshness } from "../../../server/verification/freshness.js";
import { networkHelpers } from "../../contracts/fixtures.js";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Headers that name the connection or the moment, not the answer. */
const PER_CONNECTION = new Set(["date", "connection", "keep-alive"]);
const headersOf = (headers: Headers): Record<string, string> =>
  Object.fromEntries([...headers.entries()].filter(([name]) => !PER_CONNECTION.has(name)));

async function raw(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string; headers: Record<string, string> }> {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text(), headers: headersOf(response.headers) };
}

describe("Hot answers (answer cache and fast path, real stack)", function () {
  let stack: Stack;
  let token: bigint;

  before(async function () {
    stack = await buildStack();
    token = await stack.issue("FP-0001", stack.alice.address);
    await stack.sync();
  });
  after(async function () {
    await stack?.close();
  });

  describe("GET /v1/certificates/:tokenId", function () {
    describe("when the same certificate is asked twice", function () {
      it("answers the second time with the same bytes and the same headers as the first", async function () {
        const first = await raw(`${stack.url}/v1/certificates/${token.toString()}`);
        const second = await raw(`${stack.url}/v1/certificates/${token.toString()}`);
        expect(first.status).to.equal(200);
        expect(second).to.deep.equal(first);
        expect(second.headers["content-type"]).to.equal("application/json; charset=utf-8");
        expect(second.headers["content-security-policy"]).to.include("default-src 'none'");
        expect(second.headers["access-control-allow-origin"]).to.equal("*");
        expect(Number(second.headers["content-length"])).to.equal(Buffer.byteLength(second.text));
      });
      it("answers HEAD with the headers and no body", async function () {
        await raw(`${stack.url}/v1/certificates/${token.toString()}`);
        const head = await raw(`${stack.url}/v1/certificates/${token.toString()}`, { method: "HEAD" });
        expect(head.status).to.equal(200);
        expect(head.text).to.equal("");
        expect(Number(head.headers["content-length"])).to.be.greaterThan(100);
      });
    });

    describe("when the index moved on without touching any record", function () {
      it("names the new indexed block with the same body", async function () {
        const before = await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`);
        await networkHelpers.mine(2);
        await stack.sync();
        const after = await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`);
        expect(after.body.index.block).to.be.greaterThan(before.body.index.block);
        expect({ ...after.body, index: null }).to.deep.equal({ ...before.body, index: null });
      });
    });

    describe("when the certificate changed hands after it was cached", function () {
      it("shows the new owner as soon as the indexer applied the transfer", async function () {
        const before = await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`);
        expect(before.body.owner).to.equal(stack.alice.address);
        await (
          await stack.certificate
            .connect(stack.alice)
            .transferFrom(stack.alice.address, stack.bob.address, token)
        ).wait();
        // Not indexed yet: the index still says alice, and so does the answer.
        expect((await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`)).body.owner).to.equal(
          stack.alice.address,
        );
        await stack.sync();
        const after = await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`);
        expect(after.body.owner).to.equal(stack.bob.address);
        const history = await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}/provenance`);
        const items = history.body.items as Body[];
        expect(items[items.length - 1].to).to.equal(stack.bob.address);
      });
    });

    describe("when the id is not in canonical form", function () {
      it("answers what the route answers for it (the fast path only serves canonical ids)", async function () {
        await raw(`${stack.url}/v1/certificates/${token.toString()}`);
        const hex = await getJson<Body>(`${stack.url}/v1/certificates/0x${token.toString(16)}`);
        expect(hex.status).to.equal(200);
        expect(hex.body.tokenId).to.equal(token.toString());
      });
    });
  });
});

/** A request and response as node:http hands them over, recording what is written. */
function exchange(
  method: string,
  url: string,
): {
  request: IncomingMessage;
  response: ServerResponse;
  written: { status?: number; headers?: string[]; body?: string };
} {
  const written: { status?: number; headers?: string[]; body?: string } = {};
  const request = {
    method,
    url,
    headers: {},
    socket: { remoteAddress: "198.51.100.7" },
  } as unknown as IncomingMessage;
  const response = {
    writeHead(status: number, headers: string[]) {
      written.status = status;
      written.headers = headers;
      return this;
    },
    end(body?: Buffer) {
      written.body = body?.toString("utf8");
    },
  } as unknown as ServerResponse;
  return { request, response, written };
}

describe("hotAnswerFastPath", function () {
  const FRESH: IndexFreshness = { block: 9, caughtUp: true, head: 9 };
  let answers: AnswerCache;
  let buckets: TokenBuckets;
  let freshness: () => IndexFreshness;
  let fastPath: ReturnType<typeof hotAnswerFastPath>;

  beforeEach(function () {
    answers = new AnswerCache({ version: () => 1 });
    answers.set("certificate:42", { tokenId: "42" }, answers.currentVersion());
    answers.set("provenance:42::", { tokenId: "42", items: [], nextCursor: null }, answers.currentVersion());
    buckets = new TokenBuckets({ perMinute: 60, burst: 1, now: () => 0 });
    freshness = () => FRESH;
    fastPath = hotAnswerFastPath({
      answers,
      freshness: () => freshness(),
      buckets,
      clientOf: (request) => request.socket.remoteAddress ?? "",
    });
  });

  it("answers a cached certificate with its body and the freshness", function () {
    const { request, response, written } = exchange("GET", "/v1/certificates/42");
    expect(fastPath(request, response)).to.equal(true);
    expect(written.status).to.equal(200);
    expect(JSON.parse(written.body!)).to.deep.equal({ tokenId: "42", index: FRESH });
  });
  it("answers a cached first page of provenance", function () {
    const { request, response, written } = exchange("GET", "/v1/certificates/42/provenance");
    expect(fastPath(request, response)).to.equal(true);
    expect(JSON.parse(written.body!)).to.deep.equal({
      tokenId: "42",
      items: [],
      nextCursor: null,
      index: FRESH,
    });
  });
  it("takes from the client's rate budget, and leaves the refusal to Express when it is spent", function () {
    expect(fastPath(exchange("GET", "/v1/certificates/42").request, exchange("GET", "/").response)).to.equal(
      true,
    );
    const second = exchange("GET", "/v1/certificates/42");
    expect(fastPath(second.request, second.response)).to.equal(false);
    expect(second.written).to.deep.equal({});
    expect(buckets.take("198.51.100.7").allowed).to.equal(false);
  });
  for (const [method, url] of [
    ["GET", "/v1/certificates/43"],
    ["GET", "/v1/certificates/042"],
    ["GET", "/v1/certificates/42?x=1"],
    ["GET", "/v1/certificates/42/provenance?limit=2"],
    ["GET", "/v1/certificates/42/"],
    ["POST", "/v1/certificates/42"],
  ] as const) {
    it(`leaves ${method} ${url} to Express, writing nothing`, function () {
      const { request, response, written } = exchange(method, url);
      expect(fastPath(request, response)).to.equal(false);
      expect(written).to.deep.equal({});
    });
  }
  it("leaves the request to Express when the index cannot be read", function () {
    freshness = () => {
      throw new Error("database is closed");
    };
    const { request, response, written } = exchange("GET", "/v1/certificates/42");
    expect(fastPath(request, response)).to.equal(false);
    expect(written).to.deep.equal({});
  });
});
