import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  scrypt as scryptCallback,
} from "node:crypto";
import type { ScryptOptions } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import { Wallet, getBytes, hexlify } from "ethers";
import { z } from "zod";
import { ConflictError, InvalidInputError } from "../errors.js";
import { SignerError } from "../issuer/errors.js";

/**
 * A brand's NTAG 424 tag master keys at rest: one file per brand, encrypted under a password as
 * the issuer key is (scrypt, then authenticated encryption: AES-256-GCM here, with the brand id as
 * associated data so that one brand's file cannot be passed off as another's). The keys never go
 * on chain nor into a document; the verifier decrypts the file once at start.
 *
 * The file holds every master key the brand has used, newest current: tags personalised before a
 * rotation keep the key they were written with, and the verifier tries the current key first. It
 * also holds the brand's tag oracle key (secp256k1), which signs the EIP-712 attestations of fresh
 * taps that the certificate contract accepts for claims (TagAttestedClaims; its address holds the
 * brand's TAG_ORACLE role). A keystore written before the oracle existed has none.
 */
export const TAG_KEYSTORE_FORMAT = "hallmark-tag-keystore";
const KEY_BYTES = 16;

const Hex = z.string().regex(/^(?:[0-9a-f]{2})+$/);
const KeystoreFile = z
  .object({
    format: z.literal(TAG_KEYSTORE_FORMAT),
    version: z.literal(1),
    brandId: z.number().int().min(1).max(0xffffffff),
    kdf: z.object({
      name: z.literal("scrypt"),
      N: z.number().int().min(2),
      r: z.number().int().min(1),
      p: z.number().int().min(1),
      salt: Hex,
    }),
    cipher: z.object({ name: z.literal("aes-256-gcm"), iv: Hex, tag: Hex }),
    ciphertext: Hex,
  })
  .strict();
type KeystoreFile = z.infer<typeof KeystoreFile>;

const KeyList = z.object({
  current: z.number().int().min(1),
  oracle: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  keys: z.array(
    z.object({ id: z.number().int().min(1), key: z.string().regex(/^[0-9a-f]{32}$/), createdAt: z.string() }),
  ),
});

/**
 * One tag master key. Its bytes are reachable only through `bytes()`: printed, logged or
 * serialised it shows its id alone, so a stray `logger.info({ keys })` leaks nothing.
 */
export class TagMasterKey {
  readonly #bytes: Buffer;

  constructor(
    /** The key's number within its brand (1, 2, … in order of creation): what the docs and logs name. */
    readonly id: number,
    bytes: Uint8Array,
    readonly createdAt: string,
  ) {
    if (bytes.length !== KEY_BYTES) throw new RangeError("A tag master key is 16 bytes");
    this.#bytes = Buffer.from(bytes);
  }

  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): { id: number; createdAt: string } {
    return { id: this.id, createdAt: this.createdAt };
  }

  toString(): string {
    return `TagMasterKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * The brand's tag oracle key: it signs TagClaim attestations and derives the verifier's claim
 * tickets' MAC key, and shows nothing of itself but its address when printed, logged or serialised.
 */
export class TagOracleKey {
  readonly #wallet: Wallet;
  readonly address: string;

  constructor(privateKey: Uint8Array) {
    if (privateKey.length !== 32) throw new RangeError("A tag oracle key is 32 bytes");
    this.#wallet = new Wallet(hexlify(privateKey));
    this.address = this.#wallet.address;
  }

  /** An EIP-712 signature by the oracle (TagClaim, server/chain/eip712.ts). */
  signTypedData(...args: Parameters<Wallet["signTypedData"]>): Promise<string> {
    return this.#wallet.signTypedData(...args);
  }

  /** A 32-byte key derived for one purpose (HKDF-SHA256): never the signing key itself. */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", getBytes(this.#wallet.privateKey), Buffer.alloc(0), purpose, 32));
  }

  /** For the keystore file only. */
  bytes(): Buffer {
    return Buffer.from(getBytes(this.#wallet.privateKey));
  }

  toJSON(): { address: string } {
    return { address: this.address };
  }

  toString(): string {
    return `TagOracleKey(${this.address})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface BrandTagKeys {
  brandId: number;
  /** Newest first: the current key, then the ones it replaced. */
  keys: readonly TagMasterKey[];
  /** The brand's tag oracle key, or null in a keystore written before it existed. */
  oracle?: TagOracleKey | null;
}

export interface TagKeystoreWriteOptions {
  /** scrypt cost (default 2^17, as the issuer keystore). Demo keystores use 2^12. */
  scryptN?: number;
}

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function associatedData(brandId: number): Buffer {
  return Buffer.from(`${TAG_KEYSTORE_FORMAT}/1/brand/${brandId}`, "utf8");
}

async function seal(
  brandId: number,
  keys: readonly TagMasterKey[],
  oracle: TagOracleKey | null,
  password: string,
  options: TagKeystoreWriteOptions,
): Promise<KeystoreFile> {
  if (password.length < 8) throw new InvalidInputError("A keystore password needs at least 8 characters");
  const n = options.scryptN ?? 1 << 17;
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const secret = await scrypt(password, salt, n, 8, 1);
  const cipher = createCipheriv("aes-256-gcm", secret, iv).setAAD(associatedData(brandId));
  const plain = Buffer.from(
    JSON.stringify({
      current: keys[0].id,
      ...(oracle === null ? {} : { oracle: oracle.bytes().toString("hex") }),
      keys: keys.map((key) => ({ id: key.id, key: key.bytes().toString("hex"), createdAt: key.createdAt })),
    }),
    "utf8",
  );
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  return {
    format: TAG_KEYSTORE_FORMAT,
    version: 1,
    brandId,
    kdf: { name: "scrypt", N: n, r: 8, p: 1, salt: salt.toString("hex") },
    cipher: { name: "aes-256-gcm", iv: iv.toString("hex"), tag: cipher.getAuthTag().toString("hex") },
    ciphertext: ciphertext.toString("hex"),
  };
}

async function writeSealed(file: string, sealed: KeystoreFile, overwrite: boolean): Promise<void> {
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
  // A rotation replaces the file whole: a crash mid-write must not leave half a keystore.
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: "wx" });
  await rename(temporary, file);
}

/** A new keystore for `brandId` holding one random tag master key (id 1). */
export async function createTagKeystore(
  file: string,
  brandId: number,
  password: string,
  options: TagKeystoreWriteOptions = {},
): Promise<void> {
  const key = new TagMasterKey(1, randomBytes(KEY_BYTES), new Date().toISOString());
  const oracle = new TagOracleKey(randomBytes(32));
  await writeSealed(file, await seal(brandId, [key], oracle, password, options), false);
}

/** Reads a keystore's brand without decrypting it (to name it in messages). */
export async function readTagKeystoreBrand(file: string): Promise<number> {
  return (await readSealed(file)).brandId;
}

async function readSealed(file: string): Promise<KeystoreFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new SignerError(`Cannot read the tag keystore ${file}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SignerError(`${file} is not a Hallmark tag keystore (not JSON)`);
  }
  const result = KeystoreFile.safeParse(parsed);
  if (!result.success) throw new SignerError(`${file} is not a Hallmark tag keystore`);
  return result.data;
}

/**
 * Decrypts a brand's tag master keys. A wrong password and a tampered file both fail the GCM tag:
 * the message says which file, never anything of its content.
 */
export async function decryptTagKeystore(file: string, password: string): Promise<BrandTagKeys> {
  const sealed = await readSealed(file);
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
    // No cause: OpenSSL's message is harmless, but nothing from inside the file leaves this function.
    throw new SignerError(`Wrong password for the tag keystore ${file} (or the file was altered)`);
  }
  const list = KeyList.safeParse(JSON.parse(plain.toString("utf8")));
  plain.fill(0);
  if (!list.success) throw new SignerError(`${file} holds no valid tag master keys`);
  const keys = list.data.keys
    .map((entry) => new TagMasterKey(entry.id, Buffer.from(entry.key, "hex"), entry.createdAt))
    .sort((a, b) => (a.id === list.data.current ? -1 : b.id === list.data.current ? 1 : b.id - a.id));
  if (keys.length === 0 || keys[0].id !== list.data.current)
    throw new SignerError(`${file} names a current key it does not hold`);
  const oracle =
    list.data.oracle === undefined ? null : new TagOracleKey(Buffer.from(list.data.oracle, "hex"));
  return { brandId: sealed.brandId, keys, oracle };
}

/**
 * Rotation: a new random master key becomes current; the old ones stay so that tags already sewn
 * in still verify until they are re-personalised or their pieces retired. Returns the new key's id.
 * The oracle key is kept (made if the keystore had none) unless `newOracle`: a leaked oracle key is
 * replaced, and its TAG_ORACLE role revoked on chain, independently of the tags' keys.
 */
export async function rotateTagKeystore(
  file: string,
  password: string,
  options: TagKeystoreWriteOptions & { retire?: readonly number[]; newOracle?: boolean } = {},
): Promise<number> {
  const { brandId, keys, oracle } = await decryptTagKeystore(file, password);
  const id = Math.max(...keys.map((key) => key.id)) + 1;
  const kept = keys.filter((key) => !(options.retire ?? []).includes(key.id));
  const next = [new TagMasterKey(id, randomBytes(KEY_BYTES), new Date().toISOString()), ...kept];
  const nextOracle = options.newOracle || !oracle ? new TagOracleKey(randomBytes(32)) : oracle;
  await writeSealed(file, await seal(brandId, next, nextOracle, password, options), true);
  return id;
}

/** Replaces only the oracle key (a leaked oracle key); answers the new oracle's address. */
export async function rotateTagOracle(
  file: string,
  password: string,
  options: TagKeystoreWriteOptions = {},
): Promise<string> {
  const { brandId, keys } = await decryptTagKeystore(file, password);
  const oracle = new TagOracleKey(randomBytes(32));
  await writeSealed(file, await seal(brandId, keys, oracle, password, options), true);
  return oracle.address;
}

/** Writes given keys (the demo's fixed key, a migration from another system). Refuses to overwrite. */
export async function importTagKeystore(
  file: string,
  brandId: number,
  keys: readonly TagMasterKey[],
  password: string,
  options: TagKeystoreWriteOptions & { oracle?: TagOracleKey } = {},
): Promise<void> {
  if (keys.length === 0) throw new InvalidInputError("A tag keystore holds at least one key");
  await writeSealed(file, await seal(brandId, keys, options.oracle ?? null, password, options), false);
}
