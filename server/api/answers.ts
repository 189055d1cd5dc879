import { z } from "zod";
import { BrandSummary, BrandView, DesignView, OwnerItemView } from "../verification/answers/catalogue.js";
import { CertificateListView, CertificateView } from "../verification/answers/certificate.js";
import { AddressString, DecimalString } from "../verification/answers/chain-values.js";
import { ChipChallengeView, ChipProofResult } from "../verification/answers/chip.js";
import { DigitalLinkAnswer } from "../verification/answers/digital-link.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { Problem } from "../http/problem-document.js";
import {
  OwnershipChallengeState,
  OwnershipChallengeView,
  OwnershipProofResult,
} from "../verification/answers/ownership.js";
import { ProvenanceEventView } from "../verification/answers/provenance.js";

/**
 * What the verifier's routes send: the answers of server/verification with the index's freshness
 * every answer carries (sendJson adds it), and the pages of the lists. server/api/openapi.ts names
 * them as the document's components; the API walkthrough checks real answers against them.
 */

function withIndex<Shape extends z.ZodRawShape>(answer: z.ZodObject<Shape>) {
  return answer.extend({ index: IndexFreshness });
}

/** A page of `item`s with the cursor of the next one (null on the last page), as every list answer is. */
function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), index: IndexFreshness });
}

export const Certificate = withIndex(CertificateView);
export const DigitalLinkCertificate = withIndex(DigitalLinkAnswer);

/** A row of GET /v1/certificates: the summary, its verdict, and its metadata checked (by digest and CID). */
export const CertificateListItem = CertificateListView;
export const CertificatePage = pageOf(CertificateListItem);

/**
 * POST /v1/certificates/lookup: one answer per item asked, in the same order — the certificate as
 * `GET /v1/certificates/{tokenId}` answers it (without `index`, which the envelope carries once), or
 * the problem that item alone met (a 404 for an unknown serial, a 400 for a malformed item, …).
 */
export const LookupAnswer = withIndex(
  z.object({
    items: z.array(z.union([CertificateView, Problem])),
  }),
);
export const ProvenancePage = pageOf(ProvenanceEventView).extend({ tokenId: DecimalString });
export const OwnerItemPage = pageOf(OwnerItemView).extend({ owner: AddressString });
export const BrandPage = pageOf(BrandSummary);

export const Brand = withIndex(BrandView);
export const Design = withIndex(DesignView);

export const OwnershipChallenge = withIndex(OwnershipChallengeView);
export const OwnershipProof = withIndex(OwnershipProofResult);
const [pending, proven, closed] = OwnershipChallengeState.options;
export const OwnershipChallengeWatch = z
  .discriminatedUnion("state", [withIndex(pending), withIndex(proven), withIndex(closed)])
  .describe(OwnershipChallengeState.description ?? "");
export const ChipChallenge = withIndex(ChipChallengeView);
export const ChipProof = withIndex(ChipProofResult);

/** The backup copy on /readyz (#19): counts, and the missing roots oldest first (up to 20). */
export const BackupStatus = z
  .object({
    store: z.string().describe("The backup store: kubo <origin> or pinning service <origin>"),
    replicated: z.int().min(0),
    missing: z.int().min(0),
    missingItems: z.array(
      z.object({
        cid: z.string(),
        attempts: z.int().min(0),
        lastError: z.string().nullable(),
        lastAttemptAt: z.number().nullable().describe("Milliseconds since the epoch"),
      }),
    ),
  })
  .describe("Only with HALLMARK_BACKUP_IPFS: every root the store keeps, replicated or still missing");

export const Health = z.object({
  status: z.enum(["ok", "ready"]),
  backup: BackupStatus.optional(),
  index: IndexFreshness,
});
