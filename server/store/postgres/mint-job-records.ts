import type pg from "pg";
import { DEFAULT_MAX_KEPT_JOBS, parseJobView, serializeJobView } from "../../issuer/jobs/mint-job-records.js";
import type {
  IdempotencyClaim,
  MintJobRecords,
  MintJobRecordsOptions,
  StoredMintJob,
} from "../../issuer/jobs/mint-job-records.js";
import type { MintJobView } from "../../issuer/jobs/mint-jobs.js";

/** The clock a query uses: the test's (`$n`) when given, else the database's, in epoch milliseconds. */
const NOW = (param: string) =>
  `COALESCE(${param}::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;

/**
 * Mint jobs and Idempotency-Keys in PostgreSQL (migration 004), shared by every verifier: the
 * primary key (brand, Idempotency-Key) makes claiming a key atomic across the fleet, so two
 * instances given the same retried request create one job between them.
 */
export class PostgresMintJobRecords implements MintJobRecords {
  private readonly maxKept: number;
  private readonly now?: () => number;

  constructor(
    private readonly pool: pg.Pool,
    options: MintJobRecordsOptions = {},
  ) {
    this.maxKept = options.maxKept ?? DEFAULT_MAX_KEPT_JOBS;
    this.now = options.now;
  }

  async claim(brandId: number, idempotencyKey: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await this.pool.query(
      `INSERT INTO mint_jobs (brand_id, idempotency_key, request_hash, updated_at) VALUES ($1, $2, $3, ${NOW("$4")})
       ON CONFLICT (brand_id, idempotency_key) DO NOTHING`,
      [brandId, idempotencyKey, requestHash, this.clock()],
    );
    if (inserted.rowCount === 1) return { claimed: true };
    const { rows } = await this.pool.query<{ request_hash: string; id: string | null }>(
      "SELECT request_hash, id FROM mint_jobs WHERE brand_id = $1 AND idempotency_key = $2",
      [brandId, idempotencyKey],
    );
    // Unclaimed between the two statements (its request was refused): claim it again.
    if (rows.length === 0) return this.claim(brandId, idempotencyKey, requestHash);
    return { claimed: false, requestHash: rows[0].request_hash, jobId: rows[0].id };
  }

  async unclaim(brandId: number, idempotencyKey: string): Promise<void> {
    await this.pool.query(
      "DELETE FROM mint_jobs WHERE brand_id = $1 AND idempotency_key = $2 AND id IS NULL",
      [brandId, idempotencyKey],
    );
  }

  async save(view: MintJobView): Promise<void> {
    await this.pool.query(
      `UPDATE mint_jobs SET id = $3, status = $4, view = $5::json, updated_at = ${NOW("$6")}
       WHERE brand_id = $1 AND idempotency_key = $2`,
      [view.brand, view.idempotencyKey, view.id, view.status, serializeJobView(view), this.clock()],
    );
    if (view.status === "succeeded" || view.status === "failed") {
      // Bounded as in memory: the oldest finished jobs beyond maxKept go, with their keys.
      await this.pool.query(
        `DELETE FROM mint_jobs WHERE seq IN (
           SELECT seq FROM mint_jobs WHERE status IN ('succeeded', 'failed') ORDER BY seq
           LIMIT greatest(0, (SELECT count(*) FROM mint_jobs WHERE id IS NOT NULL) - $1))`,
        [this.maxKept],
      );
    }
  }

  async get(brandId: number, id: string): Promise<StoredMintJob | null> {
    const { rows } = await this.pool.query<{ view: string; updated_at: string }>(
      "SELECT view::text AS view, updated_at FROM mint_jobs WHERE id = $1 AND brand_id = $2",
      [id, brandId],
    );
    return rows.length === 0
      ? null
      : { view: parseJobView(rows[0].view), updatedAt: Number(rows[0].updated_at) };
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM mint_jobs WHERE id IS NOT NULL",
    );
    return Number(rows[0].n);
  }

  private clock(): number | null {
    return this.now === undefined ? null : this.now();
  }
}
