import { expect } from "chai";
import { CID } from "multiformats/cid";
import { EmbeddedMetadataStore } from "../../../../server/ipfs/embedded-store.js";
import { withBackup } from "../../../../server/ipfs/create-metadata-store.js";
import type { ReplicatingMetadataStore } from "../../../../server/ipfs/backup/replicating-store.js";
import type { ReplicationRecords } from "../../../../server/ipfs/backup/replication-records.js";
import { KUBO_CHUNK_SIZE } from "../../../../server/ipfs/import-options.js";
import { loadExample } from "../../../../server/metadata/examples.js";
import { publishDocument } from "../../../../server/metadata/metadata-document.js";
import { SqliteReplicationRecords } from "../../../../server/store/sqlite/replication-records.js";
import { PostgresReplicationRecords } from "../../../../server/store/postgres/replication-records.js";
import { createThrowawayDatabase } from "../../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../../store/postgres/throwaway-database.js";
import { startFakeKubo } from "../../support/fake-kubo-rpc.js";
import type { FakeKubo } from "../../support/fake-kubo-rpc.js";
import { startFakePinningService } from "../../support/fake-pinning-service.js";
import type { FakePinningService } from "../../support/fake-pinning-service.js";
import { deterministicBytes, makeTempDir } from "../../support/temp-dir.js";

/**
 * The backup copy (#19 item 5): every root the store keeps reaches a second IPFS store, and the
 * records say which did. The remote stores are the in-test stand-ins of Kubo's RPC API and of the
 * IPFS Pinning Service API (test/server/support/fake-*.ts).
 */
describe("backup copy", function () {
  let temp: { path: string; remove: () => Promise<void> };
  let primary: EmbeddedMetadataStore;

  before(async function () {
    temp = await makeTempDir("backup");
    primary = await EmbeddedMetadataStore.open({ directory: temp.path });
  });
  after(async function () {
    await primary?.close();
    await temp?.remove();
  });

  /** The primary store with a backup; closing it leaves the primary open for the next test. */
  function backedUp(
    config: Parameters<typeof withBackup>[1],
    records: ReplicationRecords,
  ): ReplicatingMetadataStore {
    const shared = Object.create(primary) as EmbeddedMetadataStore;
    shared.close = () => Promise.resolve();
    return withBackup(shared, config, { replicationRecords: records });
  }

  describe("to a Kubo node (RPC API)", function () {
    let kubo: FakeKubo;
    let records: SqliteReplicationRecords;
    let store: ReplicatingMetadataStore;

    beforeEach(async function () {
      kubo = await startFakeKubo();
      records = new SqliteReplicationRecords(":memory:");
      store = backedUp({ kind: "kubo", url: kubo.url, recordsFile: ":memory:", retryMs: 60_000 }, records);
    });
    afterEach(async function () {
      await store.close();
      await records.close();
      await kubo.close();
    });

    it("copies a published document and pins it there, and records it replicated", async function () {
      const { cid } = await publishDocument(
        store,
        "certificate-metadata",
        loadExample("certificate-metadata.json"),
      );
      await store.replicator.close(); // waits for the copy in flight
      expect(kubo.calls).to.deep.equal(["block/put", "pin/add"]);
      expect(kubo.pins.size).to.equal(1);
      const record = await records.get(cid.toString());
      expect(record).to.deep.include({ state: "replicated", attempts: 1, lastError: null });
      expect(await store.replicator.summary()).to.deep.equal({ replicated: 1, missing: 0, missingItems: [] });
    });

    it("copies every block of a pinned directory with a multi-block picture, so Kubo can pin it recursively", async function () {
      const picture = deterministicBytes(KUBO_CHUNK_SIZE * 3 + 17, 7);
      const { cid } = await store.addDirectory([
        { path: "certificates/1.json", content: new TextEncoder().encode('{"a":1}') },
        { path: "media/bag.jpg", content: picture },
      ]);
      await store.pin(cid);
      await store.replicator.close();
      // root, 2 sub-directories, 1 document, 1 file node and its 4 leaves
      expect(kubo.calls.filter((call) => call === "block/put")).to.have.length(9);
      expect(kubo.calls.at(-1)).to.equal("pin/add");
      expect((await records.get(cid.toString()))?.state).to.equal("replicated");
    });

    it("records a copy missing with Kubo's error when the node fails, and retries it once the node is back", async function () {
      kubo.failing = true;
      const { cid } = await publishDocument(store, "certificate-metadata", {
        ...(loadExample("certificate-metadata.json") as object),
        name: "A piece copied later",
      });
      await store.replicator.close();
      const missing = await records.get(cid.toString());
      expect(missing).to.deep.include({ state: "missing", attempts: 1 });
      expect(missing?.lastError).to.match(/context deadline exceeded/);
      expect(await store.replicator.summary()).to.deep.include({ replicated: 0, missing: 1 });

      kubo.failing = false;
      const summary = await store.replicator.retryMissing();
      expect(summary).to.deep.equal({ replicated: 1, missing: 0, missingItems: [] });
      expect((await records.get(cid.toString()))?.attempts).to.equal(2);
    });

    it("never fails the write that asked for the copy", async function () {
      await kubo.close();
      const cid = await store.addBytes(new TextEncoder().encode("kept even without a backup"));
      expect(await primary.get(cid)).to.have.length(26);
      await store.replicator.close();
      expect((await records.get(cid.toString()))?.state).to.equal("missing");
      kubo = await startFakeKubo(); // afterEach closes it
    });
  });

  it("never fails the write when the records cannot be written (their database down)", async function () {
    const kubo = await startFakeKubo();
    const broken = new SqliteReplicationRecords(":memory:");
    await broken.close(); // every statement now throws
    const store = backedUp({ kind: "kubo", url: kubo.url, recordsFile: ":memory:", retryMs: 1 }, broken);
    const cid = await store.addBytes(new TextEncoder().encode("written though unrecorded"));
    await store.replicator.close();
    expect(kubo.pins.size, "the copy still went").to.equal(1);
    expect(await primary.get(cid)).to.have.length(25);
    await store.close();
    await kubo.close();
  });

  describe("to a pinning service (IPFS Pinning Service API)", function () {
    let service: FakePinningService;
    let records: SqliteReplicationRecords;
    let store: ReplicatingMetadataStore;
    const origins = ["/dns4/verify.example/tcp/443/https"];

    beforeEach(async function () {
      service = await startFakePinningService();
      records = new SqliteReplicationRecords(":memory:");
      store = backedUp(
        {
          kind: "pinning-service",
          url: service.url,
          token: service.token,
          origins,
          recordsFile: ":memory:",
          retryMs: 60_000,
        },
        records,
      );
    });
    afterEach(async function () {
      await store.close();
      await records.close();
      await service.close();
    });

    it("asks for the pin with the origins, stays missing while queued, and is replicated once the service pins", async function () {
      const cid = await store.addBytes(new TextEncoder().encode("a document for the pinning service"));
      await store.replicator.close();
      const [request] = [...service.pins.values()];
      expect(request.pin).to.deep.include({ cid: cid.toString(), origins });
      const queued = await records.get(cid.toString());
      expect(queued).to.deep.include({ state: "missing", requestId: request.requestid });
      expect(queued?.lastError).to.match(/queued$/);

      service.settle(cid.toString(), "pinned");
      expect(await store.replicator.retryMissing()).to.deep.equal({
        replicated: 1,
        missing: 0,
        missingItems: [],
      });
      expect(service.pins.size, "no second request").to.equal(1);
    });

    it("records a failed pin with the service's reason", async function () {
      const cid = await store.addBytes(new TextEncoder().encode("content nobody can fetch"));
      await store.replicator.close();
      service.settle(cid.toString(), "failed");
      const summary = await store.replicator.retryMissing();
      expect(summary.missing).to.equal(1);
      expect(summary.missingItems[0].lastError).to.match(/failed to pin .*could not find the content/);
    });

    it("records a refused token without ever writing the token", async function () {
      const wrong = backedUp(
        {
          kind: "pinning-service",
          url: service.url,
          token: "wrong-token",
          origins: [],
          recordsFile: ":memory:",
          retryMs: 1,
        },
        records,
      );
      const cid = await wrong.addBytes(new TextEncoder().encode("refused"));
      await wrong.close();
      const record = await records.get(cid.toString());
      expect(record?.lastError).to.match(/HTTP 401 UNAUTHORIZED/);
      expect(record?.lastError).not.to.include("wrong-token");
    });
  });

  /** The same contract for both record stores (sqlite file, PostgreSQL table of migration 015). */
  function shouldBehaveLikeReplicationRecords(open: () => Promise<ReplicationRecords>): void {
    it("keep a root once however often it is pinned, and list the missing ones least recently tried first", async function () {
      const records = await open();
      const [a, b] = ["bafkreia", "bafkreib"];
      await records.track(a, 1);
      await records.track(a, 2);
      await records.track(b, 3);
      await records.recordAttempt(a, { state: "missing", error: "down" }, 10);
      await records.recordAttempt(b, { state: "missing", error: "down", requestId: "r-1" }, 5);
      expect((await records.missing(10)).map((r) => r.cid)).to.deep.equal([b, a]);
      expect((await records.get(b))?.requestId).to.equal("r-1");
      await records.recordAttempt(b, { state: "replicated" }, 20);
      expect(await records.summary(10)).to.deep.equal({
        replicated: 1,
        missing: 1,
        missingItems: [{ cid: a, attempts: 1, lastError: "down", lastAttemptAt: 10 }],
      });
      expect(await records.get(b)).to.deep.include({
        firstSeenAt: 3,
        replicatedAt: 20,
        attempts: 2,
        lastError: null,
        requestId: null,
      });
      expect(await records.get("bafkreiunknown")).to.equal(null);
      await records.close();
    });
  }

  describe("the records in sqlite", function () {
    shouldBehaveLikeReplicationRecords(() => Promise.resolve(new SqliteReplicationRecords(":memory:")));
  });

  describe("the records in PostgreSQL (migration 015)", function () {
    let database: ThrowawayDatabase;
    before(async function () {
      database = await createThrowawayDatabase();
    });
    after(async function () {
      await database?.drop();
    });
    shouldBehaveLikeReplicationRecords(() => Promise.resolve(new PostgresReplicationRecords(database.pool)));
  });

  it("reads every block it copies from the primary store (a CID it does not hold is recorded missing)", async function () {
    const kubo = await startFakeKubo();
    const records = new SqliteReplicationRecords(":memory:");
    const store = backedUp({ kind: "kubo", url: kubo.url, recordsFile: ":memory:", retryMs: 1 }, records);
    const absent = CID.parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    await store.replicator.attempt(absent);
    expect((await records.get(absent.toString()))?.state).to.equal("missing");
    expect(kubo.calls).to.deep.equal([]);
    await store.close();
    await records.close();
    await kubo.close();
  });
});
