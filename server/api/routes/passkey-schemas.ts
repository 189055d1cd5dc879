import { getAddress, isHexString } from "ethers";
import { z } from "zod";
import { Bytes32 } from "../../http/schemas.js";
import { Address, TokenId } from "../../verification/id-schemas.js";
import { ProofRequest } from "./schemas.js";

/**
 * The passkey routes' input (issue #17): registration, the sponsored user operations and the ownership
 * proof with a passkey. WebAuthn values are base64url as @simplewebauthn/browser returns them; chain
 * values 0x-hex. Bounds are tight: every field has the size a phone sends, no more.
 */

const Base64Url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "expected base64url (no padding)");

export const CredentialId = Base64Url(1024).describe("the passkey's credential id, base64url");

/** A P-256 public key, as the registration answer gives it. */
export const PasskeyPublicKeyInput = z
  .strictObject({ x: Bytes32, y: Bytes32 })
  .transform(({ x, y }) => ({ qx: x, qy: y }))
  .describe(
    "the passkey's P-256 public key (x, y), 32 bytes each, as POST /v1/passkeys/registrations answered",
  );

export const RegistrationOptionsRequest = z
  .strictObject({
    label: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("what the phone lists the passkey as (default: Hallmark owner); not stored"),
  })
  .optional();

/** RegistrationResponseJSON from @simplewebauthn/browser startRegistration. */
export const RegistrationRequest = z.strictObject({
  response: z.object({
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal("public-key"),
    response: z.object({
      clientDataJSON: Base64Url(2048),
      attestationObject: Base64Url(8192),
      authenticatorData: Base64Url(4096).optional(),
      transports: z.array(z.string().max(32)).max(8).optional(),
      publicKeyAlgorithm: z.int().optional(),
      publicKey: Base64Url(1024).optional(),
    }),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  }),
});

export const CredentialParams = z.object({ credentialId: CredentialId });

const Uint48 = z
  .int()
  .min(0)
  .max(2 ** 48 - 1);

export const SponsoredActionInput = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("transfer"), certificateId: TokenId, to: Address }),
  z.strictObject({
    type: z.literal("reportStolen"),
    certificateId: TokenId,
    reason: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("written on-chain in the event; default a short one"),
  }),
  z.strictObject({ type: z.literal("addPasskey"), publicKey: PasskeyPublicKeyInput }),
  z.strictObject({ type: z.literal("removePasskey"), publicKey: PasskeyPublicKeyInput }),
  z.strictObject({
    type: z.literal("setRecovery"),
    recoverer: Address,
    delay: Uint48.describe("seconds, at least 172800 (2 days); recoverer 0x0 and delay 0 disable recovery"),
  }),
  z.strictObject({ type: z.literal("cancelRecovery") }),
]);

export const PrepareOperationRequest = z.strictObject({
  account: Address,
  publicKey: PasskeyPublicKeyInput.optional().describe(
    "the account's first passkey; required when the account is not deployed (the operation deploys it)",
  ),
  action: SponsoredActionInput,
});

const Hex = (maxBytes: number) =>
  z
    .string()
    .max(2 + 2 * maxBytes)
    .regex(/^0x(?:[0-9a-fA-F]{2})*$/, "expected 0x-hex bytes");

const Quantity = z
  .string()
  .regex(/^0x[0-9a-fA-F]{1,64}$/, "expected a 0x-hex quantity")
  .transform((text) => BigInt(text));

/** PackedUserOperation (EntryPoint v0.8) as POST /v1/operations/prepare answered it, hex strings. */
export const PackedUserOperationInput = z.strictObject({
  sender: z
    .string()
    .refine((text) => isHexString(text, 20), "expected an address")
    .transform((text) => getAddress(text.toLowerCase())),
  nonce: Quantity,
  initCode: Hex(1024),
  callData: Hex(8192),
  accountGasLimits: Hex(32).refine((text) => text.length === 66, "expected 32 bytes"),
  preVerificationGas: Quantity,
  gasFees: Hex(32).refine((text) => text.length === 66, "expected 32 bytes"),
  paymasterAndData: Hex(1024),
  signature: Hex(4096).optional().describe("ignored: the verifier writes the signature from the assertion"),
});

/** An assertion from @simplewebauthn/browser startAuthentication: `id` and `response`'s three fields. */
export const AssertionInput = z.strictObject({
  credentialId: CredentialId,
  authenticatorData: Base64Url(1024),
  clientDataJSON: Base64Url(2048),
  signature: Base64Url(256).describe("DER ECDSA signature, base64url"),
});

export const RelayOperationRequest = z.strictObject({
  operation: PackedUserOperationInput,
  assertion: AssertionInput,
});

export const PasskeyProofOptionsRequest = z.strictObject({
  credentialId: CredentialId,
  account: Address.optional().describe(
    "the account proving (default: the one the passkey made; a second device's passkey names its account)",
  ),
});

export const PasskeyProofRequest = z.strictObject({
  challengeId: Bytes32,
  passkey: AssertionInput,
  account: Address.optional(),
  tokenId: TokenId.optional(),
});

/** POST /v1/ownership/proofs: a wallet's signature, or a passkey's answer the verifier turns into one. */
export const OwnershipProofRequest = z.union([ProofRequest, PasskeyProofRequest]);
