import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ApiKeyStore } from "./api-keys.js";
import type { AuditLog } from "./audit-log.js";
import { SqliteApiKeyRecords, SqliteAuditLog } from "./sqlite-issuer-records.js";

/**
 * The issuer's own small database (`<data dir>/issuer.sqlite`): API keys (hashed) and the audit
 * trail of every issuer API call. It is not the index: the indexer alone writes the index, and
 * the issuer writes only here (and to the chain and IPFS). The CLI (`hallmark api-key …`) and the
 * server open the same file; WAL lets the server read keys the CLI has just created. With
 * HALLMARK_DATABASE_URL set, both use PostgreSQL instead (server/store/postgres/issuer-records.ts).
 */
export const ISSUER_DATABASE_FILE = "issuer.sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  brand_id INTEGER NOT NULL,
  scopes TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  secret_sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  key_id TEXT,
  brand_id INTEGER,
  action TEXT NOT NULL,
  target TEXT,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_brand ON audit (brand_id, id);
`;

export function issuerDatabasePath(dataDir: string): string {
  return path.join(dataDir, ISSUER_DATABASE_FILE);
}

/** Opens (and creates) the issuer database; ":memory:" for tests. */
export function openIssuerDatabase(location: string): DatabaseSync {
  if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
  const db = new DatabaseSync(location);
  if (location !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

/** The issuer's keys and audit trail, wherever they are kept (issuer.sqlite, or PostgreSQL in a fleet). */
export interface IssuerDatabase {
  keys: ApiKeyStore;
  audit: AuditLog;
  /** Closes what this handle opened (not a pool it was given). */
  close(): Promise<void>;
}

/** The default: `<data dir>/issuer.sqlite`, shared by the CLI and the server on one machine. */
export function openSqliteIssuerDatabase(location: string): IssuerDatabase {
  const db = openIssuerDatabase(location);
  return {
    keys: new ApiKeyStore(new SqliteApiKeyRecords(db)),
    audit: new SqliteAuditLog(db),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
