/**
 * Brings a PostgreSQL database to this build's schema, or refuses one at another version: the
 * versioned .sql files in ./migrations run through database.ts (one transaction, an advisory lock,
 * `hallmark_schema_version`). A process that writes the index migrates; one that only reads
 * requires the version and names `npm run db:migrate` when it is behind. Mirrors sqlite's
 * migrations.ts (whose DDL is in schema.ts; here it is in ./migrations/0NN_index_*.sql).
 */
import type pg from "pg";
import { migrate, requireSchemaVersion, schemaVersion } from "./database.js";

export { schemaVersion };

export async function prepareSchema(pool: pg.Pool, options: { migrate: boolean }): Promise<void> {
  if (options.migrate) await migrate(pool);
  await requireSchemaVersion(pool);
}
