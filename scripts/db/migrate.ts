/**
 * `npm run db:migrate`: brings the database at HALLMARK_DATABASE_URL to this build's schema. Safe to
 * run while verifiers are up and from several machines at once (one transaction, an advisory lock).
 */
import {
  DatabaseSetupError,
  migrate,
  openDatabase,
  schemaVersion,
} from "../../server/store/postgres/database.js";

const VARIABLE = "HALLMARK_DATABASE_URL";

async function main(): Promise<void> {
  const url = process.env[VARIABLE];
  if (url === undefined || url.trim() === "")
    throw new DatabaseSetupError(`${VARIABLE} is not set: it names the database to migrate`);
  const pool = await openDatabase(url, { variable: VARIABLE, max: 1 });
  try {
    const applied = await migrate(pool);
    const version = await schemaVersion(pool);
    console.log(
      applied.length === 0
        ? `database schema is at version ${version}: nothing to apply`
        : `applied migration${applied.length === 1 ? "" : "s"} ${applied.join(", ")}: database schema is at version ${version}`,
    );
  } finally {
    await pool.end();
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof DatabaseSetupError ? error.message : error);
  process.exitCode = 1;
}
