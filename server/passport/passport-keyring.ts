import { inspect } from "node:util";
import type { Logger } from "pino";
import { SignerError } from "../issuer/errors.js";
import type { RestrictedTier } from "../metadata/textile-passport.js";
import { decryptPassportKeystore } from "./passport-keystore.js";
import type { BrandPassportKeys, PassportContentKey } from "./passport-keystore.js";
import { kidOf } from "./section-cipher.js";

export interface PassportKeystoreSetting {
  keystore: string;
  passwordEnv: string;
  password(): string | undefined;
}

/**
 * The passport content keys a verifier holds, decrypted at start from each brand's passport
 * keystore (HALLMARK_PASSPORT_KEYSTORES). A brand without one here has its restricted sections
 * unreadable on this verifier: asked for them, it answers 503, never a plaintext it cannot have.
 */
export class PassportKeyring {
  readonly #byBrand: Map<number, readonly PassportContentKey[]>;

  constructor(brands: Iterable<BrandPassportKeys>) {
    this.#byBrand = new Map([...brands].map((brand) => [brand.brandId, brand.keys]));
  }

  get brands(): number[] {
    return [...this.#byBrand.keys()];
  }

  /** The key a section names (`interest-1`), or undefined when this verifier does not hold it. */
  key(brandId: number, tier: RestrictedTier, kid: string): PassportContentKey | undefined {
    return this.#byBrand.get(brandId)?.find((key) => key.tier === tier && kidOf(key) === kid);
  }

  toJSON(): { brands: number[] } {
    return { brands: this.brands };
  }

  [inspect.custom](): string {
    return `PassportKeyring(brands: ${this.brands.join(", ") || "none"})`;
  }
}

/** Decrypts every configured brand's passport keystore; a missing or wrong password stops the start. */
export async function loadPassportKeyring(
  settings: ReadonlyMap<number, PassportKeystoreSetting>,
  logger?: Logger,
): Promise<PassportKeyring> {
  const brands: BrandPassportKeys[] = [];
  for (const [brandId, setting] of settings) {
    const password = setting.password();
    if (password === undefined || password === "")
      throw new SignerError(
        `No password for brand ${brandId}'s passport keystore: set ${setting.passwordEnv}`,
      );
    const keys = await decryptPassportKeystore(setting.keystore, password);
    if (keys.brandId !== brandId)
      throw new SignerError(
        `${setting.keystore} holds brand ${keys.brandId}'s passport keys, configured for brand ${brandId}`,
      );
    brands.push(keys);
    logger?.info(
      { brand: brandId, keys: keys.keys.map((key) => kidOf(key)), keystore: setting.keystore },
      "passport content keys loaded",
    );
  }
  return new PassportKeyring(brands);
}
