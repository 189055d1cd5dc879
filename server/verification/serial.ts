import { NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import { brandForGtin } from "./gs1.js";
import { tokenIdForSerial } from "./ids.js";
import { NoBrandSaltError } from "./proof-errors.js";

/** Resolving a printed serial needs the brand's salt, which only this verifier's configuration holds. */
export async function tokenIdOfSerial(index: IndexReader, salts: ReadonlyMap<number, string>, brandId: number, serial: string): Promise<bigint> {
  if ((await index.getBrand(brandId)) === null) throw new NotFoundError(`No brand ${brandId}`);
  const salt = salts.get(brandId);
  if (salt === undefined) throw new NoBrandSaltError(`This verifier cannot resolve serials of brand ${brandId} (no salt configured)`);
  return tokenIdForSerial(brandId, salt, serial);
}

/** The brand of a GS1 Digital Link: `?brand=` when given, else the GTIN's company prefix. */
export function brandOfGtin(prefixes: ReadonlyMap<string, number>, gtin14: string, explicitBrand?: number): number {
  if (explicitBrand !== undefined) return explicitBrand;
  const brandId = brandForGtin(prefixes, gtin14);
  if (brandId === null) throw new NotFoundError(`No brand is configured for GTIN ${gtin14}; add ?brand=`);
  return brandId;
}
