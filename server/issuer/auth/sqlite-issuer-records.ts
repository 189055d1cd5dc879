import type { DatabaseSync } from "node:sqlite";
import type { ApiKeyRecord, ApiKeyRecords } from "./api-keys.js";
import { auditPageSize } from "./audit-log.js";
import type { AuditEntry, AuditLog, NewAuditEntry } from "./audit-log.js";

/**
 * API keys and the audit trail in `<data dir>/issuer.sqlite` (issuer-database.ts), the default on
 * one machine. node:sqlite is synchronous: each method has done its write when it returns, so a
 * row is there before the answer that caused it goes out.
 */
export class SqliteApiKeyRecords implements ApiKeyRecords {
  constructor(private readonly db: DatabaseSync) {}

  insert(record: ApiKeyRecord): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO api_keys (id, brand_id, scopes, label, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(record.id, record.brand_id, record.scopes, record.label, record.secret_sha256, record.created_at);
    return Promise.resolve();
  }

  get(id: string): Promise<ApiKeyRecord | undefined> {
    return Promise.resolve(
      this.db.prepare("SELECT * FROM api_keys WHERE id = ?").get(id) as unknown as ApiKeyRecord | undefined,
    );
  }

  list(brandId?: number): Promise<ApiKeyRecord[]> {
    const rows =
      brandId === undefined
        ? this.db.prepare("SELECT * FROM api_keys ORDER BY created_at, id").all()
        : this.db.prepare("SELECT * FROM api_keys WHERE brand_id = ? ORDER BY created_at, id").all(brandId);
    return Promise.resolve(rows as unknown as ApiKeyRecord[]);
  }

  revoke(id: string, at: string): Promise<void> {
    this.db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at, id);
    return Promise.resolve();
  }

  markUsed(id: string, at: string): Promise<void> {
    this.db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").run(at, id);
    return Promise.resolve();
  }
}

interface AuditRow {
  id: number;
  at: string;
  key_id: string | null;
  brand_id: number | null;
  action: string;
  target: string | null;
  status: number;
  outcome: string;
  detail: string | null;
}

export class SqliteAuditLog implements AuditLog {
  constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(entry: NewAuditEntry): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO audit (at, key_id, brand_id, action, target, status, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        this.now().toISOString(),
        entry.keyId,
        entry.brandId,
        entry.action,
        entry.target,
        entry.status,
        entry.outcome,
        entry.detail,
      );
    return Promise.resolve();
  }

  list(brandId: number, options: { limit?: number; before?: number } = {}): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare("SELECT * FROM audit WHERE brand_id = ? AND id < ? ORDER BY id DESC LIMIT ?")
      .all(
        brandId,
        options.before ?? Number.MAX_SAFE_INTEGER,
        auditPageSize(options.limit),
      ) as unknown as AuditRow[];
    return Promise.resolve(
      rows.map((row) => ({
        id: Number(row.id),
        at: row.at,
        keyId: row.key_id,
        brandId: row.brand_id === null ? null : Number(row.brand_id),
        action: row.action,
        target: row.target,
        status: Number(row.status),
        outcome: row.outcome,
        detail: row.detail,
      })),
    );
  }

  count(): Promise<number> {
    return Promise.resolve(
      Number((this.db.prepare("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n),
    );
  }
}
