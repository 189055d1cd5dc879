import { expect } from "chai";
import { acquireWriterLease } from "../../../server/indexer/leadership.js";
import type { WriterLease } from "../../../server/indexer/leadership.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";

/** Settles within `ms`, or answers "pending". */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<"pending">((resolve) => (timer = setTimeout(() => resolve("pending"), ms)));
  try {
    return await Promise.race([promise, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describe("index writer leadership (server/indexer/leadership.ts)", function () {
  let database: ThrowawayDatabase;
  const leases: WriterLease[] = [];

  before(async function () {
    database = await createThrowawayDatabase({ migrated: false });
  });
  afterEach(async function () {
    await Promise.all(leases.splice(0).map((lease) => lease.release()));
  });
  after(async function () {
    await database?.drop();
  });

  async function lease(signal?: AbortSignal, onStandby?: () => void): Promise<WriterLease> {
    const held = await acquireWriterLease({ url: database.url, retryMs: 50, onStandby }, signal);
    leases.push(held);
    return held;
  }

  it("leads at once when no other indexer holds the lock", async function () {
    const leader = await lease();
    const { rows } = await leader.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
    );
    expect(rows[0].n).to.equal(1);
  });

  it("keeps a second indexer standing by while the leader's connection lives", async function () {
    await lease();
    let stoodBy = false;
    const abort = new AbortController();
    const second = lease(abort.signal, () => (stoodBy = true));
    expect(await within(second, 400)).to.equal("pending");
    expect(stoodBy).to.equal(true);
    abort.abort(new Error("test over"));
    await second.then(
      () => expect.fail("an aborted standby must not lead"),
      (error: Error) => expect(error.message).to.equal("test over"),
    );
  });

  it("hands the lock to the standby within a retry interval once the leader's session is killed", async function () {
    const leader = await lease();
    const standby = lease();
    expect(await within(standby, 200)).to.equal("pending");
    // What kill -9 of the leading process does to its session: PostgreSQL ends it and drops its locks.
    const { rows } = await leader.client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const started = Date.now();
    await database.pool.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
    const next = await within(standby, 2_000);
    expect(next, "the standby took over").to.not.equal("pending");
    expect(Date.now() - started).to.be.below(1_000);
    const reason = await within(leader.lost, 1_000);
    expect(reason, "the old leader knows it lost the lock").to.be.instanceOf(Error);
    await leader.client.query("SELECT 1").then(
      () => expect.fail("the old leader's connection must not write any more"),
      (error: Error) => expect(error).to.be.instanceOf(Error),
    );
  });

  it("hands the lock over as soon as the leader's session ends, not at the standby's next attempt", async function () {
    const leader = await lease();
    const standby = acquireWriterLease({ url: database.url, retryMs: 5_000 });
    void standby.then((held) => leases.push(held));
    await new Promise((resolve) => setTimeout(resolve, 300)); // The standby waits in the lock's queue.
    const started = Date.now();
    await leader.release();
    expect(await within(standby, 1_000), "the standby took over").to.not.equal("pending");
    expect(Date.now() - started).to.be.below(1_000);
  });

  it("frees the lock on release, for the next indexer", async function () {
    const leader = await lease();
    const standby = lease();
    await leader.release();
    expect(await within(standby, 1_000)).to.not.equal("pending");
    expect(await within(leader.lost, 100)).to.be.instanceOf(Error);
  });
});
