import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type {
  ReplicationRecord,
  ReplicationRecords,
  ReplicationState,
  ReplicationSummary,
} from "../../ipfs/backup/replication-records.js";

/**
 * Backup replication records in a sqlite file of their own (`<data dir>/backup.sqlite`), shared by
 * the verifier and the CLI of one machine (WAL, busy timeout), as the tap counters are: not in the
 * index, which the indexer alone writes and which is rebuilt from the chain.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS backup_replication (
  cid TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('replicated', 'missing')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  request_id TEXT,
  first_seen_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  replicated_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS backup_replication_missing ON backup_replication (state, last_attempt_at)`;

type Row = Record<string, string | number | null>;

function recordOf(row: Row): ReplicationRecord {
  return {
    cid: String(row.cid),
    state: row.state as ReplicationState,
    attempts: Number(row.attempts),
    lastError: row.last_error === null ? null : String(row.last_error),
    requestId: row.request_id === null ? null : String(row.request_id),
    firstSeenAt: Number(row.first_seen_at),
    lastAttemptAt: row.last_attempt_at === null ? null : Number(row.last_attempt_at),
    replicatedAt: row.replicated_at === null ? null : Number(row.replicated_at),
  };
}

export class SqliteReplicationRecords implements ReplicationRecords {
  private readonly db: DatabaseSync;

  constructor(location: string) {
    if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new DatabaseSync(location);
    if (location !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
    this.db.exec(SCHEMA);
  }

  track(cid: string, at = Date.now()): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO backup_replication (cid, state, first_seen_at) VALUES (?, 'missing', ?) ON CONFLICT (cid) DO NOTHING",
      )
      .run(cid, at);
    return Promise.resolve();
  }

  recordAttempt(
    cid: string,
    outcome: { state: ReplicationState; error?: string | null; requestId?: string | null },
    at = Date.now(),
  ): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO backup_replication (cid, state, attempts, last_error, request_id, first_seen_at, last_attempt_at, replicated_at)
         VALUES (?, ?, 1, ?, ?, ?, ?, ?)
         ON CONFLICT (cid) DO UPDATE SET state = excluded.state, attempts = attempts + 1,
           last_error = excluded.last_error, request_id = excluded.request_id,
           last_attempt_at = excluded.last_attempt_at,
           replicated_at = COALESCE(excluded.replicated_at, backup_replication.replicated_at)`,
      )
      .run(
        cid,
        outcome.state,
        outcome.error ?? null,
        outcome.requestId ?? null,
        at,
        at,
        outcome.state === "replicated" ? at : null,
      );
    return Promise.resolve();
  }

  get(cid: string): Promise<ReplicationRecord | null> {
    const row = this.db.prepare("SELECT * FROM backup_replication WHERE cid = ?").get(cid) as Row | undefined;
    return Promise.resolve(row === undefined ? null : recordOf(row));
  }

  missing(limit: number): Promise<ReplicationRecord[]> {
    const rows = this.db
      .prepare(
        "SELECT * FROM backup_replication WHERE state = 'missing' ORDER BY COALESCE(last_attempt_at, 0), first_seen_at, cid LIMIT ?",
      )
      .all(limit) as Row[];
    return Promise.resolve(rows.map(recordOf));
  }

  async summary(limit: number): Promise<ReplicationSummary> {
    const counts = this.db
      .prepare("SELECT state, COUNT(*) AS n FROM backup_replication GROUP BY state")
      .all() as Row[];
    const count = (state: ReplicationState) => Number(counts.find((row) => row.state === state)?.n ?? 0);
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

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}
