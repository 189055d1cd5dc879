import { expect } from "chai";
import { createHash } from "node:crypto";
import * as dagPb from "@ipld/dag-pb";
import { MemoryBlockstore } from "blockstore-core/memory";
import { UnixFS } from "ipfs-unixfs";
import { importer } from "ipfs-unixfs-importer";
import type { ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced, trickle } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";
import { createApp } from "../../../server/app.js";
import { IntegrityError, InvalidInputError } from "../../../server/errors.js";
import type { BlockSource } from "../../../server/ipfs/block-source.js";
import { FILE_READ_AHEAD_BLOCKS } from "../../../server/ipfs/file-content.js";
import {
  KUBO_MAX_LINKS_PER_NODE,
  kuboCompatibleImporterOptions,
} from "../../../server/ipfs/import-options.js";
import { UnixfsReader } from "../../../server/ipfs/unixfs-reader.js";
import { listen } from "../support/http-server.js";
import { deterministicBytes } from "../support/temp-dir.js";

/** Small chunks, so a DAG of hundreds of leaves and several levels stays a few hundred KiB. */
const CHUNK = 1024;
const LIMITS = { maxBytes: 2 ** 30, timeoutMs: 10_000 };

async function blockOf(blocks: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of blocks.get(cid)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function importWith(
  bytes: Uint8Array,
  options: Partial<ImporterOptions>,
): Promise<{ cid: CID; blocks: MemoryBlockstore }> {
  const blocks = new MemoryBlockstore();
  let cid: CID | undefined;
  for await (const entry of importer([{ content: bytes }], blocks, options)) cid = entry.cid;
  if (cid === undefined) throw new Error("nothing imported");
  return { cid, blocks };
}

/** Kubo's DAG shape (raw leaves, balanced, 174 links per node) with 1 KiB chunks. */
function kuboShape(): Partial<ImporterOptions> {
  return { ...kuboCompatibleImporterOptions(), chunker: fixedSize({ chunkSize: CHUNK }) };
}

/** How deep the DAG under `cid` goes, counting the root's level as 1. */
async function depthOf(blocks: MemoryBlockstore, cid: CID): Promise<number> {
  if (cid.code === raw.code) return 1;
  const node = dagPb.decode(await blockOf(blocks, cid));
  let deepest = 0;
  for (const link of node.Links) deepest = Math.max(deepest, await depthOf(blocks, link.Hash));
  return 1 + deepest;
}

/** Serves `blocks`, counting fetches by codec; `hang` leaves never arrive (their signals are kept). */
function countingSource(
  blocks: MemoryBlockstore,
  options: { hang?: (leafIndex: number) => boolean; tamper?: (leafIndex: number) => boolean } = {},
): BlockSource & { leaves: number; nodes: number; hung: AbortSignal[] } {
  const source = {
    leaves: 0,
    nodes: 0,
    hung: [] as AbortSignal[],
    async getBlock(cid: CID, { signal }: { signal: AbortSignal }): Promise<Uint8Array> {
      if (cid.code !== raw.code) {
        source.nodes++;
        return blockOf(blocks, cid);
      }
      const index = source.leaves++;
      if (options.hang?.(index) === true) {
        source.hung.push(signal);
        return new Promise<Uint8Array>(() => {});
      }
      const bytes = await blockOf(blocks, cid);
      if (options.tamper?.(index) === true) {
        const copy = Uint8Array.from(bytes);
        copy[0] ^= 0xff;
        return copy;
      }
      return bytes;
    },
  };
  return source;
}

/** Turns the event loop until `read()` stops changing: every fetch that can start has. */
async function settle(read: () => number): Promise<void> {
  let last = read();
  for (let still = 0; still < 20;) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = read();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Ranges that start, end and straddle leaf and internal-node boundaries, plus pseudo-random ones. */
function rangesFor(size: number, span: number): [number, number | undefined][] {
  const ranges: [number, number | undefined][] = [
    [0, undefined],
    [0, size],
    [1, CHUNK],
    [CHUNK - 1, 2],
    [span - 3, 7],
    [span, span + 5],
    [span - 1, 2 * span + 2],
    [size - 1, 1],
    [size - 10, 1_000], // past the end: clamped, as the exporter does
    [size, 0],
    [12_345, 0],
  ];
  const random = deterministicBytes(64, 5);
  for (let i = 0; i < random.length; i += 4) {
    const offset = Buffer.from(random.subarray(i, i + 3)).readUIntBE(0, 3) % size;
    ranges.push([offset, (random[i + 3] * 997) % (size - offset)]);
  }
  return ranges;
}

function sha256Cid(codec: number, bytes: Uint8Array): CID {
  return CID.createV1(codec, createDigest(0x12, createHash("sha256").update(bytes).digest()));
}

describe("fileContent (UnixFS file reads with bounded read-ahead)", function () {
  const bytes = deterministicBytes(400 * CHUNK + 321, 21); // 401 leaves: past 174, so two levels of links
  let kubo: { cid: CID; blocks: MemoryBlockstore };

  before(async function () {
    kubo = await importWith(bytes, kuboShape());
  });

  describe("gives exactly the requested bytes", function () {
    it("of a Kubo-shaped multi-level file, for every range", async function () {
      const root = dagPb.decode(await blockOf(kubo.blocks, kubo.cid));
      expect(root.Links).to.have.length(3); // 401 leaves: 174 + 174 + 53
      expect(await depthOf(kubo.blocks, kubo.cid)).to.equal(3);
      const reader = new UnixfsReader(countingSource(kubo.blocks), LIMITS);
      for (const [offset, length] of rangesFor(bytes.length, CHUNK * KUBO_MAX_LINKS_PER_NODE)) {
        const { body } = await reader.stream(kubo.cid, { offset, length });
        const expected = bytes.subarray(offset, length === undefined ? undefined : offset + length);
        const actual = await collect(body);
        expect(actual.equals(expected), `offset ${offset}, length ${length}`).to.be.true;
      }
      expect(Buffer.from(await reader.get(kubo.cid)).equals(bytes)).to.be.true;
    });

    it("of deep, trickle and dag-pb-leaf (CIDv0) DAGs", async function () {
      const shapes: Partial<ImporterOptions>[] = [
        {
          cidVersion: 1,
          rawLeaves: true,
          chunker: fixedSize({ chunkSize: 500 }),
          layout: balanced({ maxChildrenPerNode: 3 }),
        },
        {
          cidVersion: 1,
          rawLeaves: true,
          chunker: fixedSize({ chunkSize: 700 }),
          layout: trickle({ maxChildrenPerNode: 4, layerRepeat: 2 }),
        },
        {
          cidVersion: 0,
          rawLeaves: false,
          chunker: fixedSize({ chunkSize: 900 }),
          layout: balanced({ maxChildrenPerNode: 5 }),
        },
      ];
      const file = bytes.subarray(0, 60_000);
      for (const shape of shapes) {
        const { cid, blocks } = await importWith(file, shape);
        expect(await depthOf(blocks, cid)).to.be.at.least(3);
        const reader = new UnixfsReader(countingSource(blocks), LIMITS);
        for (const [offset, length] of rangesFor(file.length, 3 * 500)) {
          const { body } = await reader.stream(cid, { offset, length });
          const expected = file.subarray(offset, length === undefined ? undefined : offset + length);
          expect(
            (await collect(body)).equals(expected),
            `${cid.toString()} offset ${offset}, length ${length}`,
          ).to.be.true;
        }
      }
    });

    it("through GET /ipfs/:cid with a Range that spans internal nodes", async function () {
      const server = await listen(createApp({ ipfs: new UnixfsReader(countingSource(kubo.blocks), LIMITS) }));
      try {
        const start = CHUNK * KUBO_MAX_LINKS_PER_NODE - 100;
        const end = 2 * CHUNK * KUBO_MAX_LINKS_PER_NODE + 99;
        const response = await fetch(`${server.url}/ipfs/${kubo.cid.toString()}`, {
          headers: { range: `bytes=${start}-${end}` },
        });
        expect(response.status).to.equal(206);
        expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(start, end + 1))).to.be.true;
      } finally {
        await server.close();
      }
    });
  });

  describe("reads ahead of a slow consumer by a bounded number of blocks", function () {
    it(`keeps exactly ${FILE_READ_AHEAD_BLOCKS} leaves in flight ahead of the one consumed, across internal nodes`, async function () {
      const source = countingSource(kubo.blocks);
      const reader = new UnixfsReader(source, LIMITS);
      const { body } = await reader.stream(kubo.cid);
      const iterator = body[Symbol.asyncIterator]();
      try {
        for (let consumed = 1; consumed <= 200; consumed++) {
          const next = await iterator.next();
          expect(next.done).to.not.equal(true);
          await settle(() => source.leaves + source.nodes);
          expect(source.leaves, `after ${consumed} chunks`).to.equal(consumed + FILE_READ_AHEAD_BLOCKS);
          // The root, and the internal nodes the walk has reached (one, or two across a boundary).
          const internal = Math.floor((consumed + FILE_READ_AHEAD_BLOCKS - 1) / KUBO_MAX_LINKS_PER_NODE) + 1;
          expect(source.nodes, `after ${consumed} chunks`).to.equal(1 + internal);
        }
      } finally {
        await iterator.return?.();
      }
    });

    it("fetches only the leaves a range needs, plus the bounded read-ahead", async function () {
      const source = countingSource(kubo.blocks);
      const { body } = await new UnixfsReader(source, LIMITS).stream(kubo.cid, {
        offset: 200 * CHUNK + 5,
        length: 3 * CHUNK,
      });
      expect(await collect(body)).to.have.length(3 * CHUNK);
      expect(source.leaves).to.equal(4); // leaves 200..203: the range's end bounds the walk
      expect(source.nodes).to.equal(2); // the root and the second internal node only
    });

    it("stops fetching and aborts what is in flight when the consumer goes away", async function () {
      const source = countingSource(kubo.blocks, { hang: (index) => index >= 3 });
      const { body } = await new UnixfsReader(source, LIMITS).stream(kubo.cid);
      const iterator = body[Symbol.asyncIterator]();
      await iterator.next();
      await settle(() => source.leaves);
      const requested = source.leaves;
      expect(requested).to.equal(1 + FILE_READ_AHEAD_BLOCKS);
      expect(source.hung).to.have.length(requested - 3);
      expect(source.hung.some((signal) => signal.aborted)).to.be.false;
      await iterator.return?.();
      await settle(() => source.leaves);
      expect(source.leaves).to.equal(requested);
      expect(source.hung.every((signal) => signal.aborted)).to.be.true;
    });
  });

  describe("keeps verification and DAG checks", function () {
    it("fails at a tampered leaf after the verified bytes before it", async function () {
      const source = countingSource(kubo.blocks, { tamper: (index) => index === 180 });
      const { body } = await new UnixfsReader(source, LIMITS).stream(kubo.cid);
      let received = 0;
      let failure: unknown;
      try {
        for await (const chunk of body) received += chunk.byteLength;
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(IntegrityError);
      expect(received).to.equal(180 * CHUNK);
    });

    it("refuses a byte range outside the file as invalid input", async function () {
      const reader = new UnixfsReader(countingSource(kubo.blocks), LIMITS);
      for (const range of [
        { offset: -1 },
        { offset: bytes.length + 1 },
        { offset: 0, length: -5 },
        { offset: 0.5 },
      ]) {
        const error = await reader.stream(kubo.cid, range).then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error, JSON.stringify(range)).to.be.instanceOf(InvalidInputError);
      }
    });

    it("refuses a node whose declared child sizes do not match its children", async function () {
      const blocks = new MemoryBlockstore();
      const leaves = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])];
      const links = [];
      for (const leaf of leaves) {
        const cid = sha256Cid(raw.code, leaf);
        await blocks.put(cid, leaf);
        links.push({ Hash: cid, Name: "", Tsize: leaf.length });
      }
      // The sizes add up to the real 6 bytes, but the first child claims 4: a range would shift.
      const data = new UnixFS({ type: "file", blockSizes: [4n, 2n] }).marshal();
      const rootBytes = dagPb.encode(dagPb.prepare({ Data: data, Links: links }));
      const root = sha256Cid(dagPb.code, rootBytes);
      await blocks.put(root, rootBytes);
      const error = await new UnixfsReader(countingSource(blocks), LIMITS).get(root).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/^Not UnixFS content: /);
    });
  });
});
