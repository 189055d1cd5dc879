/**
 * Single-use challenges with an expiry: a challenge is a random bytes32 that also serves as its
 * id. They are not index data (only the indexer writes the index). Two implementations behave the
 * same (one behaviour suite, test/server/verification/challenge-store.ts): in memory for one
 * process (MemoryChallengeStore, the default), and in PostgreSQL when a database is configured
 * (server/store/postgres/challenge-store.ts), so that a challenge made on one verifier is read and
 * answered on another.
 *
 * A used challenge stays as a tombstone until it would have expired, so that a replay is told
 * "already used" (409) rather than "unknown" (404).
 *
 * Anyone may ask for challenges, so the bound is per client as well as global: a client at its
 * limit replaces its own oldest challenge, and a full store evicts from the client holding the
 * most. One client asking in a loop can then only evict its own, not a buyer's open challenge.
 *
 * A consumed challenge may keep the outcome of its verification (`R`), so that another device
 * can read it (`stateOf`) until the challenge would have expired: the buyer's phone watches the
 * seller's proof. The outcome lives in the same bounded entry and goes with it.
 *
 * Payloads and outcomes are plain JSON values: the database keeps them as JSON text.
 */
export interface Challenge<T> {
  id: string;
  payload: T;
  issuedAt: number;
  expiresAt: number;
}

/** What a reader of a challenge learns (`stateOf`): taking or consuming is not reading. */
export type ChallengeStatus<T, R> =
  | { state: "open"; challenge: Challenge<T> }
  | { state: "used"; challenge: Challenge<T>; outcome: R | undefined }
  | { state: "expired"; challenge: Challenge<T> };

export interface ChallengeStoreOptions {
  ttlMs?: number;
  maxEntries?: number;
  /** Challenges one client may hold at once (default 32): enough for a partner inspecting a batch. */
  maxPerClient?: number;
  /** The clock (tests); default the process's, or the database's for the PostgreSQL store. */
  now?: () => number;
}

export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;
export const DEFAULT_MAX_CHALLENGES = 10_000;
export const DEFAULT_MAX_CHALLENGES_PER_CLIENT = 32;

/** The client of challenges issued without one (callers outside HTTP). */
export const NO_CLIENT = "";

export const UNKNOWN_CHALLENGE = "Unknown challenge (never issued here, or forgotten after a restart)";
export const USED_CHALLENGE = "This challenge was already used: ask for a new one";
export const EXPIRED_CHALLENGE = "This challenge has expired: ask for a new one";

export interface ChallengeStore<T, R = never> {
  readonly ttlMs: number;
  /**
   * Issues a challenge for `client` (an IP or network, see clientKeyOf), within its share of the
   * store. The payload is made from the new id, as a chip's message embeds it.
   */
  issue(payloadFor: (id: string) => T, client?: string): Promise<Challenge<T>>;
  /** Reads without taking (to check it belongs to the token at hand). Throws 404 / 410 / 409. */
  peek(id: string): Promise<Challenge<T>>;
  /** Takes the challenge for one verification, atomically: a concurrent second attempt is a replay (409). */
  take(id: string): Promise<Challenge<T>>;
  /** Consumes a taken challenge: from now on it answers 409; `outcome` is what `stateOf` tells until expiry. */
  consume(id: string, outcome?: R): Promise<void>;
  /** Gives a taken challenge back when verification could not happen (the chain was down). */
  release(id: string): Promise<void>;
  /**
   * Reads a challenge's state without taking it (a verification in flight is still open). Throws
   * 404 for an id never issued or already evicted; an expired one answers "expired" and forgets
   * its outcome, as the store forgets the entry once it needs the room.
   */
  stateOf(id: string): Promise<ChallengeStatus<T, R>>;
  /** Challenges held, tombstones and expired ones included (operators, tests). */
  count(): Promise<number>;
}
