/**
 * Catch-up only: `npm run bench:catch-up` (hardhat run bench/catch-up.ts). A quicker, steadier
 * measurement of issue #13's first goal than bench:fleet's single pair of runs: the same data set
 * (bench/api/population.ts) on a fresh in-process chain, then catch-up from the start block over
 * loopback JSON-RPC into a fresh sqlite file and into a fresh PostgreSQL database, ALTERNATING
 * (sqlite, postgres, sqlite, postgres, ...) after one unmeasured warm-up of each, and the median
 * of each store's runs compared. Alternating runs share the machine's noise (the 2 cores are
 * shared with other work), so the ratio of the medians is what to read.
 *
 * Also prints where each store's time went: per store method (applyBlockRange, checkpoint,
 * setHead, ...; the rest of the wall time is the indexer's JSON-RPC reads and decoding).
 *
 * Knobs: BENCH_API_CERTIFICATES (default 10000), BENCH_CATCH_UP_RUNS (default 3 per store),
 * BENCH_FLEET_DATABASE_URL (default the test role's database; a throwaway database is created per run).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import pg from "pg";
import type { Deployments } from "../server/chain/deployments.js";
import { HttpJsonRpcProvider } from "../server/chain/http.js";
import { Indexer } from "../server/indexer/Indexer.js";
import type { IndexStore } from "../server/store/IndexStore.js";
import { PostgresIndexStore } from "../server/store/postgres/PostgresIndexStore.js";
import { SqliteIndexStore } from "../server/store/sqlite/SqliteIndexStore.js";
import { startJsonRpcBridge } from "../scripts/local/json-rpc-bridge.js";
import { deployPopulation } from "./api/population.js";

const CERTIFICATES = Number(process.env.BENCH_API_CERTIFICATES ?? 10_000);
const RUNS = Math.max(1, Number(process.env.BENCH_CATCH_UP_RUNS ?? 3));
const DATABASE_URL =
  process.env.BENCH_FLEET_DATABASE_URL ?? "postgres://hallmark:hallmark@127.0.0.1:5432/hallmark_test";
const log = (line: string): void => console.log(`[bench:catch-up] ${line}`);

type CountingStore = IndexStore & { counts(): Promise<Record<string, number>> };

interface Run {
  events: number;
  ranges: number;
  wallMs: number;
  eventsPerSecond: number;
  /** Wall ms inside each store method (awaited by the indexer, so these add up with the RPC reads). */
  inStore: Record<string, number>;
  counts: Record<string, number>;
}

/** The store with each method's time summed (a Proxy: the indexer calls the methods one at a time). */
function timed<T extends object>(store: T, into: Record<string, number>): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        const add = (): void => {
          into[property] = (into[property] ?? 0) + performance.now() - started;
        };
        if (result instanceof Promise) return result.finally(add);
        add();
        return result;
      };
    },
  });
}

async function catchUp(store: CountingStore, url: string, deployments: Deployments): Promise<Run> {
  const inStore: Record<string, number> = {};
  const indexer = new Indexer({
    provider: new HttpJsonRpcProvider(url, { timeoutMs: 30_000 }),
    store: timed(store, inStore),
    deployments,
    confirmations: 0,
  });
  const started = performance.now();
  for (let run = 0; run < 1_000; run++) {
    const result = await indexer.runOnce();
    if (result.toBlock >= result.headBlock) break;
  }
  const wallMs = performance.now() - started;
  return {
    events: indexer.stats.eventsApplied,
    ranges: indexer.stats.rangesApplied,
    wallMs,
    eventsPerSecond: (indexer.stats.eventsApplied * 1000) / wallMs,
    inStore,
    counts: await store.counts(),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at BENCH_FLEET_DATABASE_URL: run: npm run test:services`, {
      cause: error,
    });
  }
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function sqliteRun(temp: string, url: string, deployments: Deployments): Promise<Run> {
  const file = path.join(temp, `index-${randomBytes(4).toString("hex")}.sqlite`);
  const store = SqliteIndexStore.open(file);
  try {
    return await catchUp(store, url, deployments);
  } finally {
    await store.close();
    await rm(file, { force: true });
  }
}

async function postgresRun(url: string, deployments: Deployments): Promise<Run> {
  const name = `hallmark_bench_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const databaseUrl = new URL(DATABASE_URL);
  databaseUrl.pathname = `/${name}`;
  try {
    const store = await PostgresIndexStore.connect(databaseUrl.toString(), {
      variable: "BENCH_FLEET_DATABASE_URL",
      migrate: true,
    });
    try {
      const run = await catchUp(store, url, deployments);
      const { ms, reruns, flushMs } = store.writeStats;
      const list = (entries: [string, number][]): string =>
        entries.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ");
      log(
        `  postgres applyBlockRange: ${list(Object.entries(ms))} ms (flush statements: ${list([...flushMs])} ms); ${reruns} re-runs`,
      );
      return run;
    } finally {
      await store.close();
    }
  } finally {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const describe = (run: Run): string =>
  `${run.events} events in ${run.wallMs.toFixed(0)} ms (${run.ranges} ranges, ${run.eventsPerSecond.toFixed(0)}/s); in store: ${Object.entries(
    run.inStore,
  )
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(", ")}`;

const temp = await mkdtemp(path.join(os.tmpdir(), "hallmark-bench-catch-up-"));
const connection = await network.create({ override: { hardfork: "prague" } });
const bridge = await startJsonRpcBridge(connection.provider, 0);
let exitCode = 0;
try {
  const population = await deployPopulation(connection, path.join(temp, "ipfs"), {
    certificates: CERTIFICATES,
    batchSize: 500,
    log,
  });
  const { deployments } = population;
  log(
    `population: ${population.tokenIds.length} certificates, ${population.transactions} transactions, head block ${population.headBlock}`,
  );

  log(`warm-up sqlite: ${describe(await sqliteRun(temp, bridge.url, deployments))}`);
  log(`warm-up postgres: ${describe(await postgresRun(bridge.url, deployments))}`);
  const sqlite: Run[] = [];
  const postgres: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    sqlite.push(await sqliteRun(temp, bridge.url, deployments));
    log(`sqlite #${i + 1}: ${describe(sqlite[i])}`);
    postgres.push(await postgresRun(bridge.url, deployments));
    log(`postgres #${i + 1}: ${describe(postgres[i])}`);
    if (JSON.stringify(postgres[i].counts) !== JSON.stringify(sqlite[i].counts))
      throw new Error(
        `the two indexes differ: ${JSON.stringify({ sqlite: sqlite[i].counts, postgres: postgres[i].counts })}`,
      );
  }
  const sqliteRate = median(sqlite.map((r) => r.eventsPerSecond));
  const postgresRate = median(postgres.map((r) => r.eventsPerSecond));
  console.log(
    `catch-up into postgres: ${postgresRate.toFixed(0)} events/s (sqlite: ${sqliteRate.toFixed(0)} events/s)`,
  );
  log(
    `ratio ${(postgresRate / sqliteRate).toFixed(2)}x (medians of ${RUNS} alternating runs each; goal 0.75x)`,
  );
} catch (error) {
  exitCode = 1;
  console.error("[bench:catch-up] failed:", error);
} finally {
  await bridge.close();
  await connection.close();
  await rm(temp, { recursive: true, force: true });
}
process.exit(exitCode);
