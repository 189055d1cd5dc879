import { hkdfSync, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { Wallet, getBytes, hexlify } from "ethers";
import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import { SignerError } from "../issuer/errors.js";
import {
  openSealedKeystore,
  readSealedKeystore,
  sealKeystore,
  writeSealedKeystore,
} from "../issuer/sealed-keystore.js";
import type { KeystoreKind, SealOptions, SealedKeystore } from "../issuer/sealed-keystore.js";

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

const KIND: KeystoreKind = { format: TAG_KEYSTORE_FORMAT, name: "tag keystore", holds: "tag master keys" };

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

export type TagKeystoreWriteOptions = SealOptions;

/** The sealed file of `keys` (current first) and the oracle key. */
function seal(
  brandId: number,
  keys: readonly TagMasterKey[],
  oracle: TagOracleKey | null,
  password: string,
  options: TagKeystoreWriteOptions,
): Promise<SealedKeystore> {
  const content = {
    current: keys[0].id,
    ...(oracle === null ? {} : { oracle: oracle.bytes().toString("hex") }),
    keys: keys.map((key) => ({ id: key.id, key: key.bytes().toString("hex"), createdAt: key.createdAt })),
  };
  return sealKeystore(KIND, brandId, content, password, options);
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
  await writeSealedKeystore(file, await seal(brandId, [key], oracle, password, options));
}

/** Reads a keystore's brand without decrypting it (to name it in messages). */
export async function readTagKeystoreBrand(file: string): Promise<number> {
  return (await readSealedKeystore(KIND, file)).brandId;
}

/**
 * Decrypts a brand's tag master keys. A wrong password and a tampered file both fail the GCM tag:
 * the message says which file, never anything of its content.
 */
export async function decryptTagKeystore(file: string, password: string): Promise<BrandTagKeys> {
  const { brandId, content } = await openSealedKeystore(KIND, file, password, KeyList);
  const keys = content.keys
    .map((entry) => new TagMasterKey(entry.id, Buffer.from(entry.key, "hex"), entry.createdAt))
    .sort((a, b) => (a.id === content.current ? -1 : b.id === content.current ? 1 : b.id - a.id));
  if (keys.length === 0 || keys[0].id !== content.current)
    throw new SignerError(`${file} names a current key it does not hold`);
  const oracle = content.oracle === undefined ? null : new TagOracleKey(Buffer.from(content.oracle, "hex"));
  return { brandId, keys, oracle };
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
  await writeSealedKeystore(file, await seal(brandId, next, nextOracle, password, options), true);
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
  await writeSealedKeystore(file, await seal(brandId, keys, oracle, password, options), true);
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
  await writeSealedKeystore(file, await seal(brandId, keys, options.oracle ?? null, password, options));
}
