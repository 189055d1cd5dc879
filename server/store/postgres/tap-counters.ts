import type pg from "pg";
import type { TagRef, TapCounters, TapRecord } from "../../tags/tap-counters.js";

/**
 * Tap counters as rows of `tag_counters` (migration 009), shared by every verifier. Recording is
 * one statement: insert, or raise last_counter only when the new counter is above it. PostgreSQL
 * locks the row for the conflicting insert, so of two verifiers recording the same tap at once the
 * second sees the first's counter and changes nothing.
 */
export class PostgresTapCounters implements TapCounters {
  constructor(private readonly pool: pg.Pool) {}

  async record(tag: TagRef, counter: number, at: number = Date.now()): Promise<TapRecord> {
    const { rows } = await this.pool.query<{ taps: string }>(
      `INSERT INTO tag_counters AS t (brand_id, uid, last_counter, taps, last_tap_at) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (brand_id, uid) DO UPDATE SET last_counter = EXCLUDED.last_counter, taps = t.taps + 1,
         last_tap_at = EXCLUDED.last_tap_at
       WHERE EXCLUDED.last_counter > t.last_counter
       RETURNING t.taps`,
      [tag.brandId, tag.uid, counter, at],
    );
    if (rows.length === 1) return { fresh: true, taps: Number(rows[0].taps) };
    return { fresh: false, last: (await this.last(tag)) ?? counter };
  }

  async last(tag: TagRef): Promise<number | null> {
    const { rows } = await this.pool.query<{ last_counter: number }>(
      "SELECT last_counter FROM tag_counters WHERE brand_id = $1 AND uid = $2",
      [tag.brandId, tag.uid],
    );
    return rows.length === 0 ? null : Number(rows[0].last_counter);
  }

  /** The pool belongs to the process's shared state, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
