import { z } from "zod";
import { AddressString, BlockNumber, Bytes32Hex, DecimalString, IsoTime } from "./chain-values.js";

/** Ownership challenges and proofs as the verifier answers them (built by ../ownership.ts). */

const TypedDataField = z.object({ name: z.string(), type: z.string() });

export const OwnershipChallengeView = z.object({
  challengeId: Bytes32Hex,
  tokenId: DecimalString,
  expiresAt: IsoTime,
  /** Ready for eth_signTypedData_v4 (ethers' signTypedData takes `types` without EIP712Domain). */
  typedData: z
    .object({
      types: z.object({
        EIP712Domain: z.array(TypedDataField).readonly(),
        OwnershipProof: z.array(TypedDataField).readonly(),
      }),
      primaryType: z.literal("OwnershipProof"),
      domain: z.object({
        name: z.string(),
        version: z.string(),
        chainId: z.int().positive(),
        verifyingContract: AddressString,
      }),
      /** `owner` is the owner the index knows; the signer puts its own address (the proof is checked against the owner at the head). */
      message: z.object({ tokenId: DecimalString, owner: AddressString, challenge: Bytes32Hex }),
    })
    .describe(
      "EIP-712 typed data for eth_signTypedData_v4: OwnershipProof(uint256 tokenId,address owner,bytes32 challenge), domain Hallmark Certificate / 1",
    ),
});
export type OwnershipChallengeView = z.output<typeof OwnershipChallengeView>;

export const OwnershipProofResult = z.object({
  tokenId: DecimalString,
  /** Whether the signature is the current owner's, at `block`. */
  owner: z.boolean(),
  /** The owner at the head (null when the certificate no longer exists there). */
  address: AddressString.nullable(),
  block: BlockNumber,
});
export type OwnershipProofResult = z.output<typeof OwnershipProofResult>;

const ChallengeBase = z.object({ challengeId: Bytes32Hex, tokenId: DecimalString, expiresAt: IsoTime });

/** A challenge as a second device sees it: see ../ownership.ts for what each state reveals. */
export const OwnershipChallengeState = z
  .discriminatedUnion("state", [
    ChallengeBase.extend({ state: z.literal("pending"), typedData: OwnershipChallengeView.shape.typedData }),
    ChallengeBase.extend({ state: z.literal("proven"), ...OwnershipProofResult.shape }),
    ChallengeBase.extend({ state: z.enum(["failed", "expired"]) }),
  ])
  .describe(
    "pending: not proven yet (typedData to sign, as POST /v1/ownership/challenges gave it); proven: what POST /v1/ownership/proofs answered (owner, address = the owner at block, the signer when owner is true); failed: a proof was submitted but could not be decided; expired: past expiresAt. Knowing the 32-byte random id is the capability to read it",
  );
export type OwnershipChallengeState = z.output<typeof OwnershipChallengeState>;
