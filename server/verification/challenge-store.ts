import { randomBytes } from "node:crypto";
import { ConflictError, ExpiredError, NotFoundError } from "../errors.js";

/**
 * Single-use challenges with an expiry, kept in memory (bounded): a challenge is a random
 * bytes32 that also serves as its id. They are not index data (only the indexer writes the
 * index), and losing them on restart only means asking for a new one.
 *
 * A used challenge stays as a tombstone until it would have expired, so that a replay is told
 * "already used" (409) rather than "unknown" (404).
 */
export interface Challenge<T> {
  id: string;
  payload: T;
  issuedAt: number;
  expiresAt: number;
}

interface Entry<T> extends Challenge<T> {
  state: "open" | "in_use" | "used";
}

export interface ChallengeStoreOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class ChallengeStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ChallengeStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  issue(payload: T): Challenge<T> {
    this.makeRoom();
    const issuedAt = this.now();
    const entry: Entry<T> = { id: `0x${randomBytes(32).toString("hex")}`, payload, issuedAt, expiresAt: issuedAt + this.ttlMs, state: "open" };
    this.entries.set(entry.id, entry);
    return { id: entry.id, payload, issuedAt: entry.issuedAt, expiresAt: entry.expiresAt };
  }

  /** Reads without taking (to check it belongs to the token at hand). Throws 404 / 410 / 409. */
  peek(id: string): Challenge<T> {
    return this.usable(id);
  }

  /** Takes the challenge for one verification; a concurrent second attempt is a replay. */
  take(id: string): Challenge<T> {
    const entry = this.usable(id);
    entry.state = "in_use";
    return entry;
  }

  /** Consumes a taken challenge: from now on it answers 409. */
  consume(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) entry.state = "used";
  }

  /** Gives a taken challenge back when verification could not happen (the chain was down). */
  release(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.state === "in_use") entry.state = "open";
  }

  private usable(id: string): Entry<T> {
    const entry = this.entries.get(id.toLowerCase());
    if (entry === undefined) throw new NotFoundError("Unknown challenge (never issued here, or forgotten after a restart)");
    if (entry.state !== "open") throw new ConflictError("This challenge was already used: ask for a new one");
    if (this.now() > entry.expiresAt) {
      this.entries.delete(entry.id);
      throw new ExpiredError("This challenge has expired: ask for a new one");
    }
    return entry;
  }

  private makeRoom(): void {
    if (this.entries.size < this.maxEntries) return;
    const now = this.now();
    for (const [id, entry] of this.entries) if (now > entry.expiresAt) this.entries.delete(id);
    // Still full: the oldest go first (Map keeps insertion order).
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
