import { expect } from "chai";
import type { NodeProcess } from "../../scripts/fleet/node-process.js";
import { ethers, item } from "../contracts/fixtures.js";
import { readFeed, startTestFleet, waitForBlock } from "./harness.js";
import type { TestFleet } from "./harness.js";

describe("verifier instances on one index (HALLMARK_ROLE=api)", function () {
  this.timeout(90_000);
  let fleet: TestFleet;
  let a: NodeProcess;
  let b: NodeProcess;
  let serial = 0;

  const issue = async (count: number) => {
    const { fx } = fleet;
    for (let i = 0; i < count; i++) {
      await (
        await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, item(`INST-${serial++}`))
      ).wait();
    }
  };

  before(async function () {
    fleet = await startTestFleet();
    const indexer = await fleet.indexer();
    if (!indexer.leading()) await indexer.nextLeading();
    [a, b] = await Promise.all([fleet.verifier(), fleet.verifier()]);
    await issue(6);
    const head = await ethers.provider.getBlockNumber();
    await Promise.all([waitForBlock(a.url, head), waitForBlock(b.url, head)]);
  });
  after(async function () {
    await fleet?.close();
  });

  describe("the change feed (SSE)", function () {
    it("gives both instances the same events, with the same ids, in order", async function () {
      const [fromA, fromB] = await Promise.all([
        readFeed(a.url, 1_000, { lastEventId: 0, idleMs: 500 }),
        readFeed(b.url, 1_000, { lastEventId: 0, idleMs: 500 }),
      ]);
      expect(fromA.length).to.be.at.least(6);
      expect(fromB).to.deep.equal(fromA);
      const ids = fromA.map((event) => event.id);
      expect(ids, "strictly increasing").to.deep.equal([...new Set(ids)].sort((x, y) => x - y));
    });

    it("resumes on the other instance with Last-Event-ID: each event once, in order", async function () {
      const all = await readFeed(a.url, 1_000, { lastEventId: 0, idleMs: 500 });
      const half = Math.floor(all.length / 2);
      const first = await readFeed(a.url, half, { lastEventId: 0 });
      const rest = await readFeed(b.url, all.length - half, { lastEventId: first.at(-1)!.id });
      expect([...first, ...rest]).to.deep.equal(all);
    });

    it("delivers an event indexed after a client connected, once, on every instance", async function () {
      const before = await readFeed(a.url, 1_000, { lastEventId: 0, idleMs: 300 });
      const last = before.at(-1)!.id;
      const onA = readFeed(a.url, 1_000, { lastEventId: last, idleMs: 1_500 });
      const onB = readFeed(b.url, 1_000, { lastEventId: last, idleMs: 1_500 });
      await issue(1);
      const [newOnA, newOnB] = await Promise.all([onA, onB]);
      expect(newOnA.length, "the new certificate's events").to.be.at.least(1);
      expect(newOnA.every((event) => event.id > last)).to.equal(true);
      expect(newOnB).to.deep.equal(newOnA);
    });
  });
});
