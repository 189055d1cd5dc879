import { expect } from "chai";
import { exitOnSignals, shutdownAndExit } from "../../server/shutdown.js";
import type { ShutdownLog, ShutdownStep } from "../../server/shutdown.js";

function recorder(): ShutdownLog & { errors: string[]; infos: string[] } {
  const errors: string[] = [];
  const infos: string[] = [];
  return { errors, infos, info: (message) => infos.push(message), error: (message) => errors.push(message) };
}

describe("shutdownAndExit", function () {
  it("closes every part in order and exits 0", async function () {
    const log = recorder();
    const order: string[] = [];
    const codes: number[] = [];
    const steps: ShutdownStep[] = ["verifier", "IPFS node", "chain"].map((name) => ({
      name,
      run: () => void order.push(name),
    }));
    await shutdownAndExit(steps, { timeoutMs: 1_000, log, exit: (code) => codes.push(code) });
    expect(order).to.deep.equal(["verifier", "IPFS node", "chain"]);
    expect(codes).to.deep.equal([0]);
    expect(log.errors).to.deep.equal([]);
  });

  it("still closes the other parts when one fails, logs the failure and exits 1", async function () {
    const log = recorder();
    const closed: string[] = [];
    const codes: number[] = [];
    await shutdownAndExit(
      [
        { name: "verifier", run: () => Promise.reject(new Error("index busy")) },
        { name: "IPFS node", run: () => void closed.push("IPFS node") },
      ],
      { timeoutMs: 1_000, log, exit: (code) => codes.push(code) },
    );
    expect(closed).to.deep.equal(["IPFS node"]);
    expect(log.errors).to.deep.equal(["shutdown: closing the verifier failed"]);
    expect(codes).to.deep.equal([1]);
  });

  it("exits 1 at the time limit when a part never closes", async function () {
    const log = recorder();
    const codes: number[] = [];
    const started = Date.now();
    await shutdownAndExit([{ name: "verifier", run: () => new Promise<void>(() => {}) }], {
      timeoutMs: 100,
      log,
      exit: (code) => codes.push(code),
    });
    expect(Date.now() - started).to.be.within(90, 1_000);
    expect(codes).to.deep.equal([1]);
    expect(log.errors[0]).to.match(/not finished after 100 ms/);
  });
});

describe("exitOnSignals", function () {
  function installedHandler(install: () => () => void): {
    handler: (signal: NodeJS.Signals) => void;
    remove: () => void;
  } {
    const before = new Set(process.listeners("SIGTERM"));
    const remove = install();
    const added = process.listeners("SIGTERM").filter((listener) => !before.has(listener));
    expect(added).to.have.length(1);
    return { handler: added[0], remove };
  }

  it("shuts down on the first signal and exits at once with 1 on a second one", function () {
    const log = recorder();
    const codes: number[] = [];
    let release = (): void => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const { handler, remove } = installedHandler(() =>
      exitOnSignals([{ name: "verifier", run: () => hanging }], {
        timeoutMs: 5_000,
        log,
        exit: (code) => codes.push(code),
      }),
    );
    try {
      handler("SIGTERM");
      expect(codes).to.deep.equal([]);
      handler("SIGINT");
      expect(codes).to.deep.equal([1]);
    } finally {
      remove();
      release();
    }
    expect(process.listeners("SIGTERM")).to.not.include(handler);
  });
});
