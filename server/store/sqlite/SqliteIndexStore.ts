/**
 * The index on node:sqlite (DatabaseSync): one file under the data dir (or ":memory:" in tests),
 * WAL mode, prepared statements, one transaction per applied range. Holds records only: what an
 * event means is decided by the indexer.
 *
 * A thin facade over one file per concern, which the PostgreSQL store mirrors file for file:
 * connection.ts (the database, transactions, meta), migrations.ts (schema version; DDL in
 * schema.ts), status.ts (identity, checkpoint, head), journal.ts (the reorg journal), writes.ts
 * (IndexWriteTx and bookkeeping writes), reads.ts (IndexReader queries), rows.ts (row mapping).
 * This file only sequences them: which transaction, what to notify, when the content changed.
 */
import type {
  ApplyRange,
  BlockRef,
  CertificateFilter,
  Checkpoint,
  IndexIdentity,
  IndexStore,
  IndexWriteTx,
  OwnerItemsRequest,
  Page,
  PageRequest,
} from "../IndexStore.js";
import { ReorgTooDeepError } from "../IndexStore.js";
import type {
  BrandRecord,
  CertificateRecord,
  DesignRecord,
  IndexEvent,
  IndexStatus,
  IssuerCompromise,
  OwnerItem,
  ProvenanceEntry,
  RoleGrant,
  RoleName,
  TwinClaim,
} from "../model.js";
import { SqliteConnection } from "./connection.js";
import { Journal } from "./journal.js";
import { migrate, schemaVersion } from "./migrations.js";
import { SqliteReads } from "./reads.js";
import {
  normalizeIdentity,
  readCheckpoint,
  readFinalBlock,
  readIdentity,
  writeCheckpoint,
  writeFinalBlock,
  writeHead,
  writeIdentity,
} from "./status.js";
import {
  appendReorgEvent,
  createWriteTx,
  dropBlocksAbove,
  pruneBlocks,
  storeBlocks,
  wipe,
} from "./writes.js";

export { ReorgTooDeepError };

export interface SqliteIndexStoreOptions {
  /** A file path, or ":memory:". Parent directories are created. */
  location: string;
}

export class SqliteIndexStore implements IndexStore {
  readonly location: string;
  private readonly conn: SqliteConnection;
  private readonly journal: Journal;
  private readonly reads: SqliteReads;
  private readonly listeners = new Set<() => void>();
  /** See IndexReader.contentVersion: bumped after a commit that changed rows. */
  private version = 0;

  constructor(options: SqliteIndexStoreOptions) {
    this.location = options.location;
    this.conn = new SqliteConnection(options.location);
    migrate(this.conn);
    this.journal = new Journal(this.conn);
    this.reads = new SqliteReads(this.conn);
  }

  static open(location: string): SqliteIndexStore {
    return new SqliteIndexStore({ location });
  }

  close(): void {
    this.listeners.clear();
    this.conn.close();
  }

  /** Schema version this file is at. */
  schemaVersion(): number {
    return schemaVersion(this.conn);
  }

  private notify(): void {
    if (this.journal.takeRowsChanged()) this.version += 1;
    this.reads.clearCaches();
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  // ------------------------------------------------------------------------------------------ reader

  status(): IndexStatus {
    return this.reads.status();
  }

  getCertificate(tokenId: string): CertificateRecord | null {
    return this.reads.getCertificate(tokenId);
  }

  listCertificates(filter: CertificateFilter): Page<CertificateRecord> {
    return this.reads.listCertificates(filter);
  }

  getProvenance(tokenId: string, page: PageRequest): Page<ProvenanceEntry> {
    return this.reads.getProvenance(tokenId, page);
  }

  listOwnerItems(address: string, request: OwnerItemsRequest): Page<OwnerItem> {
    return this.reads.listOwnerItems(address, request);
  }

  getBrand(brandId: number): BrandRecord | null {
    return this.reads.getBrand(brandId);
  }

  listBrands(page: PageRequest): Page<BrandRecord> {
    return this.reads.listBrands(page);
  }

  rolesOf(brandId: number, account: string, atBlock?: number): RoleName[] {
    return this.reads.rolesOf(brandId, account, atBlock);
  }

  listRoleGrants(brandId: number, options: { includeRevoked?: boolean } = {}): RoleGrant[] {
    return this.reads.listRoleGrants(brandId, options);
  }

  compromisesOf(brandId: number): IssuerCompromise[] {
    return this.reads.compromisesOf(brandId);
  }

  getDesign(designId: string): DesignRecord | null {
    return this.reads.getDesign(designId);
  }

  listDesigns(filter: { brandId?: number } & PageRequest): Page<DesignRecord> {
    return this.reads.listDesigns(filter);
  }

  twinClaimsOfCertificate(tokenId: string): TwinClaim[] {
    return this.reads.twinClaimsOfCertificate(tokenId);
  }

  twinClaimsOfDesign(designId: string, page: PageRequest): Page<TwinClaim> {
    return this.reads.twinClaimsOfDesign(designId, page);
  }

  garmentBalance(designId: string, owner: string): string {
    return this.reads.garmentBalance(designId, owner);
  }

  recentEvents(afterId: number, limit = 100): IndexEvent[] {
    return this.reads.recentEvents(afterId, limit);
  }

  lastEventId(): number {
    return this.reads.lastEventId();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  contentVersion(): number {
    return this.version;
  }

  /** Row counts per table (tests, diagnostics). */
  counts(): Record<string, number> {
    return this.reads.counts();
  }

  // ------------------------------------------------------------------------------------------ writer

  identity(): IndexIdentity | null {
    return readIdentity(this.conn);
  }

  ensureIdentity(identity: IndexIdentity): { rebuilt: boolean } {
    const normalized = normalizeIdentity(identity);
    const current = this.identity();
    if (current !== null && JSON.stringify(current) === JSON.stringify(normalized)) return { rebuilt: false };
    this.conn.transaction(() => {
      wipe(this.conn, this.journal);
      writeIdentity(this.conn, normalized);
      if (current !== null) appendReorgEvent(this.conn, normalized.startBlock - 1, null, true);
    });
    this.notify();
    return { rebuilt: true };
  }

  /** Wipes every indexed record but keeps the identity (the indexer re-reads from the start). */
  reset(): void {
    const previous = this.checkpoint();
    const startBlock = this.identity()?.startBlock ?? 0;
    this.conn.transaction(() => {
      wipe(this.conn, this.journal);
      appendReorgEvent(this.conn, startBlock - 1, previous?.blockNumber ?? null, true);
    });
    this.notify();
  }

  checkpoint(): Checkpoint | null {
    return readCheckpoint(this.conn);
  }

  blockAt(n: number): BlockRef | null {
    return this.reads.blockAt(n);
  }

  blocksAtOrBelow(n: number, limit: number): BlockRef[] {
    return this.reads.blocksAtOrBelow(n, limit);
  }

  /** Highest block applied as final (not reversible), or -1. */
  finalBlock(): number {
    return readFinalBlock(this.conn);
  }

  applyBlockRange(range: ApplyRange, write: (tx: IndexWriteTx) => void): void {
    const previous = this.checkpoint();
    if (previous !== null && range.fromBlock !== previous.blockNumber + 1) {
      throw new Error(
        `range ${range.fromBlock}..${range.toBlock} does not follow checkpoint ${previous.blockNumber}`,
      );
    }
    if (range.toBlock < range.fromBlock || range.toBlockHeader.number !== range.toBlock) {
      throw new Error(`invalid range ${range.fromBlock}..${range.toBlock}`);
    }
    this.conn.transaction(() => {
      this.journal.journaling = range.reversible;
      this.journal.currentBlock = range.fromBlock;
      try {
        write(createWriteTx(this.conn, this.journal, this.reads));
      } finally {
        this.journal.journaling = false;
      }
      storeBlocks(this.conn, [...range.blocks, range.toBlockHeader]);
      if (!range.reversible) writeFinalBlock(this.conn, range.toBlock);
      writeCheckpoint(this.conn, {
        blockNumber: range.toBlock,
        blockHash: range.toBlockHeader.hash.toLowerCase(),
      });
    });
    this.notify();
  }

  rollbackTo(blockNumber: number): void {
    const finalBlock = this.finalBlock();
    if (blockNumber < finalBlock) throw new ReorgTooDeepError(blockNumber, finalBlock);
    const checkpoint = this.checkpoint();
    if (checkpoint === null || checkpoint.blockNumber <= blockNumber) return;
    const startBlock = this.identity()?.startBlock ?? 0;
    this.conn.transaction(() => {
      this.journal.rollback(blockNumber);
      dropBlocksAbove(this.conn, blockNumber);
      if (blockNumber < startBlock) {
        writeCheckpoint(this.conn, null);
      } else {
        const kept = this.blockAt(blockNumber);
        if (kept === null)
          throw new Error(`no kept header for block ${blockNumber}: cannot set the checkpoint there`);
        writeCheckpoint(this.conn, { blockNumber, blockHash: kept.hash });
      }
      appendReorgEvent(this.conn, blockNumber, checkpoint.blockNumber, false);
    });
    this.notify();
  }

  pruneBlocksBelow(blockNumber: number): void {
    this.conn.transaction(() => {
      pruneBlocks(this.conn, blockNumber);
      this.journal.prune(blockNumber);
      const finalBlock = this.finalBlock();
      if (blockNumber - 1 > finalBlock) writeFinalBlock(this.conn, blockNumber - 1);
    });
  }

  setHead(headBlock: number, confirmations: number): void {
    if (this.conn.inTransaction) throw new Error("setHead inside a range");
    writeHead(this.conn, headBlock, confirmations, Date.now());
    this.reads.clearStatus();
  }
}
