/**
 * The fleet's PostgreSQL database: created when missing (the role needs CREATEDB, as the test role
 * has), then migrated, so that `api` verifiers, which refuse a schema older than theirs, start.
 */
import pg from "pg";
import { migrate, openDatabase } from "../../server/store/postgres/database.js";

/** The test role's server (scripts/test-services.sh brings it up), a database of the fleet's own. */
export const DEFAULT_FLEET_DATABASE_URL = "postgres://hallmark:hallmark@127.0.0.1:5432/hallmark_fleet";

/** Creates the database of `url` if it does not exist, then applies the migrations. */
export async function prepareFleetDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`HALLMARK_DATABASE_URL names the database "${name}": use a plain lower-case name`);
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
  } catch (error) {
    if ((error as { code?: unknown }).code !== "3D000") throw unreachable(url, error);
    // The database does not exist: create it from the server's maintenance database.
    const maintenance = new URL(url);
    maintenance.pathname = "/postgres";
    const admin = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
  } finally {
    await probe.end().catch(() => undefined);
  }
  const pool = await openDatabase(url, { variable: "HALLMARK_DATABASE_URL", max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}

function unreachable(url: string, cause: unknown): Error {
  const redacted = new URL(url);
  if (redacted.password !== "") redacted.password = "***";
  const reason =
    cause instanceof Error && cause.message !== ""
      ? cause.message
      : String((cause as { code?: unknown }).code ?? cause);
  return new Error(
    `PostgreSQL at ${redacted.toString()} does not answer (${reason}).\n` +
      "  run: npm run test:services   (installs and starts PostgreSQL with the hallmark role), or set HALLMARK_DATABASE_URL",
    { cause },
  );
}
