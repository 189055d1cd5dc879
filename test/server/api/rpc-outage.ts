import { expect } from "chai";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Eip1193 } from "../../../server/chain/eip1193.js";
import { HttpJsonRpcProvider } from "../../../server/chain/http.js";
import { connection } from "../../contracts/fixtures.js";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

interface IndexBody {
  index: { block: number; caughtUp: boolean; head: number | null; stale?: true };
}

/** The chain behind a real HTTP JSON-RPC endpoint that can be killed (connections refused) and brought back on the same port. */
async function killableRpc(inner: Eip1193) {
  let port = 0;
  let server: Server | null = null;
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          id: number;
          method: string;
          params?: unknown[];
        };
        let payload: object;
        try {
          payload = { result: await inner.request({ method: body.method, params: body.params }) };
        } catch (error) {
          payload = {
            error: { code: -32603, message: error instanceof Error ? error.message : String(error) },
          };
        }
        response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ jsonrpc: "2.0", id: body.id, ...payload }));
      })();
    });
  };
  async function revive(): Promise<void> {
    const next = createServer(handler);
    await new Promise<void>((resolve) => next.listen(port, "127.0.0.1", resolve));
    port = (next.address() as AddressInfo).port;
    server = next;
  }
  async function kill(): Promise<void> {
    const current = server;
    server = null;
    if (current === null) return;
    current.closeAllConnections();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  }
  await revive();
  return { url: `http://127.0.0.1:${port}`, kill, revive };
}

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) expect.fail(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("when the RPC endpoint the indexer polls goes down", function () {
  let rpc: Awaited<ReturnType<typeof killableRpc>>;
  let stack: Stack;
  let tokenId: bigint;

  before(async function () {
    rpc = await killableRpc(connection.provider);
    // Few, short retries: the default five with backoff would take ~8 s to give up.
    stack = await buildStack({
      provider: new HttpJsonRpcProvider(rpc.url, { retries: 1, backoffMs: 10, timeoutMs: 1_000 }),
    });
    tokenId = await stack.issue("OUT-0001", stack.alice.address);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
    await rpc?.kill();
  });

  it("serves the index marked stale and not caught up, and /readyz answers 503, within a poll", async function () {
    const before = await getJson<IndexBody>(`${stack.url}/v1/certificates/${tokenId.toString()}`);
    expect(before.body.index.caughtUp).to.equal(true);
    expect(before.body.index.stale).to.equal(undefined);
    expect((await getJson(`${stack.url}/readyz`)).status).to.equal(200);

    stack.verifier.indexer!.start(); // polls every second (HALLMARK_POLL_INTERVAL_MS default)
    await rpc.kill();
    const killed = Date.now();
    await eventually(async () => (await getJson(`${stack.url}/readyz`)).status === 503, 5_000);
    expect(Date.now() - killed).to.be.below(5_000);
    expect(stack.verifier.indexer!.failingSince()).to.be.a("number");

    const ready = await getJson(`${stack.url}/readyz`);
    expect(ready.headers.get("content-type")).to.match(/^application\/problem\+json/);
    expect(Number(ready.headers.get("retry-after"))).to.be.greaterThan(0);
    const served = await getJson<IndexBody & { tokenId: string }>(
      `${stack.url}/v1/certificates/${tokenId.toString()}`,
    );
    expect(served.status).to.equal(200);
    expect(served.body.tokenId).to.equal(tokenId.toString());
    expect(served.body.index).to.include({ caughtUp: false, stale: true });
    const listed = await getJson<IndexBody>(`${stack.url}/v1/certificates?owner=${stack.alice.address}`);
    expect(listed.body.index).to.include({ caughtUp: false, stale: true });

    await rpc.revive();
    // The retry after one failure waits two poll intervals.
    await eventually(async () => (await getJson(`${stack.url}/readyz`)).status === 200, 8_000);
    expect(stack.verifier.indexer!.failingSince()).to.equal(null);
    const recovered = await getJson<IndexBody>(`${stack.url}/v1/certificates/${tokenId.toString()}`);
    expect(recovered.body.index.caughtUp).to.equal(true);
    expect(recovered.body.index.stale).to.equal(undefined);
  });
});
