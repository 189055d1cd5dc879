import { expect } from "chai";
import type { CID } from "multiformats/cid";
import { createApp } from "../../../server/app.js";
import { DependencyUnavailableError } from "../../../server/errors.js";
import type { BlockSource } from "../../../server/ipfs/block-source.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { KUBO_CHUNK_SIZE } from "../../../server/ipfs/import-options.js";
import { UnixfsReader } from "../../../server/ipfs/unixfs-reader.js";
import { listen } from "../support/http-server.js";
import { deterministicBytes, makeTempDir } from "../support/temp-dir.js";

const CHUNKS = 8;
const BLOCK_DELAY_MS = 100;
/** Well below the time the throttled link needs for the whole file (9 blocks × 100 ms). */
const DEADLINE_MS = 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected the promise to reject");
}

/**
 * A slow link to a node holding the blocks: one block at a time, `delayMs` each, as a remote
 * Kubo node or gateway behind a thin pipe. `stallAt` blocks (by fetch order) never arrive,
 * and that request ignores its abort signal, as a hung socket would.
 */
function throttledSource(
  store: EmbeddedMetadataStore,
  delayMs: number,
  stallAt?: number,
): BlockSource & { fetched: number } {
  let queue = Promise.resolve();
  const source = {
    fetched: 0,
    getBlock(cid: CID, { signal }: { signal: AbortSignal }): Promise<Uint8Array> {
      const position = source.fetched++;
      if (position === stallAt) return new Promise<Uint8Array>(() => {});
      const turn = queue.then(async () => {
        await sleep(delayMs);
        signal.throwIfAborted();
        return store.getBlock(cid);
      });
      queue = turn.then(
        () => undefined,
        () => undefined,
      );
      return turn;
    },
  };
  return source;
}

async function drain(body: AsyncIterable<Uint8Array>, pauseMs = 0): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    chunks.push(chunk);
    if (pauseMs > 0) await sleep(pauseMs);
  }
  return Buffer.concat(chunks);
}

describe("UnixfsReader", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedMetadataStore;
  const model = deterministicBytes(CHUNKS * KUBO_CHUNK_SIZE, 33);
  let modelCid: CID;

  before(async function () {
    temp = await makeTempDir("unixfs-reader");
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
    modelCid = await store.addFile(model);
  });

  after(async function () {
    await store.close();
    await temp.remove();
  });

  describe("stream", function () {
    it("completes a download that outlasts the read deadline while blocks keep coming", async function () {
      const reader = new UnixfsReader(throttledSource(store, BLOCK_DELAY_MS), {
        maxBytes: model.length,
        timeoutMs: DEADLINE_MS,
      });
      const started = Date.now();
      const { body } = await reader.stream(modelCid);
      const bytes = await drain(body);
      expect(Date.now() - started).to.be.above(DEADLINE_MS);
      expect(bytes.equals(Buffer.from(model))).to.be.true;
    });

    it("completes a download to a consumer slower than the read deadline", async function () {
      // A roomier deadline than the others: the first chunk must arrive within it even on a loaded CI machine.
      const deadlineMs = 1_500;
      const reader = new UnixfsReader(throttledSource(store, 0), {
        maxBytes: model.length,
        timeoutMs: deadlineMs,
      });
      const started = Date.now();
      const { body } = await reader.stream(modelCid);
      const bytes = await drain(body, 250); // 8 chunks: about 2 s
      expect(Date.now() - started).to.be.above(deadlineMs);
      expect(bytes.equals(Buffer.from(model))).to.be.true;
    });

    it("gives up on a block that stalls mid-file within the idle timeout, naming the block", async function () {
      // Fetch 0 is the root; the fourth leaf never comes.
      const reader = new UnixfsReader(throttledSource(store, 10, 4), {
        maxBytes: model.length,
        timeoutMs: 5_000,
        idleTimeoutMs: 200,
      });
      const started = Date.now();
      const { body } = await reader.stream(modelCid);
      const received: Uint8Array[] = [];
      const error = await rejection(
        (async () => {
          for await (const chunk of body) received.push(chunk);
        })(),
      );
      expect(error).to.be.instanceOf(DependencyUnavailableError);
      expect(error.message).to.match(/^Timed out after 200 ms waiting for block \S+ of /);
      expect(Date.now() - started).to.be.below(2_000);
      expect(received.length).to.be.below(CHUNKS);
    });

    it("still bounds resolving the content and its first bytes by the read deadline", async function () {
      const reader = new UnixfsReader(throttledSource(store, 10, 1), {
        maxBytes: model.length,
        timeoutMs: DEADLINE_MS,
        idleTimeoutMs: 5_000,
      });
      const started = Date.now();
      // The deadline may pass while the root resolves (a loaded machine) or while the first bytes are read.
      const error = await rejection(reader.stream(modelCid).then(({ body }) => drain(body)));
      expect(error).to.be.instanceOf(DependencyUnavailableError);
      expect(error.message).to.match(/^Timed out reading /);
      expect(Date.now() - started).to.be.below(2_000);
    });
  });

  describe("get", function () {
    it("keeps a whole-read deadline: a document read waits on no slow link", async function () {
      const reader = new UnixfsReader(throttledSource(store, BLOCK_DELAY_MS), {
        maxBytes: model.length,
        timeoutMs: DEADLINE_MS,
      });
      const error = await rejection(reader.get(modelCid));
      expect(error).to.be.instanceOf(DependencyUnavailableError);
      expect(error.message).to.match(/^Timed out reading /);
    });
  });

  describe("behind GET /ipfs/:cid", function () {
    it("sends a slow link's large file whole, past the read deadline", async function () {
      const reader = new UnixfsReader(throttledSource(store, BLOCK_DELAY_MS), {
        maxBytes: model.length,
        timeoutMs: DEADLINE_MS,
      });
      const server = await listen(createApp({ ipfs: reader }));
      try {
        const started = Date.now();
        const response = await fetch(`${server.url}/ipfs/${modelCid.toString()}`);
        expect(response.status).to.equal(200);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(Date.now() - started).to.be.above(DEADLINE_MS);
        expect(bytes.equals(Buffer.from(model))).to.be.true;
      } finally {
        await server.close();
      }
    });

    it("cuts the body when a block stalls after the headers have left", async function () {
      const reader = new UnixfsReader(throttledSource(store, 10, 4), {
        maxBytes: model.length,
        timeoutMs: 5_000,
        idleTimeoutMs: 200,
      });
      const server = await listen(createApp({ ipfs: reader }));
      try {
        const response = await fetch(`${server.url}/ipfs/${modelCid.toString()}`);
        expect(response.status).to.equal(200);
        await rejection(response.arrayBuffer());
      } finally {
        await server.close();
      }
    });
  });
});
