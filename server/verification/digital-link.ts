import { NotFoundError, UnprocessableError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import type { DigitalLinkAnswer, GtinCheck } from "./answers/digital-link.js";
import type { CertificateView } from "./certificate.js";
import type { CertificateFlag } from "./flags.js";
import { verdictOf } from "./flags.js";
import { brandForGtin, parseGtin } from "./gs1.js";
import { tokenIdOfSerial } from "./serial.js";
import type { SerialRule } from "./serial-rule.js";

/**
 * A GS1 Digital Link (`/01/{gtin}/21/{serial}`) names a product (the GTIN) and a piece (the serial).
 * The serial finds the certificate; the GTIN must then be the one the certificate commits to, or a
 * real serial copied onto another product's label (or onto a counterfeit with any well-formed GTIN)
 * would show the real piece's verdict. The rules:
 *
 * - Brand: the GTIN's GS1 company prefix picks the brand (HALLMARK_GS1_PREFIXES). `?brand=` may name
 *   the brand of a GTIN whose prefix this verifier does not know, but never override a prefix that
 *   belongs to another brand (GtinBrandConflictError, 422). A GTIN of no configured prefix and no
 *   `?brand=` names no brand (404).
 * - Product: the passport's `gtin` (in the metadata document, verified against the on-chain digest)
 *   is compared with the link's, both as GTIN-14. Equal: nothing is added. Different: `gtin_mismatch`,
 *   verdict do_not_buy. No GTIN in the passport, or a document that could not be verified:
 *   `gtin_unconfirmed`, verdict at least caution (the label's product number could not be confirmed).
 */

/** The answers' shapes are their schemas' (./answers/digital-link.ts), which the OpenAPI document is generated from. */
export type { DigitalLinkAnswer, DigitalLinkView, GtinCheck } from "./answers/digital-link.js";

/** `?brand=` names a brand other than the one the GTIN's company prefix belongs to. */
export class GtinBrandConflictError extends UnprocessableError {
  readonly type: string = "gtin-brand-conflict";
}

export interface DigitalLink {
  /** GTIN-14 (parsed, check digit verified). */
  gtin: string;
  serial: string;
  /** `?brand=`, if the link carries one. */
  brand?: number;
}

export interface Gs1Settings {
  gs1Prefixes: ReadonlyMap<string, number>;
  brandSalts: ReadonlyMap<number, string>;
  serialRules?: ReadonlyMap<number, SerialRule>;
}

/** The brand a Digital Link names (the rules above). */
export function brandOfDigitalLink(
  prefixes: ReadonlyMap<string, number>,
  gtin14: string,
  explicitBrand?: number,
): number {
  const prefixBrand = brandForGtin(prefixes, gtin14);
  if (explicitBrand !== undefined) {
    if (prefixBrand !== null && prefixBrand !== explicitBrand) {
      throw new GtinBrandConflictError(
        `GTIN ${gtin14} belongs to brand ${prefixBrand}, not brand ${explicitBrand}`,
      );
    }
    return explicitBrand;
  }
  if (prefixBrand === null) throw new NotFoundError(`No brand is configured for GTIN ${gtin14}; add ?brand=`);
  return prefixBrand;
}

/** The token id a Digital Link's serial resolves to (NotFoundError for an unknown brand). */
export function tokenIdOfDigitalLink(
  index: IndexReader,
  settings: Gs1Settings,
  link: DigitalLink,
): Promise<bigint> {
  const brandId = brandOfDigitalLink(settings.gs1Prefixes, link.gtin, link.brand);
  return tokenIdOfSerial(index, settings, brandId, link.serial);
}

/** The certificate as `view` shows it, checked against the GTIN a label names. */
export function withGtinCheck(view: CertificateView, gtin14: string): DigitalLinkAnswer {
  const committed = view.metadata.verified ? view.metadata.document?.passport.gtin : undefined;
  // The schema checked the passport's GTIN (length, check digit); parsing only pads it to 14 digits.
  const passportGtin = committed === undefined ? null : parseGtin(committed);
  const gtinCheck: GtinCheck =
    passportGtin === null ? "unconfirmed" : passportGtin === gtin14 ? "match" : "mismatch";
  const flag: CertificateFlag | null =
    gtinCheck === "mismatch" ? "gtin_mismatch" : gtinCheck === "unconfirmed" ? "gtin_unconfirmed" : null;
  const flags = flag === null ? view.flags : view.flags.concat(flag);
  return {
    ...view,
    flags,
    verdict: verdictOf(flags),
    digitalLink: { gtin: gtin14, passportGtin, gtinCheck },
  };
}
