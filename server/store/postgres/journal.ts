/**
 * The reorg journal, as sqlite's (journal.ts there): while a range is reversible, the first change
 * of each row in each block keeps the row's before-image in `undo_log` (writes.ts collects them in
 * the range's working set and flush() stores them with the rows); rollback(n) replays the journal
 * backwards for blocks > n. Ranges older than the reorg window skip the journal (the store throws
 * ReorgTooDeepError and the indexer rebuilds).
 */
import type { Queryable } from "./connection.js";
import type { Row } from "./rows.js";
import { TABLES } from "./schema.js";

const whereByPk = (table: string): string =>
  TABLES[table].primaryKey.map((c, i) => `${c} = $${i + 1}`).join(" AND ");

/** Restores every row changed by blocks > `blockNumber` (newest first) and drops their journal; answers whether any row changed. Inside a transaction. */
export async function rollback(db: Queryable, schema: string, blockNumber: number): Promise<boolean> {
  const { rows: entries } = await db.query<{ tbl: string; pk: string; before: string | null }>(
    `SELECT tbl, pk, before FROM ${schema}.undo_log WHERE block_number > $1 ORDER BY id DESC`,
    [blockNumber],
  );
  for (const entry of entries) {
    const pk = JSON.parse(entry.pk) as unknown[];
    await db.query(`DELETE FROM ${schema}.${entry.tbl} WHERE ${whereByPk(entry.tbl)}`, pk);
    if (entry.before !== null) {
      const before = JSON.parse(entry.before) as Row;
      const cols = Object.keys(before);
      await db.query(
        `INSERT INTO ${schema}.${entry.tbl} (${cols.join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`,
        cols.map((c) => before[c]),
      );
    }
  }
  await db.query(`DELETE FROM ${schema}.undo_log WHERE block_number > $1`, [blockNumber]);
  return entries.length > 0;
}

/**
 * Forgets the before-images of blocks below `blockNumber` (they are final): one statement without
 * parameters, sent with others in one message.
 */
export function pruneStatement(schema: string, blockNumber: number): string {
  return `DELETE FROM ${schema}.undo_log WHERE block_number < ${Math.trunc(blockNumber)}`;
}
