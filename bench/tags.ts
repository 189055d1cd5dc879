/**
 * NTAG 424 DNA tap verification: the full check a verifier makes per tap, minus HTTP and the
 * certificate read (an ordinary certificate answer, measured by bench:api): decrypt the PICC data,
 * diversify the tag's file read key, derive the session MAC key, compare the truncated CMAC, record
 * the counter in the store (atomic compare-and-set). On one core (one event loop), against the
 * sqlite counters file, and against PostgreSQL too when HALLMARK_DATABASE_URL is set. Rates are
 * per second of this process's CPU time (one event loop: one core), so that a machine shared with
 * other work reports what one core does; the wall-clock rate is printed beside it.
 * Run: `npm run bench:tags`; figures in docs/benchmarks/tags.md.
 */
import { randomBytes } from "node:crypto";
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
import type { TapCounters } from "../server/tags/tap-counters.js";

const TAGS = 2_000;
const TAPS_PER_TAG = 25;
const ROUNDS = 3;

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

async function verifyAll(taps: readonly SunMessage[], counters: TapCounters): Promise<number> {
  let fresh = 0;
  for (const tap of taps) {
    const verified = keyring.verify(tap);
    if (!verified.ok) throw new Error(`a simulated tap did not verify (${verified.failure})`);
    const record = await counters.record({ brandId: verified.brandId, uid: verified.uid }, verified.counter);
    if (record.fresh) fresh++;
  }
  return fresh;
}

async function measure(name: string, counters: TapCounters): Promise<number> {
  const rates: number[] = [];
  const walls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const taps = tapsOf(round);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const fresh = await verifyAll(taps, counters);
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
const cryptoTaps = tapsOf(0);
const cryptoCpu = process.cpuUsage();
for (const tap of cryptoTaps) if (!keyring.verify(tap).ok) throw new Error("tap did not verify");
const cryptoUsed = process.cpuUsage(cryptoCpu);
const cryptoRate = cryptoTaps.length / ((cryptoUsed.user + cryptoUsed.system) / 1e6);

console.log(
  `NTAG 424 DNA tap verification: ${TAGS.toLocaleString("en-US")} tags × ${TAPS_PER_TAG} taps, median of ${ROUNDS} rounds (${cpus()[0]?.model ?? "cpu"})`,
);
console.log(
  `  crypto only (decrypt, diversify, derive, CMAC): ${Math.round(cryptoRate).toLocaleString("en-US")}/s`,
);

const directory = await mkdtemp(join(tmpdir(), "hallmark-bench-tags-"));
const sqlite = new SqliteTapCounters(join(directory, "tags.sqlite"));
let rate: number;
try {
  rate = await measure("full check, counters in sqlite (tags.sqlite, WAL)", sqlite);
} finally {
  await sqlite.close();
  await rm(directory, { recursive: true, force: true });
}

const databaseUrl = process.env.HALLMARK_DATABASE_URL;
if (databaseUrl !== undefined && databaseUrl !== "") {
  const pool = await openDatabase(databaseUrl, { variable: "HALLMARK_DATABASE_URL", max: 4 });
  try {
    await migrate(pool);
    await pool.query("DELETE FROM tag_counters WHERE brand_id IN (1, 2)");
    await measure(
      "full check, counters in PostgreSQL (one connection at a time)",
      new PostgresTapCounters(pool),
    );
  } finally {
    await pool.end();
  }
}

console.log(`sun verifications: ${Math.round(rate).toLocaleString("en-US")}/s on one core`);
