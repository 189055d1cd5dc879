import { Router } from "express";
import { NotFoundError } from "../../errors.js";
import { parseInput } from "../../http/input.js";
import { withTapQueryKeptOutOfLogs } from "../../tags/redact-url.js";
import { SunQuery, sunMessageOf } from "../../tags/sun-params.js";
import { TokenId } from "../../verification/id-schemas.js";
import { verifyTagTap } from "../../verification/tag-tap.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * GET /v1/taps/:tokenId?picc_data=…&cmac=…: an NTAG 424 DNA tap, as JSON. Not idempotent by
 * design: the first reading of a tap records its counter, a second one is flagged `copied`.
 * Malformed parameters are a 400 problem naming each one.
 */
export function tapsRouter(deps: V1Dependencies): Router {
  const router = Router();
  router.get("/v1/taps/:tokenId", (request, response) =>
    withTapQueryKeptOutOfLogs(request, async () => {
      const tokenId = parseInput(TokenId, request.params.tokenId, "path");
      const query = parseInput(SunQuery, request.query, "query");
      if (deps.tags === undefined) throw new NotFoundError("This verifier verifies no NFC tags");
      const view = await verifyTagTap(deps.verifier, deps.tags, { tokenId, message: sunMessageOf(query) });
      response.setHeader("Cache-Control", "no-store");
      sendJson(response, deps.freshness(), view);
    }),
  );
  return router;
}
