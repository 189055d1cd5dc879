import { z } from "zod";
import {
  AddressString,
  BlockNumber,
  Bytes32Hex,
  DecimalString,
} from "../verification/answers/chain-values.js";
import { IndexFreshness } from "../verification/answers/freshness.js";

/** What the passkey routes send (issue #17), each with the index's freshness every answer carries. */

const Hex = z.string().regex(/^0x(?:[0-9a-fA-F]{2})*$/);
const Quantity = z.string().regex(/^0x[0-9a-f]+$/);
const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/);

export const PasskeyConfig = z.object({
  rpId: z.string().describe("WebAuthn RP id: the host of HALLMARK_PUBLIC_URL"),
  origin: z.string().describe("the origin every passkey answer must come from"),
  chainId: z.int().positive(),
  entryPoint: AddressString.nullable(),
  factory: AddressString.nullable(),
  paymaster: AddressString.nullable(),
  certificate: AddressString,
  /** Whether this verifier relays operations (it has a relayer key). */
  relaying: z.boolean(),
  index: IndexFreshness,
});

export const RegistrationOptions = z
  .looseObject({
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: Base64Url, name: z.string(), displayName: z.string() }),
    challenge: Base64Url,
    pubKeyCredParams: z.array(z.object({ alg: z.int(), type: z.literal("public-key") })),
    timeout: z.int().optional(),
    attestation: z.string().optional(),
    index: IndexFreshness,
  })
  .describe(
    "PublicKeyCredentialCreationOptionsJSON for @simplewebauthn/browser startRegistration({ optionsJSON }): ES256, resident key and user verification required, a single-use challenge",
  );

const PublicKeyXY = z.object({ x: Bytes32Hex, y: Bytes32Hex });

export const RegisteredPasskey = z.object({
  credentialId: Base64Url,
  publicKey: PublicKeyXY,
  account: AddressString.describe(
    "factory.accountAddress(x, y): where this passkey's account is, deployed or not",
  ),
  deployed: z.boolean(),
  index: IndexFreshness,
});

export const UserOperationJson = z
  .object({
    sender: AddressString,
    nonce: Quantity,
    initCode: Hex,
    callData: Hex,
    accountGasLimits: Bytes32Hex,
    preVerificationGas: Quantity,
    gasFees: Bytes32Hex,
    paymasterAndData: Hex,
    signature: Hex,
  })
  .describe("PackedUserOperation (ERC-4337, EntryPoint v0.8), numbers as 0x-hex quantities");

export const PreparedOperation = z.object({
  operation: UserOperationJson,
  hash: Bytes32Hex.describe("EntryPoint.getUserOpHash(operation): what the passkey signs"),
  challenge: Base64Url.describe("the hash in base64url: the WebAuthn challenge for startAuthentication"),
  deployed: z.boolean().describe("false: this operation deploys the account first"),
  index: IndexFreshness,
});

export const RelayedOperation = z.object({
  userOpHash: Bytes32Hex,
  transactionHash: Bytes32Hex,
  blockNumber: BlockNumber.nullable().describe("null when not mined within the relay's wait"),
  success: z.boolean().nullable().describe("whether the account's calls succeeded (UserOperationEvent)"),
  index: IndexFreshness,
});

export const PasskeyProofOptions = z.object({
  challengeId: Bytes32Hex,
  tokenId: DecimalString,
  account: AddressString,
  deployed: z.boolean(),
  hash: Bytes32Hex.describe("the ERC-7739 TypedDataSign hash of OwnershipProof(tokenId, account, challenge)"),
  options: z
    .object({
      challenge: Base64Url,
      rpId: z.string(),
      allowCredentials: z.array(z.object({ id: Base64Url, type: z.literal("public-key") })),
      userVerification: z.literal("required"),
      timeout: z.int().positive(),
    })
    .describe("PublicKeyCredentialRequestOptionsJSON for @simplewebauthn/browser startAuthentication"),
  index: IndexFreshness,
});
