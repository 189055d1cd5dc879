/**
 * One writer of the index in PostgreSQL. Every indexer process asks for a session advisory lock
 * on a DEDICATED connection; the one that holds it leads, the others stand by, each waiting in the
 * lock's queue (so that PostgreSQL hands the lock over the moment the leader's session ends) for
 * `retryMs` at a time before asking again. The lease hands out that same connection and the leader writes the index through it:
 * when the leader dies (kill -9, a lost network) its connection closes, PostgreSQL releases the
 * lock with it, and a write the old leader might still attempt has no connection to go through.
 * Two writers can never interleave ranges (no split brain), and the next leader resumes from the
 * checkpoint the last committed range stored (a range and its checkpoint are one transaction).
 *
 * With sqlite (no database URL) there is no leadership: one process owns its index file.
 */
import pg from "pg";

/** `pg_try_advisory_lock` key of the index writer: "hallmark" + 2 in ASCII (the migrations use + 1). */
export const INDEX_WRITER_LOCK = (0x68616c6c6d61726bn + 2n).toString();

/** The lock, held: write the index through `client` only, until `lost` resolves. */
export interface WriterLease {
  /** The connection that holds the lock. Closing it ends the lease. */
  readonly client: pg.Client;
  /** Resolves (never rejects) with the reason once the lock is gone: the connection failed or ended. */
  readonly lost: Promise<Error>;
  /** Releases the lock and closes the connection. Idempotent. */
  release(): Promise<void>;
}

export interface LeadershipOptions {
  /** The primary's URL (HALLMARK_DATABASE_URL). */
  url: string;
  /**
   * How long a standby waits in the lock's queue before it asks again (default 250 ms): a bound on
   * how late it notices a stop or a broken connection, not on how late it takes over.
   */
  retryMs?: number;
  /** Called once when this process starts standing by (another process leads). */
  onStandby?(): void;
  /** Called when a standby's connection fails (it reconnects by itself). */
  onConnectionError?(error: Error): void;
}

/**
 * Waits until this process holds the index writer lock and answers the lease. Resolves as soon as
 * the lock is free (at once when no other indexer runs); rejects only when `signal` aborts.
 */
export async function acquireWriterLease(
  options: LeadershipOptions,
  signal?: AbortSignal,
): Promise<WriterLease> {
  const retryMs = options.retryMs ?? 250;
  let announcedStandby = false;
  for (;;) {
    signal?.throwIfAborted();
    const client = new pg.Client({
      connectionString: options.url,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    // Until the lease exists, a dropped connection only means "try again" (the loop notices).
    const connection: { failed: Error | null } = { failed: null };
    const onError = (error: Error) => {
      connection.failed = error;
    };
    client.on("error", onError);
    try {
      await client.connect();
      for (;;) {
        signal?.throwIfAborted();
        if (connection.failed !== null) throw connection.failed;
        const { rows } = await client.query<{ locked: boolean }>(
          "SELECT pg_try_advisory_lock($1::bigint) AS locked",
          [INDEX_WRITER_LOCK],
        );
        if (!rows[0].locked) {
          if (!announcedStandby) {
            announcedStandby = true;
            options.onStandby?.();
          }
          if (!(await waitForLock(client, retryMs, signal, () => connection.failed))) continue;
        }
        client.off("error", onError);
        return leaseOf(client);
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      if (signal?.aborted) throw signal.reason;
      options.onConnectionError?.(error instanceof Error ? error : new Error(String(error)));
      await sleep(Math.max(retryMs, 1_000), signal);
    }
  }
}

/**
 * Waits in the lock's queue for up to `waitMs`: true once the lock is held (the leader's session
 * ended), false when the wait timed out. The wait is bounded by `lock_timeout`, which is reset
 * before the lease is handed out: the writer's own statements must wait for locks as long as they
 * need (a TRUNCATE behind readers' queries).
 */
async function waitForLock(
  client: pg.Client,
  waitMs: number,
  signal: AbortSignal | undefined,
  failed: () => Error | null,
): Promise<boolean> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(waitMs))}`);
  signal?.throwIfAborted();
  const failure = failed();
  if (failure !== null) throw failure;
  const wait = client.query("SELECT pg_advisory_lock($1::bigint)", [INDEX_WRITER_LOCK]);
  wait.catch(() => undefined); // Settled below, or abandoned on an abort (the connection is ended).
  try {
    await untilAborted(wait, signal);
  } catch (error) {
    if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) {
      await client.query("RESET lock_timeout");
      return false;
    }
    throw error;
  }
  await client.query("RESET lock_timeout");
  return true;
}

/** SQLSTATE of a lock wait that reached lock_timeout. */
const LOCK_NOT_AVAILABLE = "55P03";

function leaseOf(client: pg.Client): WriterLease {
  let resolveLost!: (reason: Error) => void;
  const lost = new Promise<Error>((resolve) => (resolveLost = resolve));
  client.on("error", (error) => resolveLost(error));
  client.on("end", () => resolveLost(new Error("the index writer connection ended")));
  let released: Promise<void> | null = null;
  return {
    client,
    lost,
    release: () =>
      (released ??= (async () => {
        // Ending the session releases every session lock it holds; no explicit unlock needed.
        await client.end().catch(() => undefined);
        resolveLost(new Error("the index writer lease was released"));
      })()),
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
