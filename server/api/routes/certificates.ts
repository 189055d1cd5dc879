import { Router } from "express";
import { metadataRef, resolveCertificate, summarise } from "../../verification/certificate.js";
import { provenanceOf } from "../../verification/provenance.js";
import { tokenIdOfSerial } from "../../verification/serial.js";
import { BrandId, CertificateListQuery, PageQuery, parseInput, Serial, TokenId } from "./schemas.js";
import { z } from "zod";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

// Built once: zod compiles a schema on its first parse, which costs ~30 µs a request if built per request.
const TokenIdParams = z.object({ tokenId: TokenId });
const SerialParams = z.object({ brand: BrandId, serial: Serial });

export function certificatesRouter(deps: V1Dependencies): Router {
  const { verifier } = deps;
  const router = Router();

  router.get("/v1/certificates", (request, response) => {
    const query = parseInput(CertificateListQuery, request.query, "query");
    const page = verifier.index.listCertificates({ brandId: query.brand, owner: query.owner, status: query.status, cursor: query.cursor, limit: query.limit });
    const items = page.items.map((record) => ({ ...summarise(verifier.index, record), metadata: metadataRef(record.metadataDigest) }));
    sendJson(response, deps.freshness(), { items, nextCursor: page.nextCursor });
  });

  router.get("/v1/certificates/:tokenId", async (request, response) => {
    const { tokenId } = parseInput(TokenIdParams, request.params, "path");
    const view = await resolveCertificate(verifier.index, verifier.documents, tokenId);
    sendJson(response, deps.freshness(), view);
  });

  router.get("/v1/certificates/:tokenId/provenance", (request, response) => {
    const { tokenId } = parseInput(TokenIdParams, request.params, "path");
    const query = parseInput(PageQuery, request.query, "query");
    const page = provenanceOf(verifier.index, tokenId, query);
    sendJson(response, deps.freshness(), { tokenId: tokenId.toString(), items: page.items, nextCursor: page.nextCursor });
  });

  router.get("/v1/brands/:brand/items/:serial", async (request, response) => {
    const { brand, serial } = parseInput(SerialParams, request.params, "path");
    const tokenId = tokenIdOfSerial(verifier.index, deps.brandSalts, brand, serial);
    const view = await resolveCertificate(verifier.index, verifier.documents, tokenId);
    sendJson(response, deps.freshness(), view);
  });

  return router;
}
