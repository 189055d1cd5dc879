import { migrate } from "../../../../server/store/postgres/database.js";
import { PostgresIndexStore } from "../../../../server/store/postgres/PostgresIndexStore.js";
import { REBUILD_SCHEMA, SERVED_SCHEMA } from "../../../../server/store/postgres/schema.js";
import type { ThrowawayDatabase } from "./throwaway-database.js";

/** A PostgresIndexStore on an empty index in `database`: the index schemas dropped and migrated again. */
export async function openEmptyIndex(database: ThrowawayDatabase): Promise<PostgresIndexStore> {
  await database.pool.query(
    `DROP SCHEMA IF EXISTS ${SERVED_SCHEMA} CASCADE; DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`,
  );
  await database.pool.query("DELETE FROM hallmark_schema_version WHERE name LIKE 'index_%'");
  await migrate(database.pool);
  return PostgresIndexStore.open({ pool: database.pool, pollMs: 100 });
}
