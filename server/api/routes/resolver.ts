import { Router } from "express";
import type { Request, Response } from "express";
import { z } from "zod";
import { InvalidInputError, NotFoundError, UnprocessableError } from "../../errors.js";
import type { DigitalLink } from "../../verification/digital-link.js";
import { resolveDigitalLink, tokenIdOfDigitalLink } from "../../verification/digital-link.js";
import { prefersHtml } from "../../http/prefers-html.js";
import { Gtin, parseInput, ResolverQuery, Serial } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * GS1 Digital Link resolver (`/01/{gtin}/21/{serial}`, what the QR code on a label encodes). The
 * verification page it sends browsers to is server/web's. A browser (Accept: text/html first) gets a 303 to
 * `/v/{tokenId}?gtin={gtin14}` (the page checks the label's GTIN as the JSON answer does), or the
 * Unknown verdict page for a link that names no certificate; an API client gets the certificate JSON
 * checked against the GTIN (server/verification/digital-link.ts), or a problem+json. The Unknown page
 * is the pages' own: the composition (server/app.ts) hands its renderer in, so that this API never
 * imports server/web.
 */
export type UnknownPageSender = (request: Request, response: Response, status: 400 | 404 | 422) => void;

export function resolverRouter(deps: V1Dependencies, sendUnknownPage: UnknownPageSender): Router {
  const { verifier } = deps;
  const router = Router();

  router.get("/01/:gtin/21/:serial", async (request, response) => {
    response.vary("Accept");
    if (prefersHtml(request)) {
      // A phone that scanned a label reads a page, never a problem+json: an unknown or malformed
      // link gets the Unknown verdict (with the same 404/400), a known one a 303 to its page.
      let tokenId: bigint;
      let link: DigitalLink;
      try {
        link = linkOf(request);
        tokenId = await tokenIdOfDigitalLink(verifier.index, deps, link);
        if ((await verifier.index.getCertificate(tokenId.toString())) === null)
          throw new NotFoundError(`No certificate ${tokenId.toString()}`);
      } catch (error) {
        if (
          error instanceof NotFoundError ||
          error instanceof InvalidInputError ||
          error instanceof UnprocessableError
        ) {
          sendUnknownPage(
            request,
            response,
            error instanceof NotFoundError ? 404 : error instanceof InvalidInputError ? 400 : 422,
          );
          return;
        }
        throw error;
      }
      // The serial rides along so that the page can name it (the metadata may hold only its hash).
      response.redirect(
        303,
        `/v/${tokenId.toString()}?gtin=${link.gtin}&serial=${encodeURIComponent(link.serial)}`,
      );
      return;
    }
    const answer = await resolveDigitalLink(verifier.index, verifier.documents, deps, linkOf(request));
    sendJson(response, deps.freshness(), answer);
  });

  function linkOf(request: Request): DigitalLink {
    const { gtin, serial } = parseInput(z.object({ gtin: Gtin, serial: Serial }), request.params, "path");
    const query = parseInput(ResolverQuery, request.query, "query");
    return { gtin, serial, brand: query.brand };
  }

  return router;
}
