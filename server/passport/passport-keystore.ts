import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from "node:crypto";
import type { ScryptOptions } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import { z } from "zod";
import { ConflictError, InvalidInputError } from "../errors.js";
import { SignerError } from "../issuer/errors.js";
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

const Hex = z.string().regex(/^(?:[0-9a-f]{2})+$/);
const KeystoreFile = z.strictObject({
  format: z.literal(PASSPORT_KEYSTORE_FORMAT),
  version: z.literal(1),
  brandId: z.number().int().min(1).max(0xffffffff),
  kdf: z.strictObject({
    name: z.literal("scrypt"),
    N: z.number().int().min(2),
    r: z.number().int().min(1),
    p: z.number().int().min(1),
    salt: Hex,
  }),
  cipher: z.strictObject({ name: z.literal("aes-256-gcm"), iv: Hex, tag: Hex }),
  ciphertext: Hex,
});
type KeystoreFile = z.infer<typeof KeystoreFile>;

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

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function associatedData(brandId: number): Buffer {
  return Buffer.from(`${PASSPORT_KEYSTORE_FORMAT}/1/brand/${brandId}`, "utf8");
}

export interface PassportKeystoreWriteOptions {
  /** scrypt cost (default 2^17, as the issuer keystore). Demo keystores use 2^12. */
  scryptN?: number;
}

/** Writes a keystore holding `keys`; refuses to overwrite a file (a lost key is lost data). */
export async function writePassportKeystore(
  file: string,
  brandId: number,
  keys: readonly PassportContentKey[],
  password: string,
  options: PassportKeystoreWriteOptions = {},
): Promise<void> {
  if (password.length < 8) throw new InvalidInputError("A keystore password needs at least 8 characters");
  if (keys.length === 0) throw new InvalidInputError("A passport keystore holds at least one key");
  const n = options.scryptN ?? 1 << 17;
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const secret = await scrypt(password, salt, n, 8, 1);
  const cipher = createCipheriv("aes-256-gcm", secret, iv).setAAD(associatedData(brandId));
  const plain = Buffer.from(
    JSON.stringify({
      keys: keys.map((key) => ({
        tier: key.tier,
        id: key.id,
        key: key.bytes().toString("hex"),
        createdAt: key.createdAt,
      })),
    }),
    "utf8",
  );
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  const sealed: KeystoreFile = {
    format: PASSPORT_KEYSTORE_FORMAT,
    version: 1,
    brandId,
    kdf: { name: "scrypt", N: n, r: 8, p: 1, salt: salt.toString("hex") },
    cipher: { name: "aes-256-gcm", iv: iv.toString("hex"), tag: cipher.getAuthTag().toString("hex") },
    ciphertext: ciphertext.toString("hex"),
  };
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  try {
    await writeFile(file, JSON.stringify(sealed, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new ConflictError(`${file} exists already; refusing to overwrite a key`);
    throw error;
  }
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new SignerError(`Cannot read the passport keystore ${file}`, { cause });
  }
  const result = KeystoreFile.safeParse(parsed);
  if (!result.success) throw new SignerError(`${file} is not a Hallmark passport keystore`);
  const sealed = result.data;
  const secret = await scrypt(
    password,
    Buffer.from(sealed.kdf.salt, "hex"),
    sealed.kdf.N,
    sealed.kdf.r,
    sealed.kdf.p,
  );
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", secret, Buffer.from(sealed.cipher.iv, "hex"))
      .setAAD(associatedData(sealed.brandId))
      .setAuthTag(Buffer.from(sealed.cipher.tag, "hex"));
    plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "hex")), decipher.final()]);
  } catch {
    throw new SignerError(`Wrong password for the passport keystore ${file} (or the file was altered)`);
  }
  const list = KeyList.safeParse(JSON.parse(plain.toString("utf8")));
  plain.fill(0);
  if (!list.success) throw new SignerError(`${file} holds no valid passport content keys`);
  return {
    brandId: sealed.brandId,
    keys: list.data.keys.map(
      (entry) => new PassportContentKey(entry.tier, entry.id, Buffer.from(entry.key, "hex"), entry.createdAt),
    ),
  };
}
