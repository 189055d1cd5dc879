import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate, openDatabase } from "../../../../server/store/postgres/database.js";

/**
 * A database of its own for one test suite, created from HALLMARK_TEST_DATABASE_URL (its role has
 * CREATEDB) and dropped afterwards, so suites never see each other's rows. A test that needs
 * PostgreSQL fails when it is down, with the command that starts it: it never skips.
 */
export const TEST_DATABASE_URL =
  process.env.HALLMARK_TEST_DATABASE_URL ?? "postgres://hallmark:hallmark@127.0.0.1:5432/hallmark_test";

export interface ThrowawayDatabase {
  url: string;
  /** A pool on it (closed by drop). */
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const reason =
      error instanceof Error && error.message !== ""
        ? error.message
        : String((error as { code?: unknown }).code ?? error);
    throw new Error(
      `PostgreSQL for the tests is not reachable at ${redact(TEST_DATABASE_URL)} (${reason}): run: npm run test:services`,
      { cause: error },
    );
  }
  return client;
}

/** A fresh, empty database (`migrated`: with this build's schema applied, the default). */
export async function createThrowawayDatabase(
  options: { migrated?: boolean } = {},
): Promise<ThrowawayDatabase> {
  const name = `hallmark_t_${randomBytes(6).toString("hex")}`;
  const admin = await adminClient();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const pool = await openDatabase(url.toString(), { variable: "HALLMARK_TEST_DATABASE_URL", max: 10 });
  if (options.migrated ?? true) await migrate(pool);
  let dropped: Promise<void> | null = null;
  return {
    url: url.toString(),
    pool,
    drop: () =>
      (dropped ??= (async () => {
        await pool.end();
        const client = await adminClient();
        try {
          // FORCE ends the test's own leftover sessions; it is refused (42501) while a session of
          // another role, such as an autovacuum worker, is in the database: wait for it to leave.
          for (let attempt = 1; ; attempt++) {
            try {
              await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
              break;
            } catch (error) {
              const code = (error as { code?: string }).code;
              if (attempt >= 50 || (code !== "42501" && code !== "55006")) throw error;
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          }
        } finally {
          await client.end();
        }
      })()),
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}
