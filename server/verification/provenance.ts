import { NotFoundError } from "../errors.js";
import { digestToCid } from "../ipfs/commitment.js";
import type { IndexReader, Page, PageRequest } from "../store/IndexStore.js";
import type { ProvenanceEventView } from "./answers/provenance.js";
import { verifiedDocument } from "./committed-document.js";
import type { DocumentSource } from "./committed-document.js";
import { compromiseCovering } from "./flags.js";

/** The answer's shape is its schema's (./answers/provenance.ts), which the OpenAPI document is generated from. */
export type { ProvenanceEventView } from "./answers/provenance.js";

/** Events whose details digest commits to the certificate's metadata rather than to an event report. */
const METADATA_EVENTS: ReadonlySet<string> = new Set(["issued", "metadata_updated", "succeeded"]);

/**
 * Each event's details read from IPFS and checked against the digest the chain holds, as a
 * certificate's metadata is: a document that does not match is flagged (`verified: false` with the
 * reason) and never shown.
 */
async function withDetails(
  documents: DocumentSource,
  events: ProvenanceEventView[],
): Promise<ProvenanceEventView[]> {
  return Promise.all(
    events.map(async (event) => {
      if (event.details === null) return event;
      const kind = METADATA_EVENTS.has(event.kind) ? "certificate-metadata" : "provenance-details";
      const checked = await verifiedDocument(documents, kind, event.details.digest);
      return { ...event, details: { ...checked, digest: event.details.digest } };
    }),
  );
}

/** Every detail of a page read and verified: only such a page may be cached. */
export function detailsAllVerified(events: readonly ProvenanceEventView[]): boolean {
  return events.every((event) => event.details === null || event.details.verified !== false);
}

/** The life of a certificate in chain order, a page at a time; `documents` given: each event's details inline, verified. */
export async function provenanceOf(
  index: IndexReader,
  tokenId: bigint,
  page: PageRequest,
  documents?: DocumentSource,
): Promise<Page<ProvenanceEventView>> {
  const id = tokenId.toString();
  // The page first: a malformed cursor is a 400 whether or not the certificate exists.
  const entries = await index.getProvenance(id, page);
  const certificate = await index.getCertificate(id);
  if (certificate === null) throw new NotFoundError(`No certificate ${id}`);
  const compromises = await index.compromisesOf(certificate.brandId);
  const items = entries.items.map((entry): ProvenanceEventView => ({
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
  }));
  return {
    nextCursor: entries.nextCursor,
    items: documents === undefined ? items : await withDetails(documents, items),
  };
}
