import { expect } from "chai";
import type { NodeProcess } from "../../scripts/fleet/node-process.js";
import { acquireWriterLease } from "../../server/indexer/leadership.js";
import { codeSchemaVersion, schemaVersion } from "../../server/store/postgres/database.js";
import { createThrowawayDatabase } from "../server/store/postgres/throwaway-database.js";
import { ethers, item, tokenIdOf } from "../contracts/fixtures.js";
import { answerOf, indexedBlock, startTestFleet, waitForBlock } from "./harness.js";
import type { TestFleet } from "./harness.js";

/** Every answer a fresh rebuild must give identically: the brand, every certificate, every life. */
async function indexAnswers(url: string, tokenIds: readonly bigint[]): Promise<unknown[]> {
  const answers: unknown[] = [await answerOf(`${url}/v1/brands/1`)];
  let cursor: string | null = null;
  do {
    const page = await answerOf(
      `${url}/v1/certificates?brand=1&limit=100${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    answers.push(page);
    cursor = (page.body as { nextCursor: string | null }).nextCursor;
  } while (cursor !== null);
  for (const id of tokenIds)
    answers.push(await answerOf(`${url}/v1/certificates/${id}/provenance?limit=100`));
  return answers;
}

describe("indexer failover (two indexer processes, one database, one chain)", function () {
  this.timeout(120_000);
  let fleet: TestFleet;

  before(async function () {
    fleet = await startTestFleet();
  });
  after(async function () {
    await fleet?.close();
  });

  it("a standby takes over from a leader killed with kill -9 mid-stream, and the index then equals a fresh rebuild", async function () {
    const { fx } = fleet;
    const tokenIds: bigint[] = [];
    let serial = 0;
    const issue = async () => {
      const input = item(`FAIL-${serial++}`);
      await (await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, input)).wait();
      tokenIds.push(tokenIdOf(fx.brandA, input.serialHash));
    };
    for (let i = 0; i < 20; i++) await issue();

    // Small ranges: the leader commits many of them, and dies between two. Both start together:
    // whichever takes the lock first leads.
    const both = await Promise.all([
      fleet.indexer({ HALLMARK_LOG_RANGE: "2" }),
      fleet.indexer({ HALLMARK_LOG_RANGE: "2" }),
    ]);
    await Promise.race(
      both.map((indexer) => (indexer.leading() ? Promise.resolve() : indexer.nextLeading())),
    );
    const leader: NodeProcess = both.find((indexer) => indexer.leading())!;
    const standby: NodeProcess = both.find((indexer) => indexer !== leader)!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standby.leading(), "one writer: the second indexer stands by").to.equal(false);
    expect(await indexedBlock(standby.url), "a standby serves no index status").to.equal(null);

    // Blocks keep coming while the leader indexes: certificates, transfers, a theft and its recovery.
    for (let i = 0; i < 30; i++) {
      await issue();
      const id = tokenIds[i];
      if (i % 3 === 0)
        await (
          await fx.certificate.connect(fx.alice).transferFrom(fx.alice.address, fx.bob.address, id)
        ).wait();
      if (i % 5 === 0)
        await (await fx.certificate.connect(fx.adminA).reportStolen(id, "taken from the shop")).wait();
      if (i % 10 === 0) await (await fx.certificate.connect(fx.adminA).restore(id, "found")).wait();
    }
    const leaderBlock = (await indexedBlock(leader.url)) ?? 0;
    expect(leaderBlock, "the leader has indexed part of the history").to.be.above(0);
    const tookOver = standby.nextLeading();
    await leader.kill();
    const killedAt = Date.now();
    for (let i = 0; i < 30; i++) {
      await issue();
      if (i % 4 === 0)
        await (await fx.certificate.connect(fx.adminA).reportStolen(tokenIds.at(-1)!, "lost")).wait();
    }
    await (await fx.certificate.connect(fx.adminA).reportStolen(tokenIds.at(-1)!, "lost")).wait();
    await tookOver;
    expect(Date.now() - killedAt, "the standby leads within a few retries of the lock").to.be.below(5_000);
    const head = await ethers.provider.getBlockNumber();
    await waitForBlock(standby.url, head);

    // The survivor's index, read by an api verifier, against a one-process sqlite index built from scratch.
    const [verifier, rebuilt] = await Promise.all([fleet.verifier(), fleet.rebuild()]);
    await Promise.all([waitForBlock(verifier.url, head), waitForBlock(rebuilt.url, head)]);
    const [fromFleet, fromScratch] = await Promise.all([
      indexAnswers(verifier.url, tokenIds),
      indexAnswers(rebuilt.url, tokenIds),
    ]);
    expect(fromFleet).to.deep.equal(fromScratch);
    const certificates = (fromFleet[1] as { body: { items: { tokenId: string; status: string }[] } }).body
      .items;
    expect(certificates.length, "every certificate once").to.equal(tokenIds.length);
    const last = certificates.find((certificate) => certificate.tokenId === tokenIds.at(-1)!.toString());
    expect(last?.status, "written after the failover, by the new leader").to.equal("stolen");
  });

  it("a standby readies the writer's database while it waits: the schema is migrated before it ever leads", async function () {
    // So that a takeover does not open connections and run the migrations after the leader died.
    const fresh = await createThrowawayDatabase({ migrated: false });
    const leader = await acquireWriterLease({ url: fresh.url });
    try {
      const standby = await fleet.indexer({ HALLMARK_DATABASE_URL: fresh.url });
      const need = await codeSchemaVersion();
      const deadline = Date.now() + 20_000;
      while ((await schemaVersion(fresh.pool)) !== need) {
        if (Date.now() > deadline)
          throw new Error("the standby did not migrate the schema while standing by");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(standby.leading(), "the lock is held: it stands by").to.equal(false);
      const tookOver = standby.nextLeading();
      await leader.release();
      await tookOver;
      await waitForBlock(standby.url, await ethers.provider.getBlockNumber());
      await standby.stop(5_000);
    } finally {
      await leader.release();
      await fresh.drop();
    }
  });
});
