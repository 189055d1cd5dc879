import { Router } from "express";
import { NotFoundError } from "../../errors.js";
import { NoQuery, parseInput } from "../../http/input.js";
import { TagClaimRequest } from "../../verification/answers/tag-claim.js";
import { claimWithTap, TagClaimUnavailableError } from "../../verification/tag-claim.js";
import type { TagClaimRelay } from "../../verification/tag-claim.js";
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
 *
 * POST /v1/taps/:tokenId/claims {ticket, recipient}: the claim a fresh tap offered (its `claim`),
 * attested by the brand's tag oracle and relayed (claimWithTag): 202 as POST /v1/claims answers.
 * A lapsed ticket is 410; an altered one, a used counter (the contract's error named) or a brand
 * this verifier holds no oracle key for is 422; a claim in flight for the token 409.
 */
export function tapsRouter(deps: V1Dependencies, relay?: TagClaimRelay): Router {
  const router = Router();
  router.post("/v1/taps/:tokenId/claims", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const tokenId = parseInput(TokenId, request.params.tokenId, "path");
    const body = parseInput(TagClaimRequest, request.body, "body");
    if (deps.tags === undefined) throw new TagClaimUnavailableError("This verifier verifies no NFC tags");
    const claimed = await claimWithTap(
      { keyring: deps.tags.keyring, identity: deps.verifier.identity, relay },
      { tokenId, ...body },
    );
    response.setHeader("Cache-Control", "no-store");
    response.status(202).json({ ...claimed, index: deps.freshness() });
  });
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
