import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { StatementSync } from "node:sqlite";
import type { TagRef, TapCounters, TapRecord } from "../../tags/tap-counters.js";

/**
 * Tap counters in a sqlite file of their own (`<data dir>/tags.sqlite`), not in the index: the
 * index is the indexer's alone and is rebuilt from the chain, while a counter is a fact no chain
 * holds. WAL and a busy timeout let several processes of one machine share the file; the
 * compare-and-set is one statement, so it is atomic across them.
 *
 * Durability: a tap is answered fresh only once its counter is on disk (synchronous = FULL: every
 * commit syncs the WAL), so no crash, restart or power cut can bring back a counter the verifier
 * already answered, and a copied link stays copied. (With synchronous = NORMAL a power cut could
 * roll back the last commits before a checkpoint, and a link opened then would open once more.)
 * The cost of a sync per tap is paid once per batch instead: records asked for in the same turn of
 * the event loop (concurrent taps) are committed together in one transaction (group commit), and
 * each caller's promise resolves after that commit.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tag_counters (
  brand_id INTEGER NOT NULL,
  uid TEXT NOT NULL,
  last_counter INTEGER NOT NULL,
  taps INTEGER NOT NULL,
  last_tap_at INTEGER NOT NULL,
  PRIMARY KEY (brand_id, uid)
) WITHOUT ROWID`;

interface PendingRecord {
  tag: TagRef;
  counter: number;
  at: number;
  resolve(record: TapRecord): void;
  reject(error: unknown): void;
}

export class SqliteTapCounters implements TapCounters {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly select: StatementSync;
  private pending: PendingRecord[] = [];

  constructor(location: string) {
    if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new DatabaseSync(location);
    if (location !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000");
    this.db.exec(SCHEMA);
    // The WHERE makes the update conditional: a counter not above the last one changes no row.
    this.upsert = this.db.prepare(
      `INSERT INTO tag_counters (brand_id, uid, last_counter, taps, last_tap_at) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (brand_id, uid) DO UPDATE SET last_counter = excluded.last_counter, taps = taps + 1,
         last_tap_at = excluded.last_tap_at
       WHERE excluded.last_counter > tag_counters.last_counter
       RETURNING taps`,
    );
    this.select = this.db.prepare("SELECT last_counter FROM tag_counters WHERE brand_id = ? AND uid = ?");
  }

  record(tag: TagRef, counter: number, at: number = Date.now()): Promise<TapRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ tag, counter, at, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /** One transaction for every record asked for since the last one; answers after the commit. */
  private commitPending(): void {
    const batch = this.pending;
    this.pending = [];
    if (!this.db.isOpen) {
      for (const entry of batch) entry.reject(new Error("The tap counters are closed"));
      return;
    }
    let records: TapRecord[];
    try {
      // IMMEDIATE: the write lock up front, so another process's batch waits (busy_timeout) rather
      // than failing half-way through this one.
      this.db.exec("BEGIN IMMEDIATE");
      records = batch.map((entry) => this.recordNow(entry));
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => entry.resolve(records[i]));
  }

  private recordNow({ tag, counter, at }: PendingRecord): TapRecord {
    // The compare and the set are one statement: two taps of one tag in a batch meet in order.
    const row = this.upsert.get(tag.brandId, tag.uid, counter, at);
    if (row !== undefined) return { fresh: true, taps: Number(row.taps) };
    const last = this.select.get(tag.brandId, tag.uid);
    return { fresh: false, last: last === undefined ? counter : Number(last.last_counter) };
  }

  last(tag: TagRef): Promise<number | null> {
    const row = this.select.get(tag.brandId, tag.uid);
    return Promise.resolve(row === undefined ? null : Number(row.last_counter));
  }

  close(): Promise<void> {
    // Records already asked for are committed (and answered) before the file closes.
    if (this.pending.length > 0 && this.db.isOpen) this.commitPending();
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}
