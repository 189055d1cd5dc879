import { NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import type { CertificateRecord, ChainRef, IssuerCompromise, ProvenanceEntry } from "../store/model.js";
import { MAX_PAGE_LIMIT } from "../store/IndexStore.js";
import { verifiedDocument } from "./committed-document.js";
import type { DocumentSource } from "./committed-document.js";
import { flagsOf, isSuspect, metadataFlagOf, verdictOf } from "./flags.js";
import type {
  CertificateListView,
  CertificateSummary,
  CertificateView,
  TwinView,
} from "./answers/certificate.js";
import type { ChainEventRef } from "./answers/chain-values.js";

/** The answers' shapes are their schemas' (./answers/certificate.ts), which the OpenAPI document is generated from. */
export type { ChainEventRef } from "./answers/chain-values.js";
export type {
  CertificateListView,
  CertificateSummary,
  CertificateView,
  Custody,
  TwinView,
} from "./answers/certificate.js";

export function chainEventRef(ref: ChainRef): ChainEventRef {
  return { block: ref.blockNumber, time: new Date(ref.timestamp * 1000).toISOString(), txHash: ref.txHash };
}

/** Every provenance entry of a certificate (only read when its brand has compromises to check against). */
async function allProvenance(index: IndexReader, tokenId: string): Promise<ProvenanceEntry[]> {
  const entries: ProvenanceEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await index.getProvenance(tokenId, { cursor, limit: MAX_PAGE_LIMIT });
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return entries;
}

async function suspectOf(
  index: IndexReader,
  record: CertificateRecord,
  compromises: readonly IssuerCompromise[],
  withProvenance: boolean,
): Promise<boolean> {
  if (compromises.length === 0) return false;
  return isSuspect(record, compromises, withProvenance ? await allProvenance(index, record.tokenId) : []);
}

export async function summarise(
  index: IndexReader,
  record: CertificateRecord,
  options: { withProvenance?: boolean } = {},
): Promise<CertificateSummary> {
  const [compromises, brand] = await Promise.all([
    index.compromisesOf(record.brandId),
    index.getBrand(record.brandId),
  ]);
  const suspect = await suspectOf(index, record, compromises, options.withProvenance ?? false);
  return {
    tokenId: record.tokenId,
    brand: { id: record.brandId, name: brand?.name ?? null },
    status: record.status,
    statusReason: record.statusReason,
    owner: record.owner,
    custody: record.inBrandCustody ? "brand_vault_unclaimed" : "owner",
    chip: { bound: record.chip !== null, address: record.chip },
    successor: record.successorId,
    predecessor: record.predecessorId,
    issuer: record.issuer,
    issued: chainEventRef(record.issued),
    flags: flagsOf(record, suspect, null),
  };
}

/**
 * A certificate as a buyer must see it: the indexed facts, its metadata document verified
 * against the on-chain digest, and every flag. IPFS being down degrades the answer (metadata
 * unverified, with the reason) instead of failing it; a document that does not match its
 * digest or its schema voids it (metadata_mismatch).
 */
export async function resolveCertificate(
  index: IndexReader,
  documents: DocumentSource,
  tokenId: bigint,
): Promise<CertificateView> {
  const record = await index.getCertificate(tokenId.toString());
  if (record === null) throw new NotFoundError(`No certificate ${tokenId.toString()}`);
  const summary = await summarise(index, record, { withProvenance: true });
  const twins = (await index.twinClaimsOfCertificate(record.tokenId)).map((claim): TwinView => ({
    designId: claim.designId,
    claimant: claim.owner,
    claimed: chainEventRef(claim),
  }));
  const metadata = await verifiedDocument(documents, "certificate-metadata", record.metadataDigest);
  const metadataFlag = metadataFlagOf(metadata);
  const flags = metadataFlag === null ? summary.flags : summary.flags.concat(metadataFlag);
  return { ...summary, flags, verdict: verdictOf(flags), metadata, twins };
}

/**
 * A certificate as a list shows it: the summary with every flag and the verdict, the metadata checked
 * against its digest (read through the document cache) but not included.
 */
export async function listedCertificate(
  index: IndexReader,
  documents: DocumentSource,
  record: CertificateRecord,
): Promise<CertificateListView> {
  const [summary, metadata] = await Promise.all([
    summarise(index, record, { withProvenance: true }),
    verifiedDocument(documents, "certificate-metadata", record.metadataDigest),
  ]);
  const metadataFlag = metadataFlagOf(metadata);
  const flags = metadataFlag === null ? summary.flags : summary.flags.concat(metadataFlag);
  return {
    ...summary,
    flags,
    verdict: verdictOf(flags),
    metadata: {
      cid: metadata.cid,
      digest: metadata.digest,
      verified: metadata.verified,
      ...(metadata.reason === undefined ? {} : { reason: metadata.reason }),
    },
  };
}
