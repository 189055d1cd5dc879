import { NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import { tokenIdForSerial } from "./ids.js";
import { NoBrandSaltError } from "./proof-errors.js";
import { normaliseSerial } from "./serial-rule.js";
import type { SerialRule } from "./serial-rule.js";

/** What resolving a printed serial needs of this verifier's configuration (HALLMARK_BRAND_SALTS). */
export interface SerialKeys {
  brandSalts: ReadonlyMap<number, string>;
  /** How each brand's serials compare (server/verification/serial-rule.ts); absent: exact. */
  serialRules?: ReadonlyMap<number, SerialRule>;
}

/**
 * The certificate a printed serial names. The serial is compared by its brand's rule (normalised,
 * then hashed with the brand's salt, as at issuance); when that differs from the serial as asked,
 * the serial as asked is tried too, so that certificates minted before the brand declared its rule
 * stay resolvable. A serial that names none is a 404 naming the serial, never a hashed token id.
 */
export async function tokenIdOfSerial(
  index: IndexReader,
  keys: SerialKeys,
  brandId: number,
  serial: string,
): Promise<bigint> {
  if ((await index.getBrand(brandId)) === null) throw new NotFoundError(`No brand ${brandId}`);
  const salt = keys.brandSalts.get(brandId);
  if (salt === undefined)
    throw new NoBrandSaltError(
      `This verifier cannot resolve serials of brand ${brandId} (no salt configured)`,
    );
  const normalised = normaliseSerial(keys.serialRules?.get(brandId), serial);
  for (const candidate of normalised === serial ? [serial] : [normalised, serial]) {
    const tokenId = tokenIdForSerial(brandId, salt, candidate);
    if ((await index.getCertificate(tokenId.toString())) !== null) return tokenId;
  }
  throw new NotFoundError(`No certificate of brand ${brandId} has the serial ${JSON.stringify(serial)}`);
}
