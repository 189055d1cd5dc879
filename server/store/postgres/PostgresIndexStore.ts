/**
 * The index on PostgreSQL, for a fleet of verifiers on one index: one writer (the indexer), any
 * number of reading processes. A thin facade over one file per concern, mirroring
 * server/store/sqlite file for file: database.ts (the pool, migrations runner, schema version),
 * connection.ts (reads on the pool, the writer's dedicated connection, unreachable -> 503),
 * migrations.ts, schema.ts (tables and types; DDL in ./migrations), status.ts (meta: identity,
 * checkpoint, head, content version), journal.ts (the reorg journal), writes.ts (the working set
 * the synchronous IndexWriteTx runs over, and its batched flush), reads.ts, rows.ts, rebuild.ts
 * (a shadow schema swapped in by renaming).
 *
 * status(), contentVersion() and subscribe() answer from a per-process view of the served index's
 * meta row, kept current by LISTEN/NOTIFY from the writer (each commit notifies `hallmark_index`)
 * and a 1 s poll that covers missed notifications and reconnects after a database restart.
 */
import type pg from "pg";
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
import { PostgresConnection } from "./connection.js";
import { openDatabase } from "./database.js";
import { pruneStatement, rollback } from "./journal.js";
import { prepareSchema, schemaVersion } from "./migrations.js";
import { PostgresReads } from "./reads.js";
import { createShadow, dropShadow, promoteShadow, shadowExists } from "./rebuild.js";
import { REBUILD_SCHEMA, SERVED_SCHEMA } from "./schema.js";
import {
  checkpointOf,
  contentVersionOf,
  finalBlockOf,
  identityOf,
  normalizeIdentity,
  readMeta,
  setMeta,
  setMetaStatement,
  statusOf,
} from "./status.js";
import {
  appendReorgEvent,
  createWriteTx,
  dropBlocksAbove,
  pruneBlocksStatement,
  RangeRun,
  storeBlocks,
  storeBlocksStatement,
  WorkingSet,
  WorkingSetMiss,
  wipe,
} from "./writes.js";

export { ReorgTooDeepError };

/**
 * The certificates a range changed, named in the status row beside the content version it moved to
 * (a reader one version behind drops only their answers); past this many, "anything": readers read
 * the whole status row after every notification, and a token id takes up to 78 digits.
 */
const MAX_CHANGED_TOKENS = 100;

/** The `content_changes` meta value: what the move to `version` changed (null: anything). */
interface ContentChanges {
  version: number;
  tokens: string[] | null;
}

/** An unchanged head is written again (with its time) after this long: see setHead. */
const HEAD_REWRITE_MS = 1_000;

/** The channel the writer notifies after each commit; readers LISTEN on it (on the primary). */
export const INDEX_CHANNEL = "hallmark_index";

/** Tells readers a commit happened (delivered at commit). */
const NOTIFY_READERS = `SELECT pg_notify('${INDEX_CHANNEL}', '')`;

/**
 * Tells readers a range committed, naming the block its checkpoint is at: a reader on a hot standby
 * waits until the standby has replayed that far, not merely until its status row changes (writes
 * committed asynchronously before the range, the head seen and pruning, may reach the standby first).
 */
const notifyRange = (blockNumber: number): string =>
  `SELECT pg_notify('${INDEX_CHANNEL}', '${Math.trunc(blockNumber)}')`;

/** Rows the writer keeps across ranges at most (about a kilobyte each). */
const WORKING_SET_ROWS = 200_000;

export interface PostgresIndexStoreOptions {
  pool: pg.Pool;
  /** End the pool on close (a store opened from a URL owns its pool). */
  ownsPool?: boolean;
  /** Only reads: never touches a rebuild left by a crashed writer. */
  readOnly?: boolean;
  /** The safety-net poll of the served index's meta (default 1,000 ms). */
  pollMs?: number;
  /**
   * The index writer's leased connection (server/indexer/leadership.ts): every write goes through
   * it, never through `pool`, so a process that lost the lock cannot write.
   */
  writer?: pg.ClientBase;
  /**
   * Where to LISTEN for the writer's notifications when `pool` is a hot standby (which cannot
   * LISTEN): the primary. On a notification the view polls the standby until it has replayed it.
   */
  listenPool?: pg.Pool;
  /** End `listenPool` on close. */
  ownsListenPool?: boolean;
}

interface View {
  status: IndexStatus;
  contentVersion: number;
  /** What the move to contentVersion changed, when the writer said so. */
  changes: ContentChanges | null;
  /** The meta row as read, to tell whether anything changed. */
  signature: string;
  meta: ReadonlyMap<string, string>;
}

export class PostgresIndexStore implements IndexStore {
  private readonly conn: PostgresConnection;
  private readonly served: PostgresReads;
  private readonly rebuild: PostgresReads;
  private readonly listeners = new Set<() => void>();
  private view!: View;
  private building = false;
  private poll: NodeJS.Timeout | null = null;
  private listenClient: pg.PoolClient | null = null;
  private refreshes = 0;
  private appliedRefresh = 0;
  private closed = false;
  /**
   * The writer's working set, kept from one range to the next (rows it loaded and wrote), with the
   * checkpoint its last commit wrote. Dropped on rollback, reset, identity change and rebuild, and
   * whenever the stored checkpoint is not the one it wrote (another writer was here), so it never
   * answers for rows it did not see written. Bounded: past WORKING_SET_ROWS it is dropped and the
   * next range loads what it needs.
   */
  private workingSet: { set: WorkingSet; checkpoint: string } | null = null;
  /**
   * The checkpoint as this writer last read or wrote it, so that the indexer's several questions per
   * poll cost no round trip. Only the lease holder writes, so it stays true; should another writer
   * have moved it anyway, applyBlockRange, which reads the stored one, corrects it (after refusing
   * one range). Forgotten on every other write.
   */
  private knownCheckpoint: { schema: string; checkpoint: Checkpoint | null } | null = null;
  /** What setHead last wrote, and when (unix ms); forgotten when a wipe or a rebuild may clear it. */
  private headWritten: { headBlock: number; confirmations: number; building: boolean; at: number } | null =
    null;
  /** Ranges applied and the re-runs a working set miss cost them (the keys hint's misses). */
  readonly writeStats = {
    ranges: 0,
    reruns: 0,
    missed: new Map<string, number>(),
    /** Wall ms per phase of applyBlockRange: loading the working set, the handlers, the flush transaction, the view refresh. */
    ms: { load: 0, handlers: 0, flush: 0, refresh: 0 },
    /** Wall ms of the flush's statements, per table. */
    flushMs: new Map<string, number>(),
  };

  private constructor(private readonly options: PostgresIndexStoreOptions) {
    this.conn = new PostgresConnection(options.pool, options.writer);
    this.served = new PostgresReads(this.conn, SERVED_SCHEMA);
    this.rebuild = new PostgresReads(this.conn, REBUILD_SCHEMA);
  }

  /** A store on a migrated database. */
  static async open(options: PostgresIndexStoreOptions): Promise<PostgresIndexStore> {
    const store = new PostgresIndexStore(options);
    if (!options.readOnly && (await shadowExists(options.pool))) {
      // A rebuild interrupted by a crash is worthless: the indexer starts it again if it must.
      await store.conn.transaction((db) => dropShadow(db));
    }
    await store.refresh();
    // The writer hears of its own commits as it makes them: no connection of its own to LISTEN on
    // (one round trip and one connection less when a standby indexer takes over).
    const listens = options.writer === undefined;
    if (listens) await store.listen().catch(() => undefined); // The poll retries.
    store.poll = setInterval(() => {
      void store.refresh().catch(() => undefined);
      if (listens && store.listenClient === null) void store.listen().catch(() => undefined);
    }, options.pollMs ?? 1_000);
    store.poll.unref();
    return store;
  }

  /**
   * A store on the database at `url` (named by `variable` in every error): migrated first when
   * `migrate` (the indexer's roles), else refused unless at this build's schema version.
   */
  static async connect(
    url: string,
    options: { variable: string; migrate: boolean; pollMs?: number },
  ): Promise<PostgresIndexStore> {
    const pool = await openDatabase(url, { variable: options.variable });
    try {
      await prepareSchema(pool, { migrate: options.migrate });
      return await PostgresIndexStore.open({
        pool,
        ownsPool: true,
        readOnly: !options.migrate,
        pollMs: options.pollMs,
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    if (this.poll !== null) clearInterval(this.poll);
    const listenClient = this.listenClient;
    this.listenClient = null;
    if (listenClient !== null) {
      // Destroyed, not returned to the pool: its listeners must not follow it to another user.
      listenClient.removeAllListeners("notification");
      listenClient.release(true);
    }
    this.conn.close();
    if (this.options.ownsPool) await this.options.pool.end();
    if (this.options.ownsListenPool) await this.options.listenPool?.end();
  }

  /** Schema version the database is at. */
  async schemaVersion(): Promise<number> {
    return schemaVersion(this.options.pool);
  }

  private async listen(): Promise<void> {
    if (this.closed || this.listenClient !== null) return;
    const client = await (this.options.listenPool ?? this.options.pool).connect();
    client.on(
      "notification",
      (message) => void this.refreshAfterNotification(message.payload).catch(() => undefined),
    );
    client.on("error", () => {
      // The database went away: the poll listens again once it is back.
      if (this.listenClient === client) this.listenClient = null;
      client.release(true);
    });
    await client.query(`LISTEN ${INDEX_CHANNEL}`);
    this.listenClient = client;
  }

  /**
   * A commit was notified. Read from the primary, the view sees it at once; read from a hot standby,
   * the standby may not have replayed it yet: poll it briefly (bounded; the 1 s poll covers the rest)
   * until it holds the range's block, when the notification names one (`payload`), else until the meta
   * changes.
   */
  private async refreshAfterNotification(payload = ""): Promise<void> {
    const before = this.view?.signature;
    const block = /^\d+$/.test(payload) ? Number(payload) : null;
    const replayed = () =>
      block !== null ? this.view.status.indexedBlock >= block : this.view?.signature !== before;
    await this.refresh();
    if (this.options.listenPool === undefined) return;
    // A standby replays a commit a millisecond or two after the primary notifies it: ask again soon
    // at first, then every 5 ms (about a second in all).
    for (let attempt = 0; attempt < 210 && !this.closed && !replayed(); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 1 : 5));
      await this.refresh();
    }
  }

  /** Reads the served index's meta into the view; tells subscribers when it changed. */
  private async refresh(): Promise<void> {
    const id = ++this.refreshes;
    const meta = await readMeta(this.options.pool, SERVED_SCHEMA);
    // A slower, older read must not overwrite a newer one.
    if (id < this.appliedRefresh || this.closed) return;
    this.appliedRefresh = id;
    this.applyMeta(meta);
  }

  /** The view of `meta`, the served index's meta row; tells subscribers when it changed. */
  private applyMeta(meta: Map<string, string>): void {
    const signature = JSON.stringify([...meta].sort());
    const changed = this.view === undefined || signature !== this.view.signature;
    const contentVersion = contentVersionOf(meta);
    if (this.view !== undefined && contentVersion !== this.view.contentVersion) this.served.clearCaches();
    const changes = meta.get("content_changes");
    this.view = {
      status: statusOf(meta),
      contentVersion,
      changes: changes === undefined ? null : (JSON.parse(changes) as ContentChanges),
      signature,
      meta,
    };
    if (changed) this.tell();
  }

  /**
   * The view with `entries` written over the meta it was read from (the writer's own writes, which it
   * need not read back); a read of the row started before it is then ignored as older.
   */
  private updateView(entries: Record<string, string>): void {
    this.appliedRefresh = ++this.refreshes;
    this.applyMeta(new Map([...this.view.meta, ...Object.entries(entries)]));
  }

  private tell(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  private static async notifyReaders(db: pg.ClientBase): Promise<void> {
    await db.query(NOTIFY_READERS);
  }

  private get writerSchema(): string {
    return this.building ? REBUILD_SCHEMA : SERVED_SCHEMA;
  }

  private get writerReads(): PostgresReads {
    return this.building ? this.rebuild : this.served;
  }

  // ------------------------------------------------------------------------------------------ reader

  status(): IndexStatus {
    return { ...this.view.status };
  }

  contentChanges(since: number): readonly string[] | null {
    const { contentVersion, changes } = this.view;
    if (since === contentVersion) return [];
    // Only the last move is named: a reader further behind cannot tell what the others changed.
    if (since !== contentVersion - 1 || changes === null || changes.version !== contentVersion) return null;
    return changes.tokens;
  }

  getCertificate(tokenId: string): Promise<CertificateRecord | null> {
    return this.served.getCertificate(tokenId);
  }

  listCertificates(filter: CertificateFilter): Promise<Page<CertificateRecord>> {
    return this.served.listCertificates(filter);
  }

  getProvenance(tokenId: string, page: PageRequest): Promise<Page<ProvenanceEntry>> {
    return this.served.getProvenance(tokenId, page);
  }

  listOwnerItems(address: string, request: OwnerItemsRequest): Promise<Page<OwnerItem>> {
    return this.served.listOwnerItems(address, request);
  }

  getBrand(brandId: number): Promise<BrandRecord | null> {
    return this.served.getBrand(brandId);
  }

  listBrands(page: PageRequest): Promise<Page<BrandRecord>> {
    return this.served.listBrands(page);
  }

  rolesOf(brandId: number, account: string, atBlock?: number): Promise<RoleName[]> {
    return this.served.rolesOf(brandId, account, atBlock);
  }

  listRoleGrants(brandId: number, options: { includeRevoked?: boolean } = {}): Promise<RoleGrant[]> {
    return this.served.listRoleGrants(brandId, options);
  }

  compromisesOf(brandId: number): Promise<IssuerCompromise[]> {
    return this.served.compromisesOf(brandId);
  }

  getDesign(designId: string): Promise<DesignRecord | null> {
    return this.served.getDesign(designId);
  }

  listDesigns(filter: { brandId?: number } & PageRequest): Promise<Page<DesignRecord>> {
    return this.served.listDesigns(filter);
  }

  twinClaimsOfCertificate(tokenId: string): Promise<TwinClaim[]> {
    return this.served.twinClaimsOfCertificate(tokenId);
  }

  twinClaimsOfDesign(designId: string, page: PageRequest): Promise<Page<TwinClaim>> {
    return this.served.twinClaimsOfDesign(designId, page);
  }

  garmentBalance(designId: string, owner: string): Promise<string> {
    return this.served.garmentBalance(designId, owner);
  }

  recentEvents(afterId: number, limit = 100): Promise<IndexEvent[]> {
    return this.served.recentEvents(afterId, limit);
  }

  lastEventId(): Promise<number> {
    return this.served.lastEventId();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  contentVersion(): number {
    return this.view.contentVersion;
  }

  /** Row counts per table (tests, diagnostics). */
  counts(): Promise<Record<string, number>> {
    return this.served.counts();
  }

  // ------------------------------------------------------------------------------------------ writer

  async identity(): Promise<IndexIdentity | null> {
    return identityOf(await readMeta(this.options.pool, this.writerSchema));
  }

  async ensureIdentity(identity: IndexIdentity): Promise<{ rebuilt: boolean }> {
    this.workingSet = null;
    this.headWritten = null;
    this.knownCheckpoint = null;
    const normalized = normalizeIdentity(identity);
    const meta = await readMeta(this.options.pool, SERVED_SCHEMA);
    const current = identityOf(meta);
    if (current !== null && JSON.stringify(current) === JSON.stringify(normalized)) return { rebuilt: false };
    // An index of another chain or other contracts is wrong, not stale: wiped in place, never served.
    await this.conn.transaction(async (db) => {
      await dropShadow(db);
      await wipe(db, SERVED_SCHEMA);
      await setMeta(db, SERVED_SCHEMA, {
        identity: JSON.stringify(normalized),
        content_version: String(contentVersionOf(meta) + 1),
      });
      if (current !== null) await appendReorgEvent(db, SERVED_SCHEMA, normalized.startBlock - 1, null, true);
      await PostgresIndexStore.notifyReaders(db);
    });
    this.building = false;
    await this.refresh();
    return { rebuilt: true };
  }

  async reset(): Promise<void> {
    this.workingSet = null;
    this.headWritten = null;
    this.knownCheckpoint = null;
    const meta = await readMeta(this.options.pool, SERVED_SCHEMA);
    await this.conn.transaction(async (db) => {
      await dropShadow(db);
      await wipe(db, SERVED_SCHEMA);
      await setMeta(db, SERVED_SCHEMA, { content_version: String(contentVersionOf(meta) + 1) });
      await appendReorgEvent(
        db,
        SERVED_SCHEMA,
        (identityOf(meta)?.startBlock ?? 0) - 1,
        checkpointOf(meta)?.blockNumber ?? null,
        true,
      );
      await PostgresIndexStore.notifyReaders(db);
    });
    this.building = false;
    await this.refresh();
  }

  async beginRebuild(): Promise<void> {
    this.workingSet = null;
    this.headWritten = null;
    this.knownCheckpoint = null;
    await this.conn.transaction(async (db) => {
      await createShadow(db);
      await PostgresIndexStore.notifyReaders(db);
    });
    this.building = true;
    await this.refresh();
  }

  async completeRebuild(): Promise<void> {
    this.workingSet = null;
    this.headWritten = null;
    this.knownCheckpoint = null;
    if (!this.building) return;
    await this.conn.transaction(async (db) => {
      await promoteShadow(db);
      await PostgresIndexStore.notifyReaders(db);
    });
    this.building = false;
    this.served.clearCaches();
    await this.refresh();
  }

  rebuilding(): Promise<boolean> {
    return Promise.resolve(this.building);
  }

  async checkpoint(): Promise<Checkpoint | null> {
    const schema = this.writerSchema;
    const known = this.knownCheckpoint;
    if (known !== null && known.schema === schema) return known.checkpoint;
    const checkpoint = checkpointOf(await readMeta(this.options.pool, schema));
    this.knownCheckpoint = { schema, checkpoint };
    return checkpoint;
  }

  blockAt(n: number): Promise<BlockRef | null> {
    return this.writerReads.blockAt(n);
  }

  blocksAtOrBelow(n: number, limit: number): Promise<BlockRef[]> {
    return this.writerReads.blocksAtOrBelow(n, limit);
  }

  /** Highest block applied as final (not reversible), or -1. */
  async finalBlock(): Promise<number> {
    return finalBlockOf(await readMeta(this.options.pool, this.writerSchema));
  }

  async applyBlockRange(range: ApplyRange, write: (tx: IndexWriteTx) => void): Promise<void> {
    const schema = this.writerSchema;
    const pool = this.options.pool;
    const ms = this.writeStats.ms;
    let mark = performance.now();
    const lap = (phase: keyof typeof ms): void => {
      const now = performance.now();
      ms[phase] += now - mark;
      mark = now;
    };
    const meta = await readMeta(pool, schema);
    const previous = checkpointOf(meta);
    this.knownCheckpoint = { schema, checkpoint: previous };
    const kept = this.workingSet;
    this.workingSet = null; // Until this range commits.
    let set: WorkingSet;
    if (kept !== null && kept.set.schema === schema && kept.checkpoint === (meta.get("checkpoint") ?? "")) {
      set = kept.set;
    } else {
      set = new WorkingSet(schema);
      // Nothing indexed yet: the tables holding no row need no loading at all.
      if (previous === null) await set.markEmptyTables(pool);
    }
    await set.load(
      pool,
      range.keys ?? { tokenIds: [], brandIds: [], designIds: [], roles: [], balances: [] },
    );
    if (previous !== null && range.fromBlock !== previous.blockNumber + 1) {
      throw new Error(
        `range ${range.fromBlock}..${range.toBlock} does not follow checkpoint ${previous.blockNumber}`,
      );
    }
    if (range.toBlock < range.fromBlock || range.toBlockHeader.number !== range.toBlock) {
      throw new Error(`invalid range ${range.fromBlock}..${range.toBlock}`);
    }
    lap("load");
    let run: RangeRun;
    for (;;) {
      run = new RangeRun(set, range.reversible, range.fromBlock);
      try {
        write(createWriteTx(run));
        break;
      } catch (error) {
        if (!(error instanceof WorkingSetMiss)) throw error;
        this.writeStats.reruns += 1;
        this.writeStats.missed.set(error.table, (this.writeStats.missed.get(error.table) ?? 0) + 1);
        lap("handlers");
        await set.loadMiss(pool, error);
        lap("load");
      }
    }
    lap("handlers");
    this.writeStats.ranges += 1;
    const served = schema === SERVED_SCHEMA;
    const checkpoint = JSON.stringify({
      blockNumber: range.toBlock,
      blockHash: range.toBlockHeader.hash.toLowerCase(),
    });
    const headSeen = this.view.status.headBlock;
    const reachesHead = headSeen === null || range.toBlock >= headSeen - this.view.status.confirmations;
    // The commit does not wait for the WAL to reach the disk while catching up. The index is derived
    // from the chain and the checkpoint commits atomically with the range's rows: a crash of the
    // database can lose the last ranges acknowledged, but then it loses their checkpoint with them,
    // and the indexer applies them again from the checkpoint that survived; nothing lost, nothing
    // twice. A reader notified of such a range may have answered from it; after the crash the status
    // goes back to the surviving checkpoint and the same blocks are applied again to the same rows.
    // Hot standbys are sent only WAL the primary has flushed, so they never hold a range it lost.
    // The range that brings the index to the head commits synchronously: it is the one readers wait
    // for, and a standby would receive an asynchronous commit only when the WAL writer flushes it (up
    // to wal_writer_delay, 200 ms by default).
    const entries: Record<string, string> = { checkpoint };
    if (!range.reversible) entries.final_block = String(range.toBlock);
    // Rows written into a rebuild are not served yet: its version moves at the swap.
    if (run.rowsChanged && served) {
      const version = contentVersionOf(meta) + 1;
      entries.content_version = String(version);
      const tokens = run.touchedTokens;
      entries.content_changes = JSON.stringify({
        version,
        tokens: tokens === null || tokens.size > MAX_CHANGED_TOKENS ? null : [...tokens],
      } satisfies ContentChanges);
    }
    const blocks = [...range.blocks, range.toBlockHeader];
    const ending = [setMetaStatement(schema, entries), ...(served ? [notifyRange(range.toBlock)] : [])];
    const statements = run.flushStatements(schema);
    if (statements !== null) {
      // The whole range in one message: its rows, headers, status and notification, and the COMMIT.
      await this.conn.script([...statements, storeBlocksStatement(schema, blocks), ...ending], {
        asynchronous: !reachesHead,
      });
    } else {
      await this.conn.transactionEndingWith(
        async (db) => {
          await run.flush(db, schema, this.writeStats.flushMs);
          await storeBlocks(db, schema, blocks);
          // With the COMMIT, in one round trip.
          return ending.join(";");
        },
        reachesHead ? "BEGIN" : "BEGIN;SET LOCAL synchronous_commit = off",
      );
    }
    this.knownCheckpoint = { schema, checkpoint: JSON.parse(checkpoint) as Checkpoint };
    run.adopt();
    if (set.size() <= WORKING_SET_ROWS) this.workingSet = { set, checkpoint };
    lap("flush");
    // This process's view and subscribers now; other processes' on the notification.
    await this.refresh();
    if (!served) this.tell();
    lap("refresh");
  }

  async rollbackTo(blockNumber: number): Promise<void> {
    this.workingSet = null;
    this.knownCheckpoint = null;
    const schema = this.writerSchema;
    const meta = await readMeta(this.options.pool, schema);
    const finalBlock = finalBlockOf(meta);
    if (blockNumber < finalBlock) throw new ReorgTooDeepError(blockNumber, finalBlock);
    const checkpoint = checkpointOf(meta);
    if (checkpoint === null || checkpoint.blockNumber <= blockNumber) return;
    const startBlock = identityOf(meta)?.startBlock ?? 0;
    const kept = blockNumber < startBlock ? null : await this.writerReads.blockAt(blockNumber);
    if (blockNumber >= startBlock && kept === null)
      throw new Error(`no kept header for block ${blockNumber}: cannot set the checkpoint there`);
    await this.conn.transaction(async (db) => {
      const changed = await rollback(db, schema, blockNumber);
      await dropBlocksAbove(db, schema, blockNumber);
      const entries: Record<string, string | null> = {
        checkpoint: kept === null ? null : JSON.stringify({ blockNumber, blockHash: kept.hash }),
      };
      if (changed && schema === SERVED_SCHEMA) entries.content_version = String(contentVersionOf(meta) + 1);
      await setMeta(db, schema, entries);
      await appendReorgEvent(db, schema, blockNumber, checkpoint.blockNumber, false);
      await PostgresIndexStore.notifyReaders(db);
    });
    await this.refresh();
  }

  async pruneBlocksBelow(blockNumber: number): Promise<void> {
    // After every range at the head: one message, and an asynchronous commit. A crash that loses it
    // leaves headers and before-images the next prune forgets, and a final block lower than it
    // could be (a reorg that deep is then refused a little later): nothing readers see.
    const n = Math.trunc(blockNumber);
    const schema = this.writerSchema;
    await this.conn.script(
      [
        pruneBlocksStatement(schema, n),
        pruneStatement(schema, n),
        ...(n - 1 >= 0
          ? [
              `INSERT INTO ${schema}.meta AS m (key, value) VALUES ('final_block', '${n - 1}') ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE m.value::bigint < excluded.value::bigint`,
            ]
          : []),
      ],
      { asynchronous: true },
    );
  }

  async setHead(headBlock: number, confirmations: number): Promise<void> {
    // An idle indexer polls often (tens of times a second for a prompt freshness): an unchanged head
    // is written again, with its time, once a second, not on every poll, so that readers are not
    // notified and do not re-read the status for nothing. Staleness is judged in tens of seconds.
    const now = Date.now();
    const last = this.headWritten;
    if (
      last !== null &&
      last.headBlock === headBlock &&
      last.confirmations === confirmations &&
      last.building === this.building &&
      now - last.at < HEAD_REWRITE_MS
    )
      return;
    const head = {
      head_block: String(headBlock),
      confirmations: String(confirmations),
      updated_at: String(Date.now()),
    };
    // One message (both schemas when rebuilding, as the served status names the head and the rebuilt
    // index carries it once swapped in), committed asynchronously and not notified: it is on the
    // path of every new block, before the block's range, and a commit that waits for the disk, or
    // wakes every reader to read a status row that holds nothing new but the head, there delays the
    // range readers wait for. A new head is followed by its range in the same run, whose commit is
    // synchronous (so a standby receives both) and notified; readers also read the row every second.
    // A crash that loses the write loses only a head seen, which the next poll writes again.
    await this.conn.script(
      [
        setMetaStatement(SERVED_SCHEMA, head),
        ...(this.building ? [setMetaStatement(REBUILD_SCHEMA, head)] : []),
      ],
      { asynchronous: true },
    );
    this.headWritten = { headBlock, confirmations, building: this.building, at: now };
    // This process's view from what was just written, without reading the row back.
    this.updateView(head);
  }
}
