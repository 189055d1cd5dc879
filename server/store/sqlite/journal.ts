/**
 * The reorg journal. While a range is reversible, every row it changes has its before-image kept
 * in `undo_log`, tagged with the block of the change; rollback(n) replays the journal backwards
 * for blocks > n. Ranges older than the reorg window skip the journal (and cannot be undone: the
 * store throws ReorgTooDeepError and the indexer rebuilds). Every row write of an applied range
 * goes through insert/update/remove here, so the journal cannot be bypassed.
 */
import type { SQLInputValue } from "node:sqlite";
import type { Row, SqliteConnection } from "./connection.js";
import { str } from "./rows.js";
import { PRIMARY_KEYS } from "./schema.js";

const whereByPk = (table: string): string => PRIMARY_KEYS[table].map((c) => `${c} = ?`).join(" AND ");

export class Journal {
  /** Block the current writes derive from, and whether they are journaled. */
  currentBlock = 0;
  journaling = false;
  /** Whether rows changed since the last takeRowsChanged() (drives contentVersion). */
  private rowsChanged = false;

  constructor(private readonly conn: SqliteConnection) {}

  /** Marks the records as changed (a wipe, a rollback that undid rows). */
  markChanged(): void {
    this.rowsChanged = true;
  }

  /** Answers whether rows changed since the last call, and forgets it. */
  takeRowsChanged(): boolean {
    const changed = this.rowsChanged;
    this.rowsChanged = false;
    return changed;
  }

  /** Journals the before-image of a row about to change (null `before` when it is being inserted). */
  private journal(table: string, pk: readonly SQLInputValue[], before: Row | null | undefined): void {
    if (!this.journaling) return;
    this.conn.run(
      "INSERT INTO undo_log (block_number, tbl, pk, before) VALUES (?, ?, ?, ?)",
      this.currentBlock,
      table,
      JSON.stringify(pk),
      before === null || before === undefined ? null : JSON.stringify(before),
    );
  }

  private rowByPk(table: string, pk: readonly SQLInputValue[]): Row | undefined {
    return this.conn.get(`SELECT * FROM ${table} WHERE ${whereByPk(table)}`, ...pk);
  }

  /** Inserts a row (journaled), answering its rowid. */
  insert(table: string, row: Row): number {
    this.rowsChanged = true;
    const cols = Object.keys(row);
    const result = this.conn.run(
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
  update(table: string, pk: readonly SQLInputValue[], patch: Row): void {
    const cols = Object.keys(patch);
    if (cols.length === 0) return;
    this.rowsChanged = true;
    if (this.journaling) this.journal(table, pk, this.rowByPk(table, pk));
    this.conn.run(
      `UPDATE ${table} SET ${cols.map((c) => `${c} = ?`).join(", ")} WHERE ${whereByPk(table)}`,
      ...cols.map((c) => patch[c]),
      ...pk,
    );
  }

  remove(table: string, pk: readonly SQLInputValue[]): void {
    this.rowsChanged = true;
    if (this.journaling) this.journal(table, pk, this.rowByPk(table, pk));
    this.conn.run(`DELETE FROM ${table} WHERE ${whereByPk(table)}`, ...pk);
  }

  /** Restores every row changed by blocks > `blockNumber` (newest first) and drops their journal. Inside a transaction. */
  rollback(blockNumber: number): void {
    const entries = this.conn.all(
      "SELECT * FROM undo_log WHERE block_number > ? ORDER BY id DESC",
      blockNumber,
    );
    if (entries.length > 0) this.rowsChanged = true;
    for (const entry of entries) {
      const table = str(entry.tbl);
      const pk = JSON.parse(str(entry.pk)) as SQLInputValue[];
      const where = whereByPk(table);
      if (entry.before === null) {
        this.conn.run(`DELETE FROM ${table} WHERE ${where}`, ...pk);
      } else {
        const before = JSON.parse(str(entry.before)) as Row;
        const cols = Object.keys(before);
        this.conn.run(`DELETE FROM ${table} WHERE ${where}`, ...pk);
        this.conn.run(
          `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
          ...cols.map((c) => before[c]),
        );
      }
    }
    this.conn.run("DELETE FROM undo_log WHERE block_number > ?", blockNumber);
  }

  /** Forgets the before-images of blocks below `blockNumber` (they are final). */
  prune(blockNumber: number): void {
    this.conn.run("DELETE FROM undo_log WHERE block_number < ?", blockNumber);
  }
}
