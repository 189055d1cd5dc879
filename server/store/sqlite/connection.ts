/**
 * One node:sqlite database holding an index: the file (or ":memory:" in tests), its pragmas, a
 * cache of prepared statements, the one write transaction at a time, and the `meta` key/value
 * table every other part keeps its small facts in. Knows nothing of what the rows mean.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { SQLInputValue, StatementSync } from "node:sqlite";

export type Row = Record<string, SQLInputValue>;

export class SqliteConnection {
  readonly location: string;
  readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private transactionOpen = false;

  constructor(location: string) {
    this.location = location;
    if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new DatabaseSync(location);
    if (location !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000");
  }

  /** Whether a write transaction is open (reads inside it must see its writes: no caches). */
  get inTransaction(): boolean {
    return this.transactionOpen;
  }

  close(): void {
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.stmt(sql).get(...params);
  }

  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.stmt(sql).all(...params);
  }

  run(
    sql: string,
    ...params: SQLInputValue[]
  ): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.stmt(sql).run(...params);
  }

  transaction<T>(fn: () => T): T {
    if (this.transactionOpen) throw new Error("nested index transaction");
    this.db.exec("BEGIN IMMEDIATE");
    this.transactionOpen = true;
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    } finally {
      this.transactionOpen = false;
    }
  }

  getMeta(key: string): string | null {
    const row = this.get("SELECT value FROM meta WHERE key = ?", key);
    return row === undefined ? null : (row.value as string);
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.run("DELETE FROM meta WHERE key = ?", key);
    else
      this.run(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        key,
        value,
      );
  }
}
