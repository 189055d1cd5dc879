/**
 * Rows to records and back: column names, checksummed addresses, JSON-encoded chain references,
 * 0/1 booleans. Shared by reads.ts and writes.ts; no SQL here.
 */
import type { SQLInputValue } from "node:sqlite";
import { checksumAddress as getAddress } from "../address.js";
import type { BlockRef } from "../IndexStore.js";
import type {
  BrandRecord,
  CertificateRecord,
  CertificateStatus,
  ChainRef,
  DesignRecord,
  GarmentBalance,
  IssuerCompromise,
  ProvenanceEntry,
  ProvenanceKind,
  RoleGrant,
  RoleName,
  TwinClaim,
} from "../model.js";
import type { Row } from "./connection.js";

export const lc = (address: string): string => address.toLowerCase();
export const checksum = (address: string | null): string | null =>
  address === null ? null : getAddress(address);
export const bool = (v: SQLInputValue): boolean => v === 1 || v === 1n;
export const num = (v: SQLInputValue): number => Number(v);
export const str = (v: SQLInputValue): string => v as string;
export const strOrNull = (v: SQLInputValue): string | null => (v === null ? null : (v as string));

const ref = (json: SQLInputValue): ChainRef => JSON.parse(str(json)) as ChainRef;
export function brandFromRow(r: Row): BrandRecord {
  return {
    brandId: num(r.brand_id),
    name: str(r.name),
    metadataURI: str(r.metadata_uri),
    admin: str(r.admin),
    vault: str(r.vault),
    royaltyReceiver: strOrNull(r.royalty_receiver),
    royaltyBps: num(r.royalty_bps),
    paused: bool(r.paused),
    pausedReason: strOrNull(r.paused_reason),
    registered: ref(r.registered),
    tokenURIBase: strOrNull(r.token_uri_base),
    garmentURIBase: strOrNull(r.garment_uri_base),
    certificateCount: r.certificate_count === undefined ? 0 : num(r.certificate_count),
  };
}

export function certificateFromRow(r: Row): CertificateRecord {
  return {
    tokenId: str(r.token_id),
    brandId: num(r.brand_id),
    owner: str(r.owner),
    inBrandCustody: r.vault_lc !== undefined && r.vault_lc === r.owner_lc,
    status: str(r.status) as CertificateStatus,
    statusReason: strOrNull(r.status_reason),
    statusChangedAt: r.status_changed_at === null ? null : ref(r.status_changed_at),
    metadataDigest: str(r.metadata_digest),
    metadataUpdatedBy: str(r.metadata_updated_by),
    metadataUpdatedAtBlock: num(r.metadata_updated_block),
    issuer: str(r.issuer),
    issued: {
      blockNumber: num(r.issued_block),
      blockHash: str(r.issued_hash),
      txHash: str(r.issued_tx),
      logIndex: num(r.issued_log),
      timestamp: num(r.issued_time),
    },
    chip: strOrNull(r.chip),
    claimKey: strOrNull(r.claim_key),
    chipClaimsEnabled: bool(r.chip_claims_enabled),
    successorId: strOrNull(r.successor_id),
    predecessorId: strOrNull(r.predecessor_id),
    updatedAtBlock: num(r.updated_block),
  };
}

export function certificateToRow(c: Partial<Omit<CertificateRecord, "inBrandCustody">>): Row {
  const row: Row = {};
  if (c.tokenId !== undefined) row.token_id = c.tokenId;
  if (c.brandId !== undefined) row.brand_id = c.brandId;
  if (c.owner !== undefined) {
    row.owner = getAddress(c.owner);
    row.owner_lc = lc(c.owner);
  }
  if (c.status !== undefined) row.status = c.status;
  if (c.statusReason !== undefined) row.status_reason = c.statusReason;
  if (c.statusChangedAt !== undefined)
    row.status_changed_at = c.statusChangedAt === null ? null : JSON.stringify(c.statusChangedAt);
  if (c.metadataDigest !== undefined) row.metadata_digest = c.metadataDigest;
  if (c.metadataUpdatedBy !== undefined) row.metadata_updated_by = getAddress(c.metadataUpdatedBy);
  if (c.metadataUpdatedAtBlock !== undefined) row.metadata_updated_block = c.metadataUpdatedAtBlock;
  if (c.issuer !== undefined) row.issuer = getAddress(c.issuer);
  if (c.issued !== undefined) {
    row.issued_block = c.issued.blockNumber;
    row.issued_log = c.issued.logIndex;
    row.issued_hash = c.issued.blockHash;
    row.issued_tx = c.issued.txHash;
    row.issued_time = c.issued.timestamp;
  }
  if (c.chip !== undefined) row.chip = checksum(c.chip);
  if (c.claimKey !== undefined) row.claim_key = checksum(c.claimKey);
  if (c.chipClaimsEnabled !== undefined) row.chip_claims_enabled = c.chipClaimsEnabled ? 1 : 0;
  if (c.successorId !== undefined) row.successor_id = c.successorId;
  if (c.predecessorId !== undefined) row.predecessor_id = c.predecessorId;
  if (c.updatedAtBlock !== undefined) row.updated_block = c.updatedAtBlock;
  return row;
}

export function provenanceFromRow(r: Row): ProvenanceEntry {
  return {
    id: num(r.id),
    tokenId: str(r.token_id),
    kind: str(r.kind) as ProvenanceKind,
    actor: strOrNull(r.actor),
    actorRoles: JSON.parse(str(r.actor_roles)) as RoleName[],
    from: strOrNull(r.from_addr),
    to: strOrNull(r.to_addr),
    detailsDigest: strOrNull(r.details_digest),
    conditionGrade: r.condition_grade === null ? null : num(r.condition_grade),
    reason: strOrNull(r.reason),
    relatedTokenId: strOrNull(r.related_token_id),
    blockNumber: num(r.block_number),
    blockHash: str(r.block_hash),
    txHash: str(r.tx_hash),
    logIndex: num(r.log_index),
    timestamp: num(r.timestamp),
  };
}

export function provenanceToRow(e: Partial<Omit<ProvenanceEntry, "id">>): Row {
  const row: Row = {};
  if (e.tokenId !== undefined) row.token_id = e.tokenId;
  if (e.kind !== undefined) row.kind = e.kind;
  if (e.actor !== undefined) row.actor = checksum(e.actor);
  if (e.actorRoles !== undefined) row.actor_roles = JSON.stringify(e.actorRoles);
  if (e.from !== undefined) row.from_addr = checksum(e.from);
  if (e.to !== undefined) row.to_addr = checksum(e.to);
  if (e.detailsDigest !== undefined) row.details_digest = e.detailsDigest;
  if (e.conditionGrade !== undefined) row.condition_grade = e.conditionGrade;
  if (e.reason !== undefined) row.reason = e.reason;
  if (e.relatedTokenId !== undefined) row.related_token_id = e.relatedTokenId;
  if (e.blockNumber !== undefined) row.block_number = e.blockNumber;
  if (e.blockHash !== undefined) row.block_hash = e.blockHash;
  if (e.txHash !== undefined) row.tx_hash = e.txHash;
  if (e.logIndex !== undefined) row.log_index = e.logIndex;
  if (e.timestamp !== undefined) row.timestamp = e.timestamp;
  return row;
}

export function designFromRow(r: Row): DesignRecord {
  return {
    designId: str(r.design_id),
    brandId: num(r.brand_id),
    creator: str(r.creator),
    maxSupply: num(r.max_supply),
    minted: num(r.minted),
    burned: num(r.burned),
    closesAt: num(r.closes_at),
    locked: bool(r.locked),
    redeemable: bool(r.redeemable),
    royaltyReceiver: strOrNull(r.royalty_receiver),
    royaltyBps: num(r.royalty_bps),
    metadataDigest: str(r.metadata_digest),
    twinCollectionRoot: strOrNull(r.twin_collection_root),
    created: ref(r.created_at),
    twinClaimCount: r.twin_claim_count === undefined ? 0 : num(r.twin_claim_count),
  };
}

export function balanceFromRow(r: Row): GarmentBalance {
  return {
    designId: str(r.design_id),
    brandId: num(r.brand_id),
    owner: str(r.owner),
    balance: str(r.balance),
    updatedAtBlock: num(r.updated_block),
  };
}

export function twinFromRow(r: Row): TwinClaim {
  return {
    designId: str(r.design_id),
    certificateId: str(r.certificate_id),
    owner: str(r.owner),
    blockNumber: num(r.block_number),
    blockHash: str(r.block_hash),
    txHash: str(r.tx_hash),
    logIndex: num(r.log_index),
    timestamp: num(r.timestamp),
  };
}

export function grantFromRow(r: Row): RoleGrant {
  return {
    brandId: num(r.brand_id),
    role: str(r.role) as RoleName,
    account: str(r.account),
    grantedBy: str(r.granted_by),
    grantedAt: ref(r.granted_at),
    revokedAtBlock: r.revoked_block === null ? null : num(r.revoked_block),
    revokedBy: strOrNull(r.revoked_by),
  };
}

export function compromiseFromRow(r: Row): IssuerCompromise {
  return {
    brandId: num(r.brand_id),
    issuer: str(r.issuer),
    fromBlock: num(r.from_block),
    declaredBy: str(r.declared_by),
    blockNumber: num(r.block_number),
    blockHash: str(r.block_hash),
    txHash: str(r.tx_hash),
    logIndex: num(r.log_index),
    timestamp: num(r.timestamp),
  };
}

export function blockFromRow(r: Row): BlockRef {
  return {
    number: num(r.number),
    hash: str(r.hash),
    parentHash: str(r.parent_hash),
    timestamp: num(r.timestamp),
  };
}
