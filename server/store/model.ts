/**
 * The index's domain records: what the indexer derives from the contracts' events and what the API
 * reads. Plain data, JSON-friendly, no behaviour.
 *
 * Conventions (every record):
 * - addresses are EIP-55 checksummed strings; query arguments are matched case-insensitively;
 * - 256-bit ids (certificate token ids, design ids) and 256-bit amounts are decimal strings;
 * - brand ids (uint32), block numbers and unix timestamps (seconds) are numbers;
 * - digests and hashes are 0x-prefixed lowercase hex (32 bytes);
 * - `null` means "not set" (no chip, no successor, unknown time, …), never "unknown to the index".
 */

/** The per-brand roles of BrandRoles.sol, by name; an unknown role hash is kept as its hex. */
export type BrandRole = "BRAND_ADMIN" | "ISSUER" | "RESALE_PARTNER" | "REPAIRER" | "TAG_ORACLE";
/** A role as indexed: a known name or the raw bytes32 of a role this version does not know. */
export type RoleName = BrandRole | `0x${string}`;

/** Where an indexed fact comes from on chain. */
export interface ChainRef {
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  /** Block timestamp (unix seconds). */
  timestamp: number;
}

export interface BrandRecord {
  brandId: number;
  name: string;
  metadataURI: string;
  /** The admin named at registration (current admins: rolesOf / listRoleHolders). */
  admin: string;
  /** Custody vault: a certificate owned by it is "in brand custody, unclaimed". */
  vault: string;
  /** Default EIP-2981 royalty; null receiver when never set. */
  royaltyReceiver: string | null;
  royaltyBps: number;
  paused: boolean;
  pausedReason: string | null;
  registered: ChainRef;
  /** Base of the certificates' token URIs (TokenURIBaseChanged), null when unset. */
  tokenURIBase: string | null;
  /** Base of the garments' URIs (URIBaseChanged), null when unset. */
  garmentURIBase: string | null;
  /** Counts, maintained by the store. */
  certificateCount: number;
}

/** One holding of a role by an account for a brand, with the interval it held it. */
export interface RoleGrant {
  brandId: number;
  role: RoleName;
  account: string;
  grantedBy: string;
  grantedAt: ChainRef;
  /** Block at which the role was revoked (or lost by compromise), null while held. */
  revokedAtBlock: number | null;
  revokedBy: string | null;
}

export type CertificateStatus = "active" | "stolen" | "revoked";

export interface CertificateRecord {
  /** uint256 token id as a decimal string. */
  tokenId: string;
  /** Top 32 bits of the token id. */
  brandId: number;
  owner: string;
  /** Whether `owner` is the brand's current vault (computed at read time). */
  inBrandCustody: boolean;
  status: CertificateStatus;
  /** Reason given with the last status change, null when never changed. */
  statusReason: string | null;
  statusChangedAt: ChainRef | null;
  /** sha256 of the current metadata document (CertificateIssued, then MetadataDigestUpdated). */
  metadataDigest: string;
  /** Who committed the current metadata digest, and when (issuer at issuance, then the updater). */
  metadataUpdatedBy: string;
  metadataUpdatedAtBlock: number;
  /** The issuer key that minted the certificate (CertificateIssued.issuer). */
  issuer: string;
  issued: ChainRef;
  /** NFC chip key bound at mint, null when none. */
  chip: string | null;
  /** Current one-time claim key, null when none or used. */
  claimKey: string | null;
  chipClaimsEnabled: boolean;
  /** Decimal token id of the certificate that replaced this one, or null. */
  successorId: string | null;
  /** Decimal token id of the certificate this one replaced, or null. */
  predecessorId: string | null;
  /** Block of the last event that touched this certificate. */
  updatedAtBlock: number;
}

export type ProvenanceKind =
  | "issued"
  | "transfer"
  | "claimed_with_code"
  | "claimed_with_chip"
  | "claimed_with_tag"
  | "sale"
  | "authenticated_resale"
  | "repair"
  | "inspection"
  | "stolen"
  | "revoked"
  | "restored"
  | "metadata_updated"
  | "succeeded";

export interface ProvenanceEntry extends ChainRef {
  /** Store-assigned id, increasing in chain order; not stable across rebuilds. */
  id: number;
  tokenId: string;
  kind: ProvenanceKind;
  /** Who acted: the issuer, the transaction's sender-side party (`by`, `actor`), or `from` for transfers. */
  actor: string | null;
  /** Roles the actor held for the certificate's brand at that block (empty: none; e.g. an owner). */
  actorRoles: RoleName[];
  /** Parties of a movement (issued: to; transfers, claims, resales: from and to). */
  from: string | null;
  to: string | null;
  /** sha256 of the details document (ProvenanceRecorded), or the new metadata digest (issued, metadata_updated). */
  detailsDigest: string | null;
  /** 0..10, 0 = not graded; null when the event has no grade. */
  conditionGrade: number | null;
  /** Reason of a status change or succession. */
  reason: string | null;
  /** succeeded: the successor's token id (on the predecessor) or the predecessor's (on the successor). */
  relatedTokenId: string | null;
}

export interface DesignRecord {
  /** uint256 design id as a decimal string. */
  designId: string;
  brandId: number;
  /** Issuer key that created the design. */
  creator: string;
  /** Edition cap; 0 = open edition. */
  maxSupply: number;
  /** Editions minted and burned so far (from ERC-1155 transfers from/to zero). */
  minted: number;
  burned: number;
  /** Unix time after which nothing more is minted; 0 = no closing time. */
  closesAt: number;
  locked: boolean;
  redeemable: boolean;
  /** Design royalty; receiver null means the brand's default applies. */
  royaltyReceiver: string | null;
  royaltyBps: number;
  metadataDigest: string;
  /** Merkle root of the certificates eligible for a twin, null when the design is no twin. */
  twinCollectionRoot: string | null;
  created: ChainRef;
  /** Number of twin claims (filled by getDesign; 0 in lists). */
  twinClaimCount: number;
}

export interface GarmentBalance {
  designId: string;
  brandId: number;
  owner: string;
  /** uint256 balance as a decimal string (> 0; zero balances are not listed). */
  balance: string;
  updatedAtBlock: number;
}

export interface TwinClaim extends ChainRef {
  designId: string;
  certificateId: string;
  owner: string;
}

export interface IssuerCompromise extends ChainRef {
  brandId: number;
  issuer: string;
  /** What this key produced at or after this block is suspect. */
  fromBlock: number;
  declaredBy: string;
}

/** Index freshness, part of every API answer. */
export interface IndexStatus {
  chainId: number;
  /** Highest block fully applied (-1 before anything is indexed: then startBlock - 1). */
  indexedBlock: number;
  indexedBlockHash: string | null;
  /** Chain head as last seen by the indexer (null before the first poll). */
  headBlock: number | null;
  /** indexedBlock >= headBlock - confirmations. */
  caughtUp: boolean;
  /** headBlock - indexedBlock (0 when unknown). */
  lag: number;
  confirmations: number;
  /** Unix ms of the last successful poll, null before it. */
  updatedAt: number | null;
  /**
   * The indexer is rebuilding the index from the start block beside this one (a reorg it could
   * not roll back): answers still come from this, the last complete index, for `indexedBlock`,
   * which may be on an abandoned fork. Never caught up while true.
   */
  rebuilding: boolean;
}

export type IndexEventType =
  | "certificate.issued"
  | "certificate.transfer"
  | "certificate.status"
  | "certificate.metadata"
  | "certificate.succeeded"
  | "garment.transfer"
  | "brand.compromise"
  | "index.reorg";

/** One entry of the change feed (the SSE stream). Ids increase and are never reused, even after a reorg. */
export interface IndexEvent {
  id: number;
  type: IndexEventType;
  blockNumber: number;
  txHash: string | null;
  timestamp: number | null;
  /** Event-specific JSON payload (tokenId, from, to, status, designId, amount, fromBlock…). */
  data: Record<string, unknown>;
}

/** Items an address holds: certificates and garment balances. */
export type OwnerItem =
  { kind: "certificate"; certificate: CertificateRecord } | { kind: "garment"; garment: GarmentBalance };
