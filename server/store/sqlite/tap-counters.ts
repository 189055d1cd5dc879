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

export class SqliteTapCounters implements TapCounters {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly select: StatementSync;

  constructor(location: string) {
    if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new DatabaseSync(location);
    if (location !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
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
    // One statement, so one implicit transaction: the compare and the set cannot be split.
    const row = this.upsert.get(tag.brandId, tag.uid, counter, at);
    if (row !== undefined) return Promise.resolve({ fresh: true, taps: Number(row.taps) });
    const last = this.select.get(tag.brandId, tag.uid);
    return Promise.resolve({ fresh: false, last: last === undefined ? counter : Number(last.last_counter) });
  }

  last(tag: TagRef): Promise<number | null> {
    const row = this.select.get(tag.brandId, tag.uid);
    return Promise.resolve(row === undefined ? null : Number(row.last_counter));
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}
