import type pg from "pg";
import { newHolder } from "../../issuer/claim-relay-locks.js";
import { DEFAULT_OPERATION_LOCK_TTL_MS } from "../../passkeys/operation-locks.js";
import type { OperationLock, OperationLocks } from "../../passkeys/operation-locks.js";

const NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/**
 * User operation locks as rows of `user_operation_locks` (migration 012), as the claim relay's locks
 * are: acquiring is one statement (insert, or take over a row whose holder let it expire).
 */
export class PostgresOperationLocks implements OperationLocks {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = DEFAULT_OPERATION_LOCK_TTL_MS,
  ) {}

  async acquire(opHash: string): Promise<OperationLock | null> {
    const key = opHash.toLowerCase();
    const holder = newHolder();
    const { rowCount } = await this.pool.query(
      `INSERT INTO user_operation_locks AS held (op_hash, holder, expires_at) VALUES ($1, $2, ${NOW} + $3)
       ON CONFLICT (op_hash) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE held.expires_at < ${NOW}`,
      [key, holder, this.ttlMs],
    );
    if (rowCount !== 1) return null;
    let released: Promise<void> | null = null;
    return {
      release: () =>
        (released ??= (async () => {
          await this.pool.query(
            `DELETE FROM user_operation_locks WHERE (op_hash = $1 AND holder = $2) OR expires_at < ${NOW}`,
            [key, holder],
          );
        })()),
    };
  }
}
