/**
 * An indexer that runs only while this process holds the index writer lease (leadership.ts):
 * it waits as a standby, leads when the lock is free, writes through the store opened on the
 * lease's connection, and stands by again when the lease is lost (the connection died: another
 * process may lead now). Without a database (sqlite) it leads at once and for good.
 */
import type { Logger } from "pino";
import type { IndexStore } from "../store/IndexStore.js";
import type { Indexer } from "./Indexer.js";
import { acquireWriterLease } from "./leadership.js";
import type { WriterLease } from "./leadership.js";

export interface Leadership {
  indexer: Indexer;
  /** The store the indexer writes (through the lease's connection with a database). */
  store: IndexStore;
  lease: WriterLease | null;
}

export interface LeadingIndexerOptions {
  /** The primary (HALLMARK_DATABASE_URL); undefined: sqlite, no leadership. */
  databaseUrl?: string;
  /** A standby's interval between two attempts at the lock (default 250 ms). */
  retryMs?: number;
  logger?: Logger;
  /** Opens the store to write: through `lease.client` only with a database; lease null on sqlite. */
  openStore(lease: WriterLease | null): Promise<IndexStore>;
  /** The indexer over that store (not started). */
  createIndexer(store: IndexStore): Indexer;
  /** Start the indexer's polling loop when leading (default true; tests drive runOnce themselves). */
  poll?: boolean;
}

export class LeadingIndexer {
  private current: Leadership | null = null;
  private readonly listeners: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | null = null;
  /** Since when this process lost the lease to a dead connection or cannot reach the database to ask for it. */
  private lostSince: number | null = null;

  constructor(private readonly options: LeadingIndexerOptions) {}

  /** Whether this process writes the index now. */
  leading(): boolean {
    return this.current !== null;
  }

  /** The running indexer and its store while leading, else null. */
  leadership(): Leadership | null {
    return this.current;
  }

  /**
   * Unix ms since which this process cannot index, or null: while leading, its indexer's failing
   * polls; otherwise since it lost the lease to a dead connection or could not reach the database
   * to ask for it, until it leads again or sees another process lead (a standby whose database
   * answers is not failing: another process writes). Freshness marks answers stale by it.
   */
  failingSince(): number | null {
    return this.current !== null ? this.current.indexer.failingSince() : this.lostSince;
  }

  /** The leadership, once this process leads (at once when it does). */
  whenLeading(): Promise<Leadership> {
    const current = this.current;
    if (current !== null) return Promise.resolve(current);
    return new Promise((resolve) => this.onLeading(() => resolve(this.current!)));
  }

  /** Called each time this process starts leading. */
  onLeading(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Without a database: opens the store and starts indexing before it resolves (a failure
   * rejects). With one: resolves at once; leading happens in the background, when the lock is free.
   */
  async start(): Promise<void> {
    const { databaseUrl } = this.options;
    if (databaseUrl === undefined) {
      await this.lead(null);
      return;
    }
    this.loop = this.standBy(databaseUrl);
  }

  /** Stops indexing (the range in flight is committed or abandoned) and releases the lock. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort(new Error("stopping"));
      await this.loop;
      if (this.current !== null) await this.resign(this.current);
    })();
    return this.stopped;
  }

  private async lead(lease: WriterLease | null): Promise<Leadership> {
    const store = await this.options.openStore(lease);
    const indexer = this.options.createIndexer(store);
    if (this.options.poll ?? true) indexer.start();
    this.current = { indexer, store, lease };
    this.lostSince = null;
    for (const listener of this.listeners) listener();
    return this.current;
  }

  private async resign(leadership: Leadership): Promise<void> {
    this.current = null;
    await leadership.indexer.stop();
    await Promise.resolve(leadership.store.close()).catch((error: unknown) =>
      this.options.logger?.warn({ err: error }, "closing the index store failed"),
    );
    await leadership.lease?.release();
  }

  private async standBy(url: string): Promise<void> {
    const { logger } = this.options;
    const signal = this.stopping.signal;
    const aborted = new Promise<"stopping">((resolve) =>
      signal.addEventListener("abort", () => resolve("stopping"), { once: true }),
    );
    while (!signal.aborted) {
      let lease: WriterLease;
      try {
        lease = await acquireWriterLease(
          {
            url,
            retryMs: this.options.retryMs,
            onStandby: () => {
              this.lostSince = null;
              logger?.info("another indexer writes the index: standing by");
            },
            onConnectionError: (error) => {
              this.lostSince ??= Date.now();
              logger?.warn({ err: error }, "index writer lock: connection failed, retrying");
            },
          },
          signal,
        );
      } catch {
        break; // Only an abort ends the wait.
      }
      let leadership: Leadership;
      try {
        leadership = await this.lead(lease);
      } catch (error) {
        logger?.error({ err: error }, "leading the index failed: releasing the lock");
        await lease.release();
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 1_000)), aborted]);
        continue;
      }
      logger?.info("this process holds the index writer lock: indexing");
      const outcome = await Promise.race([lease.lost, aborted]);
      if (outcome !== "stopping") this.lostSince ??= Date.now();
      await this.resign(leadership);
      if (outcome !== "stopping")
        logger?.warn({ reason: outcome.message }, "lost the index writer lock: standing by");
    }
  }
}
