import { z } from "zod";
import { CertificateMetadata } from "../../metadata/certificate-metadata.js";
import { ProvenanceDetails } from "../../metadata/provenance-details.js";
import { AddressString, BlockNumber, Bytes32Hex, DecimalString, IsoTime } from "./chain-values.js";
import { UnverifiedReason } from "./verified-metadata.js";

/** One event of a certificate's life as the verifier answers it (built by ../provenance.ts). */

export const ProvenanceKind = z.enum([
  "issued",
  "transfer",
  "claimed_with_code",
  "claimed_with_chip",
  "claimed_with_tag",
  "sale",
  "authenticated_resale",
  "repair",
  "inspection",
  "stolen",
  "revoked",
  "restored",
  "metadata_updated",
  "succeeded",
]);

/** A per-brand role by name, or the raw bytes32 of a role this version does not know. */
export const RoleName = z.union([
  z.enum(["BRAND_ADMIN", "ISSUER", "RESALE_PARTNER", "REPAIRER", "TAG_ORACLE"]),
  z.templateLiteral(["0x", z.string()]),
]);

export const ProvenanceDetailsRef = z.object({
  digest: Bytes32Hex,
  cid: z.string(),
  verified: z
    .boolean()
    .optional()
    .describe("with ?include=details: true only when the IPFS bytes hash to the digest and pass the schema"),
  reason: UnverifiedReason.optional(),
  actualDigest: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional()
    .describe("With reason digest_mismatch: the sha2-256 of the bytes IPFS returned"),
  document: z
    .union([ProvenanceDetails, CertificateMetadata])
    .nullable()
    .optional()
    .describe(
      "with ?include=details: the document (an event's report, or the certificate metadata an issuance or update committed), only when verified",
    ),
});

export const ProvenanceEventView = z.object({
  kind: ProvenanceKind,
  actor: AddressString.nullable(),
  /** Roles the actor held for the brand at that block; empty for an owner acting as such. */
  actorRoles: z.array(RoleName),
  from: AddressString.nullable(),
  to: AddressString.nullable(),
  /**
   * The details document (a report, a repair note) or the metadata committed, by digest and CID; with
   * `?include=details`, read from IPFS and checked against the digest (`verified`, and `document`
   * only when verified: a detail that fails its check is never shown).
   */
  details: ProvenanceDetailsRef.nullable(),
  conditionGrade: z.int().nullable(),
  reason: z.string().nullable(),
  relatedTokenId: DecimalString.nullable(),
  /** Recorded by a key declared compromised at that block. */
  suspect: z.boolean(),
  block: BlockNumber,
  logIndex: z.int().nonnegative(),
  /** ISO 8601 block time. */
  time: IsoTime,
  txHash: Bytes32Hex,
});
export type ProvenanceEventView = z.output<typeof ProvenanceEventView>;
