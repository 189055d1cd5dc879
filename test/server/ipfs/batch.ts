import { expect } from "chai";
import { readdir } from "node:fs/promises";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import type { CID } from "multiformats/cid";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import type { BatchProgress, DirectoryEntryInput } from "../../../server/ipfs/metadata-store.js";
import { makeTempDir } from "../support/temp-dir.js";

/** Long names make the directory's links pass the 256 KiB HAMT threshold with ~2,000 files. */
const FILES = 2_000;
function* batch(failAt?: number): Generator<DirectoryEntryInput> {
  for (let i = 0; i < FILES; i++) {
    if (i === failAt) throw new Error("catalogue export interrupted");
    const name = `certificate-${String(i).padStart(6, "0")}-${"maison-aurelia-selleria-tote-cognac-".repeat(3)}.json`;
    yield {
      path: `certificates/${name}`,
      content: new TextEncoder().encode(JSON.stringify({ name: `Tote ${i}` })),
    };
  }
  yield { path: "media/front.jpg", content: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) };
}

async function countBlocks(directory: string): Promise<number> {
  const entries = await readdir(EmbeddedMetadataStore.blocksDirectory(directory), {
    recursive: true,
    withFileTypes: true,
  });
  return entries.filter((entry) => entry.isFile()).length;
}

describe("Batch import of a catalogue as one directory", function () {
  this.timeout(60_000);
  const temps: Awaited<ReturnType<typeof makeTempDir>>[] = [];
  const stores: EmbeddedMetadataStore[] = [];

  async function freshStore(): Promise<{ store: EmbeddedMetadataStore; path: string }> {
    const temp = await makeTempDir("batch");
    temps.push(temp);
    const store = await EmbeddedMetadataStore.open({ directory: temp.path });
    stores.push(store);
    return { store, path: temp.path };
  }

  after(async function () {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(temps.map((temp) => temp.remove()));
  });

  let clean: { root: CID; blocks: number; store: EmbeddedMetadataStore };

  it("imports thousands of documents with progress and shards the large directory (HAMT)", async function () {
    const { store, path } = await freshStore();
    const progress: BatchProgress[] = [];
    const result = await store.addDirectory(batch(), { onProgress: (event) => progress.push(event) });
    expect(result.files).to.equal(FILES + 1);
    expect(progress).to.have.length(FILES + 1);
    expect(progress.at(-1)?.filesImported).to.equal(FILES + 1);
    const listing = await store.list(result.cid);
    const certificates = listing.find((entry) => entry.name === "certificates");
    expect(certificates).to.not.equal(undefined);
    const node = dagPb.decode(await store.getBlock(certificates!.cid));
    expect(UnixFS.unmarshal(node.Data ?? new Uint8Array()).type).to.equal("hamt-sharded-directory");
    const firstPath = [...result.fileCids.keys()][0];
    expect(
      JSON.parse(new TextDecoder().decode(await store.get(result.cid, { path: firstPath }))),
    ).to.have.property("name");
    clean = { root: result.cid, blocks: await countBlocks(path), store };
  });

  it("re-runs a failed batch to the same root without duplicating a block", async function () {
    const { store, path } = await freshStore();
    let failure: unknown;
    try {
      await store.addDirectory(batch(1_200));
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Error);
    const partial = await countBlocks(path);
    expect(partial).to.be.greaterThan(0).and.below(clean.blocks);
    const rerun = await store.addDirectory(batch());
    expect(rerun.cid.toString()).to.equal(clean.root.toString());
    expect(await countBlocks(path)).to.equal(clean.blocks);
    // And once more: a complete re-run is a no-op on disk.
    await store.addDirectory(batch());
    expect(await countBlocks(path)).to.equal(clean.blocks);
  });
});
