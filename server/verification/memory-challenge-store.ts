import { randomBytes } from "node:crypto";
import { ConflictError, ExpiredError, NotFoundError } from "../errors.js";
import {
  DEFAULT_CHALLENGE_TTL_MS,
  DEFAULT_MAX_CHALLENGES,
  DEFAULT_MAX_CHALLENGES_PER_CLIENT,
  EXPIRED_CHALLENGE,
  NO_CLIENT,
  UNKNOWN_CHALLENGE,
  USED_CHALLENGE,
} from "./challenge-store.js";
import type { Challenge, ChallengeStatus, ChallengeStore, ChallengeStoreOptions } from "./challenge-store.js";

interface Entry<T, R> extends Challenge<T> {
  state: "open" | "in_use" | "used";
  client: string;
  outcome?: R;
}

/**
 * Challenges in this process's memory (bounded), the default without a database: losing them on
 * restart only means asking for a new one. See ChallengeStore for the rules both stores keep.
 */
export class MemoryChallengeStore<T, R = never> implements ChallengeStore<T, R> {
  private readonly entries = new Map<string, Entry<T, R>>();
  /** Ids of each client's entries, oldest first. */
  private readonly byClient = new Map<string, Set<string>>();
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxPerClient: number;
  private readonly now: () => number;

  constructor(options: ChallengeStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_CHALLENGES;
    this.maxPerClient = Math.max(1, options.maxPerClient ?? DEFAULT_MAX_CHALLENGES_PER_CLIENT);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  count(): Promise<number> {
    return Promise.resolve(this.entries.size);
  }

  issue(payloadFor: (id: string) => T, client: string = NO_CLIENT): Promise<Challenge<T>> {
    this.makeRoomFor(client);
    const issuedAt = this.now();
    const id = `0x${randomBytes(32).toString("hex")}`;
    const payload = payloadFor(id);
    const entry: Entry<T, R> = {
      id,
      payload,
      issuedAt,
      expiresAt: issuedAt + this.ttlMs,
      state: "open",
      client,
    };
    this.entries.set(entry.id, entry);
    let ids = this.byClient.get(client);
    if (ids === undefined) this.byClient.set(client, (ids = new Set()));
    ids.add(entry.id);
    return Promise.resolve(challengeOf(entry));
  }

  peek(id: string): Promise<Challenge<T>> {
    return settle(() => challengeOf(this.usable(id)));
  }

  take(id: string): Promise<Challenge<T>> {
    return settle(() => {
      const entry = this.usable(id);
      entry.state = "in_use";
      return challengeOf(entry);
    });
  }

  consume(id: string, outcome?: R): Promise<void> {
    const entry = this.entries.get(id.toLowerCase());
    if (entry !== undefined) {
      entry.state = "used";
      if (outcome !== undefined) entry.outcome = outcome;
    }
    return Promise.resolve();
  }

  stateOf(id: string): Promise<ChallengeStatus<T, R>> {
    return settle(() => {
      const entry = this.entries.get(id.toLowerCase());
      if (entry === undefined) throw new NotFoundError(UNKNOWN_CHALLENGE);
      const challenge = challengeOf(entry);
      if (this.now() > entry.expiresAt) return { state: "expired", challenge };
      if (entry.state === "used") return { state: "used", challenge, outcome: entry.outcome };
      return { state: "open", challenge };
    });
  }

  release(id: string): Promise<void> {
    const entry = this.entries.get(id.toLowerCase());
    if (entry !== undefined && entry.state === "in_use") entry.state = "open";
    return Promise.resolve();
  }

  private usable(id: string): Entry<T, R> {
    const entry = this.entries.get(id.toLowerCase());
    if (entry === undefined) throw new NotFoundError(UNKNOWN_CHALLENGE);
    if (entry.state !== "open") throw new ConflictError(USED_CHALLENGE);
    // Kept (bounded, evicted when room is needed) so that stateOf can still say "expired".
    if (this.now() > entry.expiresAt) throw new ExpiredError(EXPIRED_CHALLENGE);
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
      for (const ids of this.byClient.values())
        if (largest === undefined || ids.size > largest.size) largest = ids;
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

function challengeOf<T>(entry: Challenge<T>): Challenge<T> {
  return { id: entry.id, payload: entry.payload, issuedAt: entry.issuedAt, expiresAt: entry.expiresAt };
}

/** Runs synchronous work as a promise: its throw becomes a rejection, as the database store's would. */
function settle<V>(work: () => V): Promise<V> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
