import { expect } from "chai";
import { withBackup } from "../../../server/ipfs/create-metadata-store.js";
import type { ReplicatingMetadataStore } from "../../../server/ipfs/backup/replicating-store.js";
import { SqliteReplicationRecords } from "../../../server/store/sqlite/replication-records.js";
import { startFakeKubo } from "../support/fake-kubo-rpc.js";
import type { FakeKubo } from "../support/fake-kubo-rpc.js";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

/** /readyz with a backup copy configured (#19): how many roots are replicated, which are missing. */
describe("GET /readyz with a backup copy", function () {
  let stack: Stack;
  let kubo: FakeKubo;
  let records: SqliteReplicationRecords;
  let backedUp: ReplicatingMetadataStore;

  before(async function () {
    kubo = await startFakeKubo();
    records = new SqliteReplicationRecords(":memory:");
    stack = await buildStack({
      wrapStore: (store) => {
        const shared = Object.create(store) as typeof store;
        shared.close = () => Promise.resolve(); // the stack closes its Helia store itself
        backedUp = withBackup(
          shared,
          { kind: "kubo", url: kubo.url, recordsFile: ":memory:", retryMs: 60_000 },
          { replicationRecords: records },
        );
        return backedUp;
      },
    });
    await stack.sync();
  });
  after(async function () {
    await stack?.close();
    await records?.close();
    await kubo?.close();
  });

  it("says how many roots are replicated, and names the missing ones with their last error", async function () {
    await backedUp.addBytes(new TextEncoder().encode("copied"));
    await backedUp.replicator.close();
    kubo.failing = true;
    const missing = await backedUp.addBytes(new TextEncoder().encode("not copied"));
    await backedUp.replicator.close();

    const { status, body } = await getJson<{ status: string; backup: Record<string, unknown> }>(
      `${stack.url}/readyz`,
    );
    expect(status).to.equal(200);
    expect(body.status).to.equal("ready");
    expect(body.backup).to.deep.include({ store: `kubo ${kubo.url}`, replicated: 1, missing: 1 });
    expect(body.backup.missingItems).to.deep.equal([
      {
        cid: missing.toString(),
        attempts: 1,
        lastError: (await records.get(missing.toString()))!.lastError,
        lastAttemptAt: (await records.get(missing.toString()))!.lastAttemptAt,
      },
    ]);
    expect(JSON.stringify(body.backup)).to.include("context deadline exceeded");

    kubo.failing = false;
    await backedUp.replicator.retryMissing();
    const after = await getJson<{ backup: Record<string, unknown> }>(`${stack.url}/readyz`);
    expect(after.body.backup).to.deep.include({ replicated: 2, missing: 0, missingItems: [] });
  });
});
