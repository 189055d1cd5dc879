import { z } from "zod";
import { Bytes32Hex } from "./chain-values.js";

/** Why a committed document could not be shown as verified. */
export const UnverifiedReason = z
  .enum(["digest_mismatch", "not_found", "ipfs_unavailable", "schema_invalid", "too_large", "unreadable"])
  .describe(
    "Why verified is false. digest_mismatch and schema_invalid are failed checks (flag metadata_mismatch); the others are checks that could not complete (flag metadata_unverified)",
  );
export type UnverifiedReason = z.output<typeof UnverifiedReason>;

/** A document committed on-chain by its digest, as read from IPFS and checked (../committed-document.ts). */
export function verifiedMetadataOf<D extends z.ZodType>(document: D) {
  return z.object({
    cid: z.string(),
    digest: Bytes32Hex,
    verified: z
      .boolean()
      .describe("true only when the IPFS bytes hash to the on-chain digest and pass the schema"),
    reason: UnverifiedReason.optional(),
    actualDigest: z
      .string()
      .regex(/^0x[0-9a-f]{64}$/)
      .optional()
      .describe(
        "With reason digest_mismatch: the sha2-256 of the bytes IPFS returned, to compare with digest",
      ),
    document: document
      .nullable()
      .describe("The document, only when verified: unverified bytes are never shown"),
  });
}
