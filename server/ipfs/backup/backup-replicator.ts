import { CID } from "multiformats/cid";
import type { Logger } from "pino";
import type { MetadataReader } from "../metadata-store.js";
import type { BackupTarget } from "./backup-target.js";
import type { ReplicationRecords, ReplicationSummary } from "./replication-records.js";

export interface BackupReplicatorOptions {
  target: BackupTarget;
  records: ReplicationRecords;
  /** The primary store the blocks are read from. */
  source: MetadataReader;
  /** Longest one attempt may take (default 60 s: a 3D model is many blocks). */
  attemptTimeoutMs?: number;
  logger?: Logger;
}

/**
 * Copies every pinned root to the backup store and keeps the record of it. A root is recorded as
 * missing before the copy starts, so that a crash, a backup store that is down or a pinning
 * service still fetching leaves a record that `retryMissing` (the verifier's timer, `hallmark
 * status --retry`) takes up again. Copies run beside the write that asked for them: a backup
 * that is down never fails or slows a mint.
 */
export class BackupReplicator {
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BackupReplicatorOptions) {}

  get description(): string {
    return this.options.target.description;
  }

  /** Records `cid` and starts copying it (or returns the copy already running). */
  async track(cid: CID): Promise<void> {
    try {
      await this.options.records.track(cid.toString());
    } catch (error) {
      // The records' database down must not fail the write either: the attempt still runs.
      this.options.logger?.warn({ err: error, cid: cid.toString() }, "backup record could not be written");
    }
    void this.attempt(cid);
  }

  /** One attempt for `cid`; resolves when it is recorded (never rejects). */
  attempt(cid: CID): Promise<void> {
    const key = cid.toString();
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const attempt = this.copy(cid).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, attempt);
    return attempt;
  }

  /** Tries every missing root again, up to `limit`, least recently tried first. */
  async retryMissing(limit = 100): Promise<ReplicationSummary> {
    const missing = await this.options.records.missing(limit);
    await Promise.all(missing.map((record) => this.attempt(CID.parse(record.cid))));
    return this.summary();
  }

  summary(limit = 20): Promise<ReplicationSummary> {
    return this.options.records.summary(limit);
  }

  /** Retries missing roots every `intervalMs` until close(). */
  startRetrying(intervalMs: number): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.retryMissing().catch((error: unknown) =>
        this.options.logger?.warn({ err: error }, "backup retry could not read its records"),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the copies in flight (their outcome is recorded). */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.inFlight.values());
  }

  /** A pinning request still being followed; unreadable records count as none (a fresh request is idempotent). */
  private async pendingRequestOf(cid: string): Promise<string | null> {
    try {
      return (await this.options.records.get(cid))?.requestId ?? null;
    } catch {
      return null;
    }
  }

  private async copy(cid: CID): Promise<void> {
    const { target, records, source, logger } = this.options;
    const key = cid.toString();
    const signal = AbortSignal.timeout(this.options.attemptTimeoutMs ?? 60_000);
    try {
      const requestId = await this.pendingRequestOf(key);
      const outcome =
        requestId !== null
          ? await target.check(cid, requestId, { signal })
          : await target.replicate(cid, source, { signal });
      if (outcome.state === "replicated") {
        await records.recordAttempt(key, { state: "replicated", error: null, requestId: null });
      } else {
        await records.recordAttempt(key, {
          state: "missing",
          error: `${target.description}: ${outcome.status}`,
          requestId: outcome.requestId,
        });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger?.warn({ cid: key, backup: target.description, err: message }, "backup copy failed");
      try {
        await records.recordAttempt(key, { state: "missing", error: message.slice(0, 500), requestId: null });
      } catch (recordError) {
        logger?.error({ err: recordError, cid: key }, "backup record could not be written");
      }
    }
  }
}
