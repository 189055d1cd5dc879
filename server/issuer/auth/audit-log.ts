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

/**
 * Where the audit trail is kept: `<data dir>/issuer.sqlite` on one machine (SqliteAuditLog),
 * PostgreSQL when a database is configured (server/store/postgres/issuer-records.ts), so every
 * verifier writes to one trail and a brand reads it whole from any of them.
 */
export interface AuditLog {
  record(entry: NewAuditEntry): Promise<void>;
  /** A brand's entries, newest first; `before` is the id of the last entry of the previous page. */
  list(brandId: number, options?: { limit?: number; before?: number }): Promise<AuditEntry[]>;
  /** Every entry (operators, tests). */
  count(): Promise<number>;
}

/** A page's size: 50 unless asked, 1 to 500. */
export function auditPageSize(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), 500);
}
