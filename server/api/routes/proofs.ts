import { Router } from "express";
import { clientKeyOf } from "../../http/client-key.js";
import { createChipChallenge, verifyChipProof } from "../../verification/chip.js";
import {
  createOwnershipChallenge,
  ownershipChallengeState,
  verifyOwnershipProof,
} from "../../verification/ownership.js";
import type { Response } from "express";
import { chargeRateLimit } from "../../http/rate-limit.js";
import { PasskeysUnavailableError } from "../../passkeys/errors.js";
import { passkeyProofSignature } from "../../passkeys/ownership-proof.js";
import { requireChain } from "../../passkeys/services.js";
import type { z } from "zod";
import type { PasskeyProofRequest } from "./passkey-schemas.js";
import { OwnershipProofRequest } from "./passkey-schemas.js";
import { RATE_COST } from "./passkeys.js";
import { ChallengeParams, ChallengeRequest, NoQuery, parseInput, ProofRequest } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * Challenge-response proofs. Ownership: EIP-712 OwnershipProof checked by the certificate
 * contract's verifyOwnership at the head (EOA and EIP-1271). Chip: EIP-191 personal message
 * checked against the chip bound at mint (chipOf at the head). Challenges are single-use:
 * replay → 409, expired → 410, unknown → 404, issued for another token → 422; chain down → 503.
 * Each client (IP, or IPv6 /64) holds a bounded share of the open challenges.
 *
 * An ownership challenge's state (pending / proven / failed / expired) can be read by whoever
 * holds its id, the buyer's phone while the seller signs on theirs: see ownershipChallengeState
 * for what it reveals. Reading consumes nothing.
 */
export function proofsRouter(deps: V1Dependencies): Router {
  const { verifier } = deps;
  const router = Router();

  router.post("/v1/ownership/challenges", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const { tokenId } = parseInput(ChallengeRequest, request.body, "body");
    const view = await createOwnershipChallenge(
      verifier.index,
      verifier.identity,
      deps.ownershipChallenges,
      tokenId,
      clientKeyOf(request.ip),
    );
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), view, 201);
  });

  router.get("/v1/ownership/challenges/:challengeId", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const { challengeId } = parseInput(ChallengeParams, request.params, "path");
    const state = await ownershipChallengeState(
      verifier.index,
      verifier.identity,
      deps.ownershipChallenges,
      challengeId,
    );
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), state);
  });

  router.post("/v1/ownership/proofs", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const proof = parseInput(OwnershipProofRequest, request.body, "body");
    // A passkey's answer (#17): the verifier builds the account's signature (ERC-1271, or ERC-6492 for an
    // account not deployed yet) after the WebAuthn checks; the contract decides as for any wallet.
    const signature = "passkey" in proof ? await passkeySignature(deps, proof, response) : proof.signature;
    const result = await verifyOwnershipProof(verifier.chain, deps.ownershipChallenges, {
      challengeId: proof.challengeId,
      signature,
      tokenId: proof.tokenId,
    });
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), result);
  });

  router.post("/v1/chip/challenges", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const { tokenId } = parseInput(ChallengeRequest, request.body, "body");
    const view = await createChipChallenge(
      verifier.index,
      verifier.identity,
      deps.chipChallenges,
      tokenId,
      clientKeyOf(request.ip),
    );
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), view, 201);
  });

  router.post("/v1/chip/proofs", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const proof = parseInput(ProofRequest, request.body, "body");
    const result = await verifyChipProof(verifier.chain, deps.chipChallenges, proof);
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), result);
  });

  return router;
}

async function passkeySignature(
  deps: V1Dependencies,
  proof: z.output<typeof PasskeyProofRequest>,
  response: Response,
): Promise<string> {
  chargeRateLimit(response, RATE_COST.proofOptions - 1);
  if (deps.passkeys === undefined)
    throw new PasskeysUnavailableError("This verifier does not serve passkey accounts");
  return passkeyProofSignature(
    {
      chain: requireChain(deps.passkeys),
      party: deps.passkeys.party,
      credentials: deps.passkeys.credentials,
      challenges: deps.ownershipChallenges,
    },
    { challengeId: proof.challengeId, passkey: proof.passkey, account: proof.account },
  );
}
