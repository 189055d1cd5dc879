/**
 * API benchmark: `npm run bench:api` (hardhat run bench/api.ts). Issue #5's performance goals.
 *
 * 1. On a fresh in-process chain: deploy (Ignition), register a brand, publish 10,000 certificate
 *    metadata documents to an embedded IPFS store in a temp dir, mint 10,000 certificates in batches
 *    of 500, then record a few thousand provenance events and transfers.
 * 2. Indexer catch-up: index the whole history from scratch into fresh sqlite files, once through the
 *    in-process provider and once through JSON-RPC over loopback HTTP; events applied per second.
 * 3. Serve: the real verifier (server/main.ts) in a child process against the index built over HTTP and
 *    the IPFS blocks, and a raw `node:http` baseline in another child answering a precomputed body of the
 *    size of a typical certificate answer; 50 keep-alive connections per target (autocannon), a warm-up,
 *    then a measured run, over random existing token ids. The tap route (issue #18): one piece in ten is
 *    bound at issuance to a simulated NTAG 424 DNA, the verifier holds the brand's tag keystore, and the
 *    run fires SUN links made in advance, each a first-time tap; its answers are counted (any copied-link
 *    answer fails it).
 * 4. Writes docs/benchmarks/api.md and prints the headline figures.
 *
 * Bounded: every child is killed and the temp dir removed on every exit path. Loopback only.
 * Knobs (environment): BENCH_API_CERTIFICATES (default 10000), BENCH_API_DURATION (s, default 10),
 * BENCH_API_CPU_PROF=<dir> (writes a V8 CPU profile of the verifier child there),
 * BENCH_API_NO_REPORT=1 (print only, leave docs/benchmarks/api.md alone), BENCH_API_KEEP_DATA=1 (keep the
 * temp dir with the index and IPFS blocks, for profiling by hand).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import hre, { network } from "hardhat";
import { format, resolveConfig } from "prettier";
import type { Deployments } from "../server/chain/deployments.js";
import type { Eip1193 } from "../server/chain/eip1193.js";
import { HttpJsonRpcProvider } from "../server/chain/http.js";
import { Indexer } from "../server/indexer/Indexer.js";
import { SqliteIndexStore } from "../server/store/sqlite/SqliteIndexStore.js";
import { SimulatedTag } from "../server/tags/simulated-tag.js";
import { importTagKeystore, TagMasterKey } from "../server/tags/tag-keystore.js";
import { parseTagUid } from "../server/tags/uid.js";
import { DEMO_TAG_BRAND, DEMO_TAG_MASTER_KEY } from "../scripts/demo/tags.js";
import { startJsonRpcBridge } from "../scripts/local/json-rpc-bridge.js";
import { spawnServer, stopAllServers } from "./api/children.js";
import { measure } from "./api/load.js";
import { TapFeed, tapPath } from "./api/tap-feed.js";
import type { LoadResult, LoadTarget } from "./api/load.js";
import { BENCH_SALT, deployPopulation, serialOf } from "./api/population.js";
import { CACHE_OFF, RESOLVER, TAPS, renderApiReport } from "./api/report.js";
import type { CatchUp, Machine } from "./api/report.js";

const ROOT = hre.config.paths.root;
const OUTPUT = path.join(ROOT, "docs", "benchmarks", "api.md");
const COMMAND = "npm run bench:api";
const CERTIFICATES = Number(process.env.BENCH_API_CERTIFICATES ?? 10_000);
const DURATION_S = Number(process.env.BENCH_API_DURATION ?? 10);
const WARMUP_S = 3;
const CONNECTIONS = 50;
const BATCH = 500;
/** One piece in ten carries a simulated NTAG 424 DNA (issue #18): 1,000 tags at 10,000 certificates. */
const TAG_EVERY = 10;

const log = (line: string): void => console.log(`[bench:api] ${line}`);

/** The company prefix of the example passport's GTIN, configured as the bench brand's (the resolver). */
const BENCH_GS1_PREFIX = "8012345";
const BENCH_GTIN = "08012345678907";
/**
 * The resolver's mix (issue #19): what a phone, an app and a crawler ask of a Digital Link, one
 * sixth each. Redirects (307) are measured as answers; nothing follows them.
 */
const RESOLVER_VARIANTS: readonly { query: string; accept: string }[] = [
  { query: "", accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
  { query: "", accept: "application/json" },
  { query: "", accept: "application/linkset+json" },
  { query: "?linkType=linkset", accept: "*/*" },
  { query: "?linkType=gs1:certificationInfo", accept: "application/json" },
  { query: "?linkType=gs1:sustainabilityInfo", accept: "*/*" },
];

function machine(): Machine {
  const cpuinfo = (() => {
    try {
      return execFileSync("cat", ["/proc/cpuinfo"], { encoding: "utf8" });
    } catch {
      return "";
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  return {
    cpus: os.availableParallelism(),
    cpuModel: model.trim(),
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0],
  };
}

async function catchUp(
  name: string,
  provider: Eip1193,
  file: string,
  deployments: Deployments,
): Promise<CatchUp> {
  const store = SqliteIndexStore.open(file);
  try {
    const indexer = new Indexer({ provider, store, deployments, confirmations: 0 });
    const started = performance.now();
    let head = 0;
    for (let run = 0; run < 1_000; run++) {
      const result = await indexer.runOnce();
      head = result.headBlock;
      if (result.toBlock >= result.headBlock) break;
    }
    const wallMs = performance.now() - started;
    const counts = await store.counts();
    return {
      name,
      events: indexer.stats.eventsApplied,
      logs: indexer.stats.logsRead,
      blocks: head - deployments.startBlock + 1,
      ranges: indexer.stats.rangesApplied,
      wallMs,
      eventsPerSecond: (indexer.stats.eventsApplied * 1000) / wallMs,
      certificates: counts.certificates,
      provenance: counts.provenance,
    };
  } finally {
    await store.close();
  }
}

async function getJson(
  url: string,
): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

/** Deterministic shuffle (xorshift), so runs draw the same ids. */
function sample<T>(items: readonly T[], count: number, seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = (state >>> 0) % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

const machineBefore = machine();
const temp = await mkdtemp(path.join(os.tmpdir(), "hallmark-bench-api-"));
const connection = await network.create({ override: { hardfork: "prague" } });
const bridge = await startJsonRpcBridge(connection.provider, 0);
let exitCode = 0;
try {
  log(`temp dir ${temp}; chain JSON-RPC bridge ${bridge.url}`);

  // 1. The world.
  const population = await deployPopulation(connection, path.join(temp, "ipfs"), {
    certificates: CERTIFICATES,
    batchSize: BATCH,
    tagEvery: TAG_EVERY,
    log,
  });
  const { deployments } = population;
  log(
    `population: ${population.tokenIds.length} certificates, ${population.documentsPublished} documents ` +
      `(${(population.publishMs / 1000).toFixed(1)} s), ${population.transactions} transactions, head block ${population.headBlock}`,
  );

  // 2. Catch-up from scratch, twice: the indexer alone (in-process provider), then over JSON-RPC HTTP.
  const inProcess = await catchUp(
    "in-process EIP-1193 provider",
    connection.provider,
    path.join(temp, "catchup-inprocess.sqlite"),
    deployments,
  );
  await rm(path.join(temp, "catchup-inprocess.sqlite"), { force: true });
  log(
    `catch-up (${inProcess.name}): ${inProcess.events} events, ${inProcess.blocks} blocks in ${inProcess.wallMs.toFixed(0)} ms → ${inProcess.eventsPerSecond.toFixed(0)} events/s`,
  );
  // The served index lives where the verifier's configuration looks for it: <data dir>/index.sqlite.
  const overHttp = await catchUp(
    "JSON-RPC over loopback HTTP",
    new HttpJsonRpcProvider(bridge.url, { timeoutMs: 30_000 }),
    path.join(temp, "index.sqlite"),
    deployments,
  );
  log(
    `catch-up (${overHttp.name}): ${overHttp.events} events, ${overHttp.blocks} blocks in ${overHttp.wallMs.toFixed(0)} ms → ${overHttp.eventsPerSecond.toFixed(0)} events/s`,
  );
  await writeFile(path.join(temp, "deployments.json"), JSON.stringify(deployments, null, 2));

  // 3. Serve.
  // The brand's tag keystore, as `npm start` gives the demo's: the demo master key (public), sealed under
  // a password made for this run and handed to the verifier child through the environment.
  const tagPassword = randomBytes(18).toString("base64url");
  const tagKeystore = path.join(temp, "tag-keys", `brand-${DEMO_TAG_BRAND}-tags.json`);
  await mkdir(path.dirname(tagKeystore), { recursive: true });
  await importTagKeystore(
    tagKeystore,
    DEMO_TAG_BRAND,
    [new TagMasterKey(1, DEMO_TAG_MASTER_KEY, "2026-01-01T00:00:00.000Z")],
    tagPassword,
    { scryptN: 1 << 12 },
  );
  const profileDir = process.env.BENCH_API_CPU_PROF;
  if (profileDir !== undefined && profileDir !== "")
    await mkdir(path.resolve(profileDir), { recursive: true });
  const spawnVerifier = (extraEnv: Record<string, string> = {}) =>
    spawnServer("verifier", path.join(ROOT, "bench", "api", "verifier-child.ts"), {
      cwd: ROOT,
      env: {
        ...extraEnv,
        HALLMARK_DATA_DIR: temp,
        HALLMARK_PORT: "0",
        HALLMARK_HOST: "127.0.0.1",
        HALLMARK_RPC_URL: bridge.url,
        HALLMARK_IPFS: "embedded",
        HALLMARK_BRAND_SALTS: JSON.stringify({ "1": BENCH_SALT }),
        // The example passport's GTIN (08012345678907) belongs to the bench brand: the resolver's links.
        HALLMARK_GS1_PREFIXES: JSON.stringify({ [BENCH_GS1_PREFIX]: 1 }),
        HALLMARK_CONFIRMATIONS: "0",
        HALLMARK_POLL_INTERVAL_MS: "1000",
        // The per-client limit (default 600/min) would answer 429 to a load generator on one address.
        HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000000",
        HALLMARK_LOG_LEVEL: "warn",
        HALLMARK_TAG_KEYSTORES: JSON.stringify({
          [DEMO_TAG_BRAND]: { keystore: tagKeystore, passwordEnv: "BENCH_TAG_PASSWORD" },
        }),
        BENCH_TAG_PASSWORD: tagPassword,
        BENCH_START_INDEXER: "1",
      },
      execArgv: profileDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(profileDir)] : [],
    });
  let verifier = await spawnVerifier();
  log(`verifier child pid ${verifier.pid} on ${verifier.url}`);

  // The whole collection, so the document cache is exercised as a verifier with 10,000 pieces would be.
  const certificateIds = sample(population.tokenIds, population.tokenIds.length, 0x9e3779b9).map(String);
  const livedIds = sample(population.livedTokenIds, population.livedTokenIds.length, 0x85ebca6b).map(String);
  // Every sampled answer must be a verified 200 before load: a fast 404 or unverified answer proves nothing.
  const sizes: number[] = [];
  let typical = "";
  for (const id of certificateIds.slice(0, 25)) {
    const answer = await getJson(`${verifier.url}/v1/certificates/${id}`);
    const metadata = answer.body.metadata as { verified?: boolean } | undefined;
    if (answer.status !== 200 || metadata?.verified !== true) {
      throw new Error(
        `GET /v1/certificates/${id} answered ${answer.status} (verified: ${String(metadata?.verified)}): ${answer.text.slice(0, 300)}`,
      );
    }
    sizes.push(Buffer.byteLength(answer.text));
    typical = answer.text;
  }
  const provenanceSizes: number[] = [];
  let provenanceItems = 0;
  for (const id of livedIds.slice(0, 25)) {
    const answer = await getJson(`${verifier.url}/v1/certificates/${id}/provenance`);
    if (answer.status !== 200)
      throw new Error(`GET /v1/certificates/${id}/provenance answered ${answer.status}`);
    provenanceSizes.push(Buffer.byteLength(answer.text));
    provenanceItems += (answer.body.items as unknown[]).length;
  }
  sizes.sort((a, b) => a - b);
  const medianSize = sizes[Math.floor(sizes.length / 2)];
  // The baseline body: a real certificate answer, padded or cut to the median size (still JSON).
  const body =
    typical.length >= medianSize
      ? typical.slice(0, medianSize)
      : typical + " ".repeat(medianSize - typical.length);
  const bodyFile = path.join(temp, "baseline-body.json");
  await writeFile(bodyFile, body);
  const raw = await spawnServer("raw node:http", path.join(ROOT, "bench", "api", "raw-server.ts"), {
    cwd: ROOT,
    env: { BENCH_BODY_FILE: bodyFile },
  });
  log(`baseline child pid ${raw.pid} on ${raw.url}, body ${Buffer.byteLength(body)} bytes`);

  // A cold pass over the whole collection, 50 at a time: every answer must be a verified 200, and it fills
  // the document cache as a running verifier's would be; the measured runs below are the warm steady state.
  const coldPass = async (url: string): Promise<number> => {
    const started = performance.now();
    let next = 0;
    let bad = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < certificateIds.length) {
          const id = certificateIds[next++];
          const answer = await getJson(`${url}/v1/certificates/${id}`);
          if (answer.status !== 200 || (answer.body.metadata as { verified?: boolean }).verified !== true)
            bad += 1;
        }
      }),
    );
    if (bad > 0) throw new Error(`${bad} certificate answers were not verified 200s`);
    return (performance.now() - started) / 1000;
  };
  const coldSeconds = await coldPass(verifier.url);
  log(`cold pass: ${certificateIds.length} verified answers in ${coldSeconds.toFixed(1)} s`);

  // The resolver: every piece's Digital Link once as JSON (verified 200s naming the right token), which
  // resolves each link as a first scan would; then the measured mix draws a piece and a variant.
  const linkOf = (i: number): string => `/01/${BENCH_GTIN}/21/${serialOf(i)}`;
  const resolverCold = async (url: string): Promise<number> => {
    const started = performance.now();
    let next = 0;
    let bad = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < population.tokenIds.length) {
          const i = next++;
          const answer = await getJson(`${url}${linkOf(i)}`);
          const body = answer.body as { tokenId?: string; digitalLink?: { gtinCheck?: string } };
          if (
            answer.status !== 200 ||
            body.tokenId !== population.tokenIds[i].toString() ||
            body.digitalLink?.gtinCheck !== "match"
          )
            bad += 1;
        }
      }),
    );
    if (bad > 0) throw new Error(`${bad} Digital Link answers were not the right verified 200s`);
    return (performance.now() - started) / 1000;
  };
  log(
    `resolver cold pass: ${population.tokenIds.length} links in ${(await resolverCold(verifier.url)).toFixed(1)} s`,
  );
  const resolverPaths = sample(
    population.tokenIds.map((_, i) => i),
    population.tokenIds.length,
    0xc2b2ae35,
  ).map((i) => {
    const variant = RESOLVER_VARIANTS[i % RESOLVER_VARIANTS.length];
    return { path: `${linkOf(i)}${variant.query}`, accept: variant.accept };
  });

  // The tap route (issue #18): every tagged piece tapped once first (its first tap, counter 1), each
  // answer an authentic, fresh tap of a bound tag; the measured run then fires links from a pool of
  // taps made in advance, each a new counter of its tag and each used once (see tapPool).
  const tags = population.taggedPieces.map((piece) => ({
    tokenId: piece.tokenId.toString(),
    tag: new SimulatedTag(DEMO_TAG_MASTER_KEY, parseTagUid(piece.uid)),
  }));
  const classifyTap = (status: number, text: string): string => {
    if (status !== 200) return `HTTP ${status}`;
    const answer = JSON.parse(text) as {
      copied?: boolean;
      tap?: { result?: string };
      presence?: { fresh?: boolean };
    };
    if (answer.copied === true) return "copied";
    return answer.tap?.result === "authentic" && answer.presence?.fresh === true
      ? "fresh"
      : `tap ${answer.tap?.result ?? "?"}`;
  };
  const tapCold = async (url: string): Promise<number> => {
    const started = performance.now();
    let next = 0;
    const classes = new Map<string, number>();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < tags.length) {
          const { tokenId, tag } = tags[next++];
          const response = await fetch(`${url}${tapPath(tokenId, tag)}`, {
            headers: { accept: "application/json" },
          });
          const name = classifyTap(response.status, await response.text());
          classes.set(name, (classes.get(name) ?? 0) + 1);
        }
      }),
    );
    if (classes.size !== 1 || !classes.has("fresh"))
      throw new Error(`first taps were not all fresh authentic taps: ${JSON.stringify([...classes])}`);
    return (performance.now() - started) / 1000;
  };
  log(`tap cold pass: ${tags.length} tags tapped once in ${(await tapCold(verifier.url)).toFixed(1)} s`);
  // The run's links, made before it (bench/api/tap-feed.ts) so that the load generator only sends them.
  let taps: TapFeed | undefined;
  const tapFeedTarget = (name: string, feed: () => TapFeed | undefined): LoadTarget => ({
    name,
    url: verifier.url,
    paths: [],
    feed: {
      reset: () => feed()?.reset(),
      next: (context) => feed()?.next(context) ?? "/",
      answered: (context) => feed()?.answered(context),
    },
    classify: classifyTap,
  });
  const withTapPool = async (): Promise<string> => {
    // Sized on the route's own rate: a one-second probe (fresh taps too, from a small pool of their own),
    // then twice what the warm-up and the measured run would take at that rate. Making a link costs
    // about as much as checking it, so a pool sized on the faster read routes would take longer to make
    // than the run lasts.
    const probe = new TapFeed(tags, 8_000);
    const probed = await measure(
      tapFeedTarget("tap probe", () => probe),
      {
        connections: CONNECTIONS,
        durationSeconds: 1,
        warmupSeconds: 0,
      },
    );
    // A probe that used its pool up in its one second went at least that fast: twice that, to be safe.
    const rate = probe.reused > 0 ? 2 * probe.size : Math.max(probed.requestsPerSecond, 100);
    const size = Math.ceil(rate * (WARMUP_S + DURATION_S) * 2);
    const started = performance.now();
    taps = new TapFeed(tags, size);
    log(
      `tap pool: probe ${probed.requestsPerSecond.toFixed(0)} req/s (${JSON.stringify(probed.answers)}); ` +
        `${size} fresh links over ${tags.length} tags made in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return verifier.url;
  };

  const load = { connections: CONNECTIONS, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S };
  const results: LoadResult[] = [];
  const certificatePaths = certificateIds.map((id) => `/v1/certificates/${id}`);
  const provenancePaths = livedIds.map((id) => `/v1/certificates/${id}/provenance`);
  // The same verifier restarted with HALLMARK_ANSWER_CACHE_MB=0 (after its own cold pass, so its document
  // cache is as warm): what every answer costs when it is built again, through Express (the comparison).
  const withoutAnswerCache = async (): Promise<string> => {
    await verifier.stop();
    verifier = await spawnVerifier({ HALLMARK_ANSWER_CACHE_MB: "0" });
    log(
      `verifier child without answer cache, pid ${verifier.pid}; cold pass ${(await coldPass(verifier.url)).toFixed(1)} s`,
    );
    return verifier.url;
  };
  const targets: {
    name: string;
    url: string | (() => Promise<string>);
    paths: (string | { path: string; accept: string })[];
    feed?: LoadTarget["feed"];
    classify?: (status: number, body: string) => string;
  }[] = [
    { name: "raw node:http baseline (before)", url: raw.url, paths: ["/"] },
    { name: "GET /v1/certificates/:id", url: verifier.url, paths: certificatePaths },
    { name: "GET /v1/certificates/:id/provenance", url: verifier.url, paths: provenancePaths },
    { name: `${RESOLVER}: GET /01/{gtin}/21/{serial} (mixed)`, url: verifier.url, paths: resolverPaths },
    {
      name: `${TAPS}: GET /v1/taps/:id (fresh SUN links)`,
      url: withTapPool,
      paths: [],
      feed: tapFeedTarget("", () => taps).feed,
      classify: classifyTap,
    },
    { name: `GET /v1/certificates/:id ${CACHE_OFF}`, url: withoutAnswerCache, paths: certificatePaths },
    {
      name: `GET /v1/certificates/:id/provenance ${CACHE_OFF}`,
      url: () => Promise.resolve(verifier.url),
      paths: provenancePaths,
    },
    { name: "raw node:http baseline (after)", url: raw.url, paths: ["/"] },
  ];
  for (const spec of targets) {
    const target = { ...spec, url: typeof spec.url === "string" ? spec.url : await spec.url() };
    log(`load: ${target.name} (${WARMUP_S} s warm-up, ${DURATION_S} s measured, ${CONNECTIONS} connections)`);
    const result = await measure(target, { ...load, seed: results.length + 1 });
    results.push(result);
    const baseline = results[0].requestsPerSecond;
    log(
      `  ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, ${result.bytesPerRequest.toFixed(0)} B/answer` +
        (results.length > 1 ? `, ${(result.requestsPerSecond / baseline).toFixed(2)} × baseline` : ""),
    );
    if (result.answers !== undefined) {
      const copied = result.answers.copied ?? 0;
      const counted = Object.values(result.answers).reduce((a, b) => a + b, 0);
      log(
        `  answers: ${Object.entries(result.answers)
          .map(([name, n]) => `${n} ${name}`)
          .join(", ")} (${taps?.sent ?? 0} of ${taps?.size ?? 0} links sent, warm-up included)` +
          (copied > 0
            ? `: FAILED, ${copied} copied-link answers` +
              ((taps?.reused ?? 0) > 0
                ? `: the pool of fresh links was used up and ${taps?.reused} links were sent again`
                : ": no link was sent twice (a verifier bug?)")
            : counted === (result.answers.fresh ?? 0)
              ? ": every answer a fresh tap"
              : ": FAILED, not every answer a fresh tap"),
      );
      if (copied > 0 || counted !== (result.answers.fresh ?? 0)) exitCode = 1;
    }
  }
  await verifier.stop();
  await raw.stop();

  const machineAfter = machine();
  const date = new Date().toISOString().slice(0, 10);
  const report = renderApiReport({
    command: COMMAND,
    date,
    machine: machineBefore,
    loadAverageAfter: machineAfter.loadAverage,
    population: {
      certificates: population.tokenIds.length,
      documents: population.documentsPublished,
      publishSeconds: population.publishMs / 1000,
      transactions: population.transactions,
      headBlock: population.headBlock,
      lived: population.livedTokenIds.length,
      batch: BATCH,
    },
    catchUps: [inProcess, overHttp],
    results,
    load: { ...load, certificateIds: certificateIds.length, livedIds: livedIds.length },
    cold: { answers: certificateIds.length, seconds: coldSeconds },
    baselineBytes: Buffer.byteLength(body),
    provenanceBytes: provenanceSizes.reduce((a, b) => a + b, 0) / provenanceSizes.length,
    provenanceItems: provenanceItems / provenanceSizes.length,
    taps: { tagged: tags.length, pool: taps?.size ?? 0 },
  });
  if (process.env.BENCH_API_NO_REPORT === "1") {
    console.log(report);
  } else {
    await mkdir(path.dirname(OUTPUT), { recursive: true });
    const prettierOptions = (await resolveConfig(OUTPUT)) ?? {};
    await writeFile(OUTPUT, await format(report, { ...prettierOptions, filepath: OUTPUT }));
    log(`wrote ${path.relative(ROOT, OUTPUT)}`);
  }
} catch (error) {
  exitCode = 1;
  console.error("[bench:api] failed:", error);
} finally {
  await stopAllServers();
  await bridge.close();
  await connection.close();
  if (process.env.BENCH_API_KEEP_DATA === "1") log(`kept ${temp} (BENCH_API_KEEP_DATA=1): remove it by hand`);
  else await rm(temp, { recursive: true, force: true });
}
// hardhat run waits for the event loop; leftover handles (Helia, sockets) must not keep it alive.
process.exit(exitCode);
