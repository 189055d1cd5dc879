import { z } from "zod";
import { CertificateMetadata } from "../../metadata/certificate-metadata.js";
import { AddressString, BrandRef, Bytes32Hex, ChainEventRef, DecimalString } from "./chain-values.js";
import { CertificateFlags, Verdict } from "./flags.js";
import { UnverifiedReason, verifiedMetadataOf } from "./verified-metadata.js";

/** A certificate as the verifier answers it (built by ../certificate.ts): a list row, and the full view. */

export const CertificateStatus = z.enum(["active", "stolen", "revoked"]);
export const Custody = z.enum(["owner", "brand_vault_unclaimed"]);
export type Custody = z.output<typeof Custody>;

export const CertificateSummary = z.object({
  tokenId: DecimalString,
  brand: BrandRef,
  status: CertificateStatus,
  statusReason: z.string().nullable(),
  /** Current owner; when it is the brand's vault the piece is in brand custody, unclaimed. */
  owner: AddressString,
  custody: Custody,
  chip: z.object({ bound: z.boolean(), address: AddressString.nullable() }),
  successor: DecimalString.nullable(),
  predecessor: DecimalString.nullable(),
  issuer: AddressString,
  issued: ChainEventRef,
  /** Flags from indexed facts; lists do not read IPFS, so they never carry metadata_mismatch or metadata_unverified. */
  flags: CertificateFlags,
});
export type CertificateSummary = z.output<typeof CertificateSummary>;

/** A digital twin (garment edition) claimed with this certificate: the link seen from the physical side. */
export const TwinView = z.object({
  designId: DecimalString,
  /** Who claimed it (the certificate's owner then). */
  claimant: AddressString,
  claimed: ChainEventRef,
});
export type TwinView = z.output<typeof TwinView>;

export const CertificateView = CertificateSummary.extend({
  metadata: verifiedMetadataOf(CertificateMetadata),
  twins: z.array(TwinView).describe("Digital twins (garment editions) claimed with this certificate"),
  verdict: Verdict,
});
export type CertificateView = z.output<typeof CertificateView>;

/**
 * A row of a certificate list: the summary with the verdict a buyer would see, its metadata checked
 * against the on-chain digest (by digest and CID; the document itself is on the certificate's answer).
 */
export const CertificateListView = CertificateSummary.extend({
  verdict: Verdict,
  metadata: z.object({
    cid: z.string(),
    digest: Bytes32Hex,
    verified: z
      .boolean()
      .describe("true only when the IPFS bytes hash to the on-chain digest and pass the schema"),
    reason: UnverifiedReason.optional(),
  }),
});
export type CertificateListView = z.output<typeof CertificateListView>;
