import { InvalidInputError } from "../errors.js";
import { CERTIFICATE_METADATA_SCHEMA_V2_ID } from "../metadata/certificate-metadata.js";
import { RESTRICTED_TIERS } from "../metadata/textile-passport.js";
import type { RestrictedTier, SealedSection, TextilePassportData } from "../metadata/textile-passport.js";
import { currentKey } from "./passport-keystore.js";
import type { BrandPassportKeys } from "./passport-keystore.js";
import { sealSection } from "./section-cipher.js";

/** The plaintext a brand wants in each restricted tier, before it is sealed. */
export type RestrictedPlaintext = Partial<Record<RestrictedTier, TextilePassportData>>;

interface PassportLike {
  serial: { kind: string; value?: string; serialHash?: string };
  [field: string]: unknown;
}

/**
 * A certificate document with its restricted sections sealed under the brand's current content keys:
 * `passport.restricted.<tier>` becomes ciphertext, and the document says schema v2. What goes to
 * IPFS and what the chain's digest commits to is this sealed document: ciphertext bytes included.
 */
export function sealRestrictedSections<D extends { passport: PassportLike }>(
  document: D,
  plaintext: RestrictedPlaintext,
  keys: BrandPassportKeys,
): D & { schema: typeof CERTIFICATE_METADATA_SCHEMA_V2_ID } {
  const restricted: Partial<Record<RestrictedTier, SealedSection>> = {};
  const serial = document.passport.serial;
  const serialRef = serial.kind === "clear" ? serial.value : serial.serialHash?.toLowerCase();
  if (serialRef === undefined)
    throw new InvalidInputError("A passport with sealed sections needs its serial or serial hash");
  for (const tier of RESTRICTED_TIERS) {
    const data = plaintext[tier];
    if (data === undefined) continue;
    const key = currentKey(keys, tier);
    if (key === undefined)
      throw new InvalidInputError(`Brand ${keys.brandId}'s passport keystore holds no ${tier} key`);
    restricted[tier] = sealSection(data, key, { brandId: keys.brandId, tier, serialRef });
  }
  return {
    ...document,
    schema: CERTIFICATE_METADATA_SCHEMA_V2_ID,
    passport: {
      ...document.passport,
      ...(Object.keys(restricted).length > 0 ? { restricted } : {}),
    },
  };
}
