import { Router } from "express";
import type { Request, Response } from "express";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../../errors.js";
import { resolveCertificate } from "../../verification/certificate.js";
import { prefersHtml } from "../../http/prefers-html.js";
import { brandOfGtin, tokenIdOfSerial } from "../../verification/serial.js";
import { Gtin, parseInput, ResolverQuery, Serial } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * GS1 Digital Link resolver (`/01/{gtin}/21/{serial}`, what the QR code on a label encodes). The
 * verification page it sends browsers to is server/web's. A browser (Accept: text/html first) gets a 303 to
 * `/v/{tokenId}`, or the Unknown verdict page for a link that names no certificate; an API client gets
 * the certificate JSON, or a problem+json. The Unknown page is the pages' own: the composition
 * (server/app.ts) hands its renderer in, so that this API never imports server/web.
 */
export type UnknownPageSender = (request: Request, response: Response, status: 400 | 404) => void;

export function resolverRouter(deps: V1Dependencies, sendUnknownPage: UnknownPageSender): Router {
  const { verifier } = deps;
  const router = Router();

  router.get("/01/:gtin/21/:serial", async (request, response) => {
    response.vary("Accept");
    if (prefersHtml(request)) {
      // A phone that scanned a label reads a page, never a problem+json: an unknown or malformed
      // link gets the Unknown verdict (with the same 404/400), a known one a 303 to its page.
      let tokenId: bigint;
      try {
        tokenId = tokenIdOfLink(request);
        if (verifier.index.getCertificate(tokenId.toString()) === null) throw new NotFoundError(`No certificate ${tokenId.toString()}`);
      } catch (error) {
        if (error instanceof NotFoundError || error instanceof InvalidInputError) {
          sendUnknownPage(request, response, error instanceof NotFoundError ? 404 : 400);
          return;
        }
        throw error;
      }
      response.redirect(303, `/v/${tokenId.toString()}`);
      return;
    }
    const view = await resolveCertificate(verifier.index, verifier.documents, tokenIdOfLink(request));
    sendJson(response, deps.freshness(), view);
  });

  function tokenIdOfLink(request: Request): bigint {
    const { gtin, serial } = parseInput(z.object({ gtin: Gtin, serial: Serial }), request.params, "path");
    const query = parseInput(ResolverQuery, request.query, "query");
    const brandId = brandOfGtin(deps.gs1Prefixes, gtin, query.brand);
    return tokenIdOfSerial(verifier.index, deps.brandSalts, brandId, serial);
  }

  return router;
}
