import { expect } from "chai";
import type { Eip1193, RequestArguments } from "../../../server/chain/eip1193.js";
import { Indexer } from "../../../server/indexer/Indexer.js";
import { SqliteIndexStore } from "../../../server/store/sqlite/SqliteIndexStore.js";
import { connection } from "../../contracts/fixtures.js";
import { dumpIndex } from "../indexer/support.js";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

interface CertificateBody {
  owner: string;
  index: { block: number; caughtUp: boolean; head: number | null; stale?: true; rebuilding?: true };
}

/** The chain, with every request held back by `delayMs`: a rebuild then spans many event-loop turns. */
class SlowProvider implements Eip1193 {
  delayMs = 0;
  constructor(private readonly inner: Eip1193) {}
  async request(args: RequestArguments): Promise<unknown> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.request(args);
  }
}

const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
  connection.provider.request({ method, params });

/**
 * Mines `count` empty blocks one by one. Not hardhat_mine: EDR answers the blocks it reserves that
 * way with a zero parent hash, which the indexer rightly takes for a chain that moved.
 */
async function mine(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await rpc("evm_mine");
}

describe("Verifier API during an index rebuild (a reorg deeper than the kept history)", function () {
  let chainBefore: string;
  let stack: Stack;
  const provider = new SlowProvider(connection.provider);
  const certificates: bigint[] = [];
  let moved: bigint;

  before(async function () {
    chainBefore = (await rpc("evm_snapshot")) as string;
    // Ranges of 200 blocks: rebuilding a few thousand blocks takes many ranges, each one a
    // moment where a reader could see a partial index if the rebuild were served.
    stack = await buildStack({ provider, env: { HALLMARK_LOG_RANGE: "200" } });
    for (const serial of ["RB-0001", "RB-0002", "RB-0003"]) {
      certificates.push(await stack.issue(serial, stack.alice.address));
    }
    await mine(3_000);
    moved = await stack.issue("RB-0004", stack.alice.address);
    certificates.push(moved);
    await mine(1_000);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
    await rpc("evm_revert", [chainBefore]);
  });

  it("answers every existing certificate from the last complete index until the rebuilt one replaces it", async function () {
    // The chain forks: on the first branch alice hands RB-0004 to bob and the indexer follows...
    const fork = (await rpc("evm_snapshot")) as string;
    await (
      await stack.certificate.connect(stack.alice).transferFrom(stack.alice.address, stack.bob.address, moved)
    ).wait();
    await stack.sync();
    const store = stack.verifier.store;
    const servedBlock = store.status().indexedBlock;
    const lastEventId = await store.lastEventId();
    // ...then that branch disappears and a longer one gives RB-0004 to carol. The local chain keeps
    // no reorg history (finality depth 0): the indexer must rebuild from the start block.
    await rpc("evm_revert", [fork]);
    await (
      await stack.certificate
        .connect(stack.alice)
        .transferFrom(stack.alice.address, stack.carol.address, moved)
    ).wait();
    await mine(5);

    provider.delayMs = 15;
    const rebuilds = stack.verifier.indexer!.stats.rebuilds;
    let done = false;
    const rebuild = stack.sync().finally(() => {
      done = true;
    });
    const answers: { status: number; body: CertificateBody; tokenId: bigint }[] = [];
    while (!done) {
      for (const tokenId of certificates) {
        const { status, body } = await getJson<CertificateBody>(`${stack.url}/v1/certificates/${tokenId}`);
        answers.push({ status, body, tokenId });
      }
    }
    await rebuild;
    provider.delayMs = 0;

    expect(stack.verifier.indexer!.stats.rebuilds).to.equal(rebuilds + 1);
    expect(answers.filter((a) => a.status !== 200).map((a) => `${a.tokenId}: ${a.status}`)).to.deep.equal([]);
    const during = answers.filter((a) => a.body.index.rebuilding === true);
    expect(during.length).to.be.greaterThan(certificates.length);
    for (const answer of during) {
      // The last complete index, named by its block, and said to be stale.
      expect(answer.body.index).to.include({ block: servedBlock, caughtUp: false, stale: true });
      if (answer.tokenId === moved) expect(answer.body.owner).to.equal(stack.bob.address);
    }

    const after = await getJson<CertificateBody>(`${stack.url}/v1/certificates/${moved}`);
    expect(after.body.owner).to.equal(stack.carol.address);
    expect(after.body.index).to.include({ caughtUp: true });
    expect(after.body.index).to.not.have.property("rebuilding");

    // The change feed goes on after what clients saw: a rebuild entry, then the new history.
    const events = await store.recentEvents(lastEventId, 1000);
    expect(events[0]).to.deep.include({ id: lastEventId + 1, type: "index.reorg" });
    expect(events[0].data).to.include({ rebuild: true, previousBlock: servedBlock });
    const ids = events.map((e) => e.id);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).to.equal(ids.length);

    const fresh = new SqliteIndexStore({ location: ":memory:" });
    try {
      await new Indexer({
        provider: connection.provider,
        store: fresh,
        deployments: stack.deployments,
      }).runOnce();
      expect(await dumpIndex(store)).to.deep.equal(await dumpIndex(fresh));
    } finally {
      await fresh.close();
    }
  });
});
