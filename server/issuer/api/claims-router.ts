import { Router } from "express";
import { NoQuery, parseInput } from "../../http/input.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { ClaimRelay } from "../claim-relay.js";
import { ClaimRelayUnavailableError } from "../claim-relay.js";
import { BrandParams, ClaimRelayRequest } from "./schemas.js";

/**
 * The claim relay (server/issuer/claim-relay.ts) over HTTP: public, rate-limited by the app's
 * global limiter. 202 once mined, naming the block: a read with ?minBlock=<block> on any instance
 * shows the new owner (or, after 10 s unmined, once broadcast with block null).
 * Malformed → 400, unknown token → 404, a claim already in flight → 409, a claim the contract
 * refuses (used, expired, wrong recipient or code; its custom error named) → 422
 * transaction-refused, a brand this server does not relay for → 422 claim-relay-unavailable.
 * Request bodies are never logged: the signature is the claim. The body is parsed by the app's
 * JSON parser (server/app.ts mounts this router after it).
 */
export function claimsRouter(relay: ClaimRelay | undefined, freshness: () => IndexFreshness): Router {
  const router = Router();

  router.get("/v1/claims/relays/:brand", async (request, response) => {
    const { brand } = parseInput(BrandParams, request.params, "path");
    const relayer = relay === undefined ? null : await relay.relayerOf(brand);
    response.setHeader("Cache-Control", "no-cache");
    response.json({ brand, relays: relayer !== null, relayer });
  });

  router.post("/v1/claims", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const claim = parseInput(ClaimRelayRequest, request.body, "body");
    if (relay === undefined)
      throw new ClaimRelayUnavailableError(
        "This verifier relays no claims: hand the signed claim to another relayer",
      );
    const relayed = await relay.relay(claim);
    response.setHeader("Cache-Control", "no-store");
    response.status(202).json({ ...relayed, index: freshness() });
  });

  return router;
}
