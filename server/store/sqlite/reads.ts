/**
 * The read side of one sqlite index: every IndexReader query, plus the kept block headers and row
 * counts. Answers only from its database. The status and the brands (whose certificate count is a
 * COUNT(*)) are cached briefly; the store drops the caches after each write it makes.
 */
import type { SQLInputValue } from "node:sqlite";
import { checksumAddress } from "../address.js";
import { clampLimit, decodeCursor, encodeCursor, InvalidCursorError } from "../cursor.js";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "../IndexStore.js";
import type { BlockRef, CertificateFilter, OwnerItemsRequest, Page, PageRequest } from "../IndexStore.js";
import type {
  BrandRecord,
  CertificateRecord,
  DesignRecord,
  IndexEvent,
  IndexEventType,
  IndexStatus,
  IssuerCompromise,
  OwnerItem,
  ProvenanceEntry,
  RoleName,
  RoleGrant,
  TwinClaim,
} from "../model.js";
import type { SqliteConnection } from "./connection.js";
import {
  balanceFromRow,
  blockFromRow,
  brandFromRow,
  certificateFromRow,
  compromiseFromRow,
  designFromRow,
  grantFromRow,
  lc,
  num,
  provenanceFromRow,
  str,
  strOrNull,
  twinFromRow,
} from "./rows.js";
import { DATA_TABLES } from "./schema.js";
import { readStatus } from "./status.js";

const CERT_SELECT =
  "SELECT c.*, b.vault_lc AS vault_lc FROM certificates c LEFT JOIN brands b ON b.brand_id = c.brand_id";

export class SqliteReads {
  private statusCache: { at: number; value: IndexStatus } | null = null;
  /**
   * Brands by id, as getBrand answers them. Every certificate answer names its brand, and the
   * record's certificate count is a COUNT(*) over the brand's certificates (linear in the brand's
   * size): cached like the status, dropped on each write of this store and after a short time.
   */
  private readonly brandCache = new Map<number, { at: number; value: BrandRecord | null }>();

  constructor(private readonly conn: SqliteConnection) {}

  /** Drops the cached status and brands (after a write). */
  clearCaches(): void {
    this.statusCache = null;
    this.brandCache.clear();
  }

  /** Drops the cached status only (the head moved; no record changed). */
  clearStatus(): void {
    this.statusCache = null;
  }

  status(): IndexStatus {
    // Every API answer carries the status: cached, dropped on each write of this store (and after
    // a short time, should another process write the same file).
    const now = Date.now();
    if (this.statusCache !== null && now - this.statusCache.at < 250) return { ...this.statusCache.value };
    const value = readStatus(this.conn);
    this.statusCache = { at: now, value };
    return { ...value };
  }

  getCertificate(tokenId: string): CertificateRecord | null {
    const row = this.conn.get(`${CERT_SELECT} WHERE c.token_id = ?`, tokenId);
    return row === undefined ? null : certificateFromRow(row);
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
    if (filter.claimKey !== undefined) {
      // Stored checksummed (rows.ts); the partial index certificates_claim_key holds only open keys.
      where.push("c.claim_key = ?");
      params.push(checksumAddress(filter.claimKey));
    }
    if (filter.cursor !== undefined) {
      const [block, log] = decodeCursor(filter.cursor, "c", ["n", "n"]) as number[];
      where.push("(c.issued_block > ? OR (c.issued_block = ? AND c.issued_log > ?))");
      params.push(block, block, log);
    }
    const sql = `${CERT_SELECT}${where.length ? " WHERE " + where.join(" AND ") : ""} ORDER BY c.issued_block, c.issued_log LIMIT ?`;
    const rows = this.conn.all(sql, ...params, limit + 1);
    const items = rows.slice(0, limit).map((r) => certificateFromRow(r));
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
    const rows = this.conn.all(
      "SELECT * FROM provenance WHERE token_id = ? AND id > ? ORDER BY id LIMIT ?",
      tokenId,
      after,
      limit + 1,
    );
    const items = rows.slice(0, limit).map((r) => provenanceFromRow(r));
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
      const rows = this.conn.all(
        `${CERT_SELECT} WHERE c.owner_lc = ? AND (c.issued_block > ? OR (c.issued_block = ? AND c.issued_log > ?)) ORDER BY c.issued_block, c.issued_log LIMIT ?`,
        owner,
        keyA,
        keyA,
        keyB,
        limit + 1,
      );
      for (const r of rows.slice(0, limit))
        items.push({ kind: "certificate", certificate: certificateFromRow(r) });
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
      const rows = this.conn.all(
        "SELECT * FROM garment_balances WHERE owner_lc = ? AND design_order > ? ORDER BY design_order LIMIT ?",
        owner,
        keyA,
        remaining + 1,
      );
      for (const r of rows.slice(0, remaining)) items.push({ kind: "garment", garment: balanceFromRow(r) });
      if (rows.length > remaining) {
        const lastRow = rows[remaining - 1];
        nextCursor = encodeCursor("o", [1, num(lastRow.design_order), 0]);
      }
    } else if (phase === 1 && remaining === 0) {
      // The page filled up exactly at the end of the certificates: continue with garments.
      const more = this.conn.get("SELECT 1 AS x FROM garment_balances WHERE owner_lc = ? LIMIT 1", owner);
      if (more !== undefined) nextCursor = encodeCursor("o", [1, -1, 0]);
    }
    return { items, nextCursor };
  }

  getBrand(brandId: number): BrandRecord | null {
    const now = Date.now();
    const cached = this.brandCache.get(brandId);
    // Inside a write transaction the indexer must see its own writes: no cache there.
    if (!this.conn.inTransaction && cached !== undefined && now - cached.at < 250) {
      return cached.value === null ? null : { ...cached.value, registered: { ...cached.value.registered } };
    }
    const row = this.conn.get(
      "SELECT b.*, (SELECT COUNT(*) FROM certificates c WHERE c.brand_id = b.brand_id) AS certificate_count FROM brands b WHERE b.brand_id = ?",
      brandId,
    );
    const value = row === undefined ? null : brandFromRow(row);
    if (!this.conn.inTransaction) {
      if (this.brandCache.size >= 1_024) this.brandCache.clear();
      this.brandCache.set(brandId, { at: now, value });
    }
    return value === null ? null : { ...value, registered: { ...value.registered } };
  }

  listBrands(page: PageRequest): Page<BrandRecord> {
    const limit = clampLimit(page.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const after = page.cursor === undefined ? 0 : (decodeCursor(page.cursor, "b", ["n"])[0] as number);
    const rows = this.conn.all(
      "SELECT b.*, (SELECT COUNT(*) FROM certificates c WHERE c.brand_id = b.brand_id) AS certificate_count FROM brands b WHERE b.brand_id > ? ORDER BY b.brand_id LIMIT ?",
      after,
      limit + 1,
    );
    const items = rows.slice(0, limit).map((r) => brandFromRow(r));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor("b", [last.brandId]) : null };
  }

  rolesOf(brandId: number, account: string, atBlock?: number): RoleName[] {
    const rows =
      atBlock === undefined
        ? this.conn.all(
            "SELECT DISTINCT role FROM role_grants WHERE brand_id = ? AND account_lc = ? AND revoked_block IS NULL ORDER BY role",
            brandId,
            lc(account),
          )
        : this.conn.all(
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
      ? this.conn.all("SELECT * FROM role_grants WHERE brand_id = ? ORDER BY id", brandId)
      : this.conn.all(
          "SELECT * FROM role_grants WHERE brand_id = ? AND revoked_block IS NULL ORDER BY id",
          brandId,
        );
    return rows.map((r) => grantFromRow(r));
  }

  compromisesOf(brandId: number): IssuerCompromise[] {
    return this.conn
      .all("SELECT * FROM compromises WHERE brand_id = ? ORDER BY block_number, log_index", brandId)
      .map((r) => compromiseFromRow(r));
  }

  getDesign(designId: string): DesignRecord | null {
    const row = this.conn.get(
      "SELECT d.*, (SELECT COUNT(*) FROM twin_claims t WHERE t.design_id = d.design_id) AS twin_claim_count FROM designs d WHERE d.design_id = ?",
      designId,
    );
    return row === undefined ? null : designFromRow(row);
  }

  listDesigns(filter: { brandId?: number } & PageRequest): Page<DesignRecord> {
    const limit = clampLimit(filter.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const [block, log] =
      filter.cursor === undefined ? [-1, -1] : (decodeCursor(filter.cursor, "d", ["n", "n"]) as number[]);
    const rows =
      filter.brandId === undefined
        ? this.conn.all(
            "SELECT * FROM designs WHERE (created_block > ? OR (created_block = ? AND created_log > ?)) ORDER BY created_block, created_log LIMIT ?",
            block,
            block,
            log,
            limit + 1,
          )
        : this.conn.all(
            "SELECT * FROM designs WHERE brand_id = ? AND (created_block > ? OR (created_block = ? AND created_log > ?)) ORDER BY created_block, created_log LIMIT ?",
            filter.brandId,
            block,
            block,
            log,
            limit + 1,
          );
    const items = rows.slice(0, limit).map((r) => designFromRow(r));
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
    return this.conn
      .all("SELECT * FROM twin_claims WHERE certificate_id = ? ORDER BY block_number, log_index", tokenId)
      .map((r) => twinFromRow(r));
  }

  twinClaimsOfDesign(designId: string, page: PageRequest): Page<TwinClaim> {
    const limit = clampLimit(page.limit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
    const [block, log] =
      page.cursor === undefined ? [-1, -1] : (decodeCursor(page.cursor, "t", ["n", "n"]) as number[]);
    const rows = this.conn.all(
      "SELECT * FROM twin_claims WHERE design_id = ? AND (block_number > ? OR (block_number = ? AND log_index > ?)) ORDER BY block_number, log_index LIMIT ?",
      designId,
      block,
      block,
      log,
      limit + 1,
    );
    const items = rows.slice(0, limit).map((r) => twinFromRow(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor("t", [last.blockNumber, last.logIndex]) : null,
    };
  }

  garmentBalance(designId: string, owner: string): string {
    const row = this.conn.get(
      "SELECT balance FROM garment_balances WHERE design_id = ? AND owner_lc = ?",
      designId,
      lc(owner),
    );
    return row === undefined ? "0" : str(row.balance);
  }

  recentEvents(afterId: number, limit = 100): IndexEvent[] {
    const n = clampLimit(limit, 100, 1000);
    return this.conn
      .all("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", Math.max(0, Math.floor(afterId) || 0), n)
      .map((r) => ({
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
    const row = this.conn.get("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
    return row === undefined ? 0 : num(row.seq);
  }

  /** Stored header of block `n`, if kept. */
  blockAt(n: number): BlockRef | null {
    const row = this.conn.get("SELECT * FROM blocks WHERE number = ?", n);
    return row === undefined ? null : blockFromRow(row);
  }

  /** Kept headers at or below `n`, newest first. */
  blocksAtOrBelow(n: number, limit: number): BlockRef[] {
    return this.conn
      .all("SELECT * FROM blocks WHERE number <= ? ORDER BY number DESC LIMIT ?", n, limit)
      .map((r) => blockFromRow(r));
  }

  /** Row counts per table (tests, diagnostics). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const table of DATA_TABLES) out[table] = num(this.conn.get(`SELECT COUNT(*) AS n FROM ${table}`)!.n);
    return out;
  }
}
