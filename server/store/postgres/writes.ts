/**
 * Row writes of one PostgreSQL index. The handlers write through a synchronous IndexWriteTx, so a
 * range runs against a working set held in memory: before the range the store bulk-loads the rows
 * its keys hint names (loadKeys), the handlers run against them (createWriteTx), and a read of a
 * row that was not loaded throws WorkingSetMiss: the store loads it and runs the range again from
 * the loaded rows (handlers are deterministic and write only through tx). Then flush() writes the
 * range's rows, their journal before-images and the writer's ids in a handful of multi-row
 * statements inside the range's one transaction. Also the store's bookkeeping writes (kept
 * headers, the reorg feed entry, wiping), as sqlite's writes.ts.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { checksumAddress as getAddress } from "../address.js";
import type { BlockRef, IndexWriteTx, RangeKeys } from "../IndexStore.js";
import type { RoleName } from "../model.js";
import type { Queryable } from "./connection.js";
import type { Row } from "./rows.js";
import {
  brandFromRow,
  certificateFromRow,
  certificateToRow,
  checksum,
  designFromRow,
  lc,
  num,
  provenanceToRow,
} from "./rows.js";
import { DATA_TABLES, TABLES } from "./schema.js";
import { INDEXED_META_KEYS, setMeta, sqlText } from "./status.js";

/** A handler read a row the working set does not hold: load it and run the range again. */
export class WorkingSetMiss extends Error {
  constructor(
    readonly table: string,
    readonly pk: readonly unknown[],
  ) {
    super(`working set miss: ${table} ${JSON.stringify(pk)}`);
  }
}

const keyOf = (pk: readonly unknown[]): string => JSON.stringify(pk.map((v) => String(v)));
const pkOf = (table: string, row: Row): unknown[] => TABLES[table].primaryKey.map((c) => row[c]);
/**
 * Tables the IndexWriteTx only inserts into (never reads or updates a row of): their rows are not
 * kept in the working set after a range (a kept set would mostly hold the change feed).
 */
const INSERT_ONLY_TABLES = new Set(["events", "compromises", "twin_claims"]);
const IDENTITY_TABLES = Object.keys(TABLES).filter((t) => TABLES[t].identity !== undefined);

interface JournalEntry {
  block: number;
  table: string;
  pk: unknown[];
  before: Row | null;
}

/**
 * Rows loaded from the database (null: known absent), kept across re-runs of a range and, by the
 * store, across ranges (the writer is the index's only writer: what it loaded and wrote is what the
 * database holds, until a rollback or rebuild, which drop the set).
 */
export class WorkingSet {
  readonly base = new Map<string, Map<string, Row | null>>(Object.keys(TABLES).map((t) => [t, new Map()]));
  /**
   * Tables whose every row is in `base` (they were empty when the set was made, and every write
   * since went through it): a key absent from base is absent from the table, nothing to load.
   */
  readonly complete = new Set<string>();
  /** (brand, account) pairs whose open grants are all in base.role_grants. */
  readonly rolePairs = new Set<string>();
  /** Last id each identity table's sequence handed out (the writer assigns ids after it). */
  readonly lastIds = new Map<string, number>();

  constructor(readonly schema: string) {}

  /** Rows held, over all tables (the store bounds it). */
  size(): number {
    let n = 0;
    for (const rows of this.base.values()) n += rows.size;
    return n;
  }

  /** Marks the tables the database holds no row of as complete (a fresh index: nothing to load). */
  async markEmptyTables(db: Queryable): Promise<void> {
    for (const table of await emptyTables(db, this.schema, Object.keys(TABLES))) this.complete.add(table);
  }

  private remember(table: string, rows: Row[], asked: readonly (readonly unknown[])[]): void {
    const map = this.base.get(table)!;
    for (const pk of asked) if (!map.has(keyOf(pk))) map.set(keyOf(pk), null);
    for (const row of rows) map.set(keyOf(pkOf(table, row)), row);
  }

  /** Loads what `keys` names, in one round trip per kind of row (run in parallel). */
  async load(db: Queryable, keys: RangeKeys): Promise<void> {
    const s = this.schema;
    const tasks: Promise<void>[] = [];
    const known = (table: string, pk: readonly unknown[]): boolean =>
      this.complete.has(table) || this.base.get(table)!.has(keyOf(pk));
    const brandIds = keys.brandIds.filter((id) => !known("brands", [id]));
    if (brandIds.length > 0)
      tasks.push(
        db.query<Row>(`SELECT * FROM ${s}.brands WHERE brand_id = ANY($1::bigint[])`, [brandIds]).then((r) =>
          this.remember(
            "brands",
            r.rows,
            brandIds.map((id) => [id]),
          ),
        ),
      );
    const tokenIds = keys.tokenIds.filter((id) => !known("certificates", [id]));
    if (tokenIds.length > 0)
      tasks.push(
        db
          .query<Row>(`SELECT * FROM ${s}.certificates WHERE token_id = ANY($1::text[])`, [tokenIds])
          .then((r) =>
            this.remember(
              "certificates",
              r.rows,
              tokenIds.map((id) => [id]),
            ),
          ),
      );
    const designIds = keys.designIds.filter((id) => !known("designs", [id]));
    if (designIds.length > 0)
      tasks.push(
        db.query<Row>(`SELECT * FROM ${s}.designs WHERE design_id = ANY($1::text[])`, [designIds]).then((r) =>
          this.remember(
            "designs",
            r.rows,
            designIds.map((id) => [id]),
          ),
        ),
      );
    const balances = keys.balances
      .map((b) => [b.designId, lc(b.owner)])
      .filter((pk) => !known("garment_balances", pk));
    if (balances.length > 0)
      tasks.push(
        db
          .query<Row>(
            `SELECT g.* FROM ${s}.garment_balances g JOIN unnest($1::text[], $2::text[]) AS k(design_id, owner_lc) USING (design_id, owner_lc)`,
            [balances.map((b) => b[0]), balances.map((b) => b[1])],
          )
          .then((r) => this.remember("garment_balances", r.rows, balances)),
      );
    const pairs = keys.roles
      .map((p) => ({ brandId: p.brandId, account: lc(p.account) }))
      .filter((p) => !this.complete.has("role_grants") && !this.rolePairs.has(`${p.brandId}:${p.account}`));
    if (pairs.length > 0)
      tasks.push(
        db
          .query<Row>(
            `SELECT g.* FROM ${s}.role_grants g JOIN unnest($1::bigint[], $2::text[]) AS k(brand_id, account_lc) USING (brand_id, account_lc) WHERE g.revoked_block IS NULL`,
            [pairs.map((p) => p.brandId), pairs.map((p) => p.account)],
          )
          .then((r) => {
            this.remember("role_grants", r.rows, []);
            for (const p of pairs) this.rolePairs.add(`${p.brandId}:${p.account}`);
          }),
      );
    if (this.lastIds.size === 0)
      tasks.push(
        db
          .query<{ t: string; last: string }>(
            IDENTITY_TABLES.map(
              (t) =>
                `SELECT '${t}' AS t, CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS last FROM ${s}.${t}_id_seq`,
            ).join(" UNION ALL "),
          )
          .then((r) => {
            for (const row of r.rows) this.lastIds.set(row.t, Number(row.last));
          }),
      );
    await Promise.all(tasks);
  }

  /** Loads the row (or role pair) a miss asked for. */
  async loadMiss(db: Queryable, miss: WorkingSetMiss): Promise<void> {
    if (miss.table === "roles") {
      const [brandId, account] = miss.pk as [number, string];
      return this.load(db, {
        tokenIds: [],
        brandIds: [],
        designIds: [],
        balances: [],
        roles: [{ brandId, account }],
      });
    }
    const spec = TABLES[miss.table];
    const where = spec.primaryKey.map((c, i) => `${c} = $${i + 1}`).join(" AND ");
    const { rows } = await db.query<Row>(`SELECT * FROM ${this.schema}.${miss.table} WHERE ${where}`, [
      ...miss.pk,
    ]);
    this.remember(miss.table, rows, [miss.pk]);
  }
}

/** One run of a range's handlers over the working set: what they changed, journaled per block. */
export class RangeRun {
  readonly working = new Map<string, Map<string, Row | null>>(Object.keys(TABLES).map((t) => [t, new Map()]));
  readonly journal: JournalEntry[] = [];
  private readonly journaledAt = new Map<string, number>();
  readonly lastIds: Map<string, number>;
  currentBlock: number;
  rowsChanged = false;

  constructor(
    readonly set: WorkingSet,
    readonly journaling: boolean,
    fromBlock: number,
  ) {
    this.lastIds = new Map(set.lastIds);
    this.currentBlock = fromBlock;
  }

  /** The row now (as written so far in this run), null when absent; a miss when never loaded. */
  get(table: string, pk: readonly unknown[]): Row | null {
    const key = keyOf(pk);
    const working = this.working.get(table)!;
    if (working.has(key)) return working.get(key)!;
    const base = this.set.base.get(table)!;
    if (base.has(key)) return base.get(key)!;
    if (this.set.complete.has(table)) return null;
    throw new WorkingSetMiss(table, pk);
  }

  private current(table: string, pk: readonly unknown[]): Row | null {
    const key = keyOf(pk);
    return this.working.get(table)!.get(key) ?? this.set.base.get(table)!.get(key) ?? null;
  }

  private put(table: string, pk: readonly unknown[], row: Row | null, before: Row | null): void {
    const key = keyOf(pk);
    if (this.journaling) {
      const at = `${table}:${key}`;
      // The first change of a row in each block keeps its before-image: rolling back to any block
      // restores the row as that block left it (sqlite journals every change; the first one wins).
      if (this.journaledAt.get(at) !== this.currentBlock) {
        this.journaledAt.set(at, this.currentBlock);
        this.journal.push({
          block: this.currentBlock,
          table,
          pk: [...pk],
          before: before === null ? null : { ...before },
        });
      }
    }
    this.rowsChanged = true;
    this.touch(table, row ?? before);
    this.working.get(table)!.set(key, row);
  }

  /**
   * Certificates whose answers this run may change (IndexReader.contentChanges), or null once it
   * wrote a row an answer of any certificate may read (a brand, a compromise, a role, a design).
   */
  touchedTokens: Set<string> | null = new Set();

  private touch(table: string, row: Row | null): void {
    const tokens = this.touchedTokens;
    if (tokens === null || row === null) return;
    const add = (id: unknown) => {
      if (typeof id === "string" && id !== "") tokens.add(id);
    };
    switch (table) {
      case "certificates":
        add(row.token_id);
        add(row.successor_id);
        add(row.predecessor_id);
        break;
      case "provenance":
        add(row.token_id);
        add(row.related_token_id);
        break;
      case "twin_claims":
        add(row.certificate_id);
        break;
      case "events": // The change feed: no answer reads it.
        break;
      default:
        this.touchedTokens = null;
    }
  }

  insert(table: string, row: Row): number {
    const identity = TABLES[table].identity;
    let id = 0;
    if (identity !== undefined) {
      id = (this.lastIds.get(table) ?? 0) + 1;
      this.lastIds.set(table, id);
      row = { ...row, [identity]: id };
    }
    const pk = pkOf(table, row);
    this.put(table, pk, row, this.current(table, pk));
    return id;
  }

  update(table: string, pk: readonly unknown[], patch: Row): void {
    if (Object.keys(patch).length === 0) return;
    const before = this.get(table, pk);
    if (before === null) return; // As an UPDATE of no row: nothing changes.
    this.put(table, pk, { ...before, ...patch }, before);
  }

  remove(table: string, pk: readonly unknown[]): void {
    const before = this.get(table, pk);
    if (before === null) return;
    this.put(table, pk, null, before);
  }

  /** Open grants of a (brand, account) pair, as written so far. */
  openGrants(brandId: number, account: string): Row[] {
    const accountLc = lc(account);
    if (!this.set.complete.has("role_grants") && !this.set.rolePairs.has(`${brandId}:${accountLc}`))
      throw new WorkingSetMiss("roles", [brandId, accountLc]);
    const rows = new Map<string, Row | null>(this.set.base.get("role_grants"));
    for (const [key, row] of this.working.get("role_grants")!) rows.set(key, row);
    return [...rows.values()].filter(
      (r): r is Row =>
        r !== null &&
        num(r.brand_id as number) === brandId &&
        r.account_lc === accountLc &&
        (r.revoked_block ?? null) === null,
    );
  }

  /** Per table, the primary keys of the rows to delete (changed or gone) and the rows to insert. */
  private changes(): { table: string; gone: unknown[][]; now: Row[]; deferIndexes: boolean }[] {
    const out: { table: string; gone: unknown[][]; now: Row[]; deferIndexes: boolean }[] = [];
    for (const [table, rows] of this.working) {
      if (rows.size === 0) continue;
      const base = this.set.base.get(table)!;
      const gone: unknown[][] = [];
      const now: Row[] = [];
      for (const [key, row] of rows) {
        const before = base.get(key) ?? null;
        if (before !== null) gone.push(pkOf(table, before));
        if (row !== null) now.push(row);
      }
      // Filling an empty table with many rows (a first catch-up): its secondary indexes are built
      // once after the insert, cheaper than maintained row by row (certificates have five).
      const deferIndexes =
        now.length >= DEFER_INDEXES_FROM_ROWS &&
        gone.length === 0 &&
        base.size === 0 &&
        this.set.complete.has(table) &&
        !INSERT_ONLY_TABLES.has(table);
      out.push({ table, gone, now, deferIndexes });
    }
    return out;
  }

  /** The ids the run assigned beyond the sequences' values, as one statement (null when none moved). */
  private sequencesStatement(schema: string): string | null {
    const moved = [...this.lastIds].filter(([table, id]) => id !== this.set.lastIds.get(table));
    if (moved.length === 0) return null;
    return `SELECT ${moved.map(([table, id]) => `setval('${schema}.${table}_id_seq', ${Math.trunc(id)}, true)`).join(", ")}`;
  }

  /**
   * The run's writes as statements without parameters, to send with the range's other statements
   * and its COMMIT in one message: a range at the head then costs one round trip to the database
   * instead of one per table, which is what a reader waiting for it waits for (the fleet's
   * freshness). The rows go as JSON text (sqlText), as the parameters of flush() do. Null when a
   * table is to be filled with its secondary indexes dropped (a first catch-up's large insert),
   * which needs the answers of queries of its own: then flush().
   */
  flushStatements(schema: string): string[] | null {
    const changes = this.changes();
    if (changes.some((change) => change.deferIndexes)) return null;
    // A catch-up's ranges carry thousands of rows: as parameters, their JSON goes to the server as
    // it is; inlined, the server's parser scans it character by character. Those keep flush().
    const rows = changes.reduce((sum, change) => sum + change.gone.length + change.now.length, 0);
    if (rows + this.journal.length > ONE_MESSAGE_MAX_ROWS) return null;
    const statements: string[] = [];
    for (const { table, gone, now } of changes) {
      const spec = TABLES[table];
      if (gone.length > 0) {
        const cols = spec.primaryKey;
        const keys = gone.map((pk) => Object.fromEntries(cols.map((c, i) => [c, pk[i]])));
        statements.push(
          `DELETE FROM ${schema}.${table} WHERE (${cols.join(", ")}) IN (SELECT ${cols.join(", ")} FROM json_populate_recordset(NULL::${schema}.${table}, ${sqlText(JSON.stringify(keys))}::json))`,
        );
      }
      if (now.length > 0) {
        const cols = Object.keys(spec.columns).join(", ");
        statements.push(
          `INSERT INTO ${schema}.${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${schema}.${table}, ${sqlText(JSON.stringify(now))}::json)`,
        );
      }
    }
    if (this.journal.length > 0) {
      const entries = this.journal.map((e) => ({
        block_number: e.block,
        tbl: e.table,
        pk: JSON.stringify(e.pk),
        before: e.before === null ? null : JSON.stringify(e.before),
      }));
      statements.push(
        `INSERT INTO ${schema}.undo_log (block_number, tbl, pk, before) SELECT block_number, tbl, pk, before FROM json_to_recordset(${sqlText(JSON.stringify(entries))}::json) AS e(block_number bigint, tbl text, pk text, before text)`,
      );
    }
    const sequences = this.sequencesStatement(schema);
    if (sequences !== null) statements.push(sequences);
    return statements;
  }

  /**
   * Writes the run's rows in `schema` (inside the caller's transaction): deletes of the rows that
   * changed or went, inserts of the rows as they are now, one statement per table and kind, the
   * journal in one statement, the sequences moved past the ids assigned. A query each; a range
   * whose tables need no index rebuilt goes as one message instead (flushStatements).
   */
  async flush(db: pg.ClientBase, schema: string, timings?: Map<string, number>): Promise<void> {
    let mark = performance.now();
    const lap = (what: string): void => {
      const now = performance.now();
      timings?.set(what, (timings.get(what) ?? 0) + now - mark);
      mark = now;
    };
    for (const { table, gone, now, deferIndexes } of this.changes()) {
      const spec = TABLES[table];
      if (gone.length > 0) {
        const cols = spec.primaryKey;
        await db.query(
          `DELETE FROM ${schema}.${table} WHERE (${cols.join(", ")}) IN (SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${spec.columns[c]}[]`).join(", ")}))`,
          cols.map((_, i) => gone.map((pk) => pk[i])),
        );
      }
      const rebuilt = deferIndexes ? await dropSecondaryIndexes(db, schema, table) : [];
      if (now.length >= COPY_FROM_ROWS) {
        // COPY: a catch-up's thousands of 22-column certificate rows are its flush's largest cost.
        // As one JSON document, PostgreSQL parsed them twice (json_in at bind, then
        // json_populate_recordset): COPY's text format takes them about 2.5 times faster.
        const cols = Object.keys(spec.columns);
        await pipeline(
          Readable.from([copyText(now, cols)]),
          db.query(copyFrom(`COPY ${schema}.${table} (${cols.join(", ")}) FROM STDIN`)),
        );
      } else if (now.length > 0) {
        // A few rows: one statement, cheaper than a COPY's exchange.
        const cols = Object.keys(spec.columns).join(", ");
        await db.query(
          `INSERT INTO ${schema}.${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${schema}.${table}, $1::json)`,
          [JSON.stringify(now)],
        );
      }
      for (const definition of rebuilt) await db.query(definition);
      lap(table);
    }
    if (this.journal.length > 0) {
      await db.query(
        `INSERT INTO ${schema}.undo_log (block_number, tbl, pk, before) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
        [
          this.journal.map((e) => e.block),
          this.journal.map((e) => e.table),
          this.journal.map((e) => JSON.stringify(e.pk)),
          this.journal.map((e) => (e.before === null ? null : JSON.stringify(e.before))),
        ],
      );
      lap("undo_log");
    }
    const sequences = this.sequencesStatement(schema);
    if (sequences !== null) await db.query(sequences);
  }

  /** After a committed flush: the loaded rows become what the run left (the next range starts from them). */
  adopt(): void {
    for (const [table, rows] of this.working) {
      if (INSERT_ONLY_TABLES.has(table)) continue;
      for (const [key, row] of rows) this.set.base.get(table)!.set(key, row);
    }
    for (const [table, id] of this.lastIds) this.set.lastIds.set(table, id);
  }
}

/**
 * `rows` in COPY's text format, `columns` in order: what json_populate_recordset made of the same
 * rows as JSON. Absent and null are NULL (\N); strings have their backslashes, tabs and line breaks
 * escaped; objects go as their JSON text; numbers and booleans as written.
 */
export function copyText(rows: readonly Row[], columns: readonly string[]): Buffer {
  const lines = rows.map((row) => columns.map((column) => copyValue(row[column])).join("\t"));
  return Buffer.from(lines.join("\n") + "\n", "utf8");
}

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function copyValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "\\N";
  const text =
    typeof value === "string"
      ? value
      : typeof value === "boolean" || typeof value === "bigint"
        ? value.toString()
        : JSON.stringify(value);
  return text.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]);
}

/** From how many rows a table's inserts go by COPY (flush). */
const COPY_FROM_ROWS = 100;

/** The most rows (and before-images) a range sends inlined in one message (flushStatements). */
const ONE_MESSAGE_MAX_ROWS = 256;

/** Rows inserted into an empty table from which its secondary indexes are built after the insert. */
const DEFER_INDEXES_FROM_ROWS = 2_000;

/**
 * Drops `table`'s indexes other than its primary key (inside the caller's transaction: readers wait
 * for the commit, and see the table with every index) and answers the statements that make them
 * again, exactly as defined (pg_indexes.indexdef).
 */
async function dropSecondaryIndexes(db: Queryable, schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
     JOIN pg_index x ON x.indexrelid = c.oid
     WHERE i.schemaname = $1 AND i.tablename = $2 AND NOT x.indisprimary`,
    [schema, table],
  );
  if (rows.length > 0) await db.query(`DROP INDEX ${rows.map((row) => `${schema}.${row.name}`).join(", ")}`);
  return rows.map((row) => row.definition);
}

/** The IndexWriteTx of one run (sqlite's createWriteTx over the working set). */
export function createWriteTx(run: RangeRun): IndexWriteTx {
  return {
    beginBlock(blockNumber: number): void {
      run.currentBlock = blockNumber;
    },
    getBrand(brandId) {
      const row = run.get("brands", [brandId]);
      if (row === null) return null;
      const { certificateCount: _count, ...brand } = brandFromRow(row as never);
      return brand;
    },
    insertBrand(brand): void {
      run.insert("brands", {
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
      run.update("brands", [brandId], row);
    },
    grantRole(grant): void {
      const pair = `${grant.brandId}:${lc(grant.account)}`;
      // A grant of a pair never loaded is still loaded first: rolesOf must then see every open grant.
      if (!run.set.complete.has("role_grants") && !run.set.rolePairs.has(pair))
        throw new WorkingSetMiss("roles", [grant.brandId, lc(grant.account)]);
      run.insert("role_grants", {
        brand_id: grant.brandId,
        role: grant.role,
        account: getAddress(grant.account),
        account_lc: lc(grant.account),
        granted_by: getAddress(grant.grantedBy),
        granted_block: grant.grantedAt.blockNumber,
        granted_at: JSON.stringify(grant.grantedAt),
        revoked_block: null,
        revoked_by: null,
      });
    },
    revokeRole(brandId, role, account, atBlock, by): void {
      for (const grant of run.openGrants(brandId, account).filter((g) => g.role === role))
        run.update("role_grants", [grant.id], { revoked_block: atBlock, revoked_by: getAddress(by) });
    },
    rolesOf(brandId, account): RoleName[] {
      const roles = [...new Set(run.openGrants(brandId, account).map((g) => g.role as RoleName))];
      return roles.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    insertCompromise(c): void {
      run.insert("compromises", {
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
      const row = run.get("certificates", [tokenId]);
      if (row === null) return null;
      const { inBrandCustody: _ignored, ...rest } = certificateFromRow(row as never);
      return rest;
    },
    insertCertificate(certificate): void {
      run.insert("certificates", certificateToRow(certificate));
    },
    updateCertificate(tokenId, patch): void {
      run.update("certificates", [tokenId], certificateToRow(patch));
    },
    insertProvenance(entry): number {
      return run.insert("provenance", provenanceToRow(entry));
    },
    updateProvenance(id, patch): void {
      run.update("provenance", [id], provenanceToRow(patch));
    },
    getDesign(designId) {
      const row = run.get("designs", [designId]);
      if (row === null) return null;
      const { twinClaimCount: _count, ...design } = designFromRow(row as never);
      return design;
    },
    insertDesign(d): void {
      run.insert("designs", {
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
      run.update("designs", [designId], row);
    },
    addGarmentBalance(designId, brandId, owner, delta, atBlock): void {
      if (delta === 0n) return;
      const key = lc(owner);
      const row = run.get("garment_balances", [designId, key]);
      const balance = (row === null ? 0n : BigInt(row.balance as string)) + delta;
      if (balance < 0n) throw new Error(`negative garment balance of ${owner} for design ${designId}`);
      if (balance === 0n) {
        if (row !== null) run.remove("garment_balances", [designId, key]);
      } else if (row === null) {
        const design = run.get("designs", [designId]);
        run.insert("garment_balances", {
          design_id: designId,
          owner_lc: key,
          owner: getAddress(owner),
          brand_id: brandId,
          balance: balance.toString(),
          // Designs are listed in creation order: (block, log) packed into one sortable integer.
          design_order:
            design === null
              ? 0
              : num(design.created_block as number) * 1_000_000 + num(design.created_log as number),
          updated_block: atBlock,
        });
      } else {
        run.update("garment_balances", [designId, key], {
          balance: balance.toString(),
          updated_block: atBlock,
        });
      }
    },
    insertTwinClaim(claim): void {
      run.insert("twin_claims", {
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
      run.insert("events", {
        type: event.type,
        block_number: event.blockNumber,
        tx_hash: event.txHash,
        timestamp: event.timestamp,
        data: JSON.stringify(event.data),
      });
    },
  };
}

/** storeBlocks as one statement without parameters (sent with the range's others in one message). */
export function storeBlocksStatement(schema: string, blocks: readonly BlockRef[]): string {
  const unique = new Map(blocks.map((b) => [b.number, b]));
  const rows = [...unique.values()].map((b) => ({
    number: b.number,
    hash: b.hash.toLowerCase(),
    parent_hash: b.parentHash.toLowerCase(),
    timestamp: b.timestamp,
  }));
  return `INSERT INTO ${schema}.blocks (number, hash, parent_hash, timestamp) SELECT number, hash, parent_hash, timestamp FROM json_to_recordset(${sqlText(JSON.stringify(rows))}::json) AS b(number bigint, hash text, parent_hash text, timestamp bigint) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp`;
}

/** Keeps the headers of an applied range (for reorg detection). */
export async function storeBlocks(db: Queryable, schema: string, blocks: readonly BlockRef[]): Promise<void> {
  const unique = new Map(blocks.map((b) => [b.number, b]));
  const list = [...unique.values()];
  await db.query(
    `INSERT INTO ${schema}.blocks (number, hash, parent_hash, timestamp) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp`,
    [
      list.map((b) => b.number),
      list.map((b) => b.hash.toLowerCase()),
      list.map((b) => b.parentHash.toLowerCase()),
      list.map((b) => b.timestamp),
    ],
  );
}

/**
 * Forgets kept headers below `blockNumber`, but the newest one below it (so a fork point can always
 * be named): one statement without parameters, sent with others in one message.
 */
export function pruneBlocksStatement(schema: string, blockNumber: number): string {
  const n = Math.trunc(blockNumber);
  return `DELETE FROM ${schema}.blocks WHERE number < ${n} AND number < (SELECT COALESCE(MAX(number), 0) FROM ${schema}.blocks WHERE number < ${n})`;
}

/** Drops kept headers above `blockNumber` (rolled back). */
export async function dropBlocksAbove(db: Queryable, schema: string, blockNumber: number): Promise<void> {
  await db.query(`DELETE FROM ${schema}.blocks WHERE number > $1`, [blockNumber]);
}

/** The "index.reorg" change feed entry of a rollback or a rebuild. */
export async function appendReorgEvent(
  db: Queryable,
  schema: string,
  rolledBackTo: number,
  previousBlock: number | null,
  rebuild: boolean,
): Promise<void> {
  await db.query(
    `INSERT INTO ${schema}.events (type, block_number, tx_hash, timestamp, data) VALUES ('index.reorg', $1, NULL, NULL, $2)`,
    [Math.max(0, rolledBackTo), JSON.stringify({ rolledBackTo, previousBlock, rebuild })],
  );
}

/** Which of `tables` hold no row (one round trip). */
export async function emptyTables(
  db: Queryable,
  schema: string,
  tables: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ empty: boolean[] }>(
    `SELECT ARRAY[${tables.map((t) => `NOT EXISTS (SELECT 1 FROM ${schema}.${t})`).join(", ")}] AS empty`,
  );
  return tables.filter((_, i) => rows[0].empty[i]);
}

/** Deletes every indexed record and the indexed meta keys; the identity and the id sequences stay. */
export async function wipe(db: pg.ClientBase, schema: string): Promise<void> {
  // Only the tables holding rows: TRUNCATE makes a new file per table (and its indexes) and syncs
  // them at commit, which on a fresh index costs more than the first range.
  const empty = new Set(await emptyTables(db, schema, DATA_TABLES));
  const full = DATA_TABLES.filter((t) => !empty.has(t));
  if (full.length > 0) await db.query(`TRUNCATE ${full.map((t) => `${schema}.${t}`).join(", ")}`);
  await setMeta(db, schema, Object.fromEntries(INDEXED_META_KEYS.map((k) => [k, null])));
}
