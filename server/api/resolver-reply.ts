import type { IndexFreshness } from "../verification/freshness.js";
import type { CachedAnswer } from "./answer-cache.js";
import { ANSWER_CACHE_CONTROL, answerBytes } from "./answer-cache.js";
import type { ItemDigitalLink } from "../resolver/digital-link-path.js";
import { canonicalItemPath } from "../resolver/digital-link-path.js";
import type { LinkTypeRequest } from "../resolver/link-types.js";
import type { ResolvedItem } from "../resolver/links.js";
import { defaultLinkOf, linkHeaderOf, linkOfType, linksetOf, redirectTarget } from "../resolver/links.js";

/**
 * The resolver's answer about a piece, as status, headers and bytes: built by one function for the
 * Express route (./routes/resolver.ts) and for the fast path in front of it (./resolver-fast-path.ts),
 * so that both send the same answer. What it cannot build alone — the certificate JSON when it is not
 * cached, a 404 for a link type the piece lacks — it leaves to the route (null).
 */

/** The representations a resolver answer can take, in the order a client that accepts anything gets them. */
export const REPRESENTATIONS = [
  "text/html",
  "application/json",
  "application/linkset+json",
  "application/ld+json",
] as const;
export type Representation = (typeof REPRESENTATIONS)[number];

/** GS1's JSON-LD context for linksets (the resolver standard's artefact), named in a Link header. */
export const LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context";

/** Cache keys: `<kind>:<token id>…`, so that the answer cache drops them when the token changes. */
export const factsKey = (tokenId: bigint | string): string => `resolver:${tokenId.toString()}`;
export const digitalLinkKey = (tokenId: bigint | string, gtin: string): string =>
  `digital-link:${tokenId.toString()}:${gtin}`;

export interface ResolverReply {
  status: 200 | 307;
  /** Besides the security and CORS headers every answer carries. */
  headers: [string, string][];
  body?: Buffer;
}

export interface ReplyRequest {
  wanted: Representation;
  linkType: LinkTypeRequest | undefined;
  resolved: ResolvedItem;
  /** The request's query without linkType, passed on where a link allows it. */
  forwardedQuery: string;
  /** The item as asked, when it came compressed: its uncompressed URI goes in the Link header. */
  compressedItem?: ItemDigitalLink;
  root: string;
  /** The cached certificate JSON checked against the label's GTIN, if any. */
  digitalLinkAnswer: CachedAnswer | undefined;
  freshness: IndexFreshness;
}

/** The answer, or null when the route must answer (an uncached JSON answer, a link type the piece lacks). */
export function resolverReply(request: ReplyRequest): ResolverReply | null {
  const { wanted, linkType, resolved } = request;
  const common: [string, string][] = [
    ["Vary", "Accept"],
    // A browser app on another origin may read the links too.
    ["Access-Control-Expose-Headers", "Retry-After, Location, Link"],
    ["Cache-Control", ANSWER_CACHE_CONTROL],
    [
      "Link",
      linkHeaderOf(
        resolved,
        request.compressedItem === undefined
          ? {}
          : { sameAs: `${request.root}${canonicalItemPath(request.compressedItem)}` },
      ),
    ],
  ];
  const asLinkset =
    linkType?.kind === "linkset" ||
    (linkType === undefined && (wanted === "application/linkset+json" || wanted === "application/ld+json"));
  if (asLinkset) {
    const type =
      wanted === "application/json" || wanted === "application/ld+json" ? wanted : "application/linkset+json";
    const headers = [...common];
    if (type === "application/ld+json")
      headers.push(["Link", `<${LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"`]);
    const body = Buffer.from(JSON.stringify(linksetOf(resolved)));
    // JSON is UTF-8 by definition (RFC 8259): no charset parameter, so the type reads as asked.
    headers.push(["Content-Type", type], ["Content-Length", String(body.length)]);
    return { status: 200, headers, body };
  }
  if (linkType?.kind === "link") {
    const target = linkOfType(resolved, linkType.name);
    if (target === undefined) return null;
    return redirect(common, redirectTarget(target, request.forwardedQuery));
  }
  if (wanted === "application/json") {
    if (request.digitalLinkAnswer === undefined) return null;
    const body = answerBytes(request.digitalLinkAnswer, request.freshness);
    return {
      status: 200,
      headers: [
        ...common,
        ["Content-Type", "application/json; charset=utf-8"],
        ["Content-Length", String(body.length)],
      ],
      body,
    };
  }
  return redirect(common, redirectTarget(defaultLinkOf(resolved), request.forwardedQuery));
}

/** 307: the client repeats the same request (method, Accept) at the target. No body: the Location says it all. */
function redirect(common: [string, string][], location: string): ResolverReply {
  return {
    status: 307,
    headers: [...common, ["Location", location], ["Content-Length", "0"]],
  };
}
