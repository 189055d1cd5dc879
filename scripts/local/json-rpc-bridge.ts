/**
 * Exposes the in-process Hardhat (EDR) chain of `npm start` over HTTP JSON-RPC on the loopback
 * interface, so the brand CLI, wallets and other tools reach the same chain the verifier indexes.
 * Dev tooling only: it binds to 127.0.0.1, has no authentication and answers no cross-origin browser
 * requests (wallet extensions and command-line tools are not subject to CORS).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Eip1193Like {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: string | number | null;
  method?: unknown;
  params?: unknown;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function errorOf(cause: unknown): { code: number; message: string; data?: unknown } {
  const error = cause as { code?: unknown; message?: unknown; data?: unknown };
  return {
    code: typeof error?.code === "number" ? error.code : -32603,
    message: typeof error?.message === "string" ? error.message : "Internal error",
    ...(error?.data !== undefined ? { data: error.data } : {}),
  };
}

async function answer(provider: Eip1193Like, call: JsonRpcRequest): Promise<object> {
  const id = call?.id ?? null;
  if (typeof call?.method !== "string") {
    return { jsonrpc: "2.0", id, error: { code: -32600, message: "Invalid request" } };
  }
  try {
    const params = Array.isArray(call.params) ? call.params : [];
    const result = await provider.request({ method: call.method, params });
    return { jsonrpc: "2.0", id, result: result ?? null };
  } catch (cause) {
    return { jsonrpc: "2.0", id, error: errorOf(cause) };
  }
}

export interface JsonRpcBridge {
  url: string;
  close(): Promise<void>;
}

export async function startJsonRpcBridge(
  provider: Eip1193Like,
  port: number,
  host = "127.0.0.1",
): Promise<JsonRpcBridge> {
  const server = createServer((req, res) => {
    // No CORS headers on purpose: the chain's dev accounts are unlocked, so no web page may script it.
    if (req.method !== "POST") return void res.writeHead(405, { allow: "POST" }).end();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      void (async () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          res.writeHead(400, { "content-type": "application/json" });
          return void res.end(
            JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }),
          );
        }
        const reply = Array.isArray(body)
          ? await Promise.all(body.map((call) => answer(provider, call as JsonRpcRequest)))
          : await answer(provider, body as JsonRpcRequest);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify(reply, (_key, value: unknown) =>
            typeof value === "bigint" ? `0x${value.toString(16)}` : value,
          ),
        );
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
