import { Router } from "express";
import type { NextFunction, Request, Response } from "express";
import { InvalidInputError, NotAcceptableError, NotFoundError, UnprocessableError } from "../../errors.js";
import { resolveCertificate } from "../../verification/certificate.js";
import type { CertificateView } from "../../verification/certificate.js";
import { tokenIdOfDigitalLink, withGtinCheck } from "../../verification/digital-link.js";
import type { AnswerCache, CachedAnswer } from "../answer-cache.js";
import { uncachedAnswer } from "../answer-cache.js";
import type { KnownLinks } from "../resolver-fast-path.js";
import { SIMPLE_LINK } from "../resolver-fast-path.js";
import type { Representation } from "../resolver-reply.js";
import { digitalLinkKey, factsKey, REPRESENTATIONS, resolverReply } from "../resolver-reply.js";
import { decompressItemPath } from "../../resolver/compressed-link.js";
import type { ItemDigitalLink } from "../../resolver/digital-link-path.js";
import { parseItemPath } from "../../resolver/digital-link-path.js";
import { resolverDescription } from "../../resolver/description.js";
import { parseLinkType } from "../../resolver/link-types.js";
import type { ItemFacts } from "../../resolver/links.js";
import { itemLinks, linksetUriOf } from "../../resolver/links.js";
import { parseInput, ResolverQuery } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";

/**
 * The GS1-Conformant Resolver (GS1 Digital Link 1.2, GS1-Conformant Resolver 1.2.0) for the pieces
 * this verifier certifies: what the QR code on a label encodes. The path rules are
 * server/resolver/digital-link-path.ts, the links server/resolver/links.ts; this adapter negotiates:
 *
 * - `?linkType=linkset` or `all`, or `Accept: application/linkset+json` (or `application/ld+json`):
 *   200 with the linkset;
 * - `?linkType=gs1:…`: 307 to that link, or 404 when the piece has none (400 for a name outside the
 *   GS1 vocabulary);
 * - no link type: a browser (or any client that does not ask for JSON) gets 307 to the default link,
 *   the verification page `/v/{id}?gtin=&serial=` (which checks the label's GTIN against the
 *   passport); a client asking for `application/json` gets the certificate checked against the GTIN
 *   (server/verification/digital-link.ts) in one round trip;
 * - an `Accept` none of these satisfies: 406.
 *
 * Every answer about a piece carries the `Link` header (its linkset and its default link). A browser
 * gets the Unknown verdict page for a malformed or unknown link (400, 404, 422), any other client a
 * problem+json. The Unknown page is the pages' own: the composition (server/app.ts) hands its
 * renderer in, so that this API never imports server/web.
 */
export type UnknownPageSender = (request: Request, response: Response, status: 400 | 404 | 422) => void;

export interface ResolverOptions {
  /** Links resolved here, for the fast path in front of Express (../resolver-fast-path.ts). */
  known?: KnownLinks;
  /** Hot answers (the facts behind a piece's links, its JSON answer), invalidated with the index. */
  answers: AnswerCache;
  /** HALLMARK_PUBLIC_URL: the resolver's root in links; without it, the origin the request came to. */
  publicUrl?: string;
}

/** The item paths of GS1 Digital Link for a GTIN with a serial: qualifiers 22, 10, 21 in that order. */
export const ITEM_PATHS = [
  "/01/:gtin/21/:serial",
  "/01/:gtin/10/:lot/21/:serial",
  "/01/:gtin/22/:cpv/21/:serial",
  "/01/:gtin/22/:cpv/10/:lot/21/:serial",
];

/**
 * Two routers: `resolver` (the description file and `/01/…`, mounted with the API) and `compressed`
 * (compressed links, one path segment: mounted after every other route, see below).
 */
export function resolverRouters(
  deps: V1Dependencies,
  sendUnknownPage: UnknownPageSender,
  options: ResolverOptions,
): { resolver: Router; compressed: Router } {
  const { verifier } = deps;
  const { answers } = options;
  const router = Router();

  const rootOf = (request: Request): string =>
    options.publicUrl?.replace(/\/+$/, "") ?? `${request.protocol}://${request.get("host") ?? "localhost"}`;

  router.get("/.well-known/gs1resolver", (request, response) => {
    response.setHeader("Cache-Control", "max-age=3600");
    response.json(resolverDescription(rootOf(request)));
  });

  // The item paths the standard allows (OpenAPI: server/api/openapi.ts), then any other path under
  // /01/, which the same parser refuses with a 400 saying why (or a 404 for a product-level link).
  router.get(ITEM_PATHS, (request, response) =>
    resolve(request, response, () => parseItemPath(rawPathOf(request))),
  );
  router.use("/01", (request, response, next) => {
    if (request.method !== "GET" && request.method !== "HEAD") return next();
    return resolve(request, response, () => parseItemPath(rawPathOf(request)));
  });

  /**
   * The compressed form (one base64url segment). Tried last of all routes (server/app.ts mounts it
   * after the pages), and only a segment that decodes to a GTIN link is answered: any other path
   * goes on to the 404 every unknown path gets.
   */
  const compressed = Router();
  compressed.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== "GET" && request.method !== "HEAD") return next();
    const path = rawPathOf(request).replace(/(.)\/$/, "$1");
    let item: ItemDigitalLink | null;
    try {
      item = decompressItemPath(path);
    } catch (error) {
      // It decoded to a GTIN link that breaks a rule (a wrong check digit): a 400, as uncompressed.
      return resolve(request, response, () => {
        throw error;
      });
    }
    if (item === null) return next();
    const found = item;
    return resolve(request, response, () => found, true);
  });

  async function resolve(
    request: Request,
    response: Response,
    parse: () => ItemDigitalLink,
    wasCompressed = false,
  ): Promise<void> {
    response.vary("Accept");
    const wanted = request.accepts([...REPRESENTATIONS]) as Representation | false;
    const browser = wanted === "text/html";
    try {
      const item = parse();
      const query = parseInput(ResolverQuery, request.query, "query");
      const linkType = query.linkType === undefined ? undefined : parseLinkType(query.linkType);
      if (wanted === false)
        throw new NotAcceptableError(
          `No representation of this resource matches Accept: ${request.get("accept") ?? ""}; this resolver answers ${REPRESENTATIONS.join(", ")}`,
        );
      if (item.serial === undefined)
        throw new NotFoundError(
          `This resolver answers serialised pieces: /01/${item.gtin} names a product, add /21/{serial}`,
        );
      const link = { ...item, serial: item.serial };
      const tokenId = await tokenIdOfDigitalLink(verifier.index, deps, {
        gtin: link.gtin,
        serial: link.serial,
        brand: query.brand,
      });
      const facts = await factsOf(tokenId, link.gtin);
      const root = rootOf(request);
      const resolved = itemLinks(root, link, facts.facts);
      const simple = wasCompressed ? null : SIMPLE_LINK.exec(request.originalUrl);
      if (simple !== null)
        options.known?.set(simple[1], simple[2], { tokenId: tokenId.toString(), item: link });
      const reply = resolverReply({
        wanted,
        linkType,
        resolved,
        forwardedQuery: forwardedQuery(request),
        compressedItem: wasCompressed ? item : undefined,
        root,
        digitalLinkAnswer:
          wanted === "application/json" && linkType === undefined
            ? await digitalLinkAnswerOf(tokenId, link.gtin, facts.view)
            : undefined,
        freshness: deps.freshness(),
      });
      if (reply === null)
        throw new NotFoundError(
          `This piece has no ${linkType?.kind === "link" ? `gs1:${linkType.name}` : "such"} link; the links it has are listed at ${linksetUriOf(resolved)}`,
        );
      response.status(reply.status);
      for (const [name, value] of reply.headers) {
        if (name === "Link") response.append(name, value);
        else response.setHeader(name, value);
      }
      response.end(request.method === "HEAD" ? undefined : reply.body);
    } catch (error) {
      if (
        browser &&
        (error instanceof NotFoundError ||
          error instanceof InvalidInputError ||
          error instanceof UnprocessableError)
      ) {
        // A phone that scanned a label reads a page, never a problem+json.
        const status = error instanceof NotFoundError ? 404 : error instanceof InvalidInputError ? 400 : 422;
        return sendUnknownPage(request, response, status);
      }
      throw error;
    }
  }

  /**
   * The facts a piece's links depend on, and its view when it had to be read (for the JSON answer).
   * Kept when the passport was verified (an unreadable document may be readable next time).
   */
  async function factsOf(
    tokenId: bigint,
    gtin: string,
  ): Promise<{ facts: ItemFacts; view?: CertificateView }> {
    const key = factsKey(tokenId);
    const cached = answers.get(key);
    if (cached !== undefined) return { facts: JSON.parse(`${cached.prefix.toString()}}`) as ItemFacts };
    const version = answers.currentVersion();
    const view = await resolveCertificate(verifier.index, verifier.documents, tokenId);
    const passport = view.metadata.verified ? view.metadata.document?.passport : undefined;
    const facts: ItemFacts = {
      tokenId: tokenId.toString(),
      verified: passport !== undefined,
      hasCare: (passport?.care.instructions.length ?? 0) > 0,
      hasRepair: passport?.care.repair !== undefined,
      description:
        passport?.productName ?? view.metadata.document?.name ?? `Certificate ${tokenId.toString()}`,
    };
    if (view.metadata.verified) {
      answers.set(key, facts, version);
      answers.set(digitalLinkKey(tokenId, gtin), withGtinCheck(view, gtin), version);
    }
    return { facts, view };
  }

  /** The certificate checked against the label's GTIN, from the cache or from the view just read. */
  async function digitalLinkAnswerOf(
    tokenId: bigint,
    gtin: string,
    view?: CertificateView,
  ): Promise<CachedAnswer> {
    const key = digitalLinkKey(tokenId, gtin);
    const cached = answers.get(key);
    if (cached !== undefined) return cached;
    const version = answers.currentVersion();
    const read = view ?? (await resolveCertificate(verifier.index, verifier.documents, tokenId));
    const body = withGtinCheck(read, gtin);
    return read.metadata.verified ? answers.set(key, body, version) : uncachedAnswer(body);
  }

  return { resolver: router, compressed };
}

/** The path as it arrived, still percent-encoded (Express's params are decoded, which loses `%2F`). */
function rawPathOf(request: Request): string {
  const url = request.originalUrl;
  const end = url.indexOf("?");
  return end === -1 ? url : url.slice(0, end);
}

/** The request's query string without `linkType`, passed on to a link that allows it (GS1 `fwqs`). */
function forwardedQuery(request: Request): string {
  const end = request.originalUrl.indexOf("?");
  if (end === -1) return "";
  const query = new URLSearchParams(request.originalUrl.slice(end + 1));
  query.delete("linkType");
  return query.toString();
}
