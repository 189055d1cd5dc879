import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import {
  readChainJournal,
  replayChainJournal,
  startChainJournal,
} from "../../../scripts/local/chain-journal.js";
import type { Eip1193 } from "../../../scripts/local/chain-journal.js";
import { makeTempDir } from "../../server/support/temp-dir.js";

async function block(
  provider: Eip1193,
  tag: string,
): Promise<{ hash: string; number: string; timestamp: string }> {
  return (await provider.request({ method: "eth_getBlockByNumber", params: [tag, false] })) as {
    hash: string;
    number: string;
    timestamp: string;
  };
}

describe("local chain journal (npm start's chain across restarts)", function () {
  let dir: { path: string; remove: () => Promise<void> };
  before(async function () {
    dir = await makeTempDir("chain-journal");
  });
  after(async function () {
    await dir?.remove();
  });

  describe("when a chain is journalled, stopped and replayed on a new chain with the same genesis", function () {
    it("restores every block with the same hash, the contracts' state and a clock no older than the wall clock", async function () {
      const file = path.join(dir.path, "local-chain.jsonl");
      const first = await network.create();
      const writer = await startChainJournal(first.provider, file, { intervalMs: 60_000 });
      const [admin, other] = await first.ethers.getSigners();
      const registry = await first.ethers.deployContract("BrandRegistry", [0, admin.address]);
      await registry.waitForDeployment();
      await (
        await registry.registerBrand("Maison Journal", "", other.address, other.address, other.address, 100)
      ).wait();
      // A raw signed transaction of a key outside the dev accounts, as the CLI's keystores send.
      const outsider = first.ethers.Wallet.createRandom().connect(first.ethers.provider);
      await (await admin.sendTransaction({ to: outsider.address, value: 10n ** 18n })).wait();
      await (await outsider.sendTransaction({ to: other.address, value: 12345n })).wait();
      // An hour passes on the chain between two blocks: the replay keeps each block's own timestamp.
      await first.provider.request({ method: "evm_increaseTime", params: [3_600] });
      await (await registry.pauseBrand(1, "journal test")).wait();
      const head = await block(first.provider, "latest");
      const hashes: string[] = [];
      for (let n = 0; n <= Number(head.number); n++)
        hashes.push((await block(first.provider, `0x${n.toString(16)}`)).hash);
      await writer.close();
      await first.close();

      const journal = await readChainJournal(file);
      expect(journal?.blocks.map((b) => b.number)).to.deep.equal(hashes.slice(1).map((_, i) => i + 1));

      const second = await network.create({
        override: { initialDate: new Date(journal!.header.genesisTimestamp * 1000) },
      });
      try {
        const replay = await replayChainJournal(second.provider, journal!);
        expect(replay).to.deep.equal({
          blocks: hashes.length - 1,
          transactions: hashes.length - 1,
          identical: true,
        });
        for (let n = 0; n < hashes.length; n++)
          expect((await block(second.provider, `0x${n.toString(16)}`)).hash).to.equal(hashes[n]);
        const restored = await second.ethers.getContractAt("BrandRegistry", await registry.getAddress());
        expect((await restored.brand(1)).name).to.equal("Maison Journal");
        expect(await restored.isBrandPaused(1)).to.equal(true);

        // The restored chain goes on from the wall clock, and its new blocks are journalled after the old ones.
        const writer2 = await startChainJournal(second.provider, file, { journal, intervalMs: 60_000 });
        const [admin2] = await second.ethers.getSigners();
        await (await restored.connect(admin2).unpauseBrand(1)).wait();
        await writer2.close();
        const next = await block(second.provider, "latest");
        expect(Number(next.timestamp)).to.be.at.least(Math.floor(Date.now() / 1000) - 5);
        expect((await readChainJournal(file))?.blocks.at(-1)?.hash).to.equal(next.hash);
      } finally {
        await second.close();
      }
    });
  });

  describe("when the process was killed in the middle of writing a block", function () {
    it("reads the journal up to the last whole block", async function () {
      const file = path.join(dir.path, "local-chain.jsonl");
      const whole = (await readChainJournal(file))!.blocks.length;
      await appendFile(file, '{"number": 99, "hash": "0x');
      expect((await readChainJournal(file))!.blocks).to.have.length(whole);
      expect(await readFile(file, "utf8")).to.contain('"number": 99');
    });
  });

  describe("when there is no journal", function () {
    it("answers undefined (npm start then begins a new chain)", async function () {
      expect(await readChainJournal(path.join(dir.path, "none.jsonl"))).to.equal(undefined);
    });
  });
});
