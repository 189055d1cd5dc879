import type { ItemDigitalLink } from "./digital-link-path.js";
import { canonicalItemPath } from "./digital-link-path.js";
import { uriOf } from "./link-types.js";

/**
 * The links a certified piece resolves to, the linkset that lists them (RFC 9264
 * `application/linkset+json`, shaped by GS1's linkset schema: docs/schemas/gs1-linkset-schema.json),
 * and the `Link` header every resolver answer about the piece carries. Pure: the facts about the
 * piece (ItemFacts) are looked up by the caller; this decides what they link to.
 *
 * What a piece links to (all on this verifier, so every href starts with the resolver's root):
 *
 * | link type | target | when |
 * | --- | --- | --- |
 * | gs1:defaultLink, gs1:pip | the verification page `/v/{id}?gtin=&serial=` (HTML, en and fr) | always |
 * | gs1:certificationInfo | the certificate JSON `/v1/certificates/{id}` | always |
 * | gs1:sustainabilityInfo | the passport JSON `/v1/certificates/{id}/passport` | a verified passport |
 * | gs1:instructions | the verification page, which shows the passport's care instructions | care instructions |
 * | gs1:serviceInfo | the verification page, which shows the brand's repair service | a repair policy |
 */

/** What the links of a piece depend on: small, cached per token (server/api/routes/resolver.ts). */
export interface ItemFacts {
  tokenId: string;
  /** The passport (metadata document) was read and matched its on-chain digest. */
  verified: boolean;
  /** The passport names care instructions / a repair policy. */
  hasCare: boolean;
  hasRepair: boolean;
  /** The product's name, for the linkset's itemDescription. */
  description: string;
}

export interface ResolverLink {
  /** The link type's short name in the GS1 vocabulary (`pip`). */
  name: string;
  href: string;
  title: string;
  type: string;
  hreflang?: string[];
  /** Whether the request's query string is passed on when redirecting (GS1 `fwqs`). */
  fwqs: boolean;
}

/** A resolved item: the canonical URI it was asked by (the linkset's anchor) and its links. */
export interface ResolvedItem {
  anchor: string;
  description: string;
  links: ResolverLink[];
}

/** The page languages (server/web/localized.ts). */
const PAGE_LANGUAGES = ["en", "fr"];

/**
 * The links of a serialised piece. `root` is the resolver's root URL without a trailing slash. Titles
 * carry no comma: conformance tools split the Link header on commas.
 */
export function itemLinks(
  root: string,
  item: ItemDigitalLink & { serial: string },
  facts: ItemFacts,
): ResolvedItem {
  const page = `${root}/v/${facts.tokenId}?gtin=${item.gtin}&serial=${encodeURIComponent(item.serial)}`;
  const certificate = `${root}/v1/certificates/${facts.tokenId}`;
  const pageLink = { href: page, type: "text/html", hreflang: PAGE_LANGUAGES };
  // The page takes unknown query parameters without complaint (a campaign's ?utm_…); the JSON API refuses them.
  const links: ResolverLink[] = [
    { name: "defaultLink", title: "Verification page: authenticity and provenance", ...pageLink, fwqs: true },
    { name: "pip", title: "Verification page: authenticity and provenance", ...pageLink, fwqs: true },
    {
      name: "certificationInfo",
      href: certificate,
      title: "Certificate of authenticity (JSON)",
      type: "application/json",
      fwqs: false,
    },
  ];
  if (facts.verified)
    links.push({
      name: "sustainabilityInfo",
      href: `${certificate}/passport`,
      title: "Digital product passport: materials and sustainability (JSON)",
      type: "application/json",
      fwqs: false,
    });
  if (facts.verified && facts.hasCare)
    links.push({ name: "instructions", title: "Care instructions", ...pageLink, fwqs: true });
  if (facts.verified && facts.hasRepair)
    links.push({ name: "serviceInfo", title: "Repair service", ...pageLink, fwqs: true });
  return { anchor: `${root}${canonicalItemPath(item)}`, description: facts.description, links };
}

/** The link of a type, if the piece has one. */
export function linkOfType(item: ResolvedItem, name: string): ResolverLink | undefined {
  return item.links.find((link) => link.name === name);
}

/** The default link (gs1:defaultLink): where a request that asks for nothing in particular goes. */
export function defaultLinkOf(item: ResolvedItem): ResolverLink {
  return linkOfType(item, "defaultLink") as ResolverLink;
}

/** The linkset of a piece (RFC 9264 §4.2, one context object; keys are link type URIs). */
export function linksetOf(item: ResolvedItem): { linkset: Record<string, unknown>[] } {
  const context: Record<string, unknown> = { anchor: item.anchor, itemDescription: item.description };
  for (const link of item.links) {
    const target: Record<string, unknown> = { href: link.href, title: link.title, type: link.type };
    if (link.hreflang !== undefined) target.hreflang = link.hreflang;
    target.fwqs = link.fwqs;
    const key = uriOf(link.name);
    (context[key] as unknown[] | undefined)?.push(target) ?? (context[key] = [target]);
  }
  return { linkset: [context] };
}

/** The URI of the piece's linkset (the same resolver URI with `?linkType=linkset`). */
export const linksetUriOf = (item: ResolvedItem): string => `${item.anchor}?linkType=linkset`;

/** A Link header value (RFC 8288): the target in <>, then parameters (quoted strings, `"` and `\` escaped). */
export function linkHeaderEntry(href: string, parameters: [string, string][]): string {
  const quoted = parameters.map(([name, value]) => `; ${name}="${value.replace(/["\\]/g, "\\$&")}"`);
  return `<${href}>${quoted.join("")}`;
}

/**
 * The Link header of an answer about a piece: its linkset (rel="linkset", as the resolver standard
 * asks of every answer, redirects included) and its default link, and, for a compressed request,
 * the uncompressed URI (rel="owl:sameAs", as the standard asks of a resolver that decompresses).
 */
export function linkHeaderOf(item: ResolvedItem, options: { sameAs?: string } = {}): string {
  const fallback = defaultLinkOf(item);
  const entries = [
    linkHeaderEntry(linksetUriOf(item), [
      ["rel", "linkset"],
      ["type", "application/linkset+json"],
      ["title", "Links of this item"],
    ]),
    linkHeaderEntry(fallback.href, [
      ["rel", uriOf("defaultLink")],
      ["type", fallback.type],
      ...(fallback.hreflang ?? []).map((lang): [string, string] => ["hreflang", lang]),
      ["title", fallback.title],
    ]),
  ];
  if (options.sameAs !== undefined) entries.push(linkHeaderEntry(options.sameAs, [["rel", "owl:sameAs"]]));
  return entries.join(", ");
}

/** The URL a redirect goes to: the link's, with the request's query passed on when the link allows it. */
export function redirectTarget(link: ResolverLink, forwardedQuery: string): string {
  if (!link.fwqs || forwardedQuery === "") return link.href;
  return `${link.href}${link.href.includes("?") ? "&" : "?"}${forwardedQuery}`;
}
