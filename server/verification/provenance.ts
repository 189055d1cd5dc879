import { NotFoundError } from "../errors.js";
import { digestToCid } from "../ipfs/commitment.js";
import type { IndexReader, Page, PageRequest } from "../store/IndexStore.js";
import type { ProvenanceEventView } from "./answers/provenance.js";
import { compromiseCovering } from "./flags.js";

/** The answer's shape is its schema's (./answers/provenance.ts), which the OpenAPI document is generated from. */
export type { ProvenanceEventView } from "./answers/provenance.js";

/** The life of a certificate in chain order, a page at a time. */
export async function provenanceOf(
  index: IndexReader,
  tokenId: bigint,
  page: PageRequest,
): Promise<Page<ProvenanceEventView>> {
  const id = tokenId.toString();
  // The page first: a malformed cursor is a 400 whether or not the certificate exists.
  const entries = await index.getProvenance(id, page);
  const certificate = await index.getCertificate(id);
  if (certificate === null) throw new NotFoundError(`No certificate ${id}`);
  const compromises = await index.compromisesOf(certificate.brandId);
  return {
    nextCursor: entries.nextCursor,
    items: entries.items.map((entry) => ({
      kind: entry.kind,
      actor: entry.actor,
      actorRoles: entry.actorRoles,
      from: entry.from,
      to: entry.to,
      details:
        entry.detailsDigest === null
          ? null
          : { digest: entry.detailsDigest, cid: digestToCid(entry.detailsDigest).toString() },
      conditionGrade: entry.conditionGrade,
      reason: entry.reason,
      relatedTokenId: entry.relatedTokenId,
      suspect: compromiseCovering(compromises, entry.actor, entry.blockNumber) !== null,
      block: entry.blockNumber,
      logIndex: entry.logIndex,
      time: new Date(entry.timestamp * 1000).toISOString(),
      txHash: entry.txHash,
    })),
  };
}
