import type { DatabaseSync } from "node:sqlite";

/**
 * Who did what, when, with what outcome: one row per issuer API call, refusals included. Keys
 * appear by id only; claim codes, key secrets and request bodies never do.
 */
export interface AuditEntry {
  id: number;
  at: string;
  /** The API key's id; null when the call presented no well-formed key. */
  keyId: string | null;
  /** The brand acted for (the key's, or the route's when the key is unknown). */
  brandId: number | null;
  /** "mint-job.create", "claim-codes.create", "event.record", "status.change", … */
  action: string;
  /** What it acted on: a job id, token ids, a route. */
  target: string | null;
  status: number;
  /** "ok", "refused" (4xx) or "failed" (5xx), or a job's own outcome. */
  outcome: string;
  /** Problem type of a refusal or failure, or a short summary. */
  detail: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, "id" | "at">;

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

export class AuditLog {
  constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(entry: NewAuditEntry): void {
    this.db
      .prepare("INSERT INTO audit (at, key_id, brand_id, action, target, status, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(this.now().toISOString(), entry.keyId, entry.brandId, entry.action, entry.target, entry.status, entry.outcome, entry.detail);
  }

  /** A brand's entries, newest first; `before` is the id of the last entry of the previous page. */
  list(brandId: number, options: { limit?: number; before?: number } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const rows = this.db
      .prepare("SELECT * FROM audit WHERE brand_id = ? AND id < ? ORDER BY id DESC LIMIT ?")
      .all(brandId, options.before ?? Number.MAX_SAFE_INTEGER, limit) as unknown as AuditRow[];
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at,
      keyId: row.key_id,
      brandId: row.brand_id === null ? null : Number(row.brand_id),
      action: row.action,
      target: row.target,
      status: Number(row.status),
      outcome: row.outcome,
      detail: row.detail,
    }));
  }

  /** Every entry (operators, tests). */
  count(): number {
    return Number((this.db.prepare("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n);
  }
}
