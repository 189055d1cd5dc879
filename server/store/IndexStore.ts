/**
 * THE CONTRACT BETWEEN THE INDEXER AND THE API.
 *
 * The index store holds what the indexer derived from the chain. The API sees only `IndexReader`
 * (read-only queries, all answered from the index, never from the chain); the indexer is the only
 * user of `IndexWriter`. Business rules (what an event means) live in the indexer: the store only
 * keeps and answers records. Implementations: server/store/sqlite (node:sqlite, the default) and
 * server/store/postgres (PostgreSQL, for a fleet of verifiers on one index).
 *
 * Queries and writes are asynchronous (a networked database answers later). Three reader methods
 * stay synchronous — status(), contentVersion() and subscribe() — because every answer and the
 * answer cache's fast path consult them: they answer from a per-process view the store keeps
 * current (sqlite: its own writes; PostgreSQL: LISTEN/NOTIFY from the writer plus a short poll).
 * IndexWriteTx, what the indexer's handlers write through, stays synchronous too: a store runs
 * the handlers against rows it has at hand (sqlite: its file; PostgreSQL: an in-memory working
 * set loaded from the range's `keys` hint).
 *
 * Pagination: lists take `{ cursor?, limit }` and answer `{ items, nextCursor }`. Cursors are
 * opaque strings (keyset pagination on a stable chain order); `nextCursor` is null on the last
 * page. A malformed cursor throws `InvalidCursorError` (an InvalidInputError: HTTP 400). Limits
 * are clamped to 1..MAX_PAGE_LIMIT (default DEFAULT_PAGE_LIMIT).
 *
 * Addresses in arguments are matched case-insensitively; token and design ids are decimal strings.
 */
import type {
  BrandRecord,
  CertificateRecord,
  CertificateStatus,
  DesignRecord,
  IndexEvent,
  IndexEventType,
  IndexStatus,
  IssuerCompromise,
  OwnerItem,
  ProvenanceEntry,
  RoleGrant,
  RoleName,
  TwinClaim,
} from "./model.js";

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export interface PageRequest {
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CertificateFilter extends PageRequest {
  brandId?: number;
  owner?: string;
  status?: CertificateStatus;
  /** The certificate whose current one-time claim key is this address (a typed claim code's). */
  claimKey?: string;
}

export interface OwnerItemsRequest extends PageRequest {
  /** Only certificates or only garment balances; both (certificates first) when absent. */
  kind?: "certificate" | "garment";
}

/** Read side: what the API may ask. Every method answers from the index only. */
export interface IndexReader {
  /** Freshness of the index (indexed block, head, lag, caught up). Synchronous: a per-process view. */
  status(): IndexStatus;

  getCertificate(tokenId: string): Promise<CertificateRecord | null>;
  /** Stable order: issuance order on chain (block, log index). */
  listCertificates(filter: CertificateFilter): Promise<Page<CertificateRecord>>;
  /** The life of a certificate in chain order (block, log index). */
  getProvenance(tokenId: string, page: PageRequest): Promise<Page<ProvenanceEntry>>;
  /** Certificates owned by `address` (issuance order), then garment balances (design id order). */
  listOwnerItems(address: string, request: OwnerItemsRequest): Promise<Page<OwnerItem>>;

  getBrand(brandId: number): Promise<BrandRecord | null>;
  listBrands(page: PageRequest): Promise<Page<BrandRecord>>;
  /** Roles `account` holds for the brand now, or at the end of block `atBlock` when given. */
  rolesOf(brandId: number, account: string, atBlock?: number): Promise<RoleName[]>;
  /** Current holders of the brand's roles (or every grant, past ones included, with `includeRevoked`). */
  listRoleGrants(brandId: number, options?: { includeRevoked?: boolean }): Promise<RoleGrant[]>;
  /** Issuer keys declared compromised for the brand, in chain order. */
  compromisesOf(brandId: number): Promise<IssuerCompromise[]>;

  /** A design with `twinClaimCount` filled in. */
  getDesign(designId: string): Promise<DesignRecord | null>;
  listDesigns(filter: { brandId?: number } & PageRequest): Promise<Page<DesignRecord>>;
  twinClaimsOfCertificate(tokenId: string): Promise<TwinClaim[]>;
  twinClaimsOfDesign(designId: string, page: PageRequest): Promise<Page<TwinClaim>>;
  garmentBalance(designId: string, owner: string): Promise<string>;

  /** Change feed entries with id > afterId, oldest first (for the SSE stream; resume with Last-Event-ID). */
  recentEvents(afterId: number, limit?: number): Promise<IndexEvent[]>;
  /** Id of the newest change feed entry (0 when none). */
  lastEventId(): Promise<number>;
  /** Called (synchronously, after commit) each time the indexer applied a range or rolled back. Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /**
   * A number that changes whenever any indexed record changes (a range that wrote rows, a rollback,
   * a rebuild), and only then: a range that just moves the checkpoint keeps it. Answers built from
   * the records (not from the status) may be reused while it holds. An implementation shared by
   * several processes must derive it from the database, not from its own writes.
   */
  contentVersion(): number;
  /**
   * The certificates (token ids) whose records may differ between content version `since` and the
   * current one, so that a cache can drop only their answers; null when anything may have changed
   * (a brand's or a compromise's row, a rollback, several versions at once). Optional: without it
   * every version change is "anything".
   */
  contentChanges?(since: number): readonly string[] | null;
}

/** Identity of what the index describes. A stored index whose identity differs is wiped. */
export interface IndexIdentity {
  chainId: number;
  /** Hash of block 0 of the chain. */
  genesisHash: string;
  startBlock: number;
  contracts: { BrandRegistry: string; HallmarkCertificate: string; HallmarkGarments: string };
}

export interface Checkpoint {
  /** Highest block fully applied. */
  blockNumber: number;
  blockHash: string;
}

export interface BlockRef {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** Writes the indexer makes inside one atomic range. Synchronous: nothing else runs mid-range. */
export interface IndexWriteTx {
  /** Subsequent writes derive from block `blockNumber` (what rollbackTo undoes). Call in block order. */
  beginBlock(blockNumber: number): void;

  // brands and roles
  /** The brand as stored (its certificate count is a reader's aggregate, not a record the handlers need). */
  getBrand(brandId: number): Omit<BrandRecord, "certificateCount"> | null;
  insertBrand(brand: Omit<BrandRecord, "certificateCount">): void;
  updateBrand(
    brandId: number,
    patch: Partial<Omit<BrandRecord, "brandId" | "registered" | "certificateCount">>,
  ): void;
  grantRole(grant: Omit<RoleGrant, "revokedAtBlock" | "revokedBy">): void;
  /** Ends the open grant of (brand, role, account), if any. */
  revokeRole(brandId: number, role: RoleName, account: string, atBlock: number, by: string): void;
  /** Roles currently held (as of the writes so far in this range). */
  rolesOf(brandId: number, account: string): RoleName[];
  insertCompromise(compromise: IssuerCompromise): void;

  // certificates and provenance
  getCertificate(tokenId: string): Omit<CertificateRecord, "inBrandCustody"> | null;
  insertCertificate(certificate: Omit<CertificateRecord, "inBrandCustody">): void;
  updateCertificate(
    tokenId: string,
    patch: Partial<Omit<CertificateRecord, "tokenId" | "brandId" | "issued" | "inBrandCustody">>,
  ): void;
  /** Returns the new entry's id. */
  insertProvenance(entry: Omit<ProvenanceEntry, "id">): number;
  updateProvenance(id: number, patch: Partial<Omit<ProvenanceEntry, "id" | "tokenId">>): void;

  // garments
  /** The design as stored (without the reader's twin claim count). */
  getDesign(designId: string): Omit<DesignRecord, "twinClaimCount"> | null;
  insertDesign(design: Omit<DesignRecord, "twinClaimCount">): void;
  updateDesign(
    designId: string,
    patch: Partial<Pick<DesignRecord, "minted" | "burned" | "royaltyReceiver" | "royaltyBps">>,
  ): void;
  /** Adds `delta` (may be negative) to a balance; rows reaching zero are removed. */
  addGarmentBalance(designId: string, brandId: number, owner: string, delta: bigint, atBlock: number): void;
  insertTwinClaim(claim: TwinClaim): void;

  // change feed
  appendEvent(event: {
    type: IndexEventType;
    blockNumber: number;
    txHash: string | null;
    timestamp: number | null;
    data: Record<string, unknown>;
  }): void;
}

/**
 * The records a range may read or change, taken from its decoded logs: a store that keeps the
 * range's rows in memory (PostgreSQL) loads these before running the handlers. A hint, not a
 * promise: a read outside it costs a reload, never a wrong answer. sqlite ignores it.
 */
export interface RangeKeys {
  tokenIds: readonly string[];
  brandIds: readonly number[];
  designIds: readonly string[];
  /** (brand, account) pairs whose roles the handlers may ask for. */
  roles: readonly { brandId: number; account: string }[];
  /** (design, owner) garment balances the range may move. */
  balances: readonly { designId: string; owner: string }[];
}

export interface ApplyRange {
  fromBlock: number;
  toBlock: number;
  /** Header of `toBlock` (the new checkpoint). */
  toBlockHeader: BlockRef;
  /** Headers seen in the range (blocks with logs and the range end), kept for reorg detection. */
  blocks: readonly BlockRef[];
  /**
   * Whether the range may still be reorganised away: when true the store journals before-images
   * so rollbackTo can undo it; final ranges (deeper than the reorg window) skip the journal.
   */
  reversible: boolean;
  /** What the range's handlers may touch (see RangeKeys); absent: the store finds out as it goes. */
  keys?: RangeKeys;
}

/** rollbackTo was asked to undo blocks that were applied as final: rebuild (reset) instead. */
export class ReorgTooDeepError extends Error {
  constructor(
    readonly requested: number,
    readonly finalBlock: number,
  ) {
    super(`cannot roll back to block ${requested}: blocks up to ${finalBlock} were applied as final`);
    this.name = "ReorgTooDeepError";
  }
}

/** Write side: used only by the indexer. */
export interface IndexWriter {
  /**
   * Compares the stored identity with `identity`; when absent or different, wipes every indexed
   * record and stores the new identity. Answers whether it wiped (or started empty). Wipes in
   * place, not beside: an index of another chain or other contracts must not be served at all.
   * Abandons a rebuild in progress.
   */
  ensureIdentity(identity: IndexIdentity): Promise<{ rebuilt: boolean }>;
  identity(): Promise<IndexIdentity | null>;
  /** Last fully applied block, or null when nothing is indexed yet. */
  checkpoint(): Promise<Checkpoint | null>;
  /** Stored header of block `n`, if kept (blocks with logs and range ends within the reorg window). */
  blockAt(n: number): Promise<BlockRef | null>;
  /** Kept headers at or below `n`, newest first. */
  blocksAtOrBelow(n: number, limit: number): Promise<BlockRef[]>;
  /**
   * Runs `write` and moves the checkpoint to `range.toBlock` in ONE transaction: either all of
   * it is stored or none (a throw rolls back). Notifies subscribers after commit. `write` is
   * synchronous and must write only through `tx`: a store may run it more than once (PostgreSQL
   * re-runs it after loading a record the keys hint missed) and keep only the last run.
   */
  applyBlockRange(range: ApplyRange, write: (tx: IndexWriteTx) => void): Promise<void>;
  /**
   * Removes everything derived from blocks > `blockNumber` (reorg): records created after it are
   * deleted, records changed after it are restored. The checkpoint becomes `blockNumber`
   * (or "nothing indexed" when below the start). Appends an "index.reorg" feed entry.
   * Throws ReorgTooDeepError when blocks above `blockNumber` were applied as final.
   */
  rollbackTo(blockNumber: number): Promise<void>;
  /**
   * Wipes every indexed record but keeps the identity: the indexer re-reads from the start block.
   * Appends an "index.reorg" feed entry. Readers see an empty index until it is re-read: the
   * indexer uses beginRebuild instead.
   */
  reset(): Promise<void>;
  /**
   * Starts a new, empty index beside the served one (a reorg that cannot be rolled back). From
   * now on the writer side (identity, checkpoint, blockAt, blocksAtOrBelow, applyBlockRange,
   * rollbackTo, pruneBlocksBelow) works on the new index, while every reader method keeps
   * answering from the served one, with `status().rebuilding` true. The new index starts with
   * an "index.reorg" feed entry (`rebuild: true`) whose id follows the served feed's last id.
   * Calling it again during a rebuild starts the rebuild over.
   */
  beginRebuild(): Promise<void>;
  /**
   * Atomically makes the rebuilt index the served one (call when it has caught up with the
   * head): readers see either the old index or the new one, never a mix or an empty one. The
   * content version moves, feed ids continue after the served feed's, subscribers are notified.
   * No-op when no rebuild is in progress.
   */
  completeRebuild(): Promise<void>;
  /** Whether a rebuild started by beginRebuild is in progress. */
  rebuilding(): Promise<boolean>;
  /** Forgets kept headers below `blockNumber` (they are final). */
  pruneBlocksBelow(blockNumber: number): Promise<void>;
  /** Records the head seen and the confirmation depth, for status(). */
  setHead(headBlock: number, confirmations: number): Promise<void>;
}

export interface IndexStore extends IndexReader, IndexWriter {
  close(): Promise<void>;
}
