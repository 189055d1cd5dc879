/**
 * A fleet for the tests: the shared in-process chain (test/contracts/fixtures.ts) behind a JSON-RPC
 * bridge, a throwaway PostgreSQL database, and real `server/main.ts` processes of each role started
 * against them. Everything it starts is stopped by `close()`.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { spawnNode } from "../../scripts/fleet/node-process.js";
import type { NodeProcess } from "../../scripts/fleet/node-process.js";
import { startJsonRpcBridge } from "../../scripts/local/json-rpc-bridge.js";
import type { JsonRpcBridge } from "../../scripts/local/json-rpc-bridge.js";
import { connection, deployHallmark, ethers } from "../contracts/fixtures.js";
import { makeTempDir } from "../server/support/temp-dir.js";
import { createThrowawayDatabase } from "../server/store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../server/store/postgres/throwaway-database.js";

export type Fixture = Awaited<ReturnType<typeof deployHallmark>>;

export interface TestFleet {
  fx: Fixture;
  database: ThrowawayDatabase;
  bridge: JsonRpcBridge;
  /** Starts an indexer process (HALLMARK_ROLE=indexer) on the fleet's database. */
  indexer(env?: Record<string, string>): Promise<NodeProcess>;
  /** Starts an api verifier on the fleet's database. */
  verifier(env?: Record<string, string>): Promise<NodeProcess>;
  /** Starts a one-process sqlite verifier (HALLMARK_ROLE=all) of its own: a fresh rebuild from the chain. */
  rebuild(): Promise<NodeProcess>;
  close(): Promise<void>;
}

export async function startTestFleet(): Promise<TestFleet> {
  // The shared chain carries every earlier test's blocks: index from here, not from genesis.
  const startBlock = await ethers.provider.getBlockNumber();
  const fx = await deployHallmark();
  const garments = await ethers.deployContract("HallmarkGarments", [
    await fx.registry.getAddress(),
    await fx.certificate.getAddress(),
  ]);
  const temp = await makeTempDir("fleet");
  const database = await createThrowawayDatabase();
  const bridge = await startJsonRpcBridge(connection.provider, 0);
  const { chainId } = await ethers.provider.getNetwork();
  const deploymentsFile = path.join(temp.path, "deployments.json");
  await writeFile(
    deploymentsFile,
    JSON.stringify({
      chainId: Number(chainId),
      startBlock,
      contracts: {
        BrandRegistry: await fx.registry.getAddress(),
        HallmarkCertificate: await fx.certificate.getAddress(),
        HallmarkGarments: await garments.getAddress(),
      },
    }),
  );
  const processes: NodeProcess[] = [];
  let count = 0;
  const start = async (name: string, env: Record<string, string>): Promise<NodeProcess> => {
    count += 1;
    const child = await spawnNode(`${name} ${count}`, {
      output: process.env.HALLMARK_TEST_FLEET_OUTPUT === "1" ? "inherit" : "ignore",
      env: {
        HALLMARK_RPC_URL: bridge.url,
        HALLMARK_DEPLOYMENTS: deploymentsFile,
        HALLMARK_PORT: "0",
        HALLMARK_DATA_DIR: path.join(temp.path, `${name}-${count}`),
        HALLMARK_CONFIRMATIONS: "0",
        HALLMARK_POLL_INTERVAL_MS: "50",
        HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000",
        HALLMARK_LOG_LEVEL: "warn",
        ...env,
      },
    });
    processes.push(child);
    return child;
  };
  return {
    fx,
    database,
    bridge,
    indexer: (env = {}) =>
      start("indexer", { HALLMARK_ROLE: "indexer", HALLMARK_DATABASE_URL: database.url, ...env }),
    verifier: (env = {}) =>
      start("verifier", { HALLMARK_ROLE: "api", HALLMARK_DATABASE_URL: database.url, ...env }),
    rebuild: () => start("rebuild", { HALLMARK_ROLE: "all" }),
    close: async () => {
      await Promise.all(processes.map((child) => child.stop(5_000)));
      await bridge.close();
      await database.drop();
      await temp.remove();
    },
  };
}

/** The index block a process's /healthz names (null before its first poll or when it does not answer). */
export async function indexedBlock(url: string): Promise<number | null> {
  try {
    const body = (await (await fetch(`${url}/healthz`)).json()) as { index?: { block: number } };
    return body.index?.block ?? null;
  } catch {
    return null;
  }
}

/** Waits until `url` answers for block `block` or later. */
export async function waitForBlock(url: string, block: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await indexedBlock(url);
    if (at !== null && at >= block) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not reach block ${block} within ${timeoutMs} ms (at ${at})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A GET's JSON body without its `index` freshness (which names the block each process holds). */
export async function answerOf(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await response.json()) as Record<string, unknown>;
  delete body.index;
  return { status: response.status, body };
}

export interface FeedEvent {
  id: number;
  type: string;
  data: string;
}

/**
 * Reads the SSE feed of `url` until `count` change events arrived (the `index` status event aside),
 * or, with `idleMs`, until none came for that long; resumes after `lastEventId` when given.
 */
export async function readFeed(
  url: string,
  count: number,
  options: { lastEventId?: number; idleMs?: number; timeoutMs?: number } = {},
): Promise<FeedEvent[]> {
  const { lastEventId, idleMs, timeoutMs = 10_000 } = options;
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`fewer than ${count} events within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const events: FeedEvent[] = [];
  let idle: NodeJS.Timeout | undefined;
  try {
    const response = await fetch(`${url}/v1/events`, {
      headers: {
        accept: "text/event-stream",
        ...(lastEventId === undefined ? {} : { "last-event-id": String(lastEventId) }),
      },
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let quietNow: () => void = () => undefined;
    const quiet = new Promise<{ done: true; value?: Uint8Array }>(
      (resolve) => (quietNow = () => resolve({ done: true })),
    );
    const rearm = () => {
      clearTimeout(idle);
      if (idleMs !== undefined) idle = setTimeout(quietNow, idleMs);
    };
    rearm();
    while (events.length < count) {
      const { done, value } = await Promise.race([
        reader.read() as Promise<{ done: boolean; value?: Uint8Array }>,
        quiet,
      ]);
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1 && events.length < count) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split("\n")) {
          const colon = line.indexOf(": ");
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2));
        }
        if (!fields.has("id")) continue; // The status event and heartbeats carry no id.
        events.push({
          id: Number(fields.get("id")),
          type: fields.get("event") ?? "message",
          data: fields.get("data") ?? "",
        });
        rearm();
      }
    }
    await reader.cancel().catch(() => undefined);
    return events;
  } finally {
    clearTimeout(timer);
    clearTimeout(idle);
    abort.abort();
  }
}
