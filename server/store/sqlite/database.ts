/**
 * One index database: its connection, migrated to the newest schema, with the journal and the
 * reads over it. The store holds the served one and, during a rebuild, a second one (rebuild.ts).
 */
import { SqliteConnection } from "./connection.js";
import { Journal } from "./journal.js";
import { migrate } from "./migrations.js";
import { SqliteReads } from "./reads.js";

export interface IndexDatabase {
  readonly conn: SqliteConnection;
  readonly journal: Journal;
  readonly reads: SqliteReads;
}

export function openIndexDatabase(location: string): IndexDatabase {
  const conn = new SqliteConnection(location);
  migrate(conn);
  return { conn, journal: new Journal(conn), reads: new SqliteReads(conn) };
}
