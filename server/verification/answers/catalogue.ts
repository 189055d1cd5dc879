import { z } from "zod";
import { GarmentMetadata } from "../../metadata/garment-metadata.js";
import {
  AddressString,
  BlockNumber,
  BrandRef,
  ChainEventRef,
  DecimalString,
  IsoTime,
} from "./chain-values.js";
import { CertificateSummary } from "./certificate.js";
import { RoleName } from "./provenance.js";
import { verifiedMetadataOf } from "./verified-metadata.js";

/** Brands, garments and holdings as the verifier answers them (built by ../catalogue.ts). */

const Bps = z.int().min(0).max(10_000);

export const BrandSummary = z.object({
  id: z.int().nonnegative(),
  name: z.string(),
  /** Unique; from the registered name (server/verification/brand-slugs.ts): `/v1/brands/{slug}` names the brand too. */
  slug: z.string(),
  metadataURI: z.string(),
  vault: AddressString,
  royalty: z.object({ receiver: AddressString.nullable(), bps: Bps }),
  paused: z.boolean(),
  pausedReason: z.string().nullable(),
  certificateCount: z.int().nonnegative(),
  registered: ChainEventRef,
});
export type BrandSummary = z.output<typeof BrandSummary>;

export const BrandView = BrandSummary.extend({
  roles: z.array(z.object({ role: RoleName, account: AddressString, grantedAt: ChainEventRef })),
  compromises: z.array(
    z.object({
      issuer: AddressString,
      fromBlock: BlockNumber,
      declaredBy: AddressString,
      declared: ChainEventRef,
    }),
  ),
});
export type BrandView = z.output<typeof BrandView>;

export const DesignView = z.object({
  designId: DecimalString,
  brand: BrandRef,
  creator: AddressString,
  edition: z.object({
    cap: z.int().positive().nullable(),
    minted: z.int().nonnegative(),
    burned: z.int().nonnegative(),
    closesAt: IsoTime.nullable(),
    soldOut: z.boolean(),
  }),
  locked: z.boolean(),
  redeemable: z.boolean(),
  /** The design's own EIP-2981 royalty, or the brand's default when the design sets none. */
  royalty: z.object({ receiver: AddressString.nullable(), bps: Bps, source: z.enum(["design", "brand"]) }),
  twin: z.object({ collectionRoot: z.string(), claims: z.int().nonnegative() }).nullable(),
  created: ChainEventRef,
  metadata: verifiedMetadataOf(GarmentMetadata),
});
export type DesignView = z.output<typeof DesignView>;

/** What an address holds: a certificate, or a balance of a garment design. */
export const OwnerItemView = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("certificate"), certificate: CertificateSummary }),
  z.object({
    kind: z.literal("garment"),
    garment: z.object({
      designId: DecimalString,
      brandId: z.int().nonnegative(),
      owner: AddressString,
      balance: DecimalString,
    }),
  }),
]);
export type OwnerItemView = z.output<typeof OwnerItemView>;
