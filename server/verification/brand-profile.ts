import { CID } from "multiformats/cid";
import { cidToDigest } from "../ipfs/commitment.js";
import type { MetadataDocument } from "../metadata/document-kinds.js";
import type { IndexReader } from "../store/IndexStore.js";
import type { DocumentSource } from "./committed-document.js";
import { verifiedDocument } from "./committed-document.js";

export type BrandContactView = MetadataDocument<"brand-profile">["contact"];

export interface BrandProfileView {
  brandId: number;
  /** The name registered on-chain (null for a brand the index does not know). */
  name: string | null;
  /** Contact details from the brand's verified profile; null without one (or when it cannot be verified). */
  contact: BrandContactView | null;
  website: string | null;
}

/** `ipfs://<cid>` of a single raw block: the only metadataURI whose bytes the CID itself commits to. */
function profileDigest(metadataURI: string): string | null {
  const match = /^ipfs:\/\/([A-Za-z0-9]+)$/.exec(metadataURI);
  if (match === null) return null;
  try {
    return cidToDigest(CID.parse(match[1]));
  } catch {
    return null;
  }
}

/**
 * A brand's public profile as the pages show it: its on-chain name and, when its metadataURI names
 * a profile document that IPFS returns intact, the contact details in it. Unverified bytes are
 * never shown: a tampered phone number is worse than none.
 */
export async function brandProfileOf(
  source: { index: IndexReader; documents: DocumentSource },
  brandId: number,
): Promise<BrandProfileView> {
  const brand = await source.index.getBrand(brandId);
  if (brand === null) return { brandId, name: null, contact: null, website: null };
  const digest = profileDigest(brand.metadataURI);
  if (digest === null) return { brandId, name: brand.name, contact: null, website: null };
  const profile = await verifiedDocument(source.documents, "brand-profile", digest);
  const document = profile.verified ? profile.document : null;
  return {
    brandId,
    name: brand.name,
    contact: document?.contact ?? null,
    website: document?.website ?? null,
  };
}
