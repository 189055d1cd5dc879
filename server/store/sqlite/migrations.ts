/**
 * Brings a database to the newest schema: `schema_version` holds how many of MIGRATIONS ran (the
 * DDL itself is in schema.ts). Each migration runs in its own transaction with its version bump.
 */
import type { SqliteConnection } from "./connection.js";
import { MIGRATIONS } from "./schema.js";

/** Schema version the database is at. */
export function schemaVersion(conn: SqliteConnection): number {
  return Number(conn.get("SELECT version FROM schema_version")!.version);
}

export function migrate(conn: SqliteConnection): void {
  conn.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = conn.db.prepare("SELECT version FROM schema_version").get();
  let version = row === undefined ? 0 : Number(row.version);
  if (row === undefined) conn.db.prepare("INSERT INTO schema_version (version) VALUES (0)").run();
  while (version < MIGRATIONS.length) {
    conn.transaction(() => {
      conn.exec(MIGRATIONS[version]);
      conn.db.prepare("UPDATE schema_version SET version = ?").run(version + 1);
    });
    version += 1;
  }
}
