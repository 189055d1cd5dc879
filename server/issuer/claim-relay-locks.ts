import { randomBytes } from "node:crypto";

/**
 * The claim relay's in-flight locks: one relayed claim per certificate at a time, across every
 * verifier that relays. Two submissions of one signed claim would both pass the simulation while
 * the first is pending; the second would then burn the brand's gas on a revert.
 *
 * A lock is held from the simulation until the receipt (or the failure) and released then; it
 * expires after `ttlMs` in case its holder died holding it (kill -9, a lost machine). The holder
 * that lost an expired lock releasing late does not release its successor's.
 *
 * In memory (one process, the default) or in PostgreSQL (server/store/postgres/claim-relay-locks.ts)
 * when a database is configured; one behaviour suite for both (test/server/issuer/claim-relay-locks.ts).
 */
export interface ClaimRelayLock {
  /** Gives the lock up (after the receipt or the failure). Idempotent. */
  release(): Promise<void>;
}

export interface ClaimRelayLocks {
  /** The lock on this certificate's claim, or null while another relay holds it. */
  acquire(tokenId: bigint): Promise<ClaimRelayLock | null>;
}

export interface ClaimRelayLocksOptions {
  /** How long a lock outlives a holder that never released it (default 10 minutes: a send, its wait in the brand's queue and its receipt). */
  ttlMs?: number;
  /** The clock (tests); default the process's, or the database's for the PostgreSQL locks. */
  now?: () => number;
}

export const DEFAULT_CLAIM_LOCK_TTL_MS = 10 * 60_000;

/** A random name for one holding, so that only its holder releases it. */
export function newHolder(): string {
  return randomBytes(12).toString("hex");
}

export class MemoryClaimRelayLocks implements ClaimRelayLocks {
  private readonly held = new Map<bigint, { holder: string; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ClaimRelayLocksOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CLAIM_LOCK_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  acquire(tokenId: bigint): Promise<ClaimRelayLock | null> {
    const current = this.held.get(tokenId);
    if (current !== undefined && current.expiresAt >= this.now()) return Promise.resolve(null);
    const holder = newHolder();
    this.held.set(tokenId, { holder, expiresAt: this.now() + this.ttlMs });
    return Promise.resolve({
      release: () => {
        if (this.held.get(tokenId)?.holder === holder) this.held.delete(tokenId);
        return Promise.resolve();
      },
    });
  }
}
