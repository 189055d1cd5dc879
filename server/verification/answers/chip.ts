import { z } from "zod";
import { AddressString, BlockNumber, Bytes32Hex, DecimalString, IsoTime } from "./chain-values.js";

/** Chip challenges and proofs as the verifier answers them (built by ../chip.ts). */

export const ChipChallengeView = z.object({
  challengeId: Bytes32Hex,
  tokenId: DecimalString,
  expiresAt: IsoTime,
  scheme: z.literal("eip191-personal-sign"),
  /** The exact text the chip signs (EIP-191: "\x19Ethereum Signed Message:\n" + length + text). */
  message: z.string(),
  /** The chip key the index knows for the certificate. */
  chip: AddressString,
});
export type ChipChallengeView = z.output<typeof ChipChallengeView>;

export const ChipProofResult = z.object({
  tokenId: DecimalString,
  /** The signature comes from the chip bound to the certificate (as the chain says at `block`). */
  authentic: z.boolean(),
  chip: AddressString.nullable(),
  signer: AddressString,
  block: BlockNumber,
});
export type ChipProofResult = z.output<typeof ChipProofResult>;
