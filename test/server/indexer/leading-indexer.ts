import { expect } from "chai";
import { Indexer } from "../../../server/indexer/Indexer.js";
import { LeadingIndexer } from "../../../server/indexer/leading-indexer.js";
import type { WriterLease } from "../../../server/indexer/leadership.js";
import { SqliteIndexStore } from "../../../server/store/sqlite/SqliteIndexStore.js";
import { connection, deployHallmark, ethers } from "../../contracts/fixtures.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe("LeadingIndexer (server/indexer/leading-indexer.ts)", function () {
  let database: ThrowawayDatabase;
  let deployments: ConstructorParameters<typeof Indexer>[0]["deployments"];
  const running: LeadingIndexer[] = [];
  /** The leases each instance was given, to tell which connection it writes through. */
  const leasesOf = new Map<LeadingIndexer, (WriterLease | null)[]>();

  before(async function () {
    database = await createThrowawayDatabase({ migrated: false });
    const fx = await deployHallmark();
    const { chainId } = await ethers.provider.getNetwork();
    deployments = {
      chainId: Number(chainId),
      startBlock: 0,
      contracts: {
        BrandRegistry: await fx.registry.getAddress(),
        HallmarkCertificate: await fx.certificate.getAddress(),
        HallmarkGarments: await fx.registry.getAddress(),
      },
    };
  });
  afterEach(async function () {
    await Promise.all(running.splice(0).map((leading) => leading.stop()));
  });
  after(async function () {
    await database?.drop();
  });

  function leadingIndexer(databaseUrl: string | undefined): LeadingIndexer {
    const leases: (WriterLease | null)[] = [];
    const leading = new LeadingIndexer({
      databaseUrl,
      retryMs: 50,
      // The lease's connection is what a PostgreSQL store writes through; the loop under test is the same for any store.
      openStore: (lease) => {
        leases.push(lease);
        return Promise.resolve(SqliteIndexStore.open(":memory:"));
      },
      createIndexer: (store) =>
        new Indexer({ provider: connection.provider, store, deployments, pollIntervalMs: 50 }),
    });
    leasesOf.set(leading, leases);
    running.push(leading);
    return leading;
  }

  it("leads at once and for good without a database (sqlite)", async function () {
    const leading = leadingIndexer(undefined);
    await leading.start();
    expect(leading.leading()).to.equal(true);
    expect(leasesOf.get(leading)).to.deep.equal([null]);
  });

  it("lets one process lead while the other stands by, and leads again on a new connection when the leader's dies", async function () {
    const first = leadingIndexer(database.url);
    const second = leadingIndexer(database.url);
    await first.start();
    expect(await until(() => first.leading(), 5_000)).to.equal(true);
    await second.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.leading(), "one writer at a time").to.equal(false);

    const lease = leasesOf.get(first)![0]!;
    const { rows } = await lease.client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await database.pool.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);

    // Exactly one leads again, on a new connection: the standby, or the old leader if its retry came first.
    const leadsAfresh = () =>
      [first, second].filter(
        (leading) =>
          leading.leadership()?.lease?.client !== undefined &&
          leading.leadership()!.lease!.client !== lease.client,
      ).length === 1;
    expect(await until(leadsAfresh, 2_000), "one process leads on a new connection").to.equal(true);
    expect(first.leading() && second.leading(), "never two writers").to.equal(false);
    expect(first.leadership()?.lease?.client, "nothing writes through the dead connection").to.not.equal(
      lease.client,
    );
  });

  it("releases the lock on stop, for the standby", async function () {
    const first = leadingIndexer(database.url);
    const second = leadingIndexer(database.url);
    await first.start();
    expect(await until(() => first.leading(), 5_000)).to.equal(true);
    await second.start();
    await first.stop();
    expect(first.leading()).to.equal(false);
    expect(await until(() => second.leading(), 2_000)).to.equal(true);
  });
});
