/**
 * Catch-up benchmark: `npm run bench:catch-up` (hardhat run bench/catch-up.ts). Issue #13's first performance goal,
 * in process: indexer catch-up into PostgreSQL against sqlite, in the same run (bench:fleet times it by real processes).
 *
 * 1. The same data set as `bench:api` (bench/api/population.ts): a fresh in-process chain, 10,000
 *    certificates minted in batches of 500, then sales, repairs and resales.
 * 2. Catch-up from the start block over JSON-RPC on loopback HTTP: once unmeasured (warm-up), then
 *    measured twice in a row: into a fresh sqlite
 *    file, then into a fresh PostgreSQL database (created from BENCH_FLEET_DATABASE_URL, default the
 *    test role's `postgres://hallmark:hallmark@127.0.0.1:5432/hallmark_test`, and dropped after).
 *    Events applied per second of wall time; the two indexes are compared row count by row count.
 * 3. Prints `catch-up into postgres: N events/s (sqlite: M events/s)` and writes docs/benchmarks/catch-up.md.
 *
 * Knobs: BENCH_API_CERTIFICATES (default 10000), BENCH_FLEET_NO_REPORT=1 (print only).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import hre, { network } from "hardhat";
import pg from "pg";
import HallmarkModule from "../ignition/modules/Hallmark.js";
import type { Deployments } from "../server/chain/deployments.js";
import { HttpJsonRpcProvider } from "../server/chain/http.js";
import { Indexer } from "../server/indexer/Indexer.js";
import { EmbeddedMetadataStore } from "../server/ipfs/embedded-store.js";
import type { IndexStore } from "../server/store/IndexStore.js";
import { PostgresIndexStore } from "../server/store/postgres/PostgresIndexStore.js";
import { SqliteIndexStore } from "../server/store/sqlite/SqliteIndexStore.js";
import { startJsonRpcBridge } from "../scripts/local/json-rpc-bridge.js";
import { populate } from "./api/population.js";

const ROOT = hre.config.paths.root;
const OUTPUT = path.join(ROOT, "docs", "benchmarks", "catch-up.md");
const CERTIFICATES = Number(process.env.BENCH_API_CERTIFICATES ?? 10_000);
const DATABASE_URL =
  process.env.BENCH_FLEET_DATABASE_URL ?? "postgres://hallmark:hallmark@127.0.0.1:5432/hallmark_test";
const log = (line: string): void => console.log(`[bench:catch-up] ${line}`);

interface CatchUp {
  events: number;
  ranges: number;
  wallMs: number;
  eventsPerSecond: number;
  counts: Record<string, number>;
}

async function catchUp(
  store: IndexStore & { counts(): Promise<Record<string, number>> },
  url: string,
  deployments: Deployments,
): Promise<CatchUp> {
  const indexer = new Indexer({
    provider: new HttpJsonRpcProvider(url, { timeoutMs: 30_000 }),
    store,
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
    counts: await store.counts(),
  };
}

/** A database of its own for the run (CREATEDB), dropped afterwards. */
async function throwawayDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hallmark_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at BENCH_FLEET_DATABASE_URL: run: npm run test:services`, {
      cause: error,
    });
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

const temp = await mkdtemp(path.join(os.tmpdir(), "hallmark-bench-fleet-"));
const connection = await network.create({ override: { hardfork: "prague" } });
const bridge = await startJsonRpcBridge(connection.provider, 0);
let exitCode = 0;
try {
  const { ethers, ignition } = connection;
  const [deployer] = await ethers.getSigners();
  const startBlock = await ethers.provider.getBlockNumber();
  const deployed = await ignition.deploy(HallmarkModule, {
    parameters: { Hallmark: { groupAdmin: deployer.address, adminDelay: 2n * 24n * 3600n } },
    displayUi: false,
  });
  const { chainId } = await ethers.provider.getNetwork();
  const metadataStore = await EmbeddedMetadataStore.open({ directory: path.join(temp, "ipfs") });
  const sold = Math.round(CERTIFICATES * 0.1);
  const population = await populate(
    ethers,
    {
      chainId: Number(chainId),
      startBlock,
      registry: await deployed.registry.getAddress(),
      certificate: await deployed.certificate.getAddress(),
      garments: await deployed.garments.getAddress(),
    },
    metadataStore,
    {
      certificates: CERTIFICATES,
      batchSize: 500,
      sold,
      repaired: Math.round(sold / 2),
      resold: Math.round(sold / 4),
      log,
    },
  ).finally(() => metadataStore.close());
  const { deployments } = population;
  log(
    `population: ${population.tokenIds.length} certificates, ${population.transactions} transactions, head block ${population.headBlock}`,
  );

  // A warm-up catch-up first (not measured): the first one pays for the JIT, and it must not be sqlite's alone.
  const warmStore = SqliteIndexStore.open(":memory:");
  await catchUp(warmStore, bridge.url, deployments).finally(() => warmStore.close());
  const sqliteStore = SqliteIndexStore.open(path.join(temp, "index.sqlite"));
  const sqlite = await catchUp(sqliteStore, bridge.url, deployments).finally(() => sqliteStore.close());
  log(
    `catch-up into sqlite: ${sqlite.events} events in ${sqlite.wallMs.toFixed(0)} ms (${sqlite.ranges} ranges)`,
  );

  const database = await throwawayDatabase();
  let postgres: CatchUp;
  try {
    const store = await PostgresIndexStore.connect(database.url, {
      variable: "BENCH_FLEET_DATABASE_URL",
      migrate: true,
    });
    postgres = await catchUp(store, bridge.url, deployments).finally(() => store.close());
    log(
      `postgres working set: ${store.writeStats.ranges} ranges, ${store.writeStats.reruns} re-runs ${JSON.stringify([...store.writeStats.missed])}`,
    );
  } finally {
    await database.drop();
  }
  log(
    `catch-up into postgres: ${postgres.events} events in ${postgres.wallMs.toFixed(0)} ms (${postgres.ranges} ranges)`,
  );
  if (JSON.stringify(postgres.counts) !== JSON.stringify(sqlite.counts))
    throw new Error(
      `the two indexes differ: ${JSON.stringify({ sqlite: sqlite.counts, postgres: postgres.counts })}`,
    );

  const ratio = postgres.eventsPerSecond / sqlite.eventsPerSecond;
  const line = `catch-up into postgres: ${postgres.eventsPerSecond.toFixed(0)} events/s (sqlite: ${sqlite.eventsPerSecond.toFixed(0)} events/s)`;
  console.log(line);
  if (process.env.BENCH_FLEET_NO_REPORT !== "1") {
    const cpus = os.cpus();
    await writeFile(
      OUTPUT,
      `# Catch-up benchmark (issue #13)

Measured by \`npm run bench:catch-up\` (bench/catch-up.ts) on ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? "unknown"}),
Node ${process.version}, PostgreSQL on loopback, on ${new Date().toISOString().slice(0, 10)}. The machine is shared: figures vary by
run; compare the two stores within one run.

## Indexer catch-up into PostgreSQL

The \`bench:api\` data set (${population.tokenIds.length} certificates, ${population.transactions} transactions, ${postgres.events} events),
indexed from the start block over JSON-RPC on loopback HTTP, once into a fresh sqlite file and once into a fresh
PostgreSQL database, in the same run, after one unmeasured warm-up catch-up (the JIT's cost falls on neither).
Both indexes hold the same rows (compared table by table). The local chain's ranges are final (no reorg
journal); the range size is the indexer's default (2,000 blocks).

| store | events | wall time | events/s |
| --- | ---: | ---: | ---: |
| sqlite | ${sqlite.events} | ${sqlite.wallMs.toFixed(0)} ms | ${sqlite.eventsPerSecond.toFixed(0)} |
| PostgreSQL | ${postgres.events} | ${postgres.wallMs.toFixed(0)} ms | ${postgres.eventsPerSecond.toFixed(0)} |

\`${line}\`: ${ratio.toFixed(2)}x (goal: at least 0.75x), ${ratio >= 0.75 ? "met" : "NOT met"}.

How: the handlers run synchronously against a working set the store loads before each range from the keys
the indexer takes from the decoded logs (token, brand and design ids, role pairs, balances), a handful of
queries; the range's rows, journal before-images, kept headers and checkpoint are then written in one
transaction of multi-row \`INSERT ... SELECT * FROM unnest(...)\` statements.
`,
    );
    log(`wrote ${path.relative(ROOT, OUTPUT)}`);
  }
} catch (error) {
  exitCode = 1;
  console.error("[bench:catch-up] failed:", error);
} finally {
  await bridge.close();
  await connection.close();
  await rm(temp, { recursive: true, force: true });
}
process.exit(exitCode);
