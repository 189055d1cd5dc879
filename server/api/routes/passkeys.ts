import { Router } from "express";
import type { Response } from "express";
import { clientKeyOf } from "../../http/client-key.js";
import { chargeRateLimit } from "../../http/rate-limit.js";
import type { PackedUserOperation } from "../../chain/passkey/user-operation.js";
import { NotFoundError } from "../../errors.js";
import { PasskeysUnavailableError } from "../../passkeys/errors.js";
import { passkeyProofOptions } from "../../passkeys/ownership-proof.js";
import { prepareOperation } from "../../passkeys/prepare-operation.js";
import { registerPasskey, registrationOptions } from "../../passkeys/registration.js";
import { relayOperation } from "../../passkeys/relay-operation.js";
import { requireChain } from "../../passkeys/services.js";
import type { PasskeyServices } from "../../passkeys/services.js";
import {
  CredentialParams,
  PasskeyProofOptionsRequest,
  PrepareOperationRequest,
  RegistrationOptionsRequest,
  RegistrationRequest,
  RelayOperationRequest,
} from "./passkey-schemas.js";
import { ChallengeParams, NoQuery, parseInput } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * Passkey accounts (issue #17, docs/passkeys.md): registering a passkey, finding its account again,
 * preparing and relaying sponsored user operations, and the options of an ownership proof with a passkey
 * (the proof itself is answered by POST /v1/ownership/proofs). Public routes, for a customer's phone: each
 * costs more of the caller's rate budget than a read (RATE_COST), and what they can make the brand pay is
 * bounded by the paymaster's limits (docs/passkeys.md, "What a spammer can make the brand pay").
 */

/** Requests of the client's rate budget each call takes (the request itself already took one). */
export const RATE_COST = {
  registrationOptions: 5,
  registration: 10,
  prepare: 10,
  relay: 30,
  proofOptions: 5,
} as const;

export function passkeysRouter(deps: V1Dependencies): Router {
  const router = Router();
  const services = (): PasskeyServices => {
    if (deps.passkeys === undefined)
      throw new PasskeysUnavailableError("This verifier does not serve passkey accounts");
    return deps.passkeys;
  };
  const charge = (response: Response, cost: number) => chargeRateLimit(response, cost - 1);

  router.get("/v1/passkeys/config", (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const passkeys = services();
    const addresses = passkeys.chain?.addresses;
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), {
      rpId: passkeys.party.rpId,
      origin: passkeys.party.origin,
      chainId: deps.verifier.identity.chainId,
      entryPoint: addresses?.entryPoint ?? null,
      factory: addresses?.factory ?? null,
      paymaster: addresses?.paymaster ?? null,
      certificate: deps.verifier.identity.certificateAddress,
      relaying: passkeys.relayer !== null && passkeys.chain !== null,
    });
  });

  router.post("/v1/passkeys/registration-options", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const body = parseInput(RegistrationOptionsRequest, request.body, "body");
    charge(response, RATE_COST.registrationOptions);
    const passkeys = services();
    requireChain(passkeys);
    const options = await registrationOptions(passkeys.party, passkeys.registrationChallenges, {
      label: body?.label,
      client: clientKeyOf(request.ip),
    });
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), options, 201);
  });

  router.post("/v1/passkeys/registrations", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const body = parseInput(RegistrationRequest, request.body, "body");
    charge(response, RATE_COST.registration);
    const passkeys = services();
    const registered = await registerPasskey(
      passkeys.party,
      passkeys.registrationChallenges,
      passkeys.credentials,
      requireChain(passkeys),
      body.response,
    );
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), registered, 201);
  });

  router.get("/v1/passkeys/credentials/:credentialId", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const { credentialId } = parseInput(CredentialParams, request.params, "path");
    const passkeys = services();
    const chain = requireChain(passkeys);
    const credential = await passkeys.credentials.find(credentialId);
    if (credential === null) throw new NotFoundError("No passkey is registered here with this credential id");
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), {
      credentialId: credential.credentialId,
      publicKey: { x: credential.qx, y: credential.qy },
      account: credential.account,
      deployed: await chain.isDeployed(credential.account),
    });
  });

  router.post("/v1/operations/prepare", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const body = parseInput(PrepareOperationRequest, request.body, "body");
    charge(response, RATE_COST.prepare);
    const prepared = await prepareOperation(requireChain(services()), body);
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), { ...prepared, operation: operationJson(prepared.operation) });
  });

  router.post("/v1/operations", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const body = parseInput(RelayOperationRequest, request.body, "body");
    charge(response, RATE_COST.relay);
    const passkeys = services();
    const relayed = await relayOperation(
      {
        chain: requireChain(passkeys),
        party: passkeys.party,
        credentials: passkeys.credentials,
        locks: passkeys.locks,
        relayer: passkeys.relayer,
        logger: passkeys.logger,
      },
      { operation: { ...body.operation, signature: "0x" }, assertion: body.assertion },
    );
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), relayed, relayed.blockNumber === null ? 202 : 200);
  });

  router.post("/v1/ownership/challenges/:challengeId/passkey", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const { challengeId } = parseInput(ChallengeParams, request.params, "path");
    const body = parseInput(PasskeyProofOptionsRequest, request.body, "body");
    charge(response, RATE_COST.proofOptions);
    const passkeys = services();
    const options = await passkeyProofOptions(
      {
        chain: requireChain(passkeys),
        party: passkeys.party,
        credentials: passkeys.credentials,
        challenges: deps.ownershipChallenges,
      },
      { challengeId, credentialId: body.credentialId, account: body.account },
    );
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, deps.freshness(), options);
  });

  return router;
}

/** A user operation as JSON: numbers as 0x-hex quantities. */
export function operationJson(op: PackedUserOperation): Record<string, string> {
  return {
    sender: op.sender,
    nonce: `0x${op.nonce.toString(16)}`,
    initCode: op.initCode,
    callData: op.callData,
    accountGasLimits: op.accountGasLimits,
    preVerificationGas: `0x${op.preVerificationGas.toString(16)}`,
    gasFees: op.gasFees,
    paymasterAndData: op.paymasterAndData,
    signature: op.signature,
  };
}
