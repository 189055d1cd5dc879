import { z } from "zod";
import { AddressString, DecimalString, IsoTime } from "./chain-values.js";
import { CertificateView } from "./certificate.js";
import { Verdict } from "./flags.js";

/**
 * What a tap on an NTAG 424 DNA answers (built by ../tag-tap.ts).
 * - authentic: a tag of the piece's brand made this link, it was never opened here before, and the
 *   certificate commits to this tag;
 * - copied_link: the tag made it, but a tap with this counter (or a later one) was already seen:
 *   the link was copied or replayed, not tapped; tap the tag on the piece;
 * - not_authentic: no tag personalised under a key this verifier holds made it (bad MAC, or a
 *   tag of no known brand): a forged link or a counterfeit tag;
 * - unbound: an authentic tag, but the certificate named in the link does not commit to it (no such
 *   certificate, another brand's, or a tag moved from another piece);
 * - unverified: the tag is authentic but the binding could not be checked (the certificate's
 *   document is unreadable right now).
 */
export const TapResult = z.enum(["authentic", "copied_link", "not_authentic", "unbound", "unverified"]);
export type TapResult = z.output<typeof TapResult>;

export const TapReason = z
  .enum(["cmac", "unknown_key", "no_certificate", "other_brand", "not_bound", "document_unverified"])
  .describe(
    "Why a tap is not authentic or not bound: cmac (the MAC is wrong), unknown_key (no brand key here decrypts it), no_certificate, other_brand (the certificate is another brand's), not_bound (the certificate commits to no tag or another), document_unverified (its document could not be read)",
  );

export const TagTapView = z.object({
  tokenId: DecimalString,
  tap: z.object({
    result: TapResult,
    reason: TapReason.nullable(),
    /** The tap's counter, when the MAC holds. */
    counter: z.number().int().nullable(),
    /** With copied_link: the last counter already seen for this tag. */
    lastCounter: z.number().int().nullable(),
    brand: z.number().int().nullable(),
  }),
  /** true when the link was already used: the API's flag for a copied link. */
  copied: z.boolean(),
  presence: z
    .object({
      fresh: z.boolean(),
      at: IsoTime.nullable(),
    })
    .describe(
      "Proof of physical presence: fresh is true only for an authentic tap of this piece's bound tag never seen before, recorded at `at`: the tag was at the phone that opened the link then. A resale check may take it as the piece being in hand; a copied link proves nothing",
    ),
  claim: z
    .object({
      ticket: z.string().describe("Hand back with a recipient to POST /v1/taps/{tokenId}/claims"),
      expiresAt: IsoTime,
      oracle: AddressString.describe("The brand's tag oracle, which will sign the TagClaim attestation"),
    })
    .nullable()
    .describe(
      "Offered after a fresh tap when the piece may be claimed by presence (brand custody, or its owner opted in) and this verifier holds the brand's tag oracle key",
    ),
  verdict: Verdict.describe(
    "genuine only for an authentic, fresh, bound tap on a certificate whose own verdict is genuine; caution for a copied link or an unverifiable binding; do_not_buy otherwise",
  ),
  certificate: CertificateView.nullable().describe("The piece named in the link, when it exists"),
});
export type TagTapView = z.output<typeof TagTapView>;
