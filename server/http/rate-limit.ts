import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler, Response } from "express";
import { RateLimitedError } from "../errors.js";

/**
 * Per-client token bucket, in process. Each client gets `burst` tokens refilled at
 * `perMinute / 60` per second; a request with no token left is refused with 429 and the number
 * of seconds until one is back. Buckets are bounded (LRU), so a flood of addresses costs memory
 * only up to `maxClients`. Behind a proxy, set trust proxy so that the client address is the
 * client's (server/http/client-address.ts); the Express middleware and the fast path share one
 * set of buckets, so a client has one budget whichever path answers it.
 *
 * Every answer says where the client stands, in the IETF RateLimit header fields
 * (draft-ietf-httpapi-ratelimit-headers, structured-field form): `RateLimit-Policy: "default";q=100;w=10`
 * — a quota of `burst` requests refilled over `w` seconds, which is the bucket exactly — and
 * `RateLimit: "default";r=57;t=5`, the requests left now and the seconds until the quota is whole again.
 */
export interface RateLimitOptions {
  perMinute: number;
  burst?: number;
  maxClients?: number;
  now?: () => number;
  /** The policy's name in the RateLimit fields (default "default"). */
  policy?: string;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Where a client stands after asking for tokens. */
export interface RateDecision {
  allowed: boolean;
  /** Whole requests left. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** When refused: seconds until the tokens asked for are there. */
  retryAfterSeconds: number;
}

export class TokenBuckets {
  private readonly ratePerMs: number;
  readonly burst: number;
  readonly policy: string;
  private readonly maxClients: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    this.ratePerMs = options.perMinute / 60_000;
    this.burst = options.burst ?? Math.max(10, Math.ceil(options.perMinute / 6));
    this.maxClients = options.maxClients ?? 50_000;
    this.now = options.now ?? Date.now;
    this.policy = options.policy ?? "default";
  }

  /** Seconds in which an empty bucket fills: the policy's window. */
  get windowSeconds(): number {
    return Math.max(1, Math.ceil(this.burst / this.ratePerMs / 1000));
  }

  /** `RateLimit-Policy`: the quota (`burst`) and the window it refills in. */
  get policyHeader(): string {
    return `"${this.policy}";q=${this.burst};w=${this.windowSeconds}`;
  }

  /** Takes `cost` tokens of `client`'s if it has them (none otherwise). */
  take(client: string, cost = 1): RateDecision {
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
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.burst - bucket.tokens) / this.ratePerMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - bucket.tokens) / this.ratePerMs / 1000)),
    };
  }

  /** `RateLimit`: what is left of the policy's quota, and when it is whole again. */
  header(decision: RateDecision): string {
    return `"${this.policy}";r=${decision.remaining};t=${decision.resetSeconds}`;
  }
}

/** Writes the two RateLimit fields of a decision. */
export function setRateLimitHeaders(
  response: ServerResponse,
  buckets: TokenBuckets,
  decision: RateDecision,
): void {
  response.setHeader("RateLimit-Policy", buckets.policyHeader);
  response.setHeader("RateLimit", buckets.header(decision));
}

/** Whose budget a request spends: a client address, or a partner key's own larger one. */
export interface RateClient {
  id: string;
  buckets: TokenBuckets;
}

export interface RateLimitMiddlewareOptions extends RateLimitOptions {
  /** Paths never limited (health probes). */
  exempt?: readonly string[];
  /** The buckets to take from (shared with the fast path); default a set of its own. */
  buckets?: TokenBuckets;
  /** The client a request counts against; default Express's `request.ip`. */
  clientOf?: (request: IncomingMessage) => string;
  /**
   * A partner key's budget when the request presents one (server/http/partner-budget.ts); undefined:
   * the client address's.
   */
  partnerOf?: (request: IncomingMessage) => Promise<RateClient | undefined>;
}

interface Charge {
  client: RateClient;
}

/**
 * Takes `cost` more of the budget the request already spent one of (a batch costs one per item).
 * Throws RateLimitedError (429) when it is not there; the RateLimit fields say what is left.
 */
export function chargeRateLimit(response: Response, cost: number): void {
  const charge = response.locals.rateLimit as Charge | undefined;
  if (charge === undefined || cost <= 0) return;
  const decision = charge.client.buckets.take(charge.client.id, cost);
  setRateLimitHeaders(response, charge.client.buckets, decision);
  if (!decision.allowed)
    throw new RateLimitedError(
      `This call costs ${cost + 1} requests of the rate budget; ${decision.remaining} are left`,
      decision.retryAfterSeconds,
    );
}

export function rateLimit(options: RateLimitMiddlewareOptions): RequestHandler {
  const buckets = options.buckets ?? new TokenBuckets(options);
  const exempt = new Set(options.exempt ?? []);
  return async (request, response, next) => {
    if (exempt.has(request.path)) {
      next();
      return;
    }
    const partner = await options.partnerOf?.(request);
    const client: RateClient = partner ?? {
      id: options.clientOf?.(request) ?? request.ip ?? request.socket.remoteAddress ?? "unknown",
      buckets,
    };
    const decision = client.buckets.take(client.id);
    setRateLimitHeaders(response, client.buckets, decision);
    response.locals.rateLimit = { client } satisfies Charge;
    if (!decision.allowed) {
      next(new RateLimitedError("Too many requests from this client", decision.retryAfterSeconds));
      return;
    }
    next();
  };
}
