import { NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import { tokenIdForSerial } from "./ids.js";
import { NoBrandSaltError } from "./proof-errors.js";

/** Resolving a printed serial needs the brand's salt, which only this verifier's configuration holds. */
export async function tokenIdOfSerial(
  index: IndexReader,
  salts: ReadonlyMap<number, string>,
  brandId: number,
  serial: string,
): Promise<bigint> {
  if ((await index.getBrand(brandId)) === null) throw new NotFoundError(`No brand ${brandId}`);
  const salt = salts.get(brandId);
  if (salt === undefined)
    throw new NoBrandSaltError(
      `This verifier cannot resolve serials of brand ${brandId} (no salt configured)`,
    );
  return tokenIdForSerial(brandId, salt, serial);
}
