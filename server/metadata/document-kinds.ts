import type { z } from "zod";
import { BrandProfile } from "./brand-profile.js";
import { CertificateMetadata } from "./certificate-metadata.js";
import { GarmentMetadata } from "./garment-metadata.js";
import { ProvenanceDetails } from "./provenance-details.js";

/**
 * The kinds of document whose sha256 is committed on-chain: a certificate's metadata, a garment
 * design's metadata, a provenance event's details (each by a digest), and a brand's public
 * profile (by the raw CID of its metadataURI, which is the same commitment spelled otherwise).
 */
export const metadataSchemas = {
  "certificate-metadata": CertificateMetadata,
  "garment-metadata": GarmentMetadata,
  "provenance-details": ProvenanceDetails,
  "brand-profile": BrandProfile,
} as const;

export type MetadataKind = keyof typeof metadataSchemas;

export type MetadataDocument<K extends MetadataKind> = z.output<(typeof metadataSchemas)[K]>;

export const METADATA_KINDS = Object.keys(metadataSchemas) as MetadataKind[];
