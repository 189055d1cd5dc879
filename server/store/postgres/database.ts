/**
 * The PostgreSQL connection and its schema: a pool built from a URL, and the versioned SQL
 * migrations in ./migrations (`NNN_name.sql`, applied in order, each once). Every part that keeps
 * shared state in PostgreSQL (the index, challenges, relay locks, issuer keys, mint jobs) takes the
 * pool this module opens; none of them creates tables of its own.
 *
 * Migration numbers: 001-009 shared state (challenges, relay locks, issuer keys and audit, mint
 * jobs), 010 and up the index (`0NN_index_*.sql`). Numbers never repeat; a file is never edited once
 * it has shipped (write the next one instead).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DependencyUnavailableError } from "../../errors.js";

/**
 * A database that cannot be used as configured: a bad URL, an unreachable server, a schema at
 * another version. Start-up prints the message alone: it names the variable or the command to run,
 * and a stack trace would add nothing for an operator.
 */
export class DatabaseSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseSetupError";
    this.stack = `${this.name}: ${message}`;
  }
}

export interface OpenDatabaseOptions {
  /** The environment variable the URL came from, named in every error (e.g. HALLMARK_DATABASE_URL). */
  variable: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** Called when an idle connection fails (PostgreSQL restarted): the pool replaces it on the next query. */
  onIdleError?(error: Error): void;
}

/** Where the migrations live; tests may point `migrate` at another directory. */
export const MIGRATIONS_DIRECTORY = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** `SELECT pg_advisory_xact_lock(...)` key of the migrations: "hallmark" + 1 in ASCII, a constant. */
const MIGRATION_LOCK = 0x68616c6c6d61726bn + 1n;

const VERSION_TABLE = "hallmark_schema_version";

/**
 * A pool for `url`, checked with one round trip so that a wrong URL fails at start rather than on the
 * first request. Throws DatabaseSetupError naming `options.variable`.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions): Promise<pg.Pool> {
  const { variable } = options;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseSetupError(`${variable} is not a valid postgres:// URL`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new DatabaseSetupError(
      `${variable} is not a valid postgres:// URL (it starts with ${parsed.protocol}//)`,
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // Without a listener, an idle connection dropped by a server restart would crash the process.
  pool.on("error", (error) => options.onIdleError?.(error));
  answerOutagesAs503(pool);
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    const cause = error instanceof DependencyUnavailableError ? error.cause : error;
    throw new DatabaseSetupError(`${variable} ${describeConnectError(cause, parsed)}`);
  }
  return pool;
}

/**
 * The database going away while serving (a restart, a failover, a network cut) is an outage the
 * caller may retry, not a bug: queries and checkouts that fail for it reject with
 * DependencyUnavailableError (503 with Retry-After), and the pool reconnects by itself once the
 * server answers again. Errors of the statement itself (a constraint, a syntax error) pass as they are.
 */
function answerOutagesAs503(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown> | undefined;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient> | undefined;
  // The callback forms (pg's own query calls connect with one) pass through untouched.
  (pool as { query: unknown }).query = (...args: unknown[]) =>
    typeof args.at(-1) === "function" ? query(...args) : query(...args)!.catch(rethrowOutage);
  (pool as { connect: unknown }).connect = (...args: unknown[]) =>
    args.length > 0 ? connect(...args) : connect()!.catch(rethrowOutage);
}

/** SQLSTATE classes and socket errors that mean "the database is not there right now". */
const OUTAGE_SQLSTATE = /^(08|57P0[1-3]|3D000|53300)/;
const OUTAGE_SOCKET = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

export function isDatabaseOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (OUTAGE_SQLSTATE.test(code) || OUTAGE_SOCKET.has(code))) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

/** Rethrows a database outage as DependencyUnavailableError (503), anything else unchanged. */
export function rethrowOutage(error: unknown): never {
  if (isDatabaseOutage(error))
    throw new DependencyUnavailableError("The shared database is unavailable: retry shortly", 2, {
      cause: error,
    });
  throw error;
}

/** "unreachable: ECONNREFUSED 127.0.0.1:5432", "refused the connection: password authentication failed …". */
function describeConnectError(error: unknown, url: URL): string {
  const where = `${url.hostname || "localhost"}:${url.port || "5432"}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return `unreachable: ${code} ${where}`;
  if (error instanceof AggregateError) {
    const first = error.errors[0] as { code?: unknown } | undefined;
    return `unreachable: ${typeof first?.code === "string" ? first.code : "connection failed"} ${where}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/timeout/i.test(message)) return `unreachable: timed out connecting to ${where}`;
  return `refused the connection (${where}): ${message}`;
}

interface Migration {
  version: number;
  name: string;
  file: string;
}

async function migrationsIn(directory: string): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of await readdir(directory)) {
    const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (match === null) continue;
    const version = Number(match[1]);
    const clash = migrations.find((m) => m.version === version);
    if (clash !== undefined)
      throw new Error(`Two migrations are numbered ${match[1]}: ${clash.file} and ${file}`);
    migrations.push({ version, name: match[2], file: path.join(directory, file) });
  }
  return migrations.sort((a, b) => a.version - b.version);
}

/** The version this build's schema is at: its highest migration number (0 when it has none). */
export async function codeSchemaVersion(directory: string = MIGRATIONS_DIRECTORY): Promise<number> {
  const migrations = await migrationsIn(directory);
  return migrations.at(-1)?.version ?? 0;
}

/**
 * Applies every migration the database has not seen, in order, in ONE transaction under an
 * advisory lock: two processes starting together apply each migration once (the second waits, then
 * finds nothing to do), and a failing migration leaves the schema as it was. Returns the versions
 * it applied.
 */
export async function migrate(pool: pg.Pool, directory: string = MIGRATIONS_DIRECTORY): Promise<number[]> {
  const migrations = await migrationsIn(directory);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK.toString()]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${VERSION_TABLE}`);
    const applied = new Set(rows.map((row) => Number(row.version)));
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(await readFile(migration.file, "utf8"));
      await client.query(`INSERT INTO ${VERSION_TABLE} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      newlyApplied.push(migration.version);
    }
    await client.query("COMMIT");
    return newlyApplied;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The highest migration applied to the database; 0 for a database never migrated. */
export async function schemaVersion(pool: pg.Pool): Promise<number> {
  const table = await pool.query<{ present: boolean }>(
    `SELECT to_regclass('${VERSION_TABLE}') IS NOT NULL AS present`,
  );
  if (!table.rows[0].present) return 0;
  const { rows } = await pool.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${VERSION_TABLE}`,
  );
  return Number(rows[0].version ?? 0);
}

/**
 * Refuses a database whose schema is not this build's: older means `npm run db:migrate` was not run
 * (processes that do not migrate themselves, such as `api` verifiers, must not guess); newer means
 * an older build is pointed at a database a newer one has migrated.
 */
export async function requireSchemaVersion(
  pool: pg.Pool,
  directory: string = MIGRATIONS_DIRECTORY,
): Promise<number> {
  const [have, need] = await Promise.all([schemaVersion(pool), codeSchemaVersion(directory)]);
  if (have < need)
    throw new DatabaseSetupError(
      `database schema is at version ${have}, this build needs ${need}: run npm run db:migrate`,
    );
  if (have > need)
    throw new DatabaseSetupError(
      `database schema is at version ${have}, newer than this build's ${need}: run a build that knows it`,
    );
  return have;
}
