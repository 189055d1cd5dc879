import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { RateLimitedError } from "../errors.js";

/**
 * Per-client token bucket, in process. Each client IP gets `burst` tokens refilled at
 * `perMinute / 60` per second; a request with no token left is refused with 429 and the number
 * of seconds until one is back. Buckets are bounded (LRU), so a flood of addresses costs memory
 * only up to `maxClients`. Behind a proxy, set trust proxy so that the client address is the
 * client's (server/http/client-address.ts); the Express middleware and the fast path share one
 * set of buckets, so a client has one budget whichever path answers it.
 */
export interface RateLimitOptions {
  perMinute: number;
  burst?: number;
  maxClients?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    this.ratePerMs = options.perMinute / 60_000;
    this.burst = options.burst ?? Math.max(10, Math.ceil(options.perMinute / 6));
    this.maxClients = options.maxClients ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token of `client`'s: 0 when there was one, else the seconds until there is. */
  take(client: string): number {
    const time = this.now();
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, updatedAt: time };
      if (this.buckets.size >= this.maxClients)
        this.buckets.delete(this.buckets.keys().next().value as string);
    } else {
      this.buckets.delete(client); // Re-inserted below: most recently seen last.
      bucket.tokens = Math.min(this.burst, bucket.tokens + (time - bucket.updatedAt) * this.ratePerMs);
      bucket.updatedAt = time;
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000));
    bucket.tokens -= 1;
    return 0;
  }
}

export interface RateLimitMiddlewareOptions extends RateLimitOptions {
  /** Paths never limited (health probes). */
  exempt?: readonly string[];
  /** The buckets to take from (shared with the fast path); default a set of its own. */
  buckets?: TokenBuckets;
  /** The client a request counts against; default Express's `request.ip`. */
  clientOf?: (request: IncomingMessage) => string;
}

export function rateLimit(options: RateLimitMiddlewareOptions): RequestHandler {
  const buckets = options.buckets ?? new TokenBuckets(options);
  const exempt = new Set(options.exempt ?? []);
  return (request, _response, next) => {
    if (exempt.has(request.path)) {
      next();
      return;
    }
    const client = options.clientOf?.(request) ?? request.ip ?? request.socket.remoteAddress ?? "unknown";
    const retryAfterSeconds = buckets.take(client);
    if (retryAfterSeconds > 0) {
      next(new RateLimitedError("Too many requests from this client", retryAfterSeconds));
      return;
    }
    next();
  };
}
