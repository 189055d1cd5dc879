/**
 * The index on node:sqlite (DatabaseSync): one file under the data dir (or ":memory:" in tests),
 * WAL mode, prepared statements, one transaction per applied range. Holds records only: what an
 * event means is decided by the indexer.
 *
 * Reorgs: while a range is reversible, every row it changes has its before-image journaled in
 * `undo_log` (tagged with the block of the change); rollbackTo(n) replays the journal backwards
 * for blocks > n. Ranges older than the reorg window skip the journal (and cannot be undone:
 * rollbackTo below them throws ReorgTooDeepError; the indexer then rebuilds).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { SQLInputValue, StatementSync } from "node:sqlite";
import { checksumAddress as getAddress } from "../address.js";
import { clampLimit, decodeCursor, encodeCursor, InvalidCursorError } from "../cursor.js";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, ReorgTooDeepError } from "../IndexStore.js";
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
import type {
  BrandRecord,
  CertificateRecord,
  CertificateStatus,
  ChainRef,
  DesignRecord,
  GarmentBalance,
  IndexEvent,
  IndexEventType,
  IndexStatus,
  IssuerCompromise,
  OwnerItem,
  ProvenanceEntry,
  ProvenanceKind,
  RoleGrant,
  RoleName,
  TwinClaim,
} from "../model.js";
import { DATA_TABLES, MIGRATIONS, PRIMARY_KEYS } from "./schema.js";

type Row = Record<string, SQLInputValue>;

export { ReorgTooDeepError };

export interface SqliteIndexStoreOptions {
  /** A file path, or ":memory:". Parent directories are created. */
  location: string;
}

const lc = (address: string): string => address.toLowerCase();
const checksum = (address: string | null): string | null => (address === null ? null : getAddress(address));
const bool = (v: SQLInputValue): boolean => v === 1 || v === 1n;
const num = (v: SQLInputValue): number => Number(v);
const str = (v: SQLInputValue): string => v as string;
const strOrNull = (v: SQLInputValue): string | null => (v === null ? null : (v as string));

export class SqliteIndexStore implements IndexStore {
  readonly location: string;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly listeners = new Set<() => void>();
  private inTransaction = false;
  /** Block the current writes derive from, and whether they are journaled. */
  private currentBlock = 0;
  private journaling = false;
  private statusCache: { at: number; value: IndexStatus } | null = null;
  /** See IndexReader.contentVersion: bumped after a commit that changed rows (`rowsChanged`). */
  private version = 0;
  private rowsChanged = false;
  /**
   * Brands by id, as getBrand answers them. Every certificate answer names its brand, and the
   * record's certificate count is a COUNT(*) over the brand's certificates (linear in the brand's
   * size): cached like the status, dropped on each write of this store and after a short time.
   */
  private readonly brandCache = new Map<number, { at: number; value: BrandRecord | null }>();

  constructor(options: SqliteIndexStoreOptions) {
    this.location = options.location;
    if (options.location !== ":memory:")
      mkdirSync(path.dirname(path.resolve(options.location)), { recursive: true });
    this.db = new DatabaseSync(options.location);
    if (options.location !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000");
    this.migrate();
  }

  static open(location: string): SqliteIndexStore {
    return new SqliteIndexStore({ location });
  }

  close(): void {
    this.statements.clear();
    this.listeners.clear();
    if (this.db.isOpen) this.db.close();
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = this.db.prepare("SELECT version FROM schema_version").get();
    let version = row === undefined ? 0 : num(row.version);
    if (row === undefined) this.db.prepare("INSERT INTO schema_version (version) VALUES (0)").run();
    while (version < MIGRATIONS.length) {
      this.transaction(() => {
        this.db.exec(MIGRATIONS[version]);
        this.db.prepare("UPDATE schema_version SET version = ?").run(version + 1);
      });
      version += 1;
    }
  }

  /** Schema version this file is at. */
  schemaVersion(): number {
    return num(this.db.prepare("SELECT version FROM schema_version").get()!.version);
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.stmt(sql).get(...params);
  }

  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.stmt(sql).all(...params);
  }

  private run(
    sql: string,
    ...params: SQLInputValue[]
  ): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.stmt(sql).run(...params);
  }

  private transaction<T>(fn: () => T): T {
    if (this.inTransaction) throw new Error("nested index transaction");
    this.db.exec("BEGIN IMMEDIATE");
    this.inTransaction = true;
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  private getMeta(key: string): string | null {
    const row = this.get("SELECT value FROM meta WHERE key = ?", key);
    return row === undefined ? null : str(row.value);
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.run("DELETE FROM meta WHERE key = ?", key);
    else
      this.run(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        key,
        value,
      );
  }

  private notify(): void {
    if (this.rowsChanged) {
      this.version += 1;
      this.rowsChanged = false;
    }
    this.statusCache = null;
    this.brandCache.clear();
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** Journals the before-image of a row about to change (null `before` when it is being inserted). */
  private journal(table: string, pk: readonly SQLInputValue[], before: Row | null | undefined): void {
    if (!this.journaling) return;
    this.run(
      "INSERT INTO undo_log (block_number, tbl, pk, before) VALUES (?, ?, ?, ?)",
      this.currentBlock,
      table,
      JSON.stringify(pk),
      before === null || before === undefined ? null : JSON.stringify(before),
    );
  }

  private rowByPk(table: string, pk: readonly SQLInputValue[]): Row | undefined {
    const cols = PRIMARY_KEYS[table];
    return this.get(`SELECT * FROM ${table} WHERE ${cols.map((c) => `${c} = ?`).join(" AND ")}`, ...pk);
  }

  /** Inserts a row (journaled), answering its rowid. */
  private insert(table: string, row: Row): number {
    this.rowsChanged = true;
    const cols = Object.keys(row);
    const result = this.run(
      `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
      ...cols.map((c) => row[c]),
    );
    const id = Number(result.lastInsertRowid);
    if (this.journaling) {
      const pk = PRIMARY_KEYS[table].map((c) => (c === "id" ? id : row[c]));
      this.journal(table, pk, null);
    }
    return id;
  }

  /** Updates the given columns of one row (journaled); no-op when the patch is empty. */
  private update(table: string, pk: readonly SQLInputValue[], patch: Row): void {
    const cols = Object.keys(patch);
    if (cols.length === 0) return;
    this.rowsChanged = true;
    if (this.journaling) this.journal(table, pk, this.rowByPk(table, pk));
    const where = PRIMARY_KEYS[table].map((c) => `${c} = ?`).join(" AND ");
    this.run(
      `UPDATE ${table} SET ${cols.map((c) => `${c} = ?`).join(", ")} WHERE ${where}`,
      ...cols.map((c) => patch[c]),
      ...pk,
    );
  }

  private remove(table: string, pk: readonly SQLInputValue[]): void {
    this.rowsChanged = true;
    if (this.journaling) this.journal(table, pk, this.rowByPk(table, pk));
    const where = PRIMARY_KEYS[table].map((c) => `${c} = ?`).join(" AND ");
    this.run(`DELETE FROM ${table} WHERE ${where}`, ...pk);
  }

  // ------------------------------------------------------------------------------------- row mapping

  private static ref(json: SQLInputValue): ChainRef {
    return JSON.parse(str(json)) as ChainRef;
  }

  private brandFromRow(r: Row): BrandRecord {
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
      registered: SqliteIndexStore.ref(r.registered),
      tokenURIBase: strOrNull(r.token_uri_base),
      garmentURIBase: strOrNull(r.garment_uri_base),
      certificateCount: r.certificate_count === undefined ? 0 : num(r.certificate_count),
    };
  }

  private certificateFromRow(r: Row): CertificateRecord {
    return {
      tokenId: str(r.token_id),
      brandId: num(r.brand_id),
      owner: str(r.owner),
      inBrandCustody: r.vault_lc !== undefined && r.vault_lc === r.owner_lc,
      status: str(r.status) as CertificateStatus,
      statusReason: strOrNull(r.status_reason),
      statusChangedAt: r.status_changed_at === null ? null : SqliteIndexStore.ref(r.status_changed_at),
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

  private static certificateToRow(c: Partial<Omit<CertificateRecord, "inBrandCustody">>): Row {
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

  private static provenanceFromRow(r: Row): ProvenanceEntry {
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

  private static provenanceToRow(e: Partial<Omit<ProvenanceEntry, "id">>): Row {
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

  private static designFromRow(r: Row): DesignRecord {
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
      created: SqliteIndexStore.ref(r.created_at),
      twinClaimCount: r.twin_claim_count === undefined ? 0 : num(r.twin_claim_count),
    };
  }

  private static balanceFromRow(r: Row): GarmentBalance {
    return {
      designId: str(r.design_id),
      brandId: num(r.brand_id),
      owner: str(r.owner),
      balance: str(r.balance),
      updatedAtBlock: num(r.updated_block),
    };
  }

  private static twinFromRow(r: Row): TwinClaim {
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

  private static grantFromRow(r: Row): RoleGrant {
    return {
      brandId: num(r.brand_id),
      role: str(r.role) as RoleName,
      account: str(r.account),
      grantedBy: str(r.granted_by),
      grantedAt: SqliteIndexStore.ref(r.granted_at),
      revokedAtBlock: r.revoked_block === null ? null : num(r.revoked_block),
      revokedBy: strOrNull(r.revoked_by),
    };
  }

  // ------------------------------------------------------------------------------------------ reader

  status(): IndexStatus {
    // Every API answer carries the status: cached, dropped on each write of this store (and after
    // a short time, should another process write the same file).
    const now = Date.now();
    if (this.statusCache !== null && now - this.statusCache.at < 250) return { ...this.statusCache.value };
    const value = this.readStatus();
    this.statusCache = { at: now, value };
    return { ...value };
  }

  private readStatus(): IndexStatus {
    const identity = this.identity();
    const checkpoint = this.checkpoint();
    const head = this.getMeta("head_block");
    const confirmations = Number(this.getMeta("confirmations") ?? "0");
    const updatedAt = this.getMeta("updated_at");
    const startBlock = identity?.startBlock ?? 0;
    const indexedBlock = checkpoint?.blockNumber ?? startBlock - 1;
    const headBlock = head === null ? null : Number(head);
    const lag = headBlock === null ? 0 : Math.max(0, headBlock - indexedBlock);
    return {
      chainId: identity?.chainId ?? 0,
      indexedBlock,
      indexedBlockHash: checkpoint?.blockHash ?? null,
      headBlock,
      caughtUp: headBlock !== null && indexedBlock >= headBlock - confirmations,
      lag,
      confirmations,
      updatedAt: updatedAt === null ? null : Number(updatedAt),
    };
  }

  private static readonly CERT_SELECT =
    "SELECT c.*, b.vault_lc AS vault_lc FROM certificates c LEFT JOIN brands b ON b.brand_id = c.brand_id";

  getCertificate(tokenId: string): CertificateRecord | null {
    const row = this.get(`${SqliteIndexStore.CERT_SELECT} WHERE c.token_id = ?`, tokenId);
    return row === undefined ? null : this.certificateFromRow(row);
  }

  listCertificates(filter: CertificateFilter): Page<CertificateRecord> {
    const limit = clampLimit(filter.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.brandId !== undefined) {
      where.push("c.brand_id = ?");
      params.push(filter.brandId);
    }
    if (filter.owner !== undefined) {
      where.push("c.owner_lc = ?");
      params.push(lc(filter.owner));
    }
    if (filter.status !== undefined) {
      where.push("c.status = ?");
      params.push(filter.status);
    }
    if (filter.cursor !== undefined) {
      const [block, log] = decodeCursor(filter.cursor, "c", ["n", "n"]) as number[];
      where.push("(c.issued_block > ? OR (c.issued_block = ? AND c.issued_log > ?))");
      params.push(block, block, log);
    }
    const sql = `${SqliteIndexStore.CERT_SELECT}${where.length ? " WHERE " + where.join(" AND ") : ""} ORDER BY c.issued_block, c.issued_log LIMIT ?`;
    const rows = this.all(sql, ...params, limit + 1);
    const items = rows.slice(0, limit).map((r) => this.certificateFromRow(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor("c", [last.issued.blockNumber, last.issued.logIndex])
          : null,
    };
  }

  getProvenance(tokenId: string, page: PageRequest): Page<ProvenanceEntry> {
    const limit = clampLimit(page.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const after = page.cursor === undefined ? 0 : (decodeCursor(page.cursor, "p", ["n"])[0] as number);
    const rows = this.all(
      "SELECT * FROM provenance WHERE token_id = ? AND id > ? ORDER BY id LIMIT ?",
      tokenId,
      after,
      limit + 1,
    );
    const items = rows.slice(0, limit).map((r) => SqliteIndexStore.provenanceFromRow(r));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor("p", [last.id]) : null };
  }

  listOwnerItems(address: string, request: OwnerItemsRequest): Page<OwnerItem> {
    const limit = clampLimit(request.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const owner = lc(address);
    // Cursor: ["o", phase (0 certificates, 1 garments), a, b]
    let phase = request.kind === "garment" ? 1 : 0;
    let keyA = -1;
    let keyB = -1;
    if (request.cursor !== undefined) {
      const [p, a, b] = decodeCursor(request.cursor, "o", ["n", "n", "n"]) as number[];
      if ((p !== 0 && p !== 1) || (request.kind === "garment" && p === 0)) throw new InvalidCursorError();
      phase = p;
      keyA = a;
      keyB = b;
    }
    const items: OwnerItem[] = [];
    let nextCursor: string | null = null;
    if (phase === 0 && request.kind !== "garment") {
      const rows = this.all(
        `${SqliteIndexStore.CERT_SELECT} WHERE c.owner_lc = ? AND (c.issued_block > ? OR (c.issued_block = ? AND c.issued_log > ?)) ORDER BY c.issued_block, c.issued_log LIMIT ?`,
        owner,
        keyA,
        keyA,
        keyB,
        limit + 1,
      );
      for (const r of rows.slice(0, limit))
        items.push({ kind: "certificate", certificate: this.certificateFromRow(r) });
      if (rows.length > limit) {
        const last = items.at(-1) as { kind: "certificate"; certificate: CertificateRecord };
        return {
          items,
          nextCursor: encodeCursor("o", [
            0,
            last.certificate.issued.blockNumber,
            last.certificate.issued.logIndex,
          ]),
        };
      }
      if (request.kind === "certificate") return { items, nextCursor: null };
      phase = 1;
      keyA = -1;
    }
    const remaining = limit - items.length;
    if (phase === 1 && remaining > 0) {
      const rows = this.all(
        "SELECT * FROM garment_balances WHERE owner_lc = ? AND design_order > ? ORDER BY design_order LIMIT ?",
        owner,
        keyA,
        remaining + 1,
      );
      for (const r of rows.slice(0, remaining))
        items.push({ kind: "garment", garment: SqliteIndexStore.balanceFromRow(r) });
      if (rows.length > remaining) {
        const lastRow = rows[remaining - 1];
        nextCursor = encodeCursor("o", [1, num(lastRow.design_order), 0]);
      }
    } else if (phase === 1 && remaining === 0) {
      // The page filled up exactly at the end of the certificates: continue with garments.
      const more = this.get("SELECT 1 AS x FROM garment_balances WHERE owner_lc = ? LIMIT 1", owner);
      if (more !== undefined) nextCursor = encodeCursor("o", [1, -1, 0]);
    }
    return { items, nextCursor };
  }

  getBrand(brandId: number): BrandRecord | null {
    const now = Date.now();
    const cached = this.brandCache.get(brandId);
    // Inside a write transaction the indexer must see its own writes: no cache there.
    if (!this.inTransaction && cached !== undefined && now - cached.at < 250) {
      return cached.value === null ? null : { ...cached.value, registered: { ...cached.value.registered } };
    }
    const row = this.get(
      "SELECT b.*, (SELECT COUNT(*) FROM certificates c WHERE c.brand_id = b.brand_id) AS certificate_count FROM brands b WHERE b.brand_id = ?",
      brandId,
    );
    const value = row === undefined ? null : this.brandFromRow(row);
    if (!this.inTransaction) {
      if (this.brandCache.size >= 1_024) this.brandCache.clear();
      this.brandCache.set(brandId, { at: now, value });
    }
    return value === null ? null : { ...value, registered: { ...value.registered } };
  }

  listBrands(page: PageRequest): Page<BrandRecord> {
    const limit = clampLimit(page.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const after = page.cursor === undefined ? 0 : (decodeCursor(page.cursor, "b", ["n"])[0] as number);
    const rows = this.all(
      "SELECT b.*, (SELECT COUNT(*) FROM certificates c WHERE c.brand_id = b.brand_id) AS certificate_count FROM brands b WHERE b.brand_id > ? ORDER BY b.brand_id LIMIT ?",
      after,
      limit + 1,
    );
    const items = rows.slice(0, limit).map((r) => this.brandFromRow(r));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor("b", [last.brandId]) : null };
  }

  rolesOf(brandId: number, account: string, atBlock?: number): RoleName[] {
    const rows =
      atBlock === undefined
        ? this.all(
            "SELECT DISTINCT role FROM role_grants WHERE brand_id = ? AND account_lc = ? AND revoked_block IS NULL ORDER BY role",
            brandId,
            lc(account),
          )
        : this.all(
            "SELECT DISTINCT role FROM role_grants WHERE brand_id = ? AND account_lc = ? AND granted_block <= ? AND (revoked_block IS NULL OR revoked_block > ?) ORDER BY role",
            brandId,
            lc(account),
            atBlock,
            atBlock,
          );
    return rows.map((r) => str(r.role) as RoleName);
  }

  listRoleGrants(brandId: number, options: { includeRevoked?: boolean } = {}): RoleGrant[] {
    const rows = options.includeRevoked
      ? this.all("SELECT * FROM role_grants WHERE brand_id = ? ORDER BY id", brandId)
      : this.all(
          "SELECT * FROM role_grants WHERE brand_id = ? AND revoked_block IS NULL ORDER BY id",
          brandId,
        );
    return rows.map((r) => SqliteIndexStore.grantFromRow(r));
  }

  compromisesOf(brandId: number): IssuerCompromise[] {
    return this.all(
      "SELECT * FROM compromises WHERE brand_id = ? ORDER BY block_number, log_index",
      brandId,
    ).map((r) => ({
      brandId: num(r.brand_id),
      issuer: str(r.issuer),
      fromBlock: num(r.from_block),
      declaredBy: str(r.declared_by),
      blockNumber: num(r.block_number),
      blockHash: str(r.block_hash),
      txHash: str(r.tx_hash),
      logIndex: num(r.log_index),
      timestamp: num(r.timestamp),
    }));
  }

  getDesign(designId: string): DesignRecord | null {
    const row = this.get(
      "SELECT d.*, (SELECT COUNT(*) FROM twin_claims t WHERE t.design_id = d.design_id) AS twin_claim_count FROM designs d WHERE d.design_id = ?",
      designId,
    );
    return row === undefined ? null : SqliteIndexStore.designFromRow(row);
  }

  listDesigns(filter: { brandId?: number } & PageRequest): Page<DesignRecord> {
    const limit = clampLimit(filter.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const [block, log] =
      filter.cursor === undefined ? [-1, -1] : (decodeCursor(filter.cursor, "d", ["n", "n"]) as number[]);
    const rows =
      filter.brandId === undefined
        ? this.all(
            "SELECT * FROM designs WHERE (created_block > ? OR (created_block = ? AND created_log > ?)) ORDER BY created_block, created_log LIMIT ?",
            block,
            block,
            log,
            limit + 1,
          )
        : this.all(
            "SELECT * FROM designs WHERE brand_id = ? AND (created_block > ? OR (created_block = ? AND created_log > ?)) ORDER BY created_block, created_log LIMIT ?",
            filter.brandId,
            block,
            block,
            log,
            limit + 1,
          );
    const items = rows.slice(0, limit).map((r) => SqliteIndexStore.designFromRow(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor("d", [last.created.blockNumber, last.created.logIndex])
          : null,
    };
  }

  twinClaimsOfCertificate(tokenId: string): TwinClaim[] {
    return this.all(
      "SELECT * FROM twin_claims WHERE certificate_id = ? ORDER BY block_number, log_index",
      tokenId,
    ).map((r) => SqliteIndexStore.twinFromRow(r));
  }

  twinClaimsOfDesign(designId: string, page: PageRequest): Page<TwinClaim> {
    const limit = clampLimit(page.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const [block, log] =
      page.cursor === undefined ? [-1, -1] : (decodeCursor(page.cursor, "t", ["n", "n"]) as number[]);
    const rows = this.all(
      "SELECT * FROM twin_claims WHERE design_id = ? AND (block_number > ? OR (block_number = ? AND log_index > ?)) ORDER BY block_number, log_index LIMIT ?",
      designId,
      block,
      block,
      log,
      limit + 1,
    );
    const items = rows.slice(0, limit).map((r) => SqliteIndexStore.twinFromRow(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor("t", [last.blockNumber, last.logIndex]) : null,
    };
  }

  garmentBalance(designId: string, owner: string): string {
    const row = this.get(
      "SELECT balance FROM garment_balances WHERE design_id = ? AND owner_lc = ?",
      designId,
      lc(owner),
    );
    return row === undefined ? "0" : str(row.balance);
  }

  recentEvents(afterId: number, limit = 100): IndexEvent[] {
    const n = clampLimit(limit, 100, 1000);
    return this.all(
      "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?",
      Math.max(0, Math.floor(afterId) || 0),
      n,
    ).map((r) => ({
      id: num(r.id),
      type: str(r.type) as IndexEventType,
      blockNumber: num(r.block_number),
      txHash: strOrNull(r.tx_hash),
      timestamp: r.timestamp === null ? null : num(r.timestamp),
      data: JSON.parse(str(r.data)) as Record<string, unknown>,
    }));
  }

  lastEventId(): number {
    // sqlite_sequence survives deletes: ids are never reused.
    const row = this.get("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
    return row === undefined ? 0 : num(row.seq);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  contentVersion(): number {
    return this.version;
  }

  // ------------------------------------------------------------------------------------------ writer

  identity(): IndexIdentity | null {
    const value = this.getMeta("identity");
    return value === null ? null : (JSON.parse(value) as IndexIdentity);
  }

  ensureIdentity(identity: IndexIdentity): { rebuilt: boolean } {
    const normalized: IndexIdentity = {
      chainId: identity.chainId,
      genesisHash: identity.genesisHash.toLowerCase(),
      startBlock: identity.startBlock,
      contracts: {
        BrandRegistry: getAddress(identity.contracts.BrandRegistry),
        HallmarkCertificate: getAddress(identity.contracts.HallmarkCertificate),
        HallmarkGarments: getAddress(identity.contracts.HallmarkGarments),
      },
    };
    const current = this.identity();
    if (current !== null && JSON.stringify(current) === JSON.stringify(normalized)) return { rebuilt: false };
    this.transaction(() => {
      this.wipe();
      this.setMeta("identity", JSON.stringify(normalized));
      if (current !== null) this.appendReorgEvent(normalized.startBlock - 1, null, true);
    });
    this.notify();
    return { rebuilt: true };
  }

  /** Wipes every indexed record but keeps the identity (the indexer re-reads from the start). */
  reset(): void {
    const previous = this.checkpoint();
    const startBlock = this.identity()?.startBlock ?? 0;
    this.transaction(() => {
      this.wipe();
      this.appendReorgEvent(startBlock - 1, previous?.blockNumber ?? null, true);
    });
    this.notify();
  }

  private appendReorgEvent(rolledBackTo: number, previousBlock: number | null, rebuild: boolean): void {
    this.run(
      "INSERT INTO events (type, block_number, tx_hash, timestamp, data) VALUES (?, ?, NULL, NULL, ?)",
      "index.reorg",
      Math.max(0, rolledBackTo),
      JSON.stringify({ rolledBackTo, previousBlock, rebuild }),
    );
  }

  private wipe(): void {
    this.rowsChanged = true;
    for (const table of DATA_TABLES) this.run(`DELETE FROM ${table}`);
    for (const key of ["checkpoint", "final_block", "head_block", "updated_at"]) this.setMeta(key, null);
  }

  checkpoint(): Checkpoint | null {
    const value = this.getMeta("checkpoint");
    return value === null ? null : (JSON.parse(value) as Checkpoint);
  }

  blockAt(n: number): BlockRef | null {
    const row = this.get("SELECT * FROM blocks WHERE number = ?", n);
    return row === undefined ? null : SqliteIndexStore.blockFromRow(row);
  }

  blocksAtOrBelow(n: number, limit: number): BlockRef[] {
    return this.all("SELECT * FROM blocks WHERE number <= ? ORDER BY number DESC LIMIT ?", n, limit).map(
      (r) => SqliteIndexStore.blockFromRow(r),
    );
  }

  private static blockFromRow(r: Row): BlockRef {
    return {
      number: num(r.number),
      hash: str(r.hash),
      parentHash: str(r.parent_hash),
      timestamp: num(r.timestamp),
    };
  }

  /** Highest block applied as final (not reversible), or -1. */
  finalBlock(): number {
    return Number(this.getMeta("final_block") ?? "-1");
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
    this.transaction(() => {
      this.journaling = range.reversible;
      this.currentBlock = range.fromBlock;
      try {
        write(this.writeTx());
      } finally {
        this.journaling = false;
      }
      for (const block of [...range.blocks, range.toBlockHeader]) {
        this.run(
          "INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp",
          block.number,
          block.hash.toLowerCase(),
          block.parentHash.toLowerCase(),
          block.timestamp,
        );
      }
      if (!range.reversible) this.setMeta("final_block", String(range.toBlock));
      this.setMeta(
        "checkpoint",
        JSON.stringify({ blockNumber: range.toBlock, blockHash: range.toBlockHeader.hash.toLowerCase() }),
      );
    });
    this.notify();
  }

  rollbackTo(blockNumber: number): void {
    const finalBlock = this.finalBlock();
    if (blockNumber < finalBlock) throw new ReorgTooDeepError(blockNumber, finalBlock);
    const checkpoint = this.checkpoint();
    if (checkpoint === null || checkpoint.blockNumber <= blockNumber) return;
    const startBlock = this.identity()?.startBlock ?? 0;
    this.transaction(() => {
      const entries = this.all("SELECT * FROM undo_log WHERE block_number > ? ORDER BY id DESC", blockNumber);
      if (entries.length > 0) this.rowsChanged = true;
      for (const entry of entries) {
        const table = str(entry.tbl);
        const pk = JSON.parse(str(entry.pk)) as SQLInputValue[];
        const where = PRIMARY_KEYS[table].map((c) => `${c} = ?`).join(" AND ");
        if (entry.before === null) {
          this.run(`DELETE FROM ${table} WHERE ${where}`, ...pk);
        } else {
          const before = JSON.parse(str(entry.before)) as Row;
          const cols = Object.keys(before);
          this.run(`DELETE FROM ${table} WHERE ${where}`, ...pk);
          this.run(
            `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
            ...cols.map((c) => before[c]),
          );
        }
      }
      this.run("DELETE FROM undo_log WHERE block_number > ?", blockNumber);
      this.run("DELETE FROM blocks WHERE number > ?", blockNumber);
      if (blockNumber < startBlock) {
        this.setMeta("checkpoint", null);
      } else {
        const kept = this.blockAt(blockNumber);
        if (kept === null)
          throw new Error(`no kept header for block ${blockNumber}: cannot set the checkpoint there`);
        this.setMeta("checkpoint", JSON.stringify({ blockNumber, blockHash: kept.hash }));
      }
      this.appendReorgEvent(blockNumber, checkpoint.blockNumber, false);
    });
    this.notify();
  }

  pruneBlocksBelow(blockNumber: number): void {
    this.transaction(() => {
      // Keep the newest header below the cut so a fork point can always be named.
      this.run(
        "DELETE FROM blocks WHERE number < ? AND number < (SELECT COALESCE(MAX(number), 0) FROM blocks WHERE number < ?)",
        blockNumber,
        blockNumber,
      );
      this.run("DELETE FROM undo_log WHERE block_number < ?", blockNumber);
      const finalBlock = this.finalBlock();
      if (blockNumber - 1 > finalBlock) this.setMeta("final_block", String(blockNumber - 1));
    });
  }

  setHead(headBlock: number, confirmations: number): void {
    if (this.inTransaction) throw new Error("setHead inside a range");
    this.setMeta("head_block", String(headBlock));
    this.setMeta("confirmations", String(confirmations));
    this.setMeta("updated_at", String(Date.now()));
    this.statusCache = null;
  }

  /** Row counts per table (tests, diagnostics). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const table of DATA_TABLES) out[table] = num(this.get(`SELECT COUNT(*) AS n FROM ${table}`)!.n);
    return out;
  }

  // --------------------------------------------------------------------------------- write transaction

  private writeTx(): IndexWriteTx {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    // Roles are asked for nearly every event and change rarely: cached for the range.
    const roleCache = new Map<string, RoleName[]>();
    return {
      beginBlock(blockNumber: number): void {
        store.currentBlock = blockNumber;
      },
      getBrand: (brandId) => store.getBrand(brandId),
      insertBrand(brand): void {
        store.insert("brands", {
          brand_id: brand.brandId,
          name: brand.name,
          metadata_uri: brand.metadataURI,
          admin: getAddress(brand.admin),
          vault: getAddress(brand.vault),
          vault_lc: lc(brand.vault),
          royalty_receiver: checksum(brand.royaltyReceiver),
          royalty_bps: brand.royaltyBps,
          paused: brand.paused ? 1 : 0,
          paused_reason: brand.pausedReason,
          registered: JSON.stringify(brand.registered),
          token_uri_base: brand.tokenURIBase,
          garment_uri_base: brand.garmentURIBase,
        });
      },
      updateBrand(brandId, patch): void {
        const row: Row = {};
        if (patch.name !== undefined) row.name = patch.name;
        if (patch.metadataURI !== undefined) row.metadata_uri = patch.metadataURI;
        if (patch.admin !== undefined) row.admin = getAddress(patch.admin);
        if (patch.vault !== undefined) {
          row.vault = getAddress(patch.vault);
          row.vault_lc = lc(patch.vault);
        }
        if (patch.royaltyReceiver !== undefined) row.royalty_receiver = checksum(patch.royaltyReceiver);
        if (patch.royaltyBps !== undefined) row.royalty_bps = patch.royaltyBps;
        if (patch.paused !== undefined) row.paused = patch.paused ? 1 : 0;
        if (patch.pausedReason !== undefined) row.paused_reason = patch.pausedReason;
        if (patch.tokenURIBase !== undefined) row.token_uri_base = patch.tokenURIBase;
        if (patch.garmentURIBase !== undefined) row.garment_uri_base = patch.garmentURIBase;
        store.update("brands", [brandId], row);
      },
      grantRole(grant): void {
        roleCache.clear();
        store.insert("role_grants", {
          brand_id: grant.brandId,
          role: grant.role,
          account: getAddress(grant.account),
          account_lc: lc(grant.account),
          granted_by: getAddress(grant.grantedBy),
          granted_block: grant.grantedAt.blockNumber,
          granted_at: JSON.stringify(grant.grantedAt),
        });
      },
      revokeRole(brandId, role, account, atBlock, by): void {
        roleCache.clear();
        const open = store.all(
          "SELECT id FROM role_grants WHERE brand_id = ? AND account_lc = ? AND role = ? AND revoked_block IS NULL",
          brandId,
          lc(account),
          role,
        );
        for (const r of open)
          store.update("role_grants", [num(r.id)], { revoked_block: atBlock, revoked_by: getAddress(by) });
      },
      rolesOf(brandId, account): RoleName[] {
        const key = `${brandId}:${lc(account)}`;
        let roles = roleCache.get(key);
        if (roles === undefined) {
          roles = store.rolesOf(brandId, account);
          roleCache.set(key, roles);
        }
        return [...roles];
      },
      insertCompromise(c): void {
        store.insert("compromises", {
          block_number: c.blockNumber,
          log_index: c.logIndex,
          brand_id: c.brandId,
          issuer: getAddress(c.issuer),
          from_block: c.fromBlock,
          declared_by: getAddress(c.declaredBy),
          block_hash: c.blockHash,
          tx_hash: c.txHash,
          timestamp: c.timestamp,
        });
      },
      getCertificate(tokenId) {
        const row = store.get("SELECT * FROM certificates WHERE token_id = ?", tokenId);
        if (row === undefined) return null;
        const { inBrandCustody: _ignored, ...rest } = store.certificateFromRow(row);
        return rest;
      },
      insertCertificate(certificate): void {
        store.insert("certificates", SqliteIndexStore.certificateToRow(certificate));
      },
      updateCertificate(tokenId, patch): void {
        store.update("certificates", [tokenId], SqliteIndexStore.certificateToRow(patch));
      },
      insertProvenance(entry): number {
        return store.insert("provenance", SqliteIndexStore.provenanceToRow(entry));
      },
      updateProvenance(id, patch): void {
        store.update("provenance", [id], SqliteIndexStore.provenanceToRow(patch));
      },
      getDesign: (designId) => store.getDesign(designId),
      insertDesign(d): void {
        store.insert("designs", {
          design_id: d.designId,
          brand_id: d.brandId,
          creator: getAddress(d.creator),
          max_supply: d.maxSupply,
          minted: d.minted,
          burned: d.burned,
          closes_at: d.closesAt,
          locked: d.locked ? 1 : 0,
          redeemable: d.redeemable ? 1 : 0,
          royalty_receiver: checksum(d.royaltyReceiver),
          royalty_bps: d.royaltyBps,
          metadata_digest: d.metadataDigest,
          twin_collection_root: d.twinCollectionRoot,
          created_block: d.created.blockNumber,
          created_log: d.created.logIndex,
          created_at: JSON.stringify(d.created),
        });
      },
      updateDesign(designId, patch): void {
        const row: Row = {};
        if (patch.minted !== undefined) row.minted = patch.minted;
        if (patch.burned !== undefined) row.burned = patch.burned;
        if (patch.royaltyReceiver !== undefined) row.royalty_receiver = checksum(patch.royaltyReceiver);
        if (patch.royaltyBps !== undefined) row.royalty_bps = patch.royaltyBps;
        store.update("designs", [designId], row);
      },
      addGarmentBalance(designId, brandId, owner, delta, atBlock): void {
        if (delta === 0n) return;
        const key = lc(owner);
        const row = store.get(
          "SELECT balance FROM garment_balances WHERE design_id = ? AND owner_lc = ?",
          designId,
          key,
        );
        const balance = (row === undefined ? 0n : BigInt(str(row.balance))) + delta;
        if (balance < 0n) throw new Error(`negative garment balance of ${owner} for design ${designId}`);
        if (balance === 0n) {
          if (row !== undefined) store.remove("garment_balances", [designId, key]);
        } else if (row === undefined) {
          const order = store.get(
            "SELECT created_block, created_log FROM designs WHERE design_id = ?",
            designId,
          );
          store.insert("garment_balances", {
            design_id: designId,
            owner_lc: key,
            owner: getAddress(owner),
            brand_id: brandId,
            balance: balance.toString(),
            // Designs are listed in creation order: (block, log) packed into one sortable integer.
            design_order:
              order === undefined ? 0 : num(order.created_block) * 1_000_000 + num(order.created_log),
            updated_block: atBlock,
          });
        } else {
          store.update("garment_balances", [designId, key], {
            balance: balance.toString(),
            updated_block: atBlock,
          });
        }
      },
      insertTwinClaim(claim): void {
        store.insert("twin_claims", {
          design_id: claim.designId,
          certificate_id: claim.certificateId,
          owner: getAddress(claim.owner),
          block_number: claim.blockNumber,
          block_hash: claim.blockHash,
          tx_hash: claim.txHash,
          log_index: claim.logIndex,
          timestamp: claim.timestamp,
        });
      },
      appendEvent(event): void {
        store.insert("events", {
          type: event.type,
          block_number: event.blockNumber,
          tx_hash: event.txHash,
          timestamp: event.timestamp,
          data: JSON.stringify(event.data),
        });
      },
    };
  }
}
