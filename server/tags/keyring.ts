import { inspect } from "node:util";
import type { Logger } from "pino";
import { SignerError } from "../issuer/errors.js";
import { AesBlockDecipher, Cmac } from "./cmac.js";
import { verifySunMessage } from "./sun.js";
import type { SunMessage } from "./sun.js";
import { fileReadKey, metaReadKey } from "./tag-keys.js";
import { decryptTagKeystore } from "./tag-keystore.js";
import type { BrandTagKeys, TagMasterKey, TagOracleKey } from "./tag-keystore.js";
import { formatTagUid } from "./uid.js";

/**
 * The tag master keys a verifier holds, decrypted at start from each brand's tag keystore, and the
 * one question asked of them: was this SUN message made by a tag personalised under one of them?
 * A message names no brand (a tag's URL is fixed at encoding), so every brand's current and former
 * keys are candidates: the meta read key decrypts the PICC data to the right tag byte only under
 * the key it was made with (1 in 256 by chance), and the CMAC settles it.
 */
export interface TagKeystoreSetting {
  keystore: string;
  passwordEnv: string;
  password(): string | undefined;
}

export type TagVerification =
  | { ok: true; brandId: number; keyId: number; uid: string; counter: number; fileData: Buffer | null }
  /** unknown-key: no key of any brand here decrypts it; cmac: one decrypts it but the MAC is wrong. */
  | { ok: false; failure: "unknown-key" | "cmac" };

interface Candidate {
  brandId: number;
  key: TagMasterKey;
  /** Prepared once: the master key's CMAC (subkeys and cipher) and the meta read key's decipher. */
  master: Cmac;
  metaRead: AesBlockDecipher;
  /**
   * The file read keys of recently seen tags, their CMAC prepared (by UID; bounded, the oldest entry
   * leaving first): a tag tapped again
   * skips the AN10922 diversification and the cipher set-up. Only tags whose MAC held go in, so
   * forged taps cannot churn it.
   */
  fileReadKeys: Map<string, Cmac>;
}

/** Tags whose prepared file read key a verifier keeps per master key (about 300 bytes each). */
export const FILE_READ_KEY_CACHE_SIZE = 16_384;

export class TagKeyring {
  readonly #candidates: Candidate[];
  readonly #oracles = new Map<number, TagOracleKey>();

  readonly #fileReadKeyCacheSize: number;

  constructor(brands: Iterable<BrandTagKeys>, options: { fileReadKeyCacheSize?: number } = {}) {
    this.#fileReadKeyCacheSize = options.fileReadKeyCacheSize ?? FILE_READ_KEY_CACHE_SIZE;
    const list = [...brands];
    for (const { brandId, oracle } of list) if (oracle) this.#oracles.set(brandId, oracle);
    this.#candidates = list.flatMap(({ brandId, keys }) =>
      keys.map((key) => {
        const master = new Cmac(key.bytes());
        return {
          brandId,
          key,
          master,
          metaRead: new AesBlockDecipher(metaReadKey(master)),
          fileReadKeys: new Map<string, Cmac>(),
        };
      }),
    );
  }

  /** Brands with at least one key. */
  get brands(): number[] {
    return [...new Set(this.#candidates.map((candidate) => candidate.brandId))];
  }

  /** The current master key of a brand (personalisation, the demo's simulated tag), or null. */
  currentKey(brandId: number): TagMasterKey | null {
    return this.#candidates.find((candidate) => candidate.brandId === brandId)?.key ?? null;
  }

  /** The brand's tag oracle key (it attests fresh taps for claims), or null when its keystore has none. */
  oracle(brandId: number): TagOracleKey | null {
    return this.#oracles.get(brandId) ?? null;
  }

  verify(message: SunMessage): TagVerification {
    let decrypted = false;
    for (const candidate of this.#candidates) {
      let uidKey = "";
      let derived: Cmac | null = null;
      const result = verifySunMessage(message, {
        metaReadKey: candidate.metaRead,
        fileReadKey: (uid) => {
          uidKey = uid.toString("hex");
          const cached = candidate.fileReadKeys.get(uidKey);
          if (cached !== undefined) return cached;
          return (derived = new Cmac(fileReadKey(candidate.master, uid)));
        },
      });
      if (result.ok) {
        const cache = candidate.fileReadKeys;
        if (derived !== null && this.#fileReadKeyCacheSize > 0) {
          if (cache.size >= this.#fileReadKeyCacheSize) cache.delete(cache.keys().next().value as string);
          cache.set(uidKey, derived);
        }
        return {
          ok: true,
          brandId: candidate.brandId,
          keyId: candidate.key.id,
          uid: formatTagUid(result.uid),
          counter: result.counter,
          fileData: result.fileData,
        };
      }
      // The plain mirror needs no decryption: its UID is in clear, so any MAC failure is a bad MAC.
      if (result.failure === "cmac") decrypted = true;
    }
    return { ok: false, failure: decrypted ? "cmac" : "unknown-key" };
  }

  toJSON(): { brands: number[] } {
    return { brands: this.brands };
  }

  [inspect.custom](): string {
    return `TagKeyring(brands: ${this.brands.join(", ") || "none"})`;
  }
}

/**
 * Decrypts every configured brand's tag keystore (HALLMARK_TAG_KEYSTORES). A missing or wrong
 * password stops the start-up, as for the issuer keys; so does a file made for another brand.
 */
export async function loadTagKeyring(
  settings: ReadonlyMap<number, TagKeystoreSetting>,
  logger?: Logger,
): Promise<TagKeyring> {
  const brands: BrandTagKeys[] = [];
  for (const [brandId, setting] of settings) {
    const password = setting.password();
    if (password === undefined || password === "")
      throw new SignerError(`No password for brand ${brandId}'s tag keystore: set ${setting.passwordEnv}`);
    const keys = await decryptTagKeystore(setting.keystore, password);
    if (keys.brandId !== brandId)
      throw new SignerError(
        `${setting.keystore} holds brand ${keys.brandId}'s tag keys, configured for brand ${brandId}`,
      );
    brands.push(keys);
    logger?.info(
      {
        brand: brandId,
        keys: keys.keys.map((key) => key.id),
        oracle: keys.oracle?.address ?? null,
        keystore: setting.keystore,
      },
      "tag master keys loaded",
    );
  }
  return new TagKeyring(brands);
}
