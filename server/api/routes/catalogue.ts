import { Router } from "express";
import { z } from "zod";
import { brandView, designView, listBrands, ownerItems } from "../../verification/catalogue.js";
import type { BrandSlugs } from "../../verification/brand-slugs.js";
import {
  Address,
  BrandIdOrSlug,
  DesignId,
  NoQuery,
  OwnerItemsQuery,
  PageQuery,
  parseInput,
} from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/** Brands, garment designs and what an address holds. */
export function catalogueRouter(deps: V1Dependencies, slugs: BrandSlugs): Router {
  const { verifier } = deps;
  const router = Router();

  router.get("/v1/brands", async (request, response) => {
    const query = parseInput(PageQuery, request.query, "query");
    sendJson(response, deps.freshness(), await listBrands(verifier.index, slugs, query));
  });

  router.get("/v1/brands/:brand", async (request, response) => {
    const { brand } = parseInput(z.object({ brand: BrandIdOrSlug }), request.params, "path");
    parseInput(NoQuery, request.query, "query");
    sendJson(response, deps.freshness(), await brandView(verifier.index, slugs, brand));
  });

  router.get("/v1/garments/:designId", async (request, response) => {
    const { designId } = parseInput(z.object({ designId: DesignId }), request.params, "path");
    parseInput(NoQuery, request.query, "query");
    sendJson(response, deps.freshness(), await designView(verifier.index, verifier.documents, designId));
  });

  router.get("/v1/owners/:address/items", async (request, response) => {
    const { address } = parseInput(z.object({ address: Address }), request.params, "path");
    const query = parseInput(OwnerItemsQuery, request.query, "query");
    sendJson(response, deps.freshness(), {
      owner: address,
      ...(await ownerItems(verifier.index, address, query)),
    });
  });

  return router;
}
