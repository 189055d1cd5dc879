import { expect } from "chai";
import { existsSync } from "node:fs";
import pg from "pg";
import { startHotStandby } from "../../../scripts/fleet/hot-standby.js";
import type { HotStandby } from "../../../scripts/fleet/hot-standby.js";
import { createThrowawayDatabase } from "../../server/store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../../server/store/postgres/throwaway-database.js";

describe("the fleet's hot standby (scripts/fleet/hot-standby.ts)", function () {
  this.timeout(60_000);
  let database: ThrowawayDatabase;
  let standby: HotStandby | undefined;
  let reader: pg.Client;

  before(async function () {
    database = await createThrowawayDatabase({ migrated: false });
    await database.pool.query("CREATE TABLE flips (id serial PRIMARY KEY, note text NOT NULL)");
    standby = await startHotStandby({ primaryUrl: database.url });
    reader = new pg.Client({ connectionString: standby.url });
    await reader.connect();
  });

  after(async function () {
    await reader?.end().catch(() => undefined);
    await standby?.stop();
    await database?.drop();
  });

  it("is a copy in recovery on another port, with the primary's database and role", async function () {
    expect(standby!.port).to.not.equal(Number(new URL(database.url).port || 5432));
    const { rows } = await reader.query<{ standby: boolean; db: string }>(
      "SELECT pg_is_in_recovery() AS standby, current_database() AS db",
    );
    expect(rows[0]).to.deep.equal({ standby: true, db: new URL(database.url).pathname.slice(1) });
  });

  it("replays what the primary commits, within a second", async function () {
    await database.pool.query("INSERT INTO flips (note) VALUES ('stolen')");
    const deadline = Date.now() + 1_000;
    let seen = 0;
    while (seen === 0 && Date.now() < deadline) {
      seen = (await reader.query<{ n: number }>("SELECT count(*)::int AS n FROM flips")).rows[0].n;
      if (seen === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).to.equal(1);
  });

  it("refuses writes: it is a reader, never a second primary", async function () {
    const error = await reader.query("INSERT INTO flips (note) VALUES ('x')").then(
      () => null,
      (caught: Error & { code?: string }) => caught,
    );
    expect(error?.code).to.equal("25006"); // read_only_sql_transaction
  });

  it("stops and removes its data directory", async function () {
    await reader.end();
    const directory = standby!.dataDirectory;
    await standby!.stop();
    expect(existsSync(directory)).to.equal(false);
    const refused = await new pg.Client({ connectionString: standby!.url, connectionTimeoutMillis: 2_000 })
      .connect()
      .then(
        () => false,
        () => true,
      );
    expect(refused).to.equal(true);
    standby = undefined;
  });
});
