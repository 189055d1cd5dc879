import type { IndexFreshness } from "../verification/freshness.js";

/**
 * Serialised JSON answers of the hot read routes (a certificate, its provenance), kept while the
 * index's records are unchanged. An answer is a pure function of the indexed records (and of
 * metadata documents named by digest, which never change), so it stays right for as long as
 * `IndexReader.contentVersion()` holds; only the freshness object (indexed block, head, caught up)
 * moves on its own, and it is spliced in per request. When the version moves, the answers of the
 * certificates the index says changed (`IndexReader.contentChanges`: a range that wrote only those
 * certificates' own rows) are dropped; when it cannot say (a brand's row, a compromise, a rollback,
 * several versions at once), the whole cache is. Without that, every status flip in a busy fleet
 * sent every request of every verifier to the database until the cache filled again.
 *
 * Bounded by entries and by the bytes kept (UTF-8, LRU): 64 MiB holds about 20,000 certificate answers.
 */
export interface CachedAnswer {
  /** `JSON.stringify(body)` without its closing brace, in UTF-8: the freshness goes after it. */
  readonly prefix: Buffer;
}

/**
 * Cache-Control of every JSON answer of the verifier: a cache may keep it but must ask again before
 * reusing it. Without it, a shared cache in front of the verifier (Varnish, Fastly: 120 s to an hour
 * by default for a 200 with no caching headers) would keep serving "genuine" after a stolen report,
 * or a 404 seen during a rebuild. Immutable content (/ipfs, assets) sets its own.
 */
export const ANSWER_CACHE_CONTROL = "no-cache";

/** An answer to send once, not kept. */
export function uncachedAnswer(body: object): CachedAnswer {
  return { prefix: Buffer.from(JSON.stringify(body).slice(0, -1)) };
}

export interface AnswerCacheOptions {
  /** IndexReader.contentVersion of the index the answers come from. */
  version: () => number;
  /** IndexReader.contentChanges: the token ids changed since a version, or null (drop everything). */
  changedTokens?: (since: number) => readonly string[] | null;
  maxEntries?: number;
  maxBytes?: number;
}

/** The token id a key is for: keys are `<kind>:<token id>[:...]` (server/api/routes/certificates.ts). */
const tokenOf = (key: string): string => key.split(":", 2)[1] ?? "";

/** What an entry costs against the byte bound: its key and its UTF-8 body. */
const sizeOf = (key: string, entry: CachedAnswer): number => entry.prefix.length + key.length;

export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();
  /** The keys held per token id (`certificate:<id>`, `provenance:<id>:...`), to drop one token's answers. */
  private readonly keysOfToken = new Map<string, Set<string>>();
  private readonly version: () => number;
  private readonly changedTokens: (since: number) => readonly string[] | null;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private totalBytes = 0;
  private builtFor: number;
  private hitCount = 0;
  private missCount = 0;

  constructor(options: AnswerCacheOptions) {
    this.version = options.version;
    this.changedTokens = options.changedTokens ?? (() => null);
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.builtFor = this.version();
  }

  /** The version answers built now would be valid for: read it before the first read of the index. */
  currentVersion(): number {
    const version = this.version();
    if (version !== this.builtFor) {
      const tokens = this.changedTokens(this.builtFor);
      if (tokens === null) {
        this.entries.clear();
        this.keysOfToken.clear();
        this.totalBytes = 0;
      } else {
        for (const token of tokens)
          for (const key of [...(this.keysOfToken.get(token) ?? [])]) this.drop(key);
      }
      this.builtFor = version;
    }
    return version;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.totalBytes -= sizeOf(key, entry);
    this.entries.delete(key);
    const token = tokenOf(key);
    const keys = this.keysOfToken.get(token);
    keys?.delete(key);
    if (keys?.size === 0) this.keysOfToken.delete(token);
  }

  get(key: string): CachedAnswer | undefined {
    const entry = this.peek(key);
    if (entry === undefined) this.missCount += 1;
    return entry;
  }

  /** As `get`, but a miss is not counted (the fast path, whose misses Express then looks up again). */
  peek(key: string): CachedAnswer | undefined {
    this.currentVersion();
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.hitCount += 1;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Keeps `body` as the answer for `key`, if the index has not changed since `builtAt` (the
   * version read before the body's first index read: an answer built across a change is sent but
   * not kept). Answers the entry to send.
   */
  set(key: string, body: object, builtAt: number): CachedAnswer {
    const entry = uncachedAnswer(body);
    if (builtAt !== this.currentVersion()) return entry;
    const bytes = sizeOf(key, entry);
    if (bytes > this.maxBytes) return entry;
    this.drop(key);
    this.entries.set(key, entry);
    this.totalBytes += bytes;
    const token = tokenOf(key);
    let keys = this.keysOfToken.get(token);
    if (keys === undefined) this.keysOfToken.set(token, (keys = new Set()));
    keys.add(key);
    while (this.entries.size > this.maxEntries || this.totalBytes > this.maxBytes)
      this.drop(this.entries.keys().next().value as string);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Hits and misses since start (diagnostics, benchmarks). */
  stats(): { hits: number; misses: number; entries: number; bytes: number } {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      entries: this.entries.size,
      bytes: this.totalBytes,
    };
  }
}

/** The answer's bytes: the cached body with the request's freshness as its last member. */
export function answerBytes(entry: CachedAnswer, freshness: IndexFreshness): Buffer {
  const separator = entry.prefix.length > 1 ? "," : ""; // an empty body is "{"
  return Buffer.concat([entry.prefix, Buffer.from(`${separator}"index":${JSON.stringify(freshness)}}`)]);
}
