import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { IndexFreshness } from "../verification/freshness.js";
import type { AnswerCache } from "./answer-cache.js";
import { ANSWER_CACHE_CONTROL, answerBytes } from "./answer-cache.js";
import type { RateDecision, TokenBuckets } from "../http/rate-limit.js";
import { CORS_HEADERS, SECURITY_HEADERS } from "../http/security-headers.js";

/**
 * The two answers a verifier gives most (a certificate, its history), served straight from the
 * answer cache in front of Express when a request is one Express would answer with exactly that
 * cached body: GET or HEAD of the canonical path, no query, a token left in the client's bucket.
 * Everything else — a miss, a query string, a refusal, any other route — goes to Express, which
 * validates, builds the answer and fills the cache. Same bytes, same headers, same rate budget:
 * only Express's per-request routing and middleware chain is skipped (docs/benchmarks/api.md).
 */
export interface FastPathOptions {
  answers: AnswerCache;
  freshness: () => IndexFreshness;
  /** Shared with the Express rate-limit middleware. */
  buckets: TokenBuckets;
  clientOf: (request: IncomingMessage) => string;
}

/** Canonical decimal token ids only: the cache keys are built from parsed ids (`bigint.toString()`). */
const HOT_PATH = /^\/v1\/certificates\/(0|[1-9][0-9]{0,77})(\/provenance)?$/;

const FIXED_HEADERS: readonly string[] = [...SECURITY_HEADERS, ...CORS_HEADERS].flat();

/** Answers the request and returns true, or returns false having written nothing. */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

export function hotAnswerFastPath(options: FastPathOptions): FastPath {
  const { answers, freshness, buckets, clientOf } = options;
  return (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    // A partner key spends its own budget, which the Express middleware looks up.
    if (request.headers.authorization !== undefined) return false;
    const match = HOT_PATH.exec(request.url ?? "");
    if (match === null) return false;
    // The same keys as certificatesRouter's (certificateAnswerKey, provenanceAnswerKey without a page).
    const key = match[2] === undefined ? `certificate:${match[1]}` : `provenance:${match[1]}::`;
    let bytes: Buffer;
    let decision: RateDecision;
    try {
      // Freshness before the lookup, as the routes read it before the index.
      const index = freshness();
      const answer = answers.peek(key);
      if (answer === undefined) return false;
      decision = buckets.take(clientOf(request));
      if (!decision.allowed) return false; // Express answers the 429.
      bytes = answerBytes(answer, index);
    } catch {
      return false; // The index could not be read: Express answers with the right problem.
    }
    response.writeHead(200, [
      ...FIXED_HEADERS,
      "Cache-Control",
      ANSWER_CACHE_CONTROL,
      "Content-Type",
      "application/json; charset=utf-8",
      "Content-Length",
      String(bytes.length),
      "RateLimit-Policy",
      buckets.policyHeader,
      "RateLimit",
      buckets.header(decision),
    ]);
    response.end(request.method === "HEAD" ? undefined : bytes);
    return true;
  };
}

/** A request listener trying `fastPath` first, then the Express app. */
export function withFastPath(fastPath: FastPath, app: RequestListener): RequestListener {
  return (request, response) => {
    if (!fastPath(request, response)) app(request, response);
  };
}
