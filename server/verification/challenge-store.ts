import { randomBytes } from "node:crypto";
import { ConflictError, ExpiredError, NotFoundError } from "../errors.js";

/**
 * Single-use challenges with an expiry, kept in memory (bounded): a challenge is a random
 * bytes32 that also serves as its id. They are not index data (only the indexer writes the
 * index), and losing them on restart only means asking for a new one.
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
 */
export interface Challenge<T> {
  id: string;
  payload: T;
  issuedAt: number;
  expiresAt: number;
}

interface Entry<T, R> extends Challenge<T> {
  state: "open" | "in_use" | "used";
  client: string;
  outcome?: R;
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
  now?: () => number;
}

/** The client of challenges issued without one (callers outside HTTP). */
const NO_CLIENT = "";

export class ChallengeStore<T, R = never> {
  private readonly entries = new Map<string, Entry<T, R>>();
  /** Ids of each client's entries, oldest first. */
  private readonly byClient = new Map<string, Set<string>>();
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxPerClient: number;
  private readonly now: () => number;

  constructor(options: ChallengeStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxPerClient = Math.max(1, options.maxPerClient ?? 32);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Issues a challenge for `client` (an IP or network, see clientKeyOf), within its share of the store. */
  issue(payload: T, client: string = NO_CLIENT): Challenge<T> {
    this.makeRoomFor(client);
    const issuedAt = this.now();
    const entry: Entry<T, R> = { id: `0x${randomBytes(32).toString("hex")}`, payload, issuedAt, expiresAt: issuedAt + this.ttlMs, state: "open", client };
    this.entries.set(entry.id, entry);
    let ids = this.byClient.get(client);
    if (ids === undefined) this.byClient.set(client, (ids = new Set()));
    ids.add(entry.id);
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

  /** Consumes a taken challenge: from now on it answers 409; `outcome` is what `stateOf` tells until expiry. */
  consume(id: string, outcome?: R): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.state = "used";
    if (outcome !== undefined) entry.outcome = outcome;
  }

  /**
   * Reads a challenge's state without taking it (a verification in flight is still open). Throws
   * 404 for an id never issued here or already evicted; an expired one answers "expired" and
   * forgets its outcome, as the store forgets the entry once it needs the room.
   */
  stateOf(id: string): ChallengeStatus<T, R> {
    const entry = this.entries.get(id.toLowerCase());
    if (entry === undefined) throw new NotFoundError("Unknown challenge (never issued here, or forgotten after a restart)");
    const challenge: Challenge<T> = { id: entry.id, payload: entry.payload, issuedAt: entry.issuedAt, expiresAt: entry.expiresAt };
    if (this.now() > entry.expiresAt) return { state: "expired", challenge };
    if (entry.state === "used") return { state: "used", challenge, outcome: entry.outcome };
    return { state: "open", challenge };
  }

  /** Gives a taken challenge back when verification could not happen (the chain was down). */
  release(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.state === "in_use") entry.state = "open";
  }

  private usable(id: string): Entry<T, R> {
    const entry = this.entries.get(id.toLowerCase());
    if (entry === undefined) throw new NotFoundError("Unknown challenge (never issued here, or forgotten after a restart)");
    if (entry.state !== "open") throw new ConflictError("This challenge was already used: ask for a new one");
    // Kept (bounded, evicted when room is needed) so that stateOf can still say "expired".
    if (this.now() > entry.expiresAt) throw new ExpiredError("This challenge has expired: ask for a new one");
    return entry;
  }

  private makeRoomFor(client: string): void {
    const own = this.byClient.get(client);
    if (own !== undefined && own.size >= this.maxPerClient) {
      this.removeExpired(own);
      // Still at its limit: the client's own oldest goes (Sets keep insertion order).
      while (own.size >= this.maxPerClient) this.remove(own.values().next().value as string);
    }
    if (this.entries.size < this.maxEntries) return;
    this.removeExpired(this.entries.keys());
    // Still full (many clients at once): take from whoever holds the most, oldest first.
    while (this.entries.size >= this.maxEntries) {
      let largest: Set<string> | undefined;
      for (const ids of this.byClient.values()) if (largest === undefined || ids.size > largest.size) largest = ids;
      this.remove(largest!.values().next().value as string);
    }
  }

  private removeExpired(ids: Iterable<string>): void {
    const now = this.now();
    for (const id of [...ids]) {
      const entry = this.entries.get(id);
      if (entry !== undefined && now > entry.expiresAt) this.remove(id);
    }
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    const ids = this.byClient.get(entry.client);
    ids?.delete(id);
    if (ids?.size === 0) this.byClient.delete(entry.client);
  }
}
