import { NotFoundError } from "../errors.js";
import { brandOfToken } from "../issuer/serials.js";
import type { TagKeyring } from "../tags/keyring.js";
import type { SunMessage } from "../tags/sun.js";
import { isBoundTo } from "../tags/tag-binding.js";
import type { TapCounters } from "../tags/tap-counters.js";
import { issueTagClaimTicket, TAG_CLAIM_TICKET_SECONDS } from "../tags/tag-claim-ticket.js";
import type { TagTapView, TapResult } from "./answers/tag-tap.js";

import { resolveCertificate } from "./certificate.js";
import type { VerifierContext } from "./context.js";

export type { TagTapView } from "./answers/tag-tap.js";

/** What a verifier needs to answer taps: the brands' tag keys, the shared counters, the serial salts. */
export interface TagTapDependencies {
  keyring: TagKeyring;
  counters: TapCounters;
  brandSalts: ReadonlyMap<number, string>;
}

/**
 * A tap on an NTAG 424 DNA, checked in the order that lets nothing be learnt for free:
 * 1. the MAC, under the keys of the brands this verifier holds (no record for a forged link);
 * 2. the counter, recorded atomically in the shared store: a counter not above the last one seen
 *    is a link opened before, from a phone's history or someone else's screen;
 * 3. the binding: the certificate named in the link must be of the tag's brand and commit to the
 *    tag's UID in its verified document;
 * 4. the piece's own verdict (stolen, revoked, …) as its certificate page gives it.
 */
export async function verifyTagTap(
  context: VerifierContext,
  tags: TagTapDependencies,
  input: { tokenId: bigint; message: SunMessage; now?: number },
): Promise<TagTapView> {
  const tokenId = input.tokenId.toString();
  const refused = (result: "not_authentic" | "copied_link", tap: Partial<TagTapView["tap"]>): TagTapView => ({
    tokenId,
    tap: { result, reason: null, counter: null, lastCounter: null, brand: null, ...tap },
    copied: result === "copied_link",
    presence: { fresh: false, at: null },
    claim: null,
    // A copied link proves nothing either way about the piece: tap again. A forged one voids it.
    verdict: result === "copied_link" ? "caution" : "do_not_buy",
    certificate: null,
  });

  const verified = tags.keyring.verify(input.message);
  if (!verified.ok)
    return refused("not_authentic", { reason: verified.failure === "cmac" ? "cmac" : "unknown_key" });
  const { brandId, uid, counter } = verified;

  const tappedAt = input.now ?? Date.now();
  const record = await tags.counters.record({ brandId, uid }, counter, tappedAt);
  if (!record.fresh) return refused("copied_link", { brand: brandId, counter, lastCounter: record.last });

  const certificate = await resolveCertificate(context.index, context.documents, input.tokenId).catch(
    (error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    },
  );
  const answer = (result: TapResult, tap: Partial<TagTapView["tap"]>): TagTapView => ({
    tokenId,
    tap: { result, reason: null, counter: null, lastCounter: null, brand: null, ...tap },
    copied: false,
    presence: { fresh: false, at: null },
    claim: null,
    verdict:
      result === "authentic"
        ? (certificate?.verdict ?? "do_not_buy")
        : result === "unverified" && certificate?.verdict !== "do_not_buy"
          ? "caution"
          : "do_not_buy",
    certificate,
  });
  const tap = { brand: brandId, counter };
  if (certificate === null) return answer("unbound", { ...tap, reason: "no_certificate" });
  if (brandOfToken(input.tokenId) !== brandId) return answer("unbound", { ...tap, reason: "other_brand" });
  const salt = tags.brandSalts.get(brandId);
  const metadata = certificate.metadata;
  if (!metadata.verified || metadata.document === null)
    return answer("unverified", { ...tap, reason: "document_unverified" });
  const commitment = metadata.document.passport.tag?.uidCommitment;
  if (salt === undefined || commitment === undefined || !isBoundTo(commitment, salt, uid))
    return answer("unbound", { ...tap, reason: "not_bound" });
  const authentic = answer("authentic", tap);
  authentic.presence = { fresh: true, at: new Date(tappedAt).toISOString() };
  authentic.claim = await claimOffer(context, tags, input.tokenId, counter, certificate, tappedAt);
  return authentic;
}

/**
 * A claim ticket for this fresh tap, when a claim by presence would be accepted: the certificate is
 * active and in brand custody, or its owner opted in (the opt-in TagAttestedClaims shares with chip
 * claims), and this verifier holds the brand's oracle key. The contract decides in the end.
 */
async function claimOffer(
  context: VerifierContext,
  tags: TagTapDependencies,
  tokenId: bigint,
  counter: number,
  certificate: NonNullable<TagTapView["certificate"]>,
  tappedAt: number,
): Promise<TagTapView["claim"]> {
  const oracle = tags.keyring.oracle(brandOfToken(tokenId));
  if (oracle === null || certificate.status !== "active") return null;
  if (certificate.custody !== "brand_vault_unclaimed") {
    const record = await context.index.getCertificate(tokenId.toString());
    if (record?.chipClaimsEnabled !== true) return null;
  }
  const expiresAt = Math.floor(tappedAt / 1000) + TAG_CLAIM_TICKET_SECONDS;
  return {
    ticket: issueTagClaimTicket(oracle, { tokenId, counter, expiresAt }),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    oracle: oracle.address,
  };
}
