import type pg from "pg";
import { DEFAULT_CLAIM_LOCK_TTL_MS, newHolder } from "../../issuer/claim-relay-locks.js";
import type {
  ClaimRelayLock,
  ClaimRelayLocks,
  ClaimRelayLocksOptions,
} from "../../issuer/claim-relay-locks.js";

/** The clock a query uses: the test's (`$n`) when given, else the database's, in epoch milliseconds. */
const NOW = (param: string) =>
  `COALESCE(${param}::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;

/**
 * Claim relay locks as rows of `claim_relay_locks` (migration 002), shared by every verifier. A
 * row, not a session advisory lock: the lock is held across the wait for a receipt, far longer
 * than a request should pin a pooled connection, and a row's expiry frees it when its holder
 * died. Acquiring is one statement: insert, or take over a row whose holder let it expire.
 */
export class PostgresClaimRelayLocks implements ClaimRelayLocks {
  private readonly ttlMs: number;
  private readonly now?: () => number;

  constructor(
    private readonly pool: pg.Pool,
    options: ClaimRelayLocksOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CLAIM_LOCK_TTL_MS;
    this.now = options.now;
  }

  async acquire(tokenId: bigint): Promise<ClaimRelayLock | null> {
    const holder = newHolder();
    const { rowCount } = await this.pool.query(
      `INSERT INTO claim_relay_locks AS held (token_id, holder, expires_at) VALUES ($1, $2, ${NOW("$3")} + $4)
       ON CONFLICT (token_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE held.expires_at < ${NOW("$3")}`,
      [tokenId.toString(), holder, this.clock(), this.ttlMs],
    );
    if (rowCount !== 1) return null;
    let released: Promise<void> | null = null;
    return {
      release: () =>
        (released ??= (async () => {
          // Also sweeps locks whose holders died without taking their token again.
          await this.pool.query(
            `DELETE FROM claim_relay_locks WHERE (token_id = $1 AND holder = $2) OR expires_at < ${NOW("$3")}`,
            [tokenId.toString(), holder, this.clock()],
          );
        })()),
    };
  }

  private clock(): number | null {
    return this.now === undefined ? null : this.now();
  }
}
