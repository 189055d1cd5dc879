import { z } from "zod";
import { CertificateView } from "./certificate.js";

/** What the answer to a GS1 Digital Link says about the label's GTIN (the rules: ../digital-link.ts). */

const Gtin14 = z.string().regex(/^[0-9]{14}$/);

export const GtinCheck = z
  .enum(["match", "mismatch", "unconfirmed"])
  .describe("mismatch raises gtin_mismatch, unconfirmed gtin_unconfirmed");
export type GtinCheck = z.output<typeof GtinCheck>;

export const DigitalLinkView = z
  .object({
    /** The link's GTIN as GTIN-14. */
    gtin: Gtin14,
    /** The GTIN the verified passport commits to, as GTIN-14; null when it gives none or was not verified. */
    passportGtin: Gtin14.nullable(),
    gtinCheck: GtinCheck,
  })
  .describe("The label's GTIN checked against the one the verified passport commits to (both as GTIN-14)");
export type DigitalLinkView = z.output<typeof DigitalLinkView>;

export const DigitalLinkAnswer = CertificateView.extend({ digitalLink: DigitalLinkView });
export type DigitalLinkAnswer = z.output<typeof DigitalLinkAnswer>;
