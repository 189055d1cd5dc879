import type { RequestHandler } from "express";
import { RateLimitedError } from "../../errors.js";

/**
 * Per-client token bucket, in process. Each client IP gets `burst` tokens refilled at
 * `perMinute / 60` per second; a request with no token left is refused with 429 and the number
 * of seconds until one is back. Buckets are bounded (LRU), so a flood of addresses costs memory
 * only up to `maxClients`. Behind a proxy, set trust proxy so that `request.ip` is the client.
 */
export interface RateLimitOptions {
  perMinute: number;
  burst?: number;
  maxClients?: number;
  /** Paths never limited (health probes). */
  exempt?: readonly string[];
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function rateLimit(options: RateLimitOptions): RequestHandler {
  const ratePerMs = options.perMinute / 60_000;
  const burst = options.burst ?? Math.max(10, Math.ceil(options.perMinute / 6));
  const maxClients = options.maxClients ?? 50_000;
  const exempt = new Set(options.exempt ?? []);
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  return (request, _response, next) => {
    if (exempt.has(request.path)) {
      next();
      return;
    }
    const client = request.ip ?? request.socket.remoteAddress ?? "unknown";
    const time = now();
    let bucket = buckets.get(client);
    if (bucket === undefined) {
      bucket = { tokens: burst, updatedAt: time };
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
    } else {
      buckets.delete(client); // Re-inserted below: most recently seen last.
      bucket.tokens = Math.min(burst, bucket.tokens + (time - bucket.updatedAt) * ratePerMs);
      bucket.updatedAt = time;
    }
    buckets.set(client, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / ratePerMs / 1000);
      next(new RateLimitedError("Too many requests from this client", retryAfterSeconds));
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
