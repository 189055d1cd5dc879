import { expect } from "chai";
import type { IncomingMessage, ServerResponse } from "node:http";
import { DependencyUnavailableError } from "../../../server/errors.js";
import { HttpJsonRpcProvider, parseRetryAfter } from "../../../server/chain/http.js";
import { ChainReader } from "../../../server/chain/reader.js";
import {
  isRangeTooLarge,
  JsonRpcError,
  LogRangeTooLargeError,
  RpcTimeoutError,
  RpcUnavailableError,
} from "../../../server/chain/rpc-errors.js";
import { listen } from "../support/http-server.js";

type Handler = (body: { id: number; method: string }, response: ServerResponse, attempt: number) => void;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("HttpJsonRpcProvider", function () {
  let server: Awaited<ReturnType<typeof listen>>;
  let handler: Handler;
  let attempts = 0;
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };

  before(async function () {
    server = await listen((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        attempts += 1;
        handler(
          JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: number; method: string },
          response,
          attempts,
        );
      });
    });
  });
  after(async function () {
    await server.close();
  });
  beforeEach(function () {
    attempts = 0;
    sleeps.length = 0;
  });

  const json = (response: ServerResponse, body: object) =>
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));

  describe("request", function () {
    describe("when the node answers", function () {
      it("returns the result", async function () {
        handler = (body, response) => json(response, { jsonrpc: "2.0", id: body.id, result: "0x7a69" });
        const provider = new HttpJsonRpcProvider(server.url, { sleep });
        expect(await provider.request({ method: "eth_chainId" })).to.equal("0x7a69");
        expect(await new ChainReader(provider).chainId()).to.equal(31337);
      });
    });

    describe("when the node rate-limits with Retry-After", function () {
      it("waits at least as long as asked and retries", async function () {
        handler = (body, response, attempt) =>
          attempt <= 2
            ? response.writeHead(429, { "retry-after": "2" }).end()
            : json(response, { jsonrpc: "2.0", id: body.id, result: "0x1" });
        const provider = new HttpJsonRpcProvider(server.url, { sleep, backoffMs: 10 });
        expect(await provider.request({ method: "eth_blockNumber" })).to.equal("0x1");
        expect(sleeps).to.deep.equal([2000, 2000]);
        expect(provider.stats).to.include({ attempts: 3, retries: 2 });
      });
    });

    describe("when the node keeps failing with 5xx", function () {
      it("backs off exponentially and then throws RpcUnavailableError (dependency-unavailable)", async function () {
        handler = (_body, response) => response.writeHead(502).end("bad gateway");
        const provider = new HttpJsonRpcProvider(server.url, { sleep, backoffMs: 100, retries: 3 });
        const error = await rejection(provider.request({ method: "eth_blockNumber" }));
        expect(error).to.be.instanceOf(RpcUnavailableError).and.instanceOf(DependencyUnavailableError);
        expect((error as RpcUnavailableError).httpStatus).to.equal(502);
        expect(attempts).to.equal(4);
        expect(sleeps).to.have.length(3);
        sleeps.forEach((ms, i) => expect(ms).to.be.within(50 * 2 ** i, 100 * 2 ** i));
      });
    });

    describe("when the node does not answer in time", function () {
      it("throws RpcTimeoutError, distinct from a JSON-RPC error", async function () {
        handler = () => undefined; // never answers
        const provider = new HttpJsonRpcProvider(server.url, { sleep, timeoutMs: 50, retries: 1 });
        const error = await rejection(provider.request({ method: "eth_blockNumber" }));
        expect(error).to.be.instanceOf(RpcTimeoutError);
        expect((error as RpcTimeoutError).type).to.equal("dependency-unavailable");
        expect(attempts).to.equal(2);
      });
    });

    describe("when the node answers a JSON-RPC error", function () {
      it("throws JsonRpcError with its code without retrying", async function () {
        handler = (body, response) =>
          json(response, {
            jsonrpc: "2.0",
            id: body.id,
            error: { code: 3, message: "execution reverted", data: "0x1234" },
          });
        const provider = new HttpJsonRpcProvider(server.url, { sleep });
        const error = await rejection(provider.request({ method: "eth_call" }));
        expect(error).to.be.instanceOf(JsonRpcError);
        expect(error).to.include({
          code: 3,
          data: "0x1234",
          message: "execution reverted",
          type: "rpc-error",
        });
        expect(attempts).to.equal(1);
      });
    });

    describe("when the node refuses a log range as too large", function () {
      it("surfaces LogRangeTooLargeError from ChainReader.getLogs", async function () {
        handler = (body, response) =>
          json(response, {
            jsonrpc: "2.0",
            id: body.id,
            error: { code: -32005, message: "query returned more than 10000 results" },
          });
        const reader = new ChainReader(new HttpJsonRpcProvider(server.url, { sleep }));
        const error = await rejection(reader.getLogs({ address: [], fromBlock: 0, toBlock: 5000 }));
        expect(error).to.be.instanceOf(LogRangeTooLargeError);
        expect(error).to.include({ fromBlock: 0, toBlock: 5000 });
      });
    });
  });

  describe("requestBatch", function () {
    const header = (n: number) => ({
      number: `0x${n.toString(16)}`,
      hash: `0x${n.toString(16).padStart(64, "0")}`,
      parentHash: `0x${(n - 1).toString(16).padStart(64, "0")}`,
      timestamp: "0x10",
    });
    type Call = { id: number; method: string; params: unknown[] };
    const blockOf = (call: Call) => Number.parseInt(call.params[0] as string, 16);

    describe("when the node answers a batch, out of order", function () {
      it("answers each call's outcome in the calls' order, in one request", async function () {
        handler = (body, response) => {
          const calls = body as unknown as Call[];
          json(
            response,
            calls
              .reverse()
              .map((call) =>
                blockOf(call) === 6
                  ? { jsonrpc: "2.0", id: call.id, error: { code: -32000, message: "header not found" } }
                  : { jsonrpc: "2.0", id: call.id, result: header(blockOf(call)) },
              ),
          );
        };
        const provider = new HttpJsonRpcProvider(server.url, { sleep });
        const outcomes = await provider.requestBatch(
          [5, 6, 7].map((n) => ({ method: "eth_getBlockByNumber", params: [`0x${n.toString(16)}`, false] })),
        );
        expect(attempts).to.equal(1);
        expect(outcomes).to.have.length(3);
        expect(outcomes[0]).to.deep.equal({ result: header(5) });
        expect((outcomes[1] as { error: Error }).error)
          .to.be.instanceOf(JsonRpcError)
          .and.include({ code: -32000 });
        expect(outcomes[2]).to.deep.equal({ result: header(7) });
      });
    });

    describe("when ChainReader reads headers from a node that batches", function () {
      it("reads them in one round trip and checks each answer names the block asked for", async function () {
        handler = (body, response) =>
          json(
            response,
            (body as unknown as Call[]).map((call) => ({
              jsonrpc: "2.0",
              id: call.id,
              result: header(blockOf(call) === 9 ? 99 : blockOf(call)),
            })),
          );
        const reader = new ChainReader(new HttpJsonRpcProvider(server.url, { sleep }));
        expect((await reader.getBlocks([3, 4])).map((h) => h?.number)).to.deep.equal([3, 4]);
        expect(attempts).to.equal(1);
        const error = await rejection(reader.getBlocks([8, 9]));
        expect(error).to.be.instanceOf(JsonRpcError);
        expect(error.message).to.include("block 99 for block 9");
      });
    });

    describe("when the node refuses batches", function () {
      it("falls back to one request per header, and does not send batches again", async function () {
        const batchesSeen: number[] = [];
        handler = (body, response, attempt) => {
          if (Array.isArray(body)) {
            batchesSeen.push(attempt);
            return json(response, {
              jsonrpc: "2.0",
              id: null,
              error: { code: -32600, message: "batch requests are not supported" },
            });
          }
          json(response, { jsonrpc: "2.0", id: body.id, result: header(blockOf(body as unknown as Call)) });
        };
        const reader = new ChainReader(new HttpJsonRpcProvider(server.url, { sleep }));
        expect((await reader.getBlocks([1, 2, 3])).map((h) => h?.number)).to.deep.equal([1, 2, 3]);
        expect(reader.batches).to.equal(false);
        expect((await reader.getBlocks([4, 5])).map((h) => h?.number)).to.deep.equal([4, 5]);
        expect(batchesSeen).to.have.length(1);
        expect(attempts).to.equal(1 + 3 + 2);
      });
    });

    describe("when the node is rate limiting", function () {
      it("retries the batch as a whole and keeps batching", async function () {
        handler = (body, response, attempt) =>
          attempt === 1
            ? response.writeHead(429).end()
            : json(
                response,
                (body as unknown as Call[]).map((call) => ({
                  jsonrpc: "2.0",
                  id: call.id,
                  result: header(blockOf(call)),
                })),
              );
        const reader = new ChainReader(new HttpJsonRpcProvider(server.url, { sleep, backoffMs: 1 }));
        expect((await reader.getBlocks([1, 2])).map((h) => h?.number)).to.deep.equal([1, 2]);
        expect(reader.batches).to.equal(true);
        expect(attempts).to.equal(2);
      });
    });
  });

  describe("constructor", function () {
    describe("when the URL is not http(s)", function () {
      it("throws", function () {
        expect(() => new HttpJsonRpcProvider("ws://localhost:8545")).to.throw("unsupported RPC URL scheme");
      });
    });
  });
});

describe("parseRetryAfter", function () {
  it("reads delta seconds and HTTP dates", function () {
    expect(parseRetryAfter("3")).to.equal(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).to.equal(6_000);
    expect(parseRetryAfter("soon")).to.equal(undefined);
    expect(parseRetryAfter(null)).to.equal(undefined);
  });
});

describe("isRangeTooLarge", function () {
  for (const message of [
    "query returned more than 10000 results",
    "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
    "limit exceeded",
    "eth_getLogs is limited to a 10,000 range; block range too large",
  ]) {
    it(`recognises "${message}"`, function () {
      expect(isRangeTooLarge(new Error(message))).to.equal(true);
    });
  }
  it("recognises a -32005 error that is not a rate limit", function () {
    expect(isRangeTooLarge({ code: -32005, message: "whatever" })).to.equal(true);
    expect(isRangeTooLarge({ code: -32005, message: "rate limit reached" })).to.equal(false);
  });
  it("does not take a revert for a range problem", function () {
    expect(isRangeTooLarge(new JsonRpcError("execution reverted", 3))).to.equal(false);
  });
});
