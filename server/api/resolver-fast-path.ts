import type { IncomingMessage } from "node:http";
import type { IndexFreshness } from "../verification/freshness.js";
import type { AnswerCache } from "./answer-cache.js";
import type { FastPath } from "./fast-path.js";
import type { RateDecision, TokenBuckets } from "../http/rate-limit.js";
import { CORS_HEADERS, SECURITY_HEADERS } from "../http/security-headers.js";
import type { ItemDigitalLink } from "../resolver/digital-link-path.js";
import { parseLinkType } from "../resolver/link-types.js";
import type { LinkTypeRequest } from "../resolver/link-types.js";
import type { ItemFacts } from "../resolver/links.js";
import { itemLinks } from "../resolver/links.js";
import type { Representation, ResolverReply } from "./resolver-reply.js";
import { digitalLinkKey, factsKey, resolverReply } from "./resolver-reply.js";

/**
 * The resolver's most asked question — `/01/{gtin}/21/{serial}` with no query but `?linkType=`, from a
 * phone, an app or a crawler — answered in front of Express when everything it needs is cached: the
 * link's token (KnownLinks, filled by the route once it resolved and validated that exact link), the
 * piece's facts and, for JSON, its answer (the answer cache, dropped when the token changes). Anything
 * else (a miss, another query, an unusual Accept, a refusal, a link type the piece lacks) goes to
 * Express. The answer is built by the route's own function (./resolver-reply.ts): same bytes, same
 * headers, same rate budget as the route's; only Express's routing and middleware are skipped
 * (docs/benchmarks/api.md, the resolver lines).
 */

/** A Digital Link the route resolved: its token and the item, keyed by the raw `{gtin}/{serial}` segments. */
export interface KnownLink {
  tokenId: string;
  item: ItemDigitalLink & { serial: string };
}

/**
 * Raw link → token, for links the route resolved. Which token a link names is a function of the
 * configuration (GS1 prefixes, salts, serial rules), fixed for the process; whether that token is
 * still a certificate is the answer cache's business (its facts entry is dropped when the token
 * changes, and then the fast path misses). Bounded: cleared when full.
 */
export class KnownLinks {
  private readonly links = new Map<string, KnownLink>();
  constructor(private readonly maxEntries = 200_000) {}

  get(gtin: string, serial: string): KnownLink | undefined {
    return this.links.get(`${gtin}/${serial}`);
  }

  set(gtin: string, serial: string, link: KnownLink): void {
    if (this.links.size >= this.maxEntries) this.links.clear();
    this.links.set(`${gtin}/${serial}`, link);
  }
}

export interface ResolverFastPathOptions {
  answers: AnswerCache;
  known: KnownLinks;
  freshness: () => IndexFreshness;
  buckets: TokenBuckets;
  clientOf: (request: IncomingMessage) => string;
  publicUrl?: string;
  /** Behind a proxy the scheme comes from X-Forwarded-Proto, which Express reads: such requests go to Express. */
  trustProxy: boolean;
}

/** The simple item path, raw: `/01/{gtin}/21/{serial}[/]`, then nothing or `?linkType=…` alone. */
export const SIMPLE_LINK = /^\/01\/([0-9]{8,14})\/21\/([^/?]+)\/?(?:\?linkType=([^&=]+))?$/;

/** Every answer's headers, less the CORS exposed list, which the resolver's answer sets itself (with Link). */
const FIXED_HEADERS: readonly string[] = [...SECURITY_HEADERS, ...CORS_HEADERS]
  .filter(([name]) => name !== "Access-Control-Expose-Headers")
  .flat();

/** The Accept headers the fast path reads without a negotiator; any other goes to Express. */
function representationOf(accept: string | undefined): Representation | undefined {
  if (accept === undefined || accept === "*/*") return "text/html";
  if (
    accept === "application/json" ||
    accept === "application/linkset+json" ||
    accept === "application/ld+json"
  )
    return accept;
  // A browser's: text/html first.
  if (accept.startsWith("text/html,") || accept === "text/html") return "text/html";
  return undefined;
}

export function resolverFastPath(options: ResolverFastPathOptions): FastPath {
  const { answers, known, freshness, buckets, clientOf } = options;
  const publicRoot = options.publicUrl?.replace(/\/+$/, "");
  return (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    if (request.headers.authorization !== undefined) return false;
    const match = SIMPLE_LINK.exec(request.url ?? "");
    if (match === null) return false;
    const link = known.get(match[1], match[2]);
    if (link === undefined) return false;
    const wanted = representationOf(request.headers.accept);
    if (wanted === undefined) return false;
    let linkType: LinkTypeRequest | undefined;
    if (match[3] !== undefined) {
      try {
        linkType = parseLinkType(decodeURIComponent(match[3]));
      } catch {
        return false; // Express answers the 400.
      }
    }
    const host = request.headers.host;
    if (
      publicRoot === undefined &&
      (host === undefined || (options.trustProxy && request.headers["x-forwarded-proto"] !== undefined))
    )
      return false;
    const root = publicRoot ?? `${"encrypted" in request.socket ? "https" : "http"}://${host}`;
    let reply: ResolverReply | null;
    let decision: RateDecision;
    try {
      const index = freshness();
      const facts = answers.peek(factsKey(link.tokenId));
      if (facts === undefined) return false;
      const resolved = itemLinks(root, link.item, JSON.parse(`${facts.prefix.toString()}}`) as ItemFacts);
      reply = resolverReply({
        wanted,
        linkType,
        resolved,
        forwardedQuery: "",
        root,
        digitalLinkAnswer:
          wanted === "application/json" && linkType === undefined
            ? answers.peek(digitalLinkKey(link.tokenId, link.item.gtin))
            : undefined,
        freshness: index,
      });
      if (reply === null) return false;
      decision = buckets.take(clientOf(request));
      if (!decision.allowed) return false; // Express answers the 429.
    } catch {
      return false; // The index could not be read: Express answers with the right problem.
    }
    response.writeHead(reply.status, [
      ...FIXED_HEADERS,
      ...reply.headers.flat(),
      "RateLimit-Policy",
      buckets.policyHeader,
      "RateLimit",
      buckets.header(decision),
    ]);
    response.end(request.method === "HEAD" ? undefined : reply.body);
    return true;
  };
}
