/**
 * The PostgreSQL side of one index: the pool readers query, and the writer's dedicated client
 * (all of a writer's statements go through one connection, in order). Knows nothing of what the
 * rows mean. Errors that mean "the database is not reachable right now" become
 * DependencyUnavailableError (a 503 with Retry-After), never a 500.
 */
import type pg from "pg";
import { DependencyUnavailableError } from "../../errors.js";

export type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** Connection failures, a server shutting down or restarting, a statement cancelled by the admin. */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string")
    return (
      error instanceof Error &&
      /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
        error.message,
      )
    );
  return (
    /^E[A-Z]+$/.test(code) ||
    code.startsWith("08") ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03"
  );
}

export function unavailable(error: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError("The index database is unreachable", 2, { cause: error });
}

export class PostgresConnection {
  private writerClient: pg.PoolClient | null = null;

  /**
   * `leased`: the connection that holds the index writer lock (server/indexer/leadership.ts). Every
   * write goes through it and it is never replaced: once it breaks the lock is gone, another
   * process may be writing, and this one must not write at all (its writes fail until the indexer
   * role notices and stands by). It belongs to the lease, which closes it.
   */
  constructor(
    readonly pool: pg.Pool,
    private readonly leased?: pg.ClientBase,
  ) {}

  /** A read on the pool; an unreachable database is a DependencyUnavailableError. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw isUnavailable(error) ? unavailable(error) : error;
    }
  }

  /** The writer's connection (taken on first use; a broken one is replaced on the next write). */
  async writer(): Promise<pg.ClientBase> {
    if (this.leased !== undefined) return this.leased;
    if (this.writerClient === null) {
      const client = await this.pool.connect();
      client.on("error", () => {
        // The connection died (server restart): drop it; the next write takes a new one.
        if (this.writerClient === client) this.writerClient = null;
        client.release(true);
      });
      this.writerClient = client;
    }
    return this.writerClient;
  }

  /** Runs `fn` in one transaction on the writer's connection. */
  async transaction<T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    const client = await this.writer();
    try {
      await client.query("BEGIN");
    } catch (error) {
      throw isUnavailable(error) || this.leased !== undefined ? unavailable(error) : error;
    }
    try {
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  /**
   * As `transaction`, in fewer round trips (each one a queue to wait in on a busy machine): `begin`
   * may carry statements of its own after BEGIN, and the statements `fn` answers (no parameters)
   * go with the COMMIT in one message. A failing statement there skips the COMMIT: rolled back.
   */
  async transactionEndingWith(
    fn: (client: pg.ClientBase) => Promise<string>,
    begin = "BEGIN",
  ): Promise<void> {
    const client = await this.writer();
    try {
      await client.query(begin);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw isUnavailable(error) || this.leased !== undefined ? unavailable(error) : error;
    }
    try {
      const last = await fn(client);
      await client.query(`${last};COMMIT`);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  /**
   * Statements without parameters as one transaction in ONE message (one round trip). With
   * `asynchronous`, the commit does not wait for the WAL to reach the disk: for writes a crash may
   * lose without harm (the head seen, pruning), which then cost no fsync and no wait. A failing
   * statement skips the rest and the COMMIT: rolled back.
   */
  async script(statements: readonly string[], options: { asynchronous?: boolean } = {}): Promise<void> {
    const client = await this.writer();
    const begin = options.asynchronous ? ["BEGIN", "SET LOCAL synchronous_commit = off"] : ["BEGIN"];
    try {
      await client.query([...begin, ...statements, "COMMIT"].join(";"));
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw isUnavailable(error) ? unavailable(error) : error;
    }
  }

  close(): void {
    const client = this.writerClient;
    this.writerClient = null;
    // Destroyed, not returned to the pool: its error listener must not follow it to another user.
    client?.release(true);
  }
}
