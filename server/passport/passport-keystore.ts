import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import { openSealedKeystore, sealKeystore, writeSealedKeystore } from "../issuer/sealed-keystore.js";
import type { KeystoreKind, SealOptions } from "../issuer/sealed-keystore.js";
import { RESTRICTED_TIERS } from "../metadata/textile-passport.js";
import type { RestrictedTier } from "../metadata/textile-passport.js";

/**
 * A brand's passport content keys at rest: one 256-bit key per restricted tier (legitimate
 * interest, authority), in one file per brand encrypted under a password as the issuer key and the
 * tag master keys are (scrypt, then AES-256-GCM with the brand id as associated data, so that one
 * brand's file cannot pass for another's). The CLI seals restricted sections with them; the verifier
 * decrypts the file once at start and opens sections for callers who prove their tier. A key never
 * goes on chain, into a document or a log line.
 */
export const PASSPORT_KEYSTORE_FORMAT = "hallmark-passport-keystore";
const KEY_BYTES = 32;

const KIND: KeystoreKind = {
  format: PASSPORT_KEYSTORE_FORMAT,
  name: "passport keystore",
  holds: "passport content keys",
};

const KeyList = z.object({
  keys: z
    .array(
      z.object({
        tier: z.enum(RESTRICTED_TIERS),
        id: z.number().int().min(1),
        key: z.string().regex(/^[0-9a-f]{64}$/),
        createdAt: z.string(),
      }),
    )
    .min(1),
});

/** One content key. Its bytes are reachable only through `bytes()`: logged or serialised it shows its tier and id. */
export class PassportContentKey {
  readonly #bytes: Buffer;

  constructor(
    readonly tier: RestrictedTier,
    /** The key's number within its brand and tier (1, 2, … in order of creation). */
    readonly id: number,
    bytes: Uint8Array,
    readonly createdAt: string,
  ) {
    if (bytes.length !== KEY_BYTES) throw new RangeError("A passport content key is 32 bytes");
    this.#bytes = Buffer.from(bytes);
  }

  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): { tier: RestrictedTier; id: number; createdAt: string } {
    return { tier: this.tier, id: this.id, createdAt: this.createdAt };
  }

  toString(): string {
    return `PassportContentKey(${this.tier}-${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface BrandPassportKeys {
  brandId: number;
  /** Every key the brand has used; the newest of a tier seals new sections. */
  keys: readonly PassportContentKey[];
}

/** The key that seals new sections of `tier`: the newest. */
export function currentKey(keys: BrandPassportKeys, tier: RestrictedTier): PassportContentKey | undefined {
  return keys.keys.filter((key) => key.tier === tier).sort((a, b) => b.id - a.id)[0];
}

export type PassportKeystoreWriteOptions = SealOptions;

/** Writes a keystore holding `keys`; refuses to overwrite a file (a lost key is lost data). */
export async function writePassportKeystore(
  file: string,
  brandId: number,
  keys: readonly PassportContentKey[],
  password: string,
  options: PassportKeystoreWriteOptions = {},
): Promise<void> {
  if (keys.length === 0) throw new InvalidInputError("A passport keystore holds at least one key");
  const content = {
    keys: keys.map((key) => ({
      tier: key.tier,
      id: key.id,
      key: key.bytes().toString("hex"),
      createdAt: key.createdAt,
    })),
  };
  await writeSealedKeystore(file, await sealKeystore(KIND, brandId, content, password, options));
}

/** A new keystore for `brandId` with one random key per restricted tier (ids 1). */
export async function createPassportKeystore(
  file: string,
  brandId: number,
  password: string,
  options: PassportKeystoreWriteOptions = {},
): Promise<void> {
  const createdAt = new Date().toISOString();
  const keys = RESTRICTED_TIERS.map(
    (tier) => new PassportContentKey(tier, 1, randomBytes(KEY_BYTES), createdAt),
  );
  await writePassportKeystore(file, brandId, keys, password, options);
}

/**
 * Decrypts a brand's content keys. A wrong password and a tampered file both fail the GCM tag: the
 * message names the file, never anything of its content.
 */
export async function decryptPassportKeystore(file: string, password: string): Promise<BrandPassportKeys> {
  const { brandId, content } = await openSealedKeystore(KIND, file, password, KeyList);
  return {
    brandId,
    keys: content.keys.map(
      (entry) => new PassportContentKey(entry.tier, entry.id, Buffer.from(entry.key, "hex"), entry.createdAt),
    ),
  };
}
