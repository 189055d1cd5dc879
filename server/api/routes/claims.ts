import { Router } from "express";
import type { ClaimRelay } from "../../issuer/claim-relay.js";
import { ClaimRelayUnavailableError } from "../../issuer/claim-relay.js";
import { ClaimRelayRequest, parseInput } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * The claim relay (server/issuer/claim-relay.ts) over HTTP: public, rate-limited by the app's
 * global limiter. 202 once broadcast; the indexer shows the new owner when it is mined.
 * Malformed → 400, unknown token → 404, a claim already in flight → 409, a claim the contract
 * refuses (used, expired, wrong recipient or code; its custom error named) → 422
 * transaction-refused, a brand this server does not relay for → 422 claim-relay-unavailable.
 * Request bodies are never logged: the signature is the claim.
 */
export function claimsRouter(deps: V1Dependencies, relay: ClaimRelay | undefined): Router {
  const router = Router();

  router.post("/v1/claims", async (request, response) => {
    const claim = parseInput(ClaimRelayRequest, request.body, "body");
    if (relay === undefined) throw new ClaimRelayUnavailableError("This verifier relays no claims: hand the signed claim to another relayer");
    const relayed = await relay.relay(claim);
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), relayed, 202);
  });

  return router;
}
