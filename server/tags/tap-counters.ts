/**
 * The last SDM read counter seen per tag, shared by every verifier: a tap is fresh only when its
 * counter is above the last one recorded, so a link copied from a phone's history (or replayed by
 * whoever saw it) opens once, on the first verifier that sees it, and never again.
 *
 * `record` is one atomic compare-and-set: of two verifiers seeing the same tap at the same moment,
 * exactly one records it. A sqlite file on one machine (server/store/sqlite/tap-counters.ts, the
 * default) or PostgreSQL when a database is configured (server/store/postgres/tap-counters.ts);
 * one behaviour suite for both (test/server/tags/tap-counters.ts).
 */
export interface TagRef {
  brandId: number;
  /** 14 upper-case hex digits (formatTagUid). */
  uid: string;
}

export type TapRecord =
  /** The counter was above the last one: it is now the last, and this was tap number `taps` seen here. */
  | { fresh: true; taps: number }
  /** The counter was not above the last one (`last`): a copied or replayed link. */
  | { fresh: false; last: number };

export interface TapCounters {
  record(tag: TagRef, counter: number, at?: number): Promise<TapRecord>;
  /** The last counter recorded for a tag, or null for a tag never tapped here. */
  last(tag: TagRef): Promise<number | null>;
  close(): Promise<void>;
}

/**
 * Counters opened on first use: a verifier whose brands keep no tag keys never verifies a tap, so
 * it never creates the counters' file.
 */
export class LazyTapCounters implements TapCounters {
  private opened: TapCounters | null = null;

  constructor(private readonly open: () => TapCounters) {}

  private counters(): TapCounters {
    return (this.opened ??= this.open());
  }

  record(tag: TagRef, counter: number, at?: number): Promise<TapRecord> {
    return this.counters().record(tag, counter, at);
  }

  last(tag: TagRef): Promise<number | null> {
    return this.counters().last(tag);
  }

  async close(): Promise<void> {
    await this.opened?.close();
  }
}
