/**
 * Rebuilding beside the served index, as sqlite's rebuild.ts: when a reorg cannot be rolled back,
 * the new index is built in a second schema (hallmark_index_rebuild, its tables made LIKE the
 * served ones) while readers keep the served schema, and the two are swapped by renaming schemas in
 * ONE transaction once it has caught up: every reader's next query sees either the old index or the
 * new one, never a mix or an empty one. The new feed's ids continue after the served feed's.
 */
import type pg from "pg";
import { ALL_TABLES, REBUILD_SCHEMA, SERVED_SCHEMA, TABLES } from "./schema.js";
import { checkpointOf, contentVersionOf, identityOf, readMeta, setMeta } from "./status.js";
import { appendReorgEvent } from "./writes.js";

export async function dropShadow(db: pg.ClientBase): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
  await setMeta(db, SERVED_SCHEMA, { rebuilding: null });
}

/** Creates an empty index beside the served one, with its identity, head and a rebuild feed entry. Inside a transaction. */
export async function createShadow(db: pg.ClientBase): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
  await db.query(`CREATE SCHEMA ${REBUILD_SCHEMA}`);
  for (const table of ALL_TABLES)
    await db.query(`CREATE TABLE ${REBUILD_SCHEMA}.${table} (LIKE ${SERVED_SCHEMA}.${table} INCLUDING ALL)`);
  const served = await readMeta(db, SERVED_SCHEMA);
  const identity = identityOf(served);
  const keep: Record<string, string | null> = { content_version: String(contentVersionOf(served)) };
  if (identity !== null) keep.identity = JSON.stringify(identity);
  for (const key of ["head_block", "confirmations", "updated_at"]) keep[key] = served.get(key) ?? null;
  await setMeta(db, REBUILD_SCHEMA, keep);
  // Identity sequences continue from the served ones: the feed's ids go on, never back.
  for (const table of Object.keys(TABLES).filter((t) => TABLES[t].identity !== undefined)) {
    const { rows } = await db.query<{ next: string }>(
      `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next FROM ${SERVED_SCHEMA}.${table}_id_seq`,
    );
    await db.query(
      `ALTER TABLE ${REBUILD_SCHEMA}.${table} ALTER COLUMN id RESTART WITH ${Number(rows[0].next)}`,
    );
  }
  await appendReorgEvent(
    db,
    REBUILD_SCHEMA,
    (identity?.startBlock ?? 0) - 1,
    checkpointOf(served)?.blockNumber ?? null,
    true,
  );
  await setMeta(db, SERVED_SCHEMA, { rebuilding: "1" });
}

/** Makes the rebuilt index the served one (its content version past the old one's). Inside a transaction. */
export async function promoteShadow(db: pg.ClientBase): Promise<void> {
  const served = await readMeta(db, SERVED_SCHEMA);
  await setMeta(db, REBUILD_SCHEMA, {
    content_version: String(contentVersionOf(served) + 1),
    rebuilding: null,
  });
  await db.query(`ALTER SCHEMA ${SERVED_SCHEMA} RENAME TO ${SERVED_SCHEMA}_old`);
  await db.query(`ALTER SCHEMA ${REBUILD_SCHEMA} RENAME TO ${SERVED_SCHEMA}`);
  await db.query(`DROP SCHEMA ${SERVED_SCHEMA}_old CASCADE`);
}

export async function shadowExists(db: pg.Pool | pg.ClientBase): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present`,
    [REBUILD_SCHEMA],
  );
  return rows[0].present;
}
