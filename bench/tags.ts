/**
 * NTAG 424 DNA tap verification: the full check a verifier makes per tap, minus HTTP and the
 * certificate read (an ordinary certificate answer, measured by bench:api): decrypt the PICC data,
 * diversify the tag's file read key, derive the session MAC key, compare the truncated CMAC, record
 * the counter in the store (atomic compare-and-set). On one core (one event loop), against the
 * sqlite counters file, and against PostgreSQL too when HALLMARK_DATABASE_URL is set. Rates are
 * per second of this process's CPU time (one event loop: one core), so that a machine shared with
 * other work reports what one core does; the wall-clock rate is printed beside it.
 *
 * The same run measures the path as it was before (every tap derives its tag's key; one
 * autocommitted statement per tap, synchronous = NORMAL) and as it is (file read keys of tags seen
 * before kept prepared; counters group-committed with synchronous = FULL), so that the comparison
 * holds on a loaded machine. Taps are verified IN_FLIGHT at a time, as a verifier under load
 * answers concurrent requests; the new path is also measured one tap at a time.
 * Run: `npm run bench:tags`; figures in docs/benchmarks/tags.md.
 */
import { randomBytes } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, openDatabase } from "../server/store/postgres/database.js";
import { PostgresTapCounters } from "../server/store/postgres/tap-counters.js";
import { SqliteTapCounters } from "../server/store/sqlite/tap-counters.js";
import { TagKeyring } from "../server/tags/keyring.js";
import { SimulatedTag } from "../server/tags/simulated-tag.js";
import type { SunMessage } from "../server/tags/sun.js";
import { TagMasterKey } from "../server/tags/tag-keystore.js";
import type { TagRef, TapCounters, TapRecord } from "../server/tags/tap-counters.js";

const TAGS = 2_000;
const TAPS_PER_TAG = 25;
const ROUNDS = 3;
/** Taps verified at once: a verifier under load answers this many concurrent requests. */
const IN_FLIGHT = 64;

// Two brands, the first with a rotated key: a tap of the newest key of brand 1 is found first, one
// of brand 2 after trying brand 1's two keys (the worst case of this keyring).
const brands = [
  {
    brandId: 1,
    keys: [
      new TagMasterKey(2, randomBytes(16), "2026-02-01"),
      new TagMasterKey(1, randomBytes(16), "2026-01-01"),
    ],
  },
  { brandId: 2, keys: [new TagMasterKey(1, randomBytes(16), "2026-01-01")] },
];
const keyring = new TagKeyring(brands);
/** The keyring as it was: every tap diversifies its tag's file read key and prepares its cipher. */
const uncachedKeyring = new TagKeyring(brands, { fileReadKeyCacheSize: 0 });

/**
 * The sqlite counters as they were before group commit (for the comparison only): one autocommitted
 * upsert per tap, WAL with synchronous = NORMAL, which a power cut can roll back (see tags.md).
 */
class PerStatementTapCounters implements TapCounters {
  private readonly db: DatabaseSync;
  private readonly upsert;
  private readonly select;
  constructor(location: string) {
    this.db = new DatabaseSync(location);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
    this.db.exec(
      "CREATE TABLE tag_counters (brand_id INTEGER NOT NULL, uid TEXT NOT NULL, last_counter INTEGER NOT NULL, taps INTEGER NOT NULL, last_tap_at INTEGER NOT NULL, PRIMARY KEY (brand_id, uid)) WITHOUT ROWID",
    );
    this.upsert = this.db.prepare(
      `INSERT INTO tag_counters (brand_id, uid, last_counter, taps, last_tap_at) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (brand_id, uid) DO UPDATE SET last_counter = excluded.last_counter, taps = taps + 1,
         last_tap_at = excluded.last_tap_at WHERE excluded.last_counter > tag_counters.last_counter RETURNING taps`,
    );
    this.select = this.db.prepare("SELECT last_counter FROM tag_counters WHERE brand_id = ? AND uid = ?");
  }
  record(tag: TagRef, counter: number, at: number = Date.now()): Promise<TapRecord> {
    const row = this.upsert.get(tag.brandId, tag.uid, counter, at);
    if (row !== undefined) return Promise.resolve({ fresh: true, taps: Number(row.taps) });
    const last = this.select.get(tag.brandId, tag.uid);
    return Promise.resolve({ fresh: false, last: Number(last?.last_counter ?? counter) });
  }
  last(): Promise<number | null> {
    return Promise.resolve(null);
  }
  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

function tapsOf(round: number): SunMessage[] {
  const taps: SunMessage[] = [];
  const tags = Array.from({ length: TAGS }, (_, i) => {
    const uid = Buffer.alloc(7);
    uid[0] = 0x04;
    uid.writeUInt32BE(i, 3);
    const brand = brands[i % 2];
    return new SimulatedTag(brand.keys[0].bytes(), uid, round * TAPS_PER_TAG);
  });
  for (let t = 0; t < TAPS_PER_TAG; t++) for (const tag of tags) taps.push(tag.tap());
  return taps;
}

interface Path {
  keyring: TagKeyring;
  counters: TapCounters;
  inFlight: number;
  /** Taps per round when fewer than all (one in flight, each tap waits for its own sync). */
  sample?: number;
}

async function verifyAll(taps: readonly SunMessage[], path: Path): Promise<number> {
  let fresh = 0;
  const verifyOne = async (tap: SunMessage): Promise<void> => {
    const verified = path.keyring.verify(tap);
    if (!verified.ok) throw new Error(`a simulated tap did not verify (${verified.failure})`);
    const record = await path.counters.record(
      { brandId: verified.brandId, uid: verified.uid },
      verified.counter,
    );
    if (record.fresh) fresh++;
  };
  // Taps of one tag are in order (a tag's next tap needs the last one answered): slices of taps
  // of distinct tags run concurrently, IN_FLIGHT at a time.
  for (let i = 0; i < taps.length; i += path.inFlight)
    await Promise.all(taps.slice(i, i + path.inFlight).map(verifyOne));
  return fresh;
}

async function measure(name: string, path: Path): Promise<number> {
  const rates: number[] = [];
  const walls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const taps = tapsOf(round).slice(0, path.sample);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const fresh = await verifyAll(taps, path);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    if (fresh !== taps.length) throw new Error(`${taps.length - fresh} fresh taps were refused`);
    rates.push(taps.length / ((used.user + used.system) / 1e6));
    walls.push(taps.length / wall);
  }
  console.log(
    `  ${name}: ${perSecond(median(rates))}/s of CPU time (wall clock ${perSecond(median(walls))}/s; rounds ${rates.map(perSecond).join(", ")})`,
  );
  return median(rates);
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function perSecond(rate: number): string {
  return Math.round(rate).toLocaleString("en-US");
}

// The crypto alone, for the breakdown.
function cryptoRateOf(ring: TagKeyring): number {
  const cryptoTaps = tapsOf(0);
  ring.verify(cryptoTaps[0]);
  const cryptoCpu = process.cpuUsage();
  for (const tap of cryptoTaps) if (!ring.verify(tap).ok) throw new Error("tap did not verify");
  const cryptoUsed = process.cpuUsage(cryptoCpu);
  return cryptoTaps.length / ((cryptoUsed.user + cryptoUsed.system) / 1e6);
}

console.log(
  `NTAG 424 DNA tap verification: ${TAGS.toLocaleString("en-US")} tags × ${TAPS_PER_TAG} taps, median of ${ROUNDS} rounds (${cpus()[0]?.model ?? "cpu"})`,
);
console.log(
  `  crypto only, before (each tap derives its key): ${perSecond(cryptoRateOf(uncachedKeyring))}/s`,
);
console.log(`  crypto only, now (prepared keys of tags seen before): ${perSecond(cryptoRateOf(keyring))}/s`);

const directory = await mkdtemp(join(tmpdir(), "hallmark-bench-tags-"));
let rate: number;
try {
  const before = new PerStatementTapCounters(join(directory, "before.sqlite"));
  try {
    await measure(`before: full check, per-statement sqlite (NORMAL), ${IN_FLIGHT} in flight`, {
      keyring: uncachedKeyring,
      counters: before,
      inFlight: IN_FLIGHT,
    });
  } finally {
    await before.close();
  }
  const oneAtATime = new SqliteTapCounters(join(directory, "one-at-a-time.sqlite"));
  try {
    await measure("now: full check, group-committed sqlite (FULL), one tap in flight (2,000 taps a round)", {
      keyring,
      counters: oneAtATime,
      inFlight: 1,
      sample: 2_000,
    });
  } finally {
    await oneAtATime.close();
  }
  const sqlite = new SqliteTapCounters(join(directory, "tags.sqlite"));
  try {
    rate = await measure(`now: full check, group-committed sqlite (FULL), ${IN_FLIGHT} in flight`, {
      keyring,
      counters: sqlite,
      inFlight: IN_FLIGHT,
    });
  } finally {
    await sqlite.close();
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}

const databaseUrl = process.env.HALLMARK_DATABASE_URL;
if (databaseUrl !== undefined && databaseUrl !== "") {
  const pool = await openDatabase(databaseUrl, { variable: "HALLMARK_DATABASE_URL", max: 4 });
  try {
    await migrate(pool);
    await pool.query("DELETE FROM tag_counters WHERE brand_id IN (1, 2)");
    await measure(`full check, counters in PostgreSQL (${IN_FLIGHT} in flight over 4 connections)`, {
      keyring,
      counters: new PostgresTapCounters(pool),
      inFlight: IN_FLIGHT,
    });
  } finally {
    await pool.end();
  }
}

console.log(`sun verifications: ${Math.round(rate).toLocaleString("en-US")}/s on one core`);
