import { z } from "zod";

/**
 * What a buyer must see before trusting a certificate (the rules: ../flags.ts).
 * - metadata_mismatch: the document IPFS returned is not the one committed on-chain, or not a valid one: never shown as valid.
 * - metadata_unverified: the document could not be checked (IPFS down, slow, missing, too large): the check is pending, not failed.
 * - gtin_mismatch (Digital Link answers only): the GTIN on the label is not the one the certificate's passport
 *   commits to (a real serial copied onto another product's label). See ../digital-link.ts.
 * - gtin_unconfirmed (Digital Link answers only): the passport gives no GTIN (or could not be read), so the
 *   label's product number is unconfirmed.
 */
export const CertificateFlag = z.enum([
  "stolen",
  "revoked",
  "superseded",
  "suspect_issuer",
  "metadata_mismatch",
  "metadata_unverified",
  "gtin_mismatch",
  "gtin_unconfirmed",
]);
export type CertificateFlag = z.output<typeof CertificateFlag>;

export const CertificateFlags = z
  .array(CertificateFlag)
  .describe(
    "What a buyer must see. metadata_mismatch: the document IPFS returned does not hash to the on-chain digest or is not a valid document (verdict do_not_buy); metadata_unverified: it could not be checked right now (verdict caution). Digital Link answers only: gtin_mismatch, the label's GTIN is not the passport's (do_not_buy); gtin_unconfirmed, the passport gives no GTIN or was not verified (caution). Every other flag means do_not_buy.",
  );

/** genuine: no flag; caution: the facts hold but a check could not be completed; do_not_buy: a flag that voids it. */
export const Verdict = z.enum(["genuine", "caution", "do_not_buy"]);
export type Verdict = z.output<typeof Verdict>;
