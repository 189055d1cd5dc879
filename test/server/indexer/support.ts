/** Helpers shared by the indexer tests: provider wrappers and a comparable dump of an index. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Eip1193, RequestArguments } from "../../../server/chain/eip1193.js";
import type { IndexReader } from "../../../server/store/IndexStore.js";
import { listen } from "../support/http-server.js";

/** Wraps a provider; `onRequest` may throw or replace the answer. */
export class WrappedProvider implements Eip1193 {
  readonly calls: RequestArguments[] = [];
  constructor(
    private readonly inner: Eip1193,
    private readonly onRequest: (args: RequestArguments, callNumber: number) => void | Promise<void> = () =>
      undefined,
  ) {}

  async request(args: RequestArguments): Promise<unknown> {
    this.calls.push(args);
    await this.onRequest(args, this.calls.length);
    return this.inner.request(args);
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}

/** Everything the reader knows, without store-assigned ids: equal for two indexes of the same chain. */
export async function dumpIndex(reader: IndexReader): Promise<unknown> {
  const all = async <T>(
    list: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>,
  ): Promise<T[]> => {
    const out: T[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await list(cursor);
      out.push(...page.items);
      if (page.nextCursor === null) return out;
      cursor = page.nextCursor;
    }
  };
  const each = <T, U>(items: readonly T[], read: (item: T) => Promise<U>): Promise<U[]> =>
    Promise.all(items.map(read));
  const brands = await all((cursor) => reader.listBrands({ cursor, limit: 500 }));
  const certificates = await all((cursor) => reader.listCertificates({ cursor, limit: 500 }));
  const designs = await all((cursor) => reader.listDesigns({ cursor, limit: 500 }));
  return {
    brands,
    roles: await each(brands, (b) => reader.listRoleGrants(b.brandId, { includeRevoked: true })),
    compromises: await each(brands, (b) => reader.compromisesOf(b.brandId)),
    certificates,
    provenance: await each(certificates, async (c) =>
      (await all((cursor) => reader.getProvenance(c.tokenId, { cursor, limit: 500 }))).map(
        ({ id: _id, ...rest }) => rest,
      ),
    ),
    designs: await each(designs, (d) => reader.getDesign(d.designId)),
    twins: await each(designs, (d) => all((cursor) => reader.twinClaimsOfDesign(d.designId, { cursor }))),
    events: (await reader.recentEvents(0, 1000))
      .filter((e) => e.type !== "index.reorg")
      .map(({ id: _id, ...rest }) => rest),
  };
}

/**
 * A JSON-RPC HTTP front for an EIP-1193 provider with a real provider's limits: eth_getLogs over
 * more than `maxLogRange` blocks is refused like Infura does, and the first `rateLimited`
 * requests get HTTP 429 with Retry-After.
 */
export async function limitedRpcServer(
  inner: Eip1193,
  options: { maxLogRange: number; rateLimited: number; serverErrors?: number },
) {
  const counters = { requests: 0, refusedRanges: 0, rateLimited: 0, serverErrors: 0 };
  const server = await listen((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        counters.requests += 1;
        if (counters.rateLimited < options.rateLimited) {
          counters.rateLimited += 1;
          response
            .writeHead(429, { "retry-after": "0", "content-type": "text/plain" })
            .end("Too Many Requests");
          return;
        }
        if (counters.serverErrors < (options.serverErrors ?? 0)) {
          counters.serverErrors += 1;
          response.writeHead(503).end("unavailable");
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          id: number;
          method: string;
          params: unknown[];
        };
        const reply = (payload: object) =>
          response
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ jsonrpc: "2.0", id: body.id, ...payload }));
        if (body.method === "eth_getLogs") {
          const filter = body.params[0] as { fromBlock: string; toBlock: string };
          if (Number(filter.toBlock) - Number(filter.fromBlock) + 1 > options.maxLogRange) {
            counters.refusedRanges += 1;
            reply({ error: { code: -32005, message: "query returned more than 10000 results" } });
            return;
          }
        }
        try {
          reply({ result: await inner.request({ method: body.method, params: body.params }) });
        } catch (error) {
          reply({ error: { code: -32603, message: error instanceof Error ? error.message : String(error) } });
        }
      })();
    });
  });
  return { ...server, counters };
}
