import { newHolder } from "../issuer/claim-relay-locks.js";

/**
 * One relay per user operation at a time, across every verifier: the same signed operation sent twice
 * (a double tap, a retry while the first is pending, two verifiers behind a load balancer) would pass
 * the simulation twice while the first is unmined, and the second handleOps would then fail on-chain at
 * the relayer's expense. The second gets a 409 instead. Once the first is mined, the EntryPoint's nonce
 * answers (the verifier reads it before relaying: an operation whose nonce is used is a 409 too).
 *
 * A lock expires after `ttlMs` in case its holder died holding it. In memory (one process) or in
 * PostgreSQL (server/store/postgres/operation-locks.ts) when a database is configured.
 */
export interface OperationLock {
  release(): Promise<void>;
}

export interface OperationLocks {
  /** The lock on this operation hash, or null while another relay holds it. */
  acquire(opHash: string): Promise<OperationLock | null>;
}

export const DEFAULT_OPERATION_LOCK_TTL_MS = 5 * 60_000;

export class MemoryOperationLocks implements OperationLocks {
  private readonly held = new Map<string, { holder: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = DEFAULT_OPERATION_LOCK_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  acquire(opHash: string): Promise<OperationLock | null> {
    const key = opHash.toLowerCase();
    const current = this.held.get(key);
    if (current !== undefined && current.expiresAt >= this.now()) return Promise.resolve(null);
    const holder = newHolder();
    this.held.set(key, { holder, expiresAt: this.now() + this.ttlMs });
    return Promise.resolve({
      release: () => {
        if (this.held.get(key)?.holder === holder) this.held.delete(key);
        return Promise.resolve();
      },
    });
  }
}
