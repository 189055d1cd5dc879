/**
 * Fleet benchmark: `npm run bench:fleet` (hardhat run bench/fleet.ts). Issue #13's performance goals,
 * on the same data set as bench:api (BENCH_FLEET_CERTIFICATES, default 10,000), in one run:
 *
 * 1. catch-up from the start block over loopback JSON-RPC, into sqlite and into PostgreSQL, each by a
 *    real `indexer` process (server/main.ts, HALLMARK_ROLE=indexer), timed from the moment it leads to
 *    the moment its /healthz names the head;
 * 2. the fleet: that PostgreSQL database as primary, a pg_basebackup hot standby, the leading indexer
 *    and a standby indexer, 4 `api` verifiers reading the standby;
 * 3. freshness: a steady 2,000 requests/s of mixed reads over the 4 verifiers while a brand admin
 *    flips certificates between stolen and active (BENCH_FLEET_FLIPS, default 500); for each flip, the
 *    time from its block being mined to every verifier answering the new status;
 * 4. throughput of one verifier on PostgreSQL against raw node:http, bench:api's harness;
 * 5. failover: kill -9 of the leading indexer while blocks keep coming, time to the standby's first
 *    applied block, over BENCH_FLEET_KILLS (default 10) kills.
 * Writes docs/benchmarks/fleet.md (BENCH_FLEET_NO_REPORT=1: print only). PostgreSQL from
 * HALLMARK_TEST_DATABASE_URL (npm run test:services); a database of its own, dropped at the end.
 * BENCH_FLEET_PROFILE=<dir>: the verifiers write V8 CPU profiles there when they stop (--cpu-prof).
 */
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";
import hre, { network } from "hardhat";
import pg from "pg";
import { prepareFleetDatabase } from "../scripts/fleet/database.js";
import { startHotStandby } from "../scripts/fleet/hot-standby.js";
import type { HotStandby } from "../scripts/fleet/hot-standby.js";
import { spawnNode } from "../scripts/fleet/node-process.js";
import type { NodeProcess } from "../scripts/fleet/node-process.js";
import { startJsonRpcBridge } from "../scripts/local/json-rpc-bridge.js";
import { spawnServer, stopAllServers } from "./api/children.js";
import { measure } from "./api/load.js";
import type { LoadResult } from "./api/load.js";
import { BENCH_SALT, deployPopulation } from "./api/population.js";
import { runFlipProcess } from "./fleet/flip-process.js";
import type { Stage } from "./fleet/flip-process.js";
import { startLoadProcess } from "./fleet/load-process.js";

const ROOT = hre.config.paths.root;
const OUTPUT = path.join(ROOT, "docs", "benchmarks", "fleet.md");
const COMMAND = "npm run bench:fleet";
const CERTIFICATES = Number(process.env.BENCH_FLEET_CERTIFICATES ?? 10_000);
const FLIPS = Number(process.env.BENCH_FLEET_FLIPS ?? 500);
const KILLS = Number(process.env.BENCH_FLEET_KILLS ?? 10);
const VERIFIERS = 4;
/** Everything below this line in docs/benchmarks/fleet.md is written by hand and kept by each run. */
const NOTES_MARKER = "<!-- Notes below are kept by bench:fleet when it rewrites the figures above. -->";
/** Parts to run (BENCH_FLEET_PARTS, comma-separated; default all): for measuring one figure again. */
const PARTS = new Set(
  (process.env.BENCH_FLEET_PARTS ?? "catch-up,freshness,throughput,failover").split(",").map((p) => p.trim()),
);
/** The background load asked for (BENCH_FLEET_RATE: 0 measures an idle fleet, for comparison). */
const RATE = Number(process.env.BENCH_FLEET_RATE ?? 2_000);
const BRAND_ID = 1;
const ADMIN_URL =
  process.env.HALLMARK_TEST_DATABASE_URL ?? "postgres://hallmark:hallmark@127.0.0.1:5432/hallmark_test";

const log = (line: string): void => console.log(`[bench:fleet] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Health {
  leading: boolean;
  block: number | null;
}

async function healthOf(url: string): Promise<Health | null> {
  try {
    const body = (await (await fetch(`${url}/healthz`)).json()) as {
      leading?: boolean;
      index?: { block: number };
    };
    return { leading: body.leading === true, block: body.index?.block ?? null };
  } catch {
    return null;
  }
}

const STAGES: readonly Stage[] = ["head", "primary", "standby", "first", "all"];
const STAGE_NAMES: Record<Stage, string> = {
  head: "the indexer has seen the block (head on the primary)",
  primary: "the range committed on the primary",
  standby: "the standby has replayed it",
  first: "the first verifier answers the new status",
  all: "all 4 verifiers answer it",
};

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const temp = await mkdtemp(path.join(os.tmpdir(), "hallmark-bench-fleet-"));
const connection = await network.create({ override: { hardfork: "prague" } });
const bridge = await startJsonRpcBridge(connection.provider, 0);
const databaseName = `hallmark_bench_fleet_${randomBytes(4).toString("hex")}`;
const databaseUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();
/**
 * Asks `verifier` for every path once, `concurrency` at a time, so that its answer cache holds them:
 * every answer must be a 200. Answers the seconds it took.
 */
async function coldPass(
  verifier: NodeProcess,
  paths: readonly string[],
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) {
        const requestPath = paths[next++];
        const response = await fetch(`${verifier.url}${requestPath}`, {
          headers: { accept: "application/json" },
        });
        if (response.status !== 200)
          throw new Error(`cold pass: ${response.status} from ${verifier.name} for ${requestPath}`);
        await response.arrayBuffer();
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

const processes: NodeProcess[] = [];
let standby: HotStandby | null = null;
let exitCode = 0;
try {
  const { ethers } = connection;

  // 1. The world: bench:api's population.
  const seedDir = path.join(temp, "seed");
  const population = await deployPopulation(connection, path.join(seedDir, "ipfs"), {
    certificates: CERTIFICATES,
    batchSize: 500,
    log,
  });
  const { deployments } = population;
  const deploymentsFile = path.join(temp, "deployments.json");
  await writeFile(deploymentsFile, JSON.stringify(deployments, null, 2));
  const head = await ethers.provider.getBlockNumber();
  const contractLogs = (await connection.provider.request({
    method: "eth_getLogs",
    params: [
      {
        address: Object.values(deployments.contracts),
        fromBlock: `0x${deployments.startBlock.toString(16)}`,
        toBlock: `0x${head.toString(16)}`,
      },
    ],
  })) as unknown[];
  const events = contractLogs.length;
  log(
    `population: ${population.tokenIds.length} certificates, ${events} contract events, head block ${head}`,
  );

  await prepareFleetDatabase(databaseUrl);
  const common: Record<string, string> = {
    HALLMARK_RPC_URL: bridge.url,
    HALLMARK_DEPLOYMENTS: deploymentsFile,
    HALLMARK_CONFIRMATIONS: "0",
    HALLMARK_POLL_INTERVAL_MS: process.env.BENCH_FLEET_POLL_MS ?? "25",
    HALLMARK_LOG_LEVEL: "warn",
    // Every instance names one public address, as behind a load balancer.
    HALLMARK_PUBLIC_URL: "http://127.0.0.1:8080",
    HALLMARK_RATE_LIMIT_PER_MINUTE: "100000000",
    HALLMARK_BRAND_SALTS: JSON.stringify({ [BRAND_ID]: BENCH_SALT }),
  };
  const spawnIndexer = async (name: string, env: Record<string, string>): Promise<NodeProcess> => {
    const child = await spawnNode(name, {
      env: { ...common, HALLMARK_ROLE: "indexer", HALLMARK_PORT: "0", ...env },
      output: "inherit",
    });
    processes.push(child);
    return child;
  };

  // 2. Catch-up, timed from leading to the head, into sqlite then into PostgreSQL.
  const catchUp = async (
    name: string,
    env: Record<string, string>,
  ): Promise<{ ms: number; perSecond: number; child: NodeProcess }> => {
    const child = await spawnIndexer(name, env);
    if (!child.leading()) await child.nextLeading();
    const started = performance.now();
    for (;;) {
      const health = await healthOf(child.url);
      if (health !== null && health.block !== null && health.block >= head) break;
      await sleep(20);
    }
    const ms = performance.now() - started;
    return { ms, perSecond: (events * 1000) / ms, child };
  };
  const lines = { catchUp: "", freshness: "", throughput: "", failover: "" };
  const loadAverages = [os.loadavg()[0]];
  const sqlite = PARTS.has("catch-up")
    ? await catchUp("indexer (sqlite)", { HALLMARK_DATA_DIR: path.join(temp, "sqlite-indexer") })
    : null;
  await sqlite?.child.stop();
  const postgres = await catchUp("indexer 1 (postgres)", {
    HALLMARK_DATA_DIR: path.join(temp, "indexer-1"),
    HALLMARK_DATABASE_URL: databaseUrl,
  });
  if (sqlite !== null) {
    lines.catchUp = `catch-up into postgres: ${postgres.perSecond.toFixed(0)} events/s (sqlite: ${sqlite.perSecond.toFixed(0)} events/s)`;
    console.log(lines.catchUp);
  }

  // 3. The fleet.
  standby = await startHotStandby({ primaryUrl: databaseUrl });
  log(`hot standby on port ${standby.port}`);
  const indexers = [postgres.child];
  indexers.push(
    await spawnIndexer("indexer 2 (postgres)", {
      HALLMARK_DATA_DIR: path.join(temp, "indexer-2"),
      HALLMARK_DATABASE_URL: databaseUrl,
    }),
  );
  const verifiers: NodeProcess[] = [];
  for (let i = 0; i < VERIFIERS; i++) {
    const dataDir = path.join(temp, `verifier-${i + 1}`);
    await cp(seedDir, dataDir, { recursive: true });
    const verifier = await spawnNode(`verifier ${i + 1}`, {
      env: {
        ...common,
        HALLMARK_ROLE: "api",
        HALLMARK_PORT: "0",
        HALLMARK_DATA_DIR: dataDir,
        HALLMARK_DATABASE_URL: databaseUrl,
        HALLMARK_DATABASE_READ_URL: standby.url,
        ...(process.env.BENCH_FLEET_PROFILE
          ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_FLEET_PROFILE}` }
          : {}),
      },
    });
    processes.push(verifier);
    verifiers.push(verifier);
  }

  // 4. Freshness under a steady 2,000 requests/s of mixed reads (generated by a process of its own).
  const ids = population.tokenIds.map(String);
  const lived = population.livedTokenIds.map(String);
  const paths = [
    ...ids.slice(0, 2_000).map((id) => `/v1/certificates/${id}`),
    ...lived.slice(0, 500).map((id) => `/v1/certificates/${id}/provenance`),
    `/v1/certificates?brand=${BRAND_ID}&limit=20`,
  ];
  const [, admin] = await ethers.getSigners();
  const freshness: number[] = [];
  const stageTimes: Record<Stage, number[]> = { head: [], primary: [], standby: [], first: [], all: [] };
  let load = { perSecond: 0, non2xx: 0, failures: "", skipped: 0, p99: 0 };
  let chainLoop = { delayP99: 0, delayMax: 0, gcPauses: 0, gcOver20: 0, gcLongest: 0 };
  loadAverages.push(os.loadavg()[0]);
  if (PARTS.has("freshness")) {
    // The steady state is measured, not a cold start: each verifier first answers every path of the
    // load once (and the flipped certificates), as a verifier that has been serving for a while has.
    // A cold verifier spends its first thousands of requests on the standby and the documents, and a
    // flip measured then waits behind those misses.
    const flipPaths = lived.slice(0, 50).map((id) => `/v1/certificates/${id}`);
    // BENCH_FLEET_COLD_START=1 skips it (to see what a cold start costs).
    if (process.env.BENCH_FLEET_COLD_START !== "1") {
      const warmStarted = performance.now();
      await Promise.all(verifiers.map((verifier) => coldPass(verifier, [...paths, ...flipPaths], 8)));
      log(
        `cold pass: ${paths.length + flipPaths.length} paths on each of ${verifiers.length} verifiers in ${((performance.now() - warmStarted) / 1000).toFixed(1)} s`,
      );
    }
    const background = await startLoadProcess({
      targets: verifiers.map((verifier) => ({ url: verifier.url, ratePerSecond: RATE / VERIFIERS })),
      paths,
    });
    const flipTokens = lived.slice(0, 50);
    await sleep(2_000); // The load reaches its rate.
    // This process serves the chain (every indexer poll goes through its bridge): its event loop's
    // delays and its pauses for garbage collection delay the indexers as a slow RPC node would, and
    // are reported. The flips and the probes run in a process of their own (bench/fleet/flip-process.ts).
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const gcPauses: number[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcPauses.push(entry.duration);
    });
    gcObserver.observe({ entryTypes: ["gc"] });
    const flips = await runFlipProcess({
      rpcUrl: bridge.url,
      certificate: deployments.contracts.HallmarkCertificate,
      admin: admin.address,
      tokens: flipTokens,
      flips: FLIPS,
      verifiers: verifiers.map((verifier) => ({ name: verifier.name, url: verifier.url })),
      primaryUrl: databaseUrl,
      standbyUrl: standby.url,
      probeMs: 5,
    });
    freshness.push(...flips.freshness);
    for (const stage of STAGES) stageTimes[stage].push(...flips.stages[stage]);
    loopDelay.disable();
    gcObserver.disconnect();
    chainLoop = {
      delayP99: loopDelay.percentile(99) / 1e6,
      delayMax: loopDelay.max / 1e6,
      gcPauses: gcPauses.length,
      gcOver20: gcPauses.filter((ms) => ms > 20).length,
      gcLongest: Math.max(0, ...gcPauses),
    };
    log(
      `the chain's process during the flips: event loop delay p99 ${chainLoop.delayP99.toFixed(0)} ms, max ${chainLoop.delayMax.toFixed(0)} ms; ` +
        `${chainLoop.gcPauses} GC pauses, ${chainLoop.gcOver20} over 20 ms, longest ${chainLoop.gcLongest.toFixed(0)} ms`,
    );
    const totals = await background.stop();
    load = {
      perSecond: totals.requests / totals.seconds,
      non2xx: totals.non2xx + totals.errors,
      failures: Object.entries(totals.failures)
        .map(([what, count]) => `${count} × ${what}`)
        .join(", "),
      skipped: totals.skipped,
      p99: totals.p99,
    };
    const freshnessP99 = percentile(freshness, 99);
    const freshnessLine = `fleet freshness p99: ${freshnessP99.toFixed(0)} ms over ${freshness.length} flips (${VERIFIERS} verifiers)`;
    console.log(freshnessLine);
    lines.freshness = freshnessLine;
    log(
      `freshness p50 ${percentile(freshness, 50).toFixed(0)} ms, max ${Math.max(...freshness).toFixed(0)} ms; ` +
        `background load ${load.perSecond.toFixed(0)} requests/s of ${RATE} asked (p99 ${load.p99.toFixed(0)} ms), ` +
        `${load.non2xx} non-2xx or errors${load.failures === "" ? "" : ` (${load.failures})`}, ${load.skipped} skipped`,
    );
    for (const stage of STAGES)
      log(
        `  ${STAGE_NAMES[stage]}: p50 ${percentile(stageTimes[stage], 50).toFixed(0)} ms, p99 ${percentile(stageTimes[stage], 99).toFixed(0)} ms`,
      );
  }

  // 5. Throughput: one verifier on PostgreSQL against raw node:http (bench:api's harness).
  const throughput: LoadResult[] = [];
  loadAverages.push(os.loadavg()[0]);
  if (PARTS.has("throughput")) {
    const typical = await (await fetch(`${verifiers[0].url}/v1/certificates/${ids[0]}`)).text();
    const bodyFile = path.join(temp, "baseline-body.json");
    await writeFile(bodyFile, typical);
    const raw = await spawnServer("raw node:http", path.join(ROOT, "bench", "api", "raw-server.ts"), {
      cwd: ROOT,
      env: { BENCH_BODY_FILE: bodyFile },
    });
    const certificatePaths = ids.map((id) => `/v1/certificates/${id}`);
    // As bench:api: a cold pass asks for every certificate once (50 in flight), then the warm steady
    // state is measured; the baseline runs before and after, and the ratio divides by their mean.
    const coldSeconds = await coldPass(verifiers[0], certificatePaths, 50);
    log(`cold pass: ${certificatePaths.length} answers in ${coldSeconds.toFixed(1)} s`);
    for (const target of [
      { name: "raw node:http (before)", url: raw.url, paths: ["/"] },
      { name: "verifier on PostgreSQL", url: verifiers[0].url, paths: certificatePaths },
      { name: "raw node:http (after)", url: raw.url, paths: ["/"] },
    ]) {
      throughput.push(await measure(target, { connections: 50, durationSeconds: 10, warmupSeconds: 3 }));
    }
    await raw.stop();
    const [before, verifierResult, after] = throughput;
    const rawPerSecond = (before.requestsPerSecond + after.requestsPerSecond) / 2;
    const ratio = verifierResult.requestsPerSecond / rawPerSecond;
    const throughputLine = `verifier on postgres: ${verifierResult.requestsPerSecond.toFixed(0)} requests/s = ${ratio.toFixed(2)}x raw node:http (${rawPerSecond.toFixed(0)})`;
    console.log(throughputLine);
    lines.throughput = throughputLine;
  }

  // 6. Failover: kill -9 the leader while blocks keep coming; time to the standby's first applied block.
  const failovers: number[] = [];
  loadAverages.push(os.loadavg()[0]);
  if (PARTS.has("failover")) {
    const certificate = await ethers.getContractAt(
      "HallmarkCertificate",
      deployments.contracts.HallmarkCertificate,
    );
    let producing = true;
    const producer = (async () => {
      const id = lived[lived.length - 1];
      let isStolen = false;
      while (producing) {
        const tx = isStolen
          ? await certificate.connect(admin).restore(id, "failover")
          : await certificate.connect(admin).reportStolen(id, "failover");
        await tx.wait();
        isStolen = !isStolen;
        await sleep(20);
      }
    })();
    for (let kill = 0; kill < KILLS; kill++) {
      const leader = indexers.find((indexer) => indexer.leading());
      const other = indexers.find((indexer) => indexer !== leader);
      if (leader === undefined || other === undefined) throw new Error("no leader and standby pair");
      const blockAtKill = await ethers.provider.getBlockNumber();
      await leader.kill();
      const killed = performance.now();
      for (;;) {
        const health = await healthOf(other.url);
        if (health?.leading === true && health.block !== null && health.block > blockAtKill) break;
        if (performance.now() - killed > 30_000) throw new Error("the standby did not take over within 30 s");
        await sleep(2);
      }
      failovers.push(performance.now() - killed);
      // The killed leader comes back as the new standby.
      const index = indexers.indexOf(leader);
      indexers[index] = await spawnIndexer(`indexer ${index + 1} (postgres)`, {
        HALLMARK_DATA_DIR: path.join(temp, `indexer-${index + 1}`),
        HALLMARK_DATABASE_URL: databaseUrl,
      });
      await sleep(500);
    }
    producing = false;
    await producer;
    const failoverMedian = percentile(failovers, 50);
    const failoverLine = `failover median: ${failoverMedian.toFixed(0)} ms over ${failovers.length} kills (kill -9 of the leader to the standby's first applied block)`;
    console.log(failoverLine);
    lines.failover = failoverLine;
  }

  if (process.env.BENCH_FLEET_NO_REPORT !== "1" && PARTS.size === 4) {
    await writeFile(
      OUTPUT,
      renderReport({
        lines,
        sqlite: sqlite?.perSecond ?? 0,
        postgres: postgres.perSecond,
        events,
        freshness,
        stages: stageTimes,
        load,
        chainLoop,
        loadAverages,
        throughput,
        failovers,
        notes: await readFile(OUTPUT, "utf8").then(
          (text) => text.split(NOTES_MARKER)[1]?.trimStart() ?? "",
          () => "",
        ),
      }),
    );
    log(`wrote ${path.relative(ROOT, OUTPUT)}`);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await Promise.all(processes.map((child) => child.stop(5_000)));
  await stopAllServers();
  await standby?.stop();
  await dropDatabase().catch((error: unknown) => console.error("dropping the bench database failed", error));
  await bridge.close();
  await connection.close();
  await rm(temp, { recursive: true, force: true });
}
process.exit(exitCode);

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

function renderReport(input: {
  lines: { catchUp: string; freshness: string; throughput: string; failover: string };
  sqlite: number;
  postgres: number;
  events: number;
  freshness: number[];
  stages: Record<Stage, number[]>;
  load: { perSecond: number; non2xx: number; failures: string; skipped: number; p99: number };
  chainLoop: { delayP99: number; delayMax: number; gcPauses: number; gcOver20: number; gcLongest: number };
  loadAverages: number[];
  throughput: LoadResult[];
  failovers: number[];
  notes: string;
}): string {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const cpus = os.availableParallelism();
  const model = os.cpus()[0]?.model ?? "unknown";
  const [before, verifier, after] = input.throughput;
  const raw = (before.requestsPerSecond + after.requestsPerSecond) / 2;
  const stageRows = STAGES.map(
    (stage) =>
      `| ${STAGE_NAMES[stage]} | ${ms(percentile(input.stages[stage], 50))} | ${ms(percentile(input.stages[stage], 99))} |`,
  ).join("\n");
  return `# Fleet benchmark

Measured with \`${COMMAND}\` (bench/fleet.ts) on ${new Date().toISOString().slice(0, 10)}, ${cpus} cores (${model.trim()}), Node ${process.version},
PostgreSQL on the same machine, ${CERTIFICATES.toLocaleString("en")} certificates (bench:api's population${CERTIFICATES === 10_000 ? "" : ", resized with BENCH_FLEET_CERTIFICATES"};
${input.events.toLocaleString("en")} contract events). The machine was shared with other work: load average (1 min) ${input.loadAverages.map((value) => value.toFixed(1)).join(", ")} at the start of
each part (catch-up, freshness, throughput, failover). Every process is a real \`server/main.ts\` child with its
role; the chain is the in-process Hardhat chain over loopback JSON-RPC. Figures are from one run.

| what | figure | goal |
| --- | --- | --- |
| catch-up into PostgreSQL vs sqlite | ${input.postgres.toFixed(0)} vs ${input.sqlite.toFixed(0)} events/s (${(input.postgres / input.sqlite).toFixed(2)}x) | ≥ 0.75x |
| fleet freshness p99 (4 verifiers on a hot standby, ${input.load.perSecond.toFixed(0)} requests/s of mixed reads sustained) | ${ms(percentile(input.freshness, 99))} over ${input.freshness.length} flips (p50 ${ms(percentile(input.freshness, 50))}, max ${ms(Math.max(...input.freshness))}) | ≤ 150 ms |
| one verifier on PostgreSQL vs raw node:http, GET /v1/certificates/:id | ${verifier.requestsPerSecond.toFixed(0)} vs ${raw.toFixed(0)} requests/s (${(verifier.requestsPerSecond / raw).toFixed(2)}x) | ≥ 0.5x |
| failover: kill -9 of the leading indexer to the standby's first applied block | median ${ms(percentile(input.failovers, 50))} over ${input.failovers.length} kills (min ${ms(Math.min(...input.failovers))}, max ${ms(Math.max(...input.failovers))}) | — |

Printed lines:

\`\`\`
${input.lines.catchUp}
${input.lines.freshness}
${input.lines.throughput}
${input.lines.failover}
\`\`\`

Where a flip's time goes, each stage timed from the block's mining (the same flips; a stage's p99 and the
next one's are not from the same flip):

| stage | p50 | p99 |
| --- | ---: | ---: |
${stageRows}

## How each figure is taken

- **Catch-up**: an \`indexer\` process indexes the whole history from the start block over loopback JSON-RPC,
  first into sqlite, then into an empty PostgreSQL database; the clock runs from its "leading" message to the
  moment its \`/healthz\` names the head block. Events are the deployment's contract logs in that range.
  \`npm run bench:catch-up\` measures this alone, with medians of alternating runs ([catch-up.md](catch-up.md)).
- **Freshness**: 4 \`api\` verifiers read a \`pg_basebackup\` hot standby; one indexer leads, one stands by;
  the indexers poll the chain every ${process.env.BENCH_FLEET_POLL_MS ?? "25"} ms (HALLMARK_POLL_INTERVAL_MS). The steady state is
  measured: each verifier first answers every path of the load once (its answer cache holds them, as a verifier's that
  has served for a while does). A process of its own then sends each verifier a steady ${RATE / VERIFIERS} requests/s (evenly paced
  every 5 ms, open loop, over up to 20 keep-alive connections each: certificate answers, provenance pages, a brand's
  list; bench/fleet/steady-load.ts). In another process (bench/fleet/flip-process.ts), a brand admin alternately
  reports a certificate stolen and restores it over the chain's JSON-RPC endpoint; for each flip the clock starts when
  the transaction's send returns (the chain mines on send) and stops when all 4 verifiers answer the new status, each
  asked every 5 ms. The stages are read every 5 ms from the index's status row on the primary (the head the indexer
  saw, the checkpoint it committed) and on the standby (the checkpoint replayed). The chain's process (the
  benchmark's own, with the population's 300 MiB heap) during the flips: event loop delay p99
  ${input.chainLoop.delayP99.toFixed(0)} ms, max ${input.chainLoop.delayMax.toFixed(0)} ms; ${input.chainLoop.gcPauses} pauses for garbage collection, the longest
  ${input.chainLoop.gcLongest.toFixed(0)} ms. Background requests answered non-2xx or failed: ${input.load.non2xx}${input.load.failures === "" ? "" : ` (${input.load.failures})`}.
- **Throughput**: bench:api's harness: a cold pass asks for every certificate once, then autocannon (50
  keep-alive connections, 3 s warm-up, 10 s measured) on one verifier of the fleet, random certificate ids,
  against a raw \`node:http\` server answering a real certificate answer's bytes, measured before and after
  (the ratio divides by their mean).
- **Background load**: asked for ${RATE} requests/s; the table gives the rate answered (${input.load.skipped} requests
  were due while all of a verifier's connections and its queue of 80 were busy, and were not sent; answers' p99
  ${input.load.p99.toFixed(0)} ms from their due time). The load generator is a process of its own but shares the
  cores with the fleet, PostgreSQL twice and the chain. It is not autocannon's fixed rate, which sends each
  connection's quota for the second back to back at the top of every second: a burst of 2,000 requests a second.
- **Failover**: while a transaction is mined every ~20 ms, the leading indexer is killed with SIGKILL; the clock
  stops when the other indexer's \`/healthz\` says it leads and names a block past the head at the kill. The
  killed one is started again as the next standby. A standby waits in the writer lock's queue, so PostgreSQL
  hands it the lock as soon as the killed leader's session ends; the rest is opening the writer's store and
  its first poll.

Parts can be run alone: \`BENCH_FLEET_PARTS=freshness,failover BENCH_FLEET_CERTIFICATES=2000 BENCH_FLEET_FLIPS=100
BENCH_FLEET_KILLS=5 BENCH_FLEET_NO_REPORT=1 ${COMMAND}\` (a report is written only when every part ran).

${NOTES_MARKER}

${input.notes}`;
}
