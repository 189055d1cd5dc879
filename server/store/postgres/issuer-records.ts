import type pg from "pg";
import { ApiKeyStore } from "../../issuer/auth/api-keys.js";
import type { ApiKeyRecord, ApiKeyRecords } from "../../issuer/auth/api-keys.js";
import { auditPageSize } from "../../issuer/auth/audit-log.js";
import type { AuditEntry, AuditLog, NewAuditEntry } from "../../issuer/auth/audit-log.js";
import type { IssuerDatabase } from "../../issuer/auth/issuer-database.js";

/**
 * API keys and the audit trail in PostgreSQL (migration 003), when a database is configured: a key
 * made by `hallmark api-key create` or on one verifier authenticates on every verifier, a revoked
 * one is refused by all of them at once, and the trail is one trail for the fleet. Times are
 * timestamptz, read back as the ISO strings the sqlite records hold.
 */
interface KeyRow {
  id: string;
  brand_id: string;
  scopes: string;
  label: string;
  secret_sha256: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

function recordOf(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    brand_id: Number(row.brand_id),
    scopes: row.scopes,
    label: row.label,
    secret_sha256: row.secret_sha256,
    created_at: row.created_at.toISOString(),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
  };
}

export class PostgresApiKeyRecords implements ApiKeyRecords {
  constructor(private readonly pool: pg.Pool) {}

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.pool.query(
      "INSERT INTO issuer_api_keys (id, brand_id, scopes, label, secret_sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
      [record.id, record.brand_id, record.scopes, record.label, record.secret_sha256, record.created_at],
    );
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>("SELECT * FROM issuer_api_keys WHERE id = $1", [id]);
    return rows.length === 0 ? undefined : recordOf(rows[0]);
  }

  async list(brandId?: number): Promise<ApiKeyRecord[]> {
    const { rows } =
      brandId === undefined
        ? await this.pool.query<KeyRow>("SELECT * FROM issuer_api_keys ORDER BY created_at, id")
        : await this.pool.query<KeyRow>(
            "SELECT * FROM issuer_api_keys WHERE brand_id = $1 ORDER BY created_at, id",
            [brandId],
          );
    return rows.map(recordOf);
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.pool.query("UPDATE issuer_api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [
      id,
      at,
    ]);
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.pool.query("UPDATE issuer_api_keys SET last_used_at = $2 WHERE id = $1", [id, at]);
  }
}

interface AuditRow {
  id: string;
  at: Date;
  key_id: string | null;
  brand_id: string | null;
  action: string;
  target: string | null;
  status: number;
  outcome: string;
  detail: string | null;
}

export class PostgresAuditLog implements AuditLog {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: NewAuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO issuer_audit (at, key_id, brand_id, action, target, status, outcome, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        this.now().toISOString(),
        entry.keyId,
        entry.brandId,
        entry.action,
        entry.target,
        entry.status,
        entry.outcome,
        entry.detail,
      ],
    );
  }

  async list(brandId: number, options: { limit?: number; before?: number } = {}): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<AuditRow>(
      "SELECT * FROM issuer_audit WHERE brand_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
      [brandId, options.before ?? Number.MAX_SAFE_INTEGER, auditPageSize(options.limit)],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at.toISOString(),
      keyId: row.key_id,
      brandId: row.brand_id === null ? null : Number(row.brand_id),
      action: row.action,
      target: row.target,
      status: Number(row.status),
      outcome: row.outcome,
      detail: row.detail,
    }));
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM issuer_audit");
    return Number(rows[0].n);
  }
}

/** The issuer's keys and audit trail on a pool the caller owns (closing this handle leaves the pool open). */
export function postgresIssuerDatabase(pool: pg.Pool): IssuerDatabase {
  return {
    keys: new ApiKeyStore(new PostgresApiKeyRecords(pool)),
    audit: new PostgresAuditLog(pool),
    close: () => Promise.resolve(),
  };
}
