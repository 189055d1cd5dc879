import type pg from "pg";
import type {
  ReplicationRecord,
  ReplicationRecords,
  ReplicationState,
  ReplicationSummary,
} from "../../ipfs/backup/replication-records.js";

/** Backup replication records as rows of `backup_replication` (migration 015), shared by the fleet. */
interface Row {
  cid: string;
  state: ReplicationState;
  attempts: number;
  last_error: string | null;
  request_id: string | null;
  first_seen_at: string;
  last_attempt_at: string | null;
  replicated_at: string | null;
}

function recordOf(row: Row): ReplicationRecord {
  return {
    cid: row.cid,
    state: row.state,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    requestId: row.request_id,
    firstSeenAt: Number(row.first_seen_at),
    lastAttemptAt: row.last_attempt_at === null ? null : Number(row.last_attempt_at),
    replicatedAt: row.replicated_at === null ? null : Number(row.replicated_at),
  };
}

export class PostgresReplicationRecords implements ReplicationRecords {
  constructor(private readonly pool: pg.Pool) {}

  async track(cid: string, at = Date.now()): Promise<void> {
    await this.pool.query(
      "INSERT INTO backup_replication (cid, state, first_seen_at) VALUES ($1, 'missing', $2) ON CONFLICT (cid) DO NOTHING",
      [cid, at],
    );
  }

  async recordAttempt(
    cid: string,
    outcome: { state: ReplicationState; error?: string | null; requestId?: string | null },
    at = Date.now(),
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO backup_replication AS b (cid, state, attempts, last_error, request_id, first_seen_at, last_attempt_at, replicated_at)
       VALUES ($1, $2, 1, $3, $4, $5, $5, $6)
       ON CONFLICT (cid) DO UPDATE SET state = EXCLUDED.state, attempts = b.attempts + 1,
         last_error = EXCLUDED.last_error, request_id = EXCLUDED.request_id,
         last_attempt_at = EXCLUDED.last_attempt_at,
         replicated_at = COALESCE(EXCLUDED.replicated_at, b.replicated_at)`,
      [
        cid,
        outcome.state,
        outcome.error ?? null,
        outcome.requestId ?? null,
        at,
        outcome.state === "replicated" ? at : null,
      ],
    );
  }

  async get(cid: string): Promise<ReplicationRecord | null> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM backup_replication WHERE cid = $1", [cid]);
    return rows.length === 0 ? null : recordOf(rows[0]);
  }

  async missing(limit: number): Promise<ReplicationRecord[]> {
    const { rows } = await this.pool.query<Row>(
      "SELECT * FROM backup_replication WHERE state = 'missing' ORDER BY COALESCE(last_attempt_at, 0), first_seen_at, cid LIMIT $1",
      [limit],
    );
    return rows.map(recordOf);
  }

  async summary(limit: number): Promise<ReplicationSummary> {
    const { rows } = await this.pool.query<{ state: ReplicationState; n: string }>(
      "SELECT state, COUNT(*) AS n FROM backup_replication GROUP BY state",
    );
    const count = (state: ReplicationState) => Number(rows.find((row) => row.state === state)?.n ?? 0);
    const missing = await this.missing(limit);
    return {
      replicated: count("replicated"),
      missing: count("missing"),
      missingItems: missing.map(({ cid, attempts, lastError, lastAttemptAt }) => ({
        cid,
        attempts,
        lastError,
        lastAttemptAt,
      })),
    };
  }

  /** The pool belongs to the process's shared state, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
