/**
 * The index on node:sqlite (DatabaseSync): one file under the data dir (or ":memory:" in tests),
 * WAL mode, prepared statements, one transaction per applied range. Holds records only: what an
 * event means is decided by the indexer.
 *
 * A thin facade over one file per concern, which the PostgreSQL store mirrors file for file:
 * connection.ts (the database, transactions, meta), migrations.ts (schema version; DDL in
 * schema.ts), status.ts (identity, checkpoint, head), journal.ts (the reorg journal), writes.ts
 * (IndexWriteTx and bookkeeping writes), reads.ts (IndexReader queries), rows.ts (row mapping).
 * database.ts bundles them per database; rebuild.ts builds a new index beside the served one.
 * This file only sequences them: which database, which transaction, what to notify, when the
 * content changed. Readers always answer from the served database; the writer side works on the
 * rebuild's database while one is in progress.
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
import type { IndexDatabase } from "./database.js";
import { openIndexDatabase } from "./database.js";
import { schemaVersion } from "./migrations.js";
import { discardShadow, openShadow, promoteShadow, removeDatabaseFiles, shadowLocation } from "./rebuild.js";
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
  /** The index readers are answered from. */
  private served: IndexDatabase;
  /** The index being rebuilt beside it (beginRebuild), or null. */
  private building: IndexDatabase | null = null;
  private readonly listeners = new Set<() => void>();
  /** See IndexReader.contentVersion: bumped after a commit that changed rows. */
  private version = 0;

  constructor(options: SqliteIndexStoreOptions) {
    this.location = options.location;
    // A rebuild interrupted by a crash is worthless: it restarts from the start block.
    removeDatabaseFiles(shadowLocation(options.location));
    this.served = openIndexDatabase(options.location);
  }

  /** Where the writer side works: the rebuild's database while one is in progress. */
  private get writer(): IndexDatabase {
    return this.building ?? this.served;
  }

  static open(location: string): SqliteIndexStore {
    return new SqliteIndexStore({ location });
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.abandonRebuild();
    this.served.conn.close();
  }

  /** Schema version this file is at. */
  async schemaVersion(): Promise<number> {
    return schemaVersion(this.served.conn);
  }

  /**
   * After a commit to `db`: the content version moves when served rows changed (rows written
   * into a rebuild are not served yet), caches drop, subscribers hear of it.
   */
  private notify(db: IndexDatabase = this.served): void {
    if (db.journal.takeRowsChanged() && db === this.served) this.version += 1;
    this.served.reads.clearCaches();
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
    const status = this.served.reads.status();
    return this.building === null ? status : { ...status, caughtUp: false, rebuilding: true };
  }

  async getCertificate(tokenId: string): Promise<CertificateRecord | null> {
    return this.served.reads.getCertificate(tokenId);
  }

  async listCertificates(filter: CertificateFilter): Promise<Page<CertificateRecord>> {
    return this.served.reads.listCertificates(filter);
  }

  async getProvenance(tokenId: string, page: PageRequest): Promise<Page<ProvenanceEntry>> {
    return this.served.reads.getProvenance(tokenId, page);
  }

  async listOwnerItems(address: string, request: OwnerItemsRequest): Promise<Page<OwnerItem>> {
    return this.served.reads.listOwnerItems(address, request);
  }

  async getBrand(brandId: number): Promise<BrandRecord | null> {
    return this.served.reads.getBrand(brandId);
  }

  async listBrands(page: PageRequest): Promise<Page<BrandRecord>> {
    return this.served.reads.listBrands(page);
  }

  async rolesOf(brandId: number, account: string, atBlock?: number): Promise<RoleName[]> {
    return this.served.reads.rolesOf(brandId, account, atBlock);
  }

  async listRoleGrants(brandId: number, options: { includeRevoked?: boolean } = {}): Promise<RoleGrant[]> {
    return this.served.reads.listRoleGrants(brandId, options);
  }

  async compromisesOf(brandId: number): Promise<IssuerCompromise[]> {
    return this.served.reads.compromisesOf(brandId);
  }

  async getDesign(designId: string): Promise<DesignRecord | null> {
    return this.served.reads.getDesign(designId);
  }

  async listDesigns(filter: { brandId?: number } & PageRequest): Promise<Page<DesignRecord>> {
    return this.served.reads.listDesigns(filter);
  }

  async twinClaimsOfCertificate(tokenId: string): Promise<TwinClaim[]> {
    return this.served.reads.twinClaimsOfCertificate(tokenId);
  }

  async twinClaimsOfDesign(designId: string, page: PageRequest): Promise<Page<TwinClaim>> {
    return this.served.reads.twinClaimsOfDesign(designId, page);
  }

  async garmentBalance(designId: string, owner: string): Promise<string> {
    return this.served.reads.garmentBalance(designId, owner);
  }

  async recentEvents(afterId: number, limit = 100): Promise<IndexEvent[]> {
    return this.served.reads.recentEvents(afterId, limit);
  }

  async lastEventId(): Promise<number> {
    return this.served.reads.lastEventId();
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
    return this.served.reads.counts();
  }

  // ------------------------------------------------------------------------------------------ writer

  async identity(): Promise<IndexIdentity | null> {
    return readIdentity(this.writer.conn);
  }

  async ensureIdentity(identity: IndexIdentity): Promise<{ rebuilt: boolean }> {
    const normalized = normalizeIdentity(identity);
    const current = readIdentity(this.served.conn);
    if (current !== null && JSON.stringify(current) === JSON.stringify(normalized)) return { rebuilt: false };
    // An index of another chain or other contracts is wrong, not stale: wiped in place, never served.
    this.abandonRebuild();
    const { conn, journal } = this.served;
    conn.transaction(() => {
      wipe(conn, journal);
      writeIdentity(conn, normalized);
      if (current !== null) appendReorgEvent(conn, normalized.startBlock - 1, null, true);
    });
    this.notify();
    return { rebuilt: true };
  }

  /** Wipes every indexed record but keeps the identity (the indexer re-reads from the start). */
  async reset(): Promise<void> {
    this.abandonRebuild();
    const { conn, journal } = this.served;
    const previous = readCheckpoint(conn);
    const startBlock = readIdentity(conn)?.startBlock ?? 0;
    conn.transaction(() => {
      wipe(conn, journal);
      appendReorgEvent(conn, startBlock - 1, previous?.blockNumber ?? null, true);
    });
    this.notify();
  }

  async beginRebuild(): Promise<void> {
    this.abandonRebuild();
    this.building = openShadow(this.served, this.location);
    this.notify();
  }

  async completeRebuild(): Promise<void> {
    const building = this.building;
    if (building === null) return;
    this.building = null;
    try {
      this.served = promoteShadow(this.served, building, this.location);
    } catch (error) {
      // The rename did not happen: the old index is still complete at the path; keep serving it.
      this.served = openIndexDatabase(this.location);
      throw error;
    }
    // Every record may differ: answers built from the old index are dropped.
    this.served.journal.markChanged();
    this.notify();
  }

  async rebuilding(): Promise<boolean> {
    return this.building !== null;
  }

  private abandonRebuild(): void {
    if (this.building === null) return;
    discardShadow(this.building, this.location);
    this.building = null;
  }

  async checkpoint(): Promise<Checkpoint | null> {
    return readCheckpoint(this.writer.conn);
  }

  async blockAt(n: number): Promise<BlockRef | null> {
    return this.writer.reads.blockAt(n);
  }

  async blocksAtOrBelow(n: number, limit: number): Promise<BlockRef[]> {
    return this.writer.reads.blocksAtOrBelow(n, limit);
  }

  /** Highest block applied as final (not reversible), or -1. */
  async finalBlock(): Promise<number> {
    return readFinalBlock(this.writer.conn);
  }

  async applyBlockRange(range: ApplyRange, write: (tx: IndexWriteTx) => void): Promise<void> {
    const db = this.writer;
    const { conn, journal, reads } = db;
    const previous = readCheckpoint(conn);
    if (previous !== null && range.fromBlock !== previous.blockNumber + 1) {
      throw new Error(
        `range ${range.fromBlock}..${range.toBlock} does not follow checkpoint ${previous.blockNumber}`,
      );
    }
    if (range.toBlock < range.fromBlock || range.toBlockHeader.number !== range.toBlock) {
      throw new Error(`invalid range ${range.fromBlock}..${range.toBlock}`);
    }
    conn.transaction(() => {
      journal.journaling = range.reversible;
      journal.currentBlock = range.fromBlock;
      try {
        write(createWriteTx(conn, journal, reads));
      } finally {
        journal.journaling = false;
      }
      storeBlocks(conn, [...range.blocks, range.toBlockHeader]);
      if (!range.reversible) writeFinalBlock(conn, range.toBlock);
      writeCheckpoint(conn, {
        blockNumber: range.toBlock,
        blockHash: range.toBlockHeader.hash.toLowerCase(),
      });
    });
    this.notify(db);
  }

  async rollbackTo(blockNumber: number): Promise<void> {
    const db = this.writer;
    const { conn, journal, reads } = db;
    const finalBlock = readFinalBlock(conn);
    if (blockNumber < finalBlock) throw new ReorgTooDeepError(blockNumber, finalBlock);
    const checkpoint = readCheckpoint(conn);
    if (checkpoint === null || checkpoint.blockNumber <= blockNumber) return;
    const startBlock = readIdentity(conn)?.startBlock ?? 0;
    conn.transaction(() => {
      journal.rollback(blockNumber);
      dropBlocksAbove(conn, blockNumber);
      if (blockNumber < startBlock) {
        writeCheckpoint(conn, null);
      } else {
        const kept = reads.blockAt(blockNumber);
        if (kept === null)
          throw new Error(`no kept header for block ${blockNumber}: cannot set the checkpoint there`);
        writeCheckpoint(conn, { blockNumber, blockHash: kept.hash });
      }
      appendReorgEvent(conn, blockNumber, checkpoint.blockNumber, false);
    });
    this.notify(db);
  }

  async pruneBlocksBelow(blockNumber: number): Promise<void> {
    const { conn, journal } = this.writer;
    conn.transaction(() => {
      pruneBlocks(conn, blockNumber);
      journal.prune(blockNumber);
      const finalBlock = readFinalBlock(conn);
      if (blockNumber - 1 > finalBlock) writeFinalBlock(conn, blockNumber - 1);
    });
  }

  async setHead(headBlock: number, confirmations: number): Promise<void> {
    if (this.writer.conn.inTransaction) throw new Error("setHead inside a range");
    const at = Date.now();
    // Both: the served status names the head, and the rebuilt index carries it once swapped in.
    writeHead(this.served.conn, headBlock, confirmations, at);
    if (this.building !== null) writeHead(this.building.conn, headBlock, confirmations, at);
    this.served.reads.clearStatus();
  }
}
