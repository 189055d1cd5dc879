import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from "node:crypto";
import type { ScryptOptions } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ConflictError, InvalidInputError } from "../errors.js";
import { SignerError } from "./errors.js";

/**
 * A brand's secret keys at rest, sealed under a password: one JSON file per brand and kind (the tag
 * master keys, the passport content keys), scrypt for the password, then AES-256-GCM with the
 * format and the brand id as associated data, so that one brand's file cannot pass for another's
 * nor one kind's for another kind's. Each kind says what its plaintext holds; this module keeps
 * the envelope. Messages name the file and never anything of its content.
 */
export interface KeystoreKind {
  /** The file's `format` field ("hallmark-tag-keystore"). */
  format: string;
  /** What messages call it ("tag keystore"). */
  name: string;
  /** What messages call its content ("tag master keys"). */
  holds: string;
}

export interface SealOptions {
  /** scrypt cost (default 2^17, as the issuer keystore). Demo keystores use 2^12. */
  scryptN?: number;
}

const Hex = z.string().regex(/^(?:[0-9a-f]{2})+$/);
const SealedFile = z.strictObject({
  format: z.string(),
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
export type SealedKeystore = z.infer<typeof SealedFile>;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function associatedData(kind: KeystoreKind, brandId: number): Buffer {
  return Buffer.from(`${kind.format}/1/brand/${brandId}`, "utf8");
}

/** Seals `content` (serialised as JSON; its buffer is zeroed after) for `brandId` under `password`. */
export async function sealKeystore(
  kind: KeystoreKind,
  brandId: number,
  content: object,
  password: string,
  options: SealOptions = {},
): Promise<SealedKeystore> {
  if (password.length < 8) throw new InvalidInputError("A keystore password needs at least 8 characters");
  const n = options.scryptN ?? 1 << 17;
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const secret = await scrypt(password, salt, n, 8, 1);
  const cipher = createCipheriv("aes-256-gcm", secret, iv).setAAD(associatedData(kind, brandId));
  const plain = Buffer.from(JSON.stringify(content), "utf8");
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  return {
    format: kind.format,
    version: 1,
    brandId,
    kdf: { name: "scrypt", N: n, r: 8, p: 1, salt: salt.toString("hex") },
    cipher: { name: "aes-256-gcm", iv: iv.toString("hex"), tag: cipher.getAuthTag().toString("hex") },
    ciphertext: ciphertext.toString("hex"),
  };
}

/**
 * Writes a sealed keystore (mode 0600). A new file refuses to replace one (a lost key is lost data);
 * with `overwrite` (a rotation) the file is replaced whole, through a temporary file and a rename, so
 * that a crash mid-write cannot leave half a keystore.
 */
export async function writeSealedKeystore(
  file: string,
  sealed: SealedKeystore,
  overwrite = false,
): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const text = JSON.stringify(sealed, null, 2) + "\n";
  if (!overwrite) {
    try {
      await writeFile(file, text, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST")
        throw new ConflictError(`${file} exists already; refusing to overwrite a key`);
      throw error;
    }
    return;
  }
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: "wx" });
  await rename(temporary, file);
}

/** Reads a sealed keystore of `kind` without decrypting it (its brand is in the clear). */
export async function readSealedKeystore(kind: KeystoreKind, file: string): Promise<SealedKeystore> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new SignerError(`Cannot read the ${kind.name} ${file}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SignerError(`${file} is not a Hallmark ${kind.name} (not JSON)`);
  }
  const result = SealedFile.safeParse(parsed);
  if (!result.success || result.data.format !== kind.format)
    throw new SignerError(`${file} is not a Hallmark ${kind.name}`);
  return result.data;
}

/**
 * Decrypts a sealed keystore and answers its content, parsed by `schema`. A wrong password and a
 * tampered file both fail the GCM tag.
 */
export async function openSealedKeystore<T>(
  kind: KeystoreKind,
  file: string,
  password: string,
  schema: z.ZodType<T>,
): Promise<{ brandId: number; content: T }> {
  const sealed = await readSealedKeystore(kind, file);
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
      .setAAD(associatedData(kind, sealed.brandId))
      .setAuthTag(Buffer.from(sealed.cipher.tag, "hex"));
    plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "hex")), decipher.final()]);
  } catch {
    // No cause: OpenSSL's message is harmless, but nothing from inside the file leaves this function.
    throw new SignerError(`Wrong password for the ${kind.name} ${file} (or the file was altered)`);
  }
  let content: unknown;
  try {
    content = JSON.parse(plain.toString("utf8"));
  } catch {
    content = undefined;
  } finally {
    plain.fill(0);
  }
  const result = schema.safeParse(content);
  if (!result.success) throw new SignerError(`${file} holds no valid ${kind.holds}`);
  return { brandId: sealed.brandId, content: result.data };
}
