import { problem, problems, shapeOf } from "../http/openapi.js";
import type { OpenApiPart } from "../http/openapi.js";
import {
  PasskeyConfig,
  PasskeyProofOptions,
  PreparedOperation,
  RegisteredPasskey,
  RegistrationOptions,
  RelayedOperation,
} from "./passkey-answers.js";
import {
  CredentialParams,
  PasskeyProofOptionsRequest,
  PrepareOperationRequest,
  RegistrationOptionsRequest,
  RegistrationRequest,
  RelayOperationRequest,
} from "./routes/passkey-schemas.js";
import { ChallengeParams } from "./routes/schemas.js";

/** Passkey accounts (#17) in the OpenAPI document: server/api/routes/passkeys.ts; docs/passkeys.md, "API". */
const UNAVAILABLE = problem(
  "passkeys-unavailable: no passkey contracts in this deployment (or, for POST /v1/operations, no relayer key)",
);

export const passkeysOpenApi: OpenApiPart = {
  operations: [
    {
      method: "get",
      path: "/v1/passkeys/config",
      operationId: "getPasskeyConfig",
      tags: ["passkeys"],
      summary:
        "What a page needs for passkeys: the WebAuthn RP id and origin, the chain, the EntryPoint, the account factory, the paymaster and the certificate contract",
      responses: { "200": ["Config", PasskeyConfig], ...problems(400, 429), "422": UNAVAILABLE },
    },
    {
      method: "post",
      path: "/v1/passkeys/registration-options",
      operationId: "createPasskeyRegistrationOptions",
      tags: ["passkeys"],
      summary:
        "Options for navigator.credentials.create(): ES256, a discoverable credential, user verification required, a single-use challenge (5 minutes)",
      body: RegistrationOptionsRequest,
      responses: { "201": ["Options", RegistrationOptions], ...problems(400, 413, 429), "422": UNAVAILABLE },
    },
    {
      method: "post",
      path: "/v1/passkeys/registrations",
      operationId: "registerPasskey",
      tags: ["passkeys"],
      summary:
        "Checks a passkey's registration (origin, RP id, user verification, ES256, the challenge once) and answers its P-256 key and its account's address",
      body: RegistrationRequest,
      responses: {
        "201": ["Registered", RegisteredPasskey],
        ...problems(400, 404, 409, 410, 413, 429, 503),
        "422": problem(
          "passkey-registration-refused: another origin or RP id, no user verification, not ES256",
        ),
      },
    },
    {
      method: "get",
      path: "/v1/passkeys/credentials/{credentialId}",
      operationId: "getPasskeyCredential",
      tags: ["passkeys"],
      summary: "A registered passkey's public key and account, so that a phone finds its account again",
      params: shapeOf(CredentialParams),
      responses: {
        "200": ["Credential", RegisteredPasskey],
        ...problems(400, 404, 429, 503),
        "422": UNAVAILABLE,
      },
    },
    {
      method: "post",
      path: "/v1/operations/prepare",
      operationId: "prepareUserOperation",
      tags: ["passkeys"],
      summary:
        "Builds a sponsored user operation for an action (transfer, reportStolen, addPasskey, removePasskey, setRecovery, cancelRecovery): the calls, the nonce, gas limits from estimates, the paymaster; answers the hash the passkey signs",
      body: PrepareOperationRequest,
      responses: {
        "200": ["Prepared", PreparedOperation],
        ...problems(400, 404, 413, 503),
        "403": problem("not-owner: the account does not hold the piece"),
        "409": problem("The passkey is already the account's"),
        "422": problem(
          "operation-refused (a stolen or revoked piece, the last passkey, no recovery pending, a short delay), operation-not-sponsored (above the paymaster's cost cap at today's gas price), passkeys-unavailable",
        ),
        "429": problem(
          "Rate limited, or the paymaster's daily limit of the account or the brand is reached (Retry-After)",
        ),
      },
    },
    {
      method: "post",
      path: "/v1/operations",
      operationId: "relayUserOperation",
      tags: ["passkeys"],
      summary:
        "Relays a prepared operation with the passkey's assertion: checks origin, RP id, UV and challenge, builds the account signature, simulates, sends handleOps and waits for the receipt",
      body: RelayOperationRequest,
      responses: {
        "200": ["Relayed and mined", RelayedOperation],
        "202": ["Sent, not mined within the relay's wait (blockNumber and success null)", RelayedOperation],
        ...problems(400, 413, 503),
        "403": problem("not-owner: the account does not hold the piece"),
        "404": problem("No passkey registered with this credential id"),
        "409": problem(
          "The same operation sent again: being relayed, or relayed already (its nonce is used)",
        ),
        "422": problem(
          "passkey-assertion-refused (another origin or RP id, UV unset, another challenge, a bad signature, not the account's passkey), operation-not-sponsored (a call outside Hallmark's contracts, another paymaster or factory), operation-refused, passkeys-unavailable",
        ),
        "429": problem(
          "Rate limited, or the paymaster's daily limit of the account or the brand is reached (Retry-After)",
        ),
      },
    },
    {
      method: "post",
      path: "/v1/ownership/challenges/{challengeId}/passkey",
      operationId: "createPasskeyProofOptions",
      tags: ["proofs", "passkeys"],
      summary:
        "For a seller proving with a passkey: the ERC-7739 hash of OwnershipProof(tokenId, account, challenge) as WebAuthn request options; answer with POST /v1/ownership/proofs { challengeId, passkey }",
      params: shapeOf(ChallengeParams),
      body: PasskeyProofOptionsRequest,
      responses: {
        "200": ["Options", PasskeyProofOptions],
        ...problems(400, 404, 409, 410, 413, 429, 503),
        "422": UNAVAILABLE,
      },
    },
  ],
  schemas: {
    PasskeyConfig,
    PasskeyRegistrationOptions: RegistrationOptions,
    RegisteredPasskey,
    PreparedUserOperation: PreparedOperation,
    RelayedUserOperation: RelayedOperation,
    PasskeyProofOptions,
  },
};
