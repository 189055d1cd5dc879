import { expect } from "chai";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  DatabaseSetupError,
  codeSchemaVersion,
  migrate,
  openDatabase,
  requireSchemaVersion,
  schemaVersion,
} from "../../../../server/store/postgres/database.js";
import { makeTempDir } from "../../support/temp-dir.js";
import pg from "pg";
import { DependencyUnavailableError } from "../../../../server/errors.js";
import { createThrowawayDatabase, TEST_DATABASE_URL } from "./throwaway-database.js";
import type { ThrowawayDatabase } from "./throwaway-database.js";

const VARIABLE = "HALLMARK_DATABASE_URL";

async function setupErrorOf(attempt: Promise<unknown>): Promise<DatabaseSetupError> {
  try {
    await attempt;
  } catch (error) {
    expect(error).to.be.instanceOf(DatabaseSetupError);
    return error as DatabaseSetupError;
  }
  expect.fail("expected a DatabaseSetupError");
}

describe("PostgreSQL database (server/store/postgres/database.ts)", function () {
  describe("openDatabase", function () {
    it("names the variable when the URL is not a postgres:// URL", async function () {
      const error = await setupErrorOf(openDatabase("not a url", { variable: VARIABLE }));
      expect(error.message).to.equal("HALLMARK_DATABASE_URL is not a valid postgres:// URL");
      const mysql = await setupErrorOf(openDatabase("mysql://u:p@localhost/db", { variable: VARIABLE }));
      expect(mysql.message).to.match(/^HALLMARK_DATABASE_URL is not a valid postgres:\/\/ URL/);
    });

    it("names the variable and the address when the server is unreachable, with no stack trace", async function () {
      // Port 1 on loopback: nothing listens there.
      const error = await setupErrorOf(openDatabase("postgres://u:p@127.0.0.1:1/db", { variable: VARIABLE }));
      expect(error.message).to.equal("HALLMARK_DATABASE_URL unreachable: ECONNREFUSED 127.0.0.1:1");
      expect(error.stack).to.equal(`DatabaseSetupError: ${error.message}`);
    });

    it("names the variable when the server refuses the credentials", async function () {
      const database = await createThrowawayDatabase({ migrated: false });
      try {
        const url = new URL(database.url);
        url.password = "wrong-password";
        const error = await setupErrorOf(openDatabase(url.toString(), { variable: VARIABLE }));
        expect(error.message).to.match(
          /^HALLMARK_DATABASE_URL refused the connection \(127\.0\.0\.1:\d+\): password authentication failed/,
        );
        expect(error.message).not.to.include("wrong-password");
      } finally {
        await database.drop();
      }
    });
  });

  describe("an outage while serving", function () {
    it("rejects with DependencyUnavailableError (503, retry) when the database goes away, and passes statement errors as they are", async function () {
      const database = await createThrowawayDatabase({ migrated: false });
      const pool = await openDatabase(database.url, { variable: VARIABLE, onIdleError: () => undefined });
      try {
        const statement = await pool.query("SELECT * FROM no_such_table").catch((error: unknown) => error);
        expect(statement).to.not.be.instanceOf(DependencyUnavailableError);
        // What a restart or failover does to open connections: the server terminates them.
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE ${new URL(database.url).pathname.slice(1)} WITH (FORCE)`);
        await admin.end();
        const outage = await pool.query("SELECT 1").catch((error: unknown) => error);
        expect(outage).to.be.instanceOf(DependencyUnavailableError);
        expect(outage).to.include({
          retryable: true,
          message: "The shared database is unavailable: retry shortly",
        });
      } finally {
        await pool.end();
        await database.drop();
      }
    });
  });

  describe("migrate", function () {
    let database: ThrowawayDatabase;
    beforeEach(async function () {
      database = await createThrowawayDatabase({ migrated: false });
    });
    afterEach(async function () {
      await database.drop();
    });

    it("brings a new database to the build's version, then has nothing to apply", async function () {
      expect(await schemaVersion(database.pool)).to.equal(0);
      const need = await codeSchemaVersion();
      const applied = await migrate(database.pool);
      expect(applied.at(-1) ?? 0).to.equal(need);
      expect(await schemaVersion(database.pool)).to.equal(need);
      expect(await migrate(database.pool)).to.deep.equal([]);
      expect(await requireSchemaVersion(database.pool)).to.equal(need);
    });

    it("applies each migration once when two processes migrate at the same time", async function () {
      const dir = await makeTempDir("migrations");
      try {
        await writeFile(join(dir.path, "001_first.sql"), "CREATE TABLE first_table (n integer);");
        await writeFile(join(dir.path, "002_second.sql"), "INSERT INTO first_table VALUES (1);");
        const [a, b] = await Promise.all([
          migrate(database.pool, dir.path),
          migrate(database.pool, dir.path),
        ]);
        expect([...a, ...b].sort()).to.deep.equal([1, 2]);
        const { rows } = await database.pool.query<{ n: number }>("SELECT n FROM first_table");
        expect(rows).to.deep.equal([{ n: 1 }]);
      } finally {
        await dir.remove();
      }
    });

    it("leaves the schema as it was when a migration fails", async function () {
      const dir = await makeTempDir("migrations");
      try {
        await writeFile(join(dir.path, "001_good.sql"), "CREATE TABLE good_table (n integer);");
        await writeFile(join(dir.path, "002_bad.sql"), "CREATE TABLE broken (;");
        let failed = false;
        await migrate(database.pool, dir.path).catch(() => (failed = true));
        expect(failed).to.equal(true);
        expect(await schemaVersion(database.pool)).to.equal(0);
        const { rows } = await database.pool.query<{ t: string | null }>(
          "SELECT to_regclass('good_table') AS t",
        );
        expect(rows[0].t).to.equal(null);
      } finally {
        await dir.remove();
      }
    });
  });

  describe("requireSchemaVersion", function () {
    let database: ThrowawayDatabase;
    let dir: { path: string; remove: () => Promise<void> };
    beforeEach(async function () {
      database = await createThrowawayDatabase({ migrated: false });
      dir = await makeTempDir("migrations");
      await writeFile(join(dir.path, "001_first.sql"), "CREATE TABLE first_table (n integer);");
    });
    afterEach(async function () {
      await database.drop();
      await dir.remove();
    });

    it("refuses an older database and names the migrate command", async function () {
      const error = await setupErrorOf(requireSchemaVersion(database.pool, dir.path));
      expect(error.message).to.equal(
        "database schema is at version 0, this build needs 1: run npm run db:migrate",
      );
    });

    it("refuses a database a newer build has migrated", async function () {
      await writeFile(join(dir.path, "002_second.sql"), "CREATE TABLE second_table (n integer);");
      await migrate(database.pool, dir.path);
      const older = await makeTempDir("migrations");
      try {
        await writeFile(join(older.path, "001_first.sql"), "CREATE TABLE first_table (n integer);");
        const error = await setupErrorOf(requireSchemaVersion(database.pool, older.path));
        expect(error.message).to.match(/^database schema is at version 2, newer than this build's 1/);
      } finally {
        await older.remove();
      }
    });
  });

  describe("npm run db:migrate", function () {
    it("migrates the database HALLMARK_DATABASE_URL names and says the version", async function () {
      const database = await createThrowawayDatabase({ migrated: false });
      try {
        const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/db/migrate.ts"], {
          env: { ...process.env, HALLMARK_DATABASE_URL: database.url },
        });
        const need = await codeSchemaVersion();
        expect(stdout).to.include(`database schema is at version ${need}`);
        expect(await schemaVersion(database.pool)).to.equal(need);
      } finally {
        await database.drop();
      }
    });

    it("prints the error alone, naming the variable, when the database is unreachable", async function () {
      const run = promisify(execFile)("npx", ["tsx", "scripts/db/migrate.ts"], {
        env: { ...process.env, HALLMARK_DATABASE_URL: "postgres://u:p@127.0.0.1:1/db" },
      });
      const failure = (await run.then(
        () => expect.fail("db:migrate succeeded against a closed port"),
        (error: unknown) => error,
      )) as { code: number; stderr: string };
      expect(failure.code).to.equal(1);
      expect(failure.stderr.trim()).to.equal("HALLMARK_DATABASE_URL unreachable: ECONNREFUSED 127.0.0.1:1");
    });
  });
});
