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
 *
 * node:sqlite answers synchronously; the methods are async only because the IndexStore interface
 * is (a networked store answers later). A failure is still a rejection, never a synchronous throw.
 */
/* eslint-disable @typescript-eslint/require-await -- async for the interface, see above */
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

  async close(): Promise<void> {
    this.listeners.clear();
    this.conn.close();
  }

  /** Schema version this file is at. */
  async schemaVersion(): Promise<number> {
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

  async getCertificate(tokenId: string): Promise<CertificateRecord | null> {
    return this.reads.getCertificate(tokenId);
  }

  async listCertificates(filter: CertificateFilter): Promise<Page<CertificateRecord>> {
    return this.reads.listCertificates(filter);
  }

  async getProvenance(tokenId: string, page: PageRequest): Promise<Page<ProvenanceEntry>> {
    return this.reads.getProvenance(tokenId, page);
  }

  async listOwnerItems(address: string, request: OwnerItemsRequest): Promise<Page<OwnerItem>> {
    return this.reads.listOwnerItems(address, request);
  }

  async getBrand(brandId: number): Promise<BrandRecord | null> {
    return this.reads.getBrand(brandId);
  }

  async listBrands(page: PageRequest): Promise<Page<BrandRecord>> {
    return this.reads.listBrands(page);
  }

  async rolesOf(brandId: number, account: string, atBlock?: number): Promise<RoleName[]> {
    return this.reads.rolesOf(brandId, account, atBlock);
  }

  async listRoleGrants(brandId: number, options: { includeRevoked?: boolean } = {}): Promise<RoleGrant[]> {
    return this.reads.listRoleGrants(brandId, options);
  }

  async compromisesOf(brandId: number): Promise<IssuerCompromise[]> {
    return this.reads.compromisesOf(brandId);
  }

  async getDesign(designId: string): Promise<DesignRecord | null> {
    return this.reads.getDesign(designId);
  }

  async listDesigns(filter: { brandId?: number } & PageRequest): Promise<Page<DesignRecord>> {
    return this.reads.listDesigns(filter);
  }

  async twinClaimsOfCertificate(tokenId: string): Promise<TwinClaim[]> {
    return this.reads.twinClaimsOfCertificate(tokenId);
  }

  async twinClaimsOfDesign(designId: string, page: PageRequest): Promise<Page<TwinClaim>> {
    return this.reads.twinClaimsOfDesign(designId, page);
  }

  async garmentBalance(designId: string, owner: string): Promise<string> {
    return this.reads.garmentBalance(designId, owner);
  }

  async recentEvents(afterId: number, limit = 100): Promise<IndexEvent[]> {
    return this.reads.recentEvents(afterId, limit);
  }

  async lastEventId(): Promise<number> {
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
  async counts(): Promise<Record<string, number>> {
    return this.reads.counts();
  }

  // ------------------------------------------------------------------------------------------ writer

  async identity(): Promise<IndexIdentity | null> {
    return readIdentity(this.conn);
  }

  async ensureIdentity(identity: IndexIdentity): Promise<{ rebuilt: boolean }> {
    const normalized = normalizeIdentity(identity);
    const current = readIdentity(this.conn);
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
  async reset(): Promise<void> {
    const previous = readCheckpoint(this.conn);
    const startBlock = readIdentity(this.conn)?.startBlock ?? 0;
    this.conn.transaction(() => {
      wipe(this.conn, this.journal);
      appendReorgEvent(this.conn, startBlock - 1, previous?.blockNumber ?? null, true);
    });
    this.notify();
  }

  async checkpoint(): Promise<Checkpoint | null> {
    return readCheckpoint(this.conn);
  }

  async blockAt(n: number): Promise<BlockRef | null> {
    return this.reads.blockAt(n);
  }

  async blocksAtOrBelow(n: number, limit: number): Promise<BlockRef[]> {
    return this.reads.blocksAtOrBelow(n, limit);
  }

  /** Highest block applied as final (not reversible), or -1. */
  async finalBlock(): Promise<number> {
    return readFinalBlock(this.conn);
  }

  async applyBlockRange(range: ApplyRange, write: (tx: IndexWriteTx) => void): Promise<void> {
    const previous = readCheckpoint(this.conn);
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

  async rollbackTo(blockNumber: number): Promise<void> {
    const finalBlock = readFinalBlock(this.conn);
    if (blockNumber < finalBlock) throw new ReorgTooDeepError(blockNumber, finalBlock);
    const checkpoint = readCheckpoint(this.conn);
    if (checkpoint === null || checkpoint.blockNumber <= blockNumber) return;
    const startBlock = readIdentity(this.conn)?.startBlock ?? 0;
    this.conn.transaction(() => {
      this.journal.rollback(blockNumber);
      dropBlocksAbove(this.conn, blockNumber);
      if (blockNumber < startBlock) {
        writeCheckpoint(this.conn, null);
      } else {
        const kept = this.reads.blockAt(blockNumber);
        if (kept === null)
          throw new Error(`no kept header for block ${blockNumber}: cannot set the checkpoint there`);
        writeCheckpoint(this.conn, { blockNumber, blockHash: kept.hash });
      }
      appendReorgEvent(this.conn, blockNumber, checkpoint.blockNumber, false);
    });
    this.notify();
  }

  async pruneBlocksBelow(blockNumber: number): Promise<void> {
    this.conn.transaction(() => {
      pruneBlocks(this.conn, blockNumber);
      this.journal.prune(blockNumber);
      const finalBlock = readFinalBlock(this.conn);
      if (blockNumber - 1 > finalBlock) writeFinalBlock(this.conn, blockNumber - 1);
    });
  }

  async setHead(headBlock: number, confirmations: number): Promise<void> {
    if (this.conn.inTransaction) throw new Error("setHead inside a range");
    writeHead(this.conn, headBlock, confirmations, Date.now());
    this.reads.clearStatus();
  }
}
