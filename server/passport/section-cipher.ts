import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import { IntegrityError } from "../errors.js";
import type { RestrictedTier, SealedSection, TextilePassportData } from "../metadata/textile-passport.js";
import { TextilePassportData as TextilePassportDataSchema } from "../metadata/textile-passport.js";
import type { PassportContentKey } from "./passport-keystore.js";

/**
 * Authenticated encryption of a passport's restricted sections: AES-256-GCM under the brand's
 * content key of the tier, with associated data binding the ciphertext to its brand, tier, key and
 * piece (so a section cannot be moved to another brand's, tier's or piece's document and still open).
 *
 * The IV is synthetic (SIV-style): the first 12 bytes of HMAC-SHA256 over the associated data and
 * the plaintext, under a key derived from the content key. Encrypting the same section of the same
 * piece twice gives the same bytes, so a catalogue run that is re-run produces the same document
 * digest (the receipt's digest check and IPFS deduplication depend on it), and two different
 * plaintexts never share an IV under one key: GCM's nonce rule holds. The only thing it reveals is
 * that two documents carry an identical section for the same piece, which the digest shows anyway.
 */
export const SECTION_ALGORITHM = "A256GCM";

export interface SectionBinding {
  brandId: number;
  tier: RestrictedTier;
  /** The piece: its clear serial or its salted serial hash, as the document's passport.serial shows it. */
  serialRef: string;
}

function associatedData(binding: SectionBinding, kid: string): Buffer {
  return Buffer.from(
    `hallmark.passport-section.v1\n${binding.brandId}\n${binding.tier}\n${kid}\n${binding.serialRef}`,
    "utf8",
  );
}

function ivKey(key: PassportContentKey): Buffer {
  return Buffer.from(hkdfSync("sha256", key.bytes(), Buffer.alloc(0), "hallmark.passport-section.iv", 32));
}

export function kidOf(key: PassportContentKey): string {
  return `${key.tier}-${key.id}`;
}

/** Encrypts one section; validates it first, so no field outside the schema is ever sealed. */
export function sealSection(
  data: TextilePassportData,
  key: PassportContentKey,
  binding: SectionBinding,
): SealedSection {
  if (key.tier !== binding.tier)
    throw new RangeError(`A ${key.tier} key cannot seal the ${binding.tier} section`);
  const plain = Buffer.from(JSON.stringify(TextilePassportDataSchema.parse(data)), "utf8");
  const kid = kidOf(key);
  const aad = associatedData(binding, kid);
  const iv = createHmac("sha256", ivKey(key))
    .update(aad)
    .update(Buffer.from([0]))
    .update(plain)
    .digest()
    .subarray(0, 12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes(), iv).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  return {
    alg: SECTION_ALGORITHM,
    kid,
    iv: iv.toString("base64url"),
    ciphertext: ciphertext.toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
  };
}

/**
 * Opens a section with the key its `kid` names. A wrong key, another brand's or piece's binding, or
 * altered bytes all fail GCM's tag: an IntegrityError that says so and carries nothing of the bytes.
 */
export function openSection(
  sealed: SealedSection,
  key: PassportContentKey,
  binding: SectionBinding,
): TextilePassportData {
  if (sealed.kid !== kidOf(key))
    throw new IntegrityError(
      `The ${binding.tier} section is sealed under ${sealed.kid}, not ${kidOf(key)}`,
      sealed.kid,
      kidOf(key),
    );
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes(), Buffer.from(sealed.iv, "base64url"))
      .setAAD(associatedData(binding, sealed.kid))
      .setAuthTag(Buffer.from(sealed.tag, "base64url"));
    plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64url")), decipher.final()]);
  } catch {
    throw new IntegrityError(
      `The ${binding.tier} section of brand ${binding.brandId}'s document does not open under ${sealed.kid}`,
      sealed.kid,
      "authentication failed",
    );
  }
  try {
    return TextilePassportDataSchema.parse(JSON.parse(plain.toString("utf8")));
  } finally {
    plain.fill(0);
  }
}
