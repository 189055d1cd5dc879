import { createHash } from "node:crypto";
import { HallmarkError } from "../../errors.js";
import type { ApiKey, ApiKeyStore } from "./api-keys.js";
import { PARTNER_SCOPE } from "./scopes.js";

/**
 * The partner key a request presents (`Authorization: Bearer hmk_…` on a verifier route), looked up
 * in the key store (sqlite on one machine, PostgreSQL in a fleet) at most once per `ttlMs` per key:
 * a revoked key loses its budget within that time, and a verifier answering thousands of a
 * partner's requests a minute does not read the database for each. An unknown, wrong or revoked
 * key, or an issuer key, is no partner key: the request spends its address's budget, and the
 * `RateLimit-Policy` it gets back ("default", not "partner") says so.
 */
export class PartnerKeys {
  private readonly seen = new Map<string, { key: ApiKey | null; until: number }>();
  private readonly usedAt = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  async partnerOf(authorization: string | undefined): Promise<ApiKey | undefined> {
    if (authorization === undefined || !/^Bearer\s+hmk_/i.test(authorization.trim())) return undefined;
    const now = (this.options.now ?? Date.now)();
    // Only the header's hash is kept: no key secret sits in this map.
    const cacheKey = createHash("sha256").update(authorization.trim()).digest("hex");
    let entry = this.seen.get(cacheKey);
    if (entry === undefined || entry.until <= now) {
      let key: ApiKey | null = null;
      try {
        const found = await this.keys.authenticate(authorization);
        key = found.scopes.includes(PARTNER_SCOPE) ? found : null;
      } catch (error) {
        // A bad key is no partner key; the database being down is a failure the caller must see.
        if (!(error instanceof HallmarkError) || error.retryable) throw error;
      }
      entry = { key, until: now + (this.options.ttlMs ?? 30_000) };
      if (this.seen.size >= (this.options.maxEntries ?? 10_000))
        this.seen.delete(this.seen.keys().next().value as string);
      this.seen.set(cacheKey, entry);
    }
    if (entry.key === null) return undefined;
    this.markUsed(entry.key, now);
    return entry.key;
  }

  /** The last use, for `hallmark partner-key list`: written at most once a minute per key. */
  private markUsed(key: ApiKey, now: number): void {
    if ((this.usedAt.get(key.id) ?? 0) > now - 60_000) return;
    this.usedAt.set(key.id, now);
    this.keys.markUsed(key).catch(() => undefined);
  }
}
