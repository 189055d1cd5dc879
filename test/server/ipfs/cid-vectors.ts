import { expect } from "chai";
import { createHash } from "node:crypto";
import * as dagPb from "@ipld/dag-pb";
import { MemoryBlockstore } from "blockstore-core/memory";
import { UnixFS } from "ipfs-unixfs";
import { importer } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { importFile } from "../../../server/ipfs/import-dag.js";
import { KUBO_CHUNK_SIZE, KUBO_MAX_LINKS_PER_NODE } from "../../../server/ipfs/import-options.js";
import { deterministicBytes, makeTempDir } from "../support/temp-dir.js";

const EMPTY_FILE = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const HELLO_WORLD = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";

function sha256Cid(codec: number, bytes: Uint8Array): CID {
  return CID.createV1(codec, createDigest(0x12, createHash("sha256").update(bytes).digest()));
}

/**
 * Builds the one-level balanced DAG Kubo writes for a file of ≤ 174 chunks, by hand from the
 * dag-pb and UnixFS specs, without the importer: raw leaves of 256 KiB, one dag-pb root.
 */
function handBuiltKuboRoot(bytes: Uint8Array): CID {
  const leaves: { cid: CID; size: number }[] = [];
  for (let offset = 0; offset < bytes.length; offset += KUBO_CHUNK_SIZE) {
    const chunk = bytes.subarray(offset, offset + KUBO_CHUNK_SIZE);
    leaves.push({ cid: sha256Cid(0x55, chunk), size: chunk.length });
  }
  expect(leaves.length).to.be.at.most(KUBO_MAX_LINKS_PER_NODE);
  const unixfs = new UnixFS({ type: "file", blockSizes: leaves.map((leaf) => BigInt(leaf.size)) });
  const node = dagPb.prepare({
    Data: unixfs.marshal(),
    Links: leaves.map((leaf) => ({ Hash: leaf.cid, Name: "", Tsize: leaf.size })),
  });
  return sha256Cid(0x70, dagPb.encode(node));
}

describe("CIDs computed by Hallmark", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedMetadataStore;

  before(async function () {
    temp = await makeTempDir("cid");
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
  });

  after(async function () {
    await store.close();
    await temp.remove();
  });

  it("gives the empty file Kubo's CID", async function () {
    expect((await store.addBytes(new Uint8Array())).toString()).to.equal(EMPTY_FILE);
  });

  it("gives `hello world\\n` Kubo's CID", async function () {
    expect((await store.addBytes(new TextEncoder().encode("hello world\n"))).toString()).to.equal(
      HELLO_WORLD,
    );
  });

  it("stores a file of exactly one chunk as a single raw block", async function () {
    const bytes = deterministicBytes(KUBO_CHUNK_SIZE, 7);
    expect((await store.addBytes(bytes)).equals(sha256Cid(0x55, bytes))).to.be.true;
  });

  it("matches an independently built balanced DAG for a multi-chunk file", async function () {
    const bytes = deterministicBytes(3 * KUBO_CHUNK_SIZE + 12_345, 3);
    const cid = await store.addFile([bytes.subarray(0, 100_000), bytes.subarray(100_000)]);
    expect(cid.toString()).to.equal(handBuiltKuboRoot(bytes).toString());

    // Same answer from the reference importer given Kubo's parameters spelled out here.
    const reference = new MemoryBlockstore();
    let referenceRoot: CID | undefined;
    for await (const entry of importer([{ content: bytes }], reference, {
      cidVersion: 1,
      rawLeaves: true,
      chunker: fixedSize({ chunkSize: 262_144 }),
      layout: balanced({ maxChildrenPerNode: 174 }),
    })) {
      referenceRoot = entry.cid;
    }
    expect(cid.toString()).to.equal(referenceRoot?.toString());
  });

  it("builds a root of raw 256 KiB leaves with at most 174 links per node", async function () {
    // 175 chunks forces a second level: the root links to a full 174-link node and a 1-link node.
    const bytes = deterministicBytes(175 * KUBO_CHUNK_SIZE, 11);
    const blocks = new MemoryBlockstore();
    const cid = await importFile(bytes, blocks);
    expect(cid.code).to.equal(0x70);
    const decode = async (c: CID) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of blocks.get(c)) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    const root = dagPb.decode(await decode(cid));
    expect(root.Links).to.have.length(2);
    let leafCount = 0;
    for (const link of root.Links) {
      const child = dagPb.decode(await decode(link.Hash));
      expect(child.Links.length).to.be.at.most(KUBO_MAX_LINKS_PER_NODE);
      for (const leaf of child.Links) {
        expect(leaf.Hash.code).to.equal(0x55);
        expect(leaf.Tsize).to.equal(KUBO_CHUNK_SIZE);
        leafCount++;
      }
    }
    expect(leafCount).to.equal(175);
    expect(UnixFS.unmarshal(root.Data ?? new Uint8Array()).fileSize()).to.equal(BigInt(bytes.length));
  });
});
