import { DependencyUnavailableError, NotFoundError, UpstreamError } from "../errors.js";
import type { CertificateMetadata } from "../metadata/certificate-metadata.js";
import { RESTRICTED_TIERS } from "../metadata/textile-passport.js";
import type { PassportTier, RestrictedTier, TextilePassportData } from "../metadata/textile-passport.js";
import type { IndexReader } from "../store/IndexStore.js";
import { verifiedDocument } from "../verification/committed-document.js";
import type { DocumentSource } from "../verification/committed-document.js";
import type { PassportKeyring } from "./passport-keyring.js";
import { openSection } from "./section-cipher.js";
import type { SectionBinding } from "./section-cipher.js";

/**
 * The product passport of a certificate as one tier reads it: the document's public passport,
 * with the restricted sections the tier may read opened and merged into `sustainability`. The
 * sections it may not read stay as they are stored (ciphertext) and are named "sealed".
 */

/** What each tier reads, in order: a higher tier reads every lower one's sections too. */
export const TIER_SECTIONS: Readonly<Record<PassportTier, readonly RestrictedTier[]>> = {
  public: [],
  interest: ["interest"],
  authority: ["interest", "authority"],
};

export type SectionState = "absent" | "sealed" | "open";

export interface PassportView {
  tokenId: string;
  brandId: number;
  tier: PassportTier;
  schema: string;
  metadata: { cid: string; digest: string; verified: true };
  /** The passport without its sealed sections; `sustainability` merged for the tier. */
  passport: Omit<CertificateMetadata["passport"], "restricted" | "sustainability"> & {
    sustainability?: TextilePassportData;
  };
  sections: Record<RestrictedTier, SectionState>;
}

/** The piece a section is bound to: its clear serial or its salted hash, whichever the document shows. */
export function serialRefOf(passport: CertificateMetadata["passport"]): string {
  return passport.serial.kind === "clear" ? passport.serial.value : passport.serial.serialHash.toLowerCase();
}

/** The restricted tiers a document has a section for. */
export function sealedTiersOf(document: CertificateMetadata): RestrictedTier[] {
  return RESTRICTED_TIERS.filter((tier) => document.passport.restricted?.[tier] !== undefined);
}

/**
 * Opens the sections `tier` may read and merges them over the public data, field by field (a field
 * in a restricted section replaces the public one for readers of that tier: the fuller list of
 * substances, say).
 */
export function passportForTier(
  document: CertificateMetadata,
  tier: PassportTier,
  keyring: PassportKeyring,
  brandId: number,
): { passport: PassportView["passport"]; sections: PassportView["sections"] } {
  const { restricted, sustainability, ...rest } = document.passport;
  let merged: TextilePassportData | undefined = sustainability;
  const sections = { interest: "absent", authority: "absent" } as Record<RestrictedTier, SectionState>;
  for (const section of RESTRICTED_TIERS) {
    const sealed = restricted?.[section];
    if (sealed === undefined) continue;
    if (!TIER_SECTIONS[tier].includes(section)) {
      sections[section] = "sealed";
      continue;
    }
    const key = keyring.key(brandId, section, sealed.kid);
    if (key === undefined)
      throw new DependencyUnavailableError(
        `This verifier does not hold brand ${brandId}'s ${sealed.kid} passport key`,
        60,
      );
    const binding: SectionBinding = { brandId, tier: section, serialRef: serialRefOf(document.passport) };
    merged = { ...merged, ...openSection(sealed, key, binding) };
    sections[section] = "open";
  }
  return { passport: { ...rest, ...(merged === undefined ? {} : { sustainability: merged }) }, sections };
}

/** The certificate's verified document and its passport for `tier`; an unverified document is never opened. */
export async function resolvePassport(
  index: IndexReader,
  documents: DocumentSource,
  keyring: PassportKeyring,
  tokenId: bigint,
  tier: PassportTier,
): Promise<PassportView> {
  const record = await index.getCertificate(tokenId.toString());
  if (record === null) throw new NotFoundError(`No certificate ${tokenId.toString()}`);
  const metadata = await verifiedDocument(documents, "certificate-metadata", record.metadataDigest);
  if (!metadata.verified || metadata.document === null) {
    if (metadata.reason === "ipfs_unavailable" || metadata.reason === "not_found")
      throw new DependencyUnavailableError(
        `The passport of certificate ${record.tokenId} cannot be read now (${metadata.reason})`,
      );
    throw new UpstreamError(
      `The passport of certificate ${record.tokenId} fails its on-chain check (${metadata.reason ?? "unverified"})`,
    );
  }
  const document = metadata.document;
  const view = passportForTier(document, tier, keyring, record.brandId);
  return {
    tokenId: record.tokenId,
    brandId: record.brandId,
    tier,
    schema: document.schema,
    metadata: { cid: metadata.cid, digest: metadata.digest, verified: true },
    ...view,
  };
}
