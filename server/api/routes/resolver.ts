import { Router } from "express";
import { z } from "zod";
import { resolveCertificate } from "../../verification/certificate.js";
import { brandOfGtin, tokenIdOfSerial } from "../../verification/serial.js";
import { Gtin, parseInput, ResolverQuery, Serial } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * GS1 Digital Link resolver (`/01/{gtin}/21/{serial}`, what the QR code on a label encodes). The
 * verification page it sends browsers to is server/web's. A browser (Accept: text/html first) gets a 303 to
 * `/v/{tokenId}`; an API client gets the certificate JSON.
 */
export function resolverRouter(deps: V1Dependencies): Router {
  const { verifier } = deps;
  const router = Router();

  router.get("/01/:gtin/21/:serial", async (request, response) => {
    const { gtin, serial } = parseInput(z.object({ gtin: Gtin, serial: Serial }), request.params, "path");
    const query = parseInput(ResolverQuery, request.query, "query");
    const brandId = brandOfGtin(deps.gs1Prefixes, gtin, query.brand);
    const tokenId = tokenIdOfSerial(verifier.index, deps.brandSalts, brandId, serial);
    const view = await resolveCertificate(verifier.index, verifier.documents, tokenId);
    response.vary("Accept");
    if (request.accepts(["application/json", "text/html"]) === "text/html") {
      response.redirect(303, `/v/${view.tokenId}`);
      return;
    }
    sendJson(response, deps.freshness(), view);
  });

  return router;
}
