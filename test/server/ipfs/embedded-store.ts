import { expect } from "chai";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as dagPb from "@ipld/dag-pb";
import { FsBlockstore } from "blockstore-fs";
import type { CID } from "multiformats/cid";
import {
  ContentTooLargeError,
  IntegrityError,
  InvalidInputError,
  NotFoundError,
} from "../../../server/errors.js";
import { digestToCid } from "../../../server/ipfs/commitment.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { KUBO_CHUNK_SIZE } from "../../../server/ipfs/import-options.js";
import { deterministicBytes, makeTempDir } from "../support/temp-dir.js";

async function blockFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".data"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Overwrites the bytes stored under `cid` behind the store's back, as disk rot or an attacker would. */
async function putForgedBlock(directory: string, cid: CID, bytes: Uint8Array): Promise<void> {
  const blockstore = new FsBlockstore(EmbeddedMetadataStore.blocksDirectory(directory));
  await blockstore.open();
  await blockstore.put(cid, bytes);
  await blockstore.close();
}

async function expectRejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected the promise to reject");
}

describe("EmbeddedMetadataStore (real Helia, on disk, offline)", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedMetadataStore | undefined;

  beforeEach(async function () {
    temp = await makeTempDir("embedded");
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
  });

  afterEach(async function () {
    await store?.close();
    store = undefined;
    await temp.remove();
  });

  async function reopen(): Promise<EmbeddedMetadataStore> {
    await store?.close();
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
    return store;
  }

  it("returns the bytes it stored, verified", async function () {
    const bytes = new TextEncoder().encode('{"name":"Selleria Tote"}');
    const cid = await store!.addBytes(bytes);
    expect(Buffer.from(await store!.get(cid)).equals(Buffer.from(bytes))).to.be.true;
    expect(await store!.stat(cid)).to.deep.include({ type: "raw", size: BigInt(bytes.length) });
  });

  it("keeps documents, files and pins across a restart", async function () {
    const document = await store!.addBytes(new TextEncoder().encode("certificate"));
    const model = deterministicBytes(2 * KUBO_CHUNK_SIZE + 5, 5);
    const modelCid = await store!.addFile(model);
    await store!.pin(modelCid);
    const reopened = await reopen();
    expect(new TextDecoder().decode(await reopened.get(document))).to.equal("certificate");
    expect(Buffer.from(await reopened.get(modelCid, { maxBytes: model.length })).equals(Buffer.from(model)))
      .to.be.true;
    expect(await reopened.isPinned(modelCid)).to.be.true;
    expect(await reopened.isPinned(document)).to.be.false;
  });

  it("refuses a block file whose bytes were overwritten on disk", async function () {
    const cid = await store!.addBytes(new TextEncoder().encode("genuine document"));
    const [file] = await blockFiles(EmbeddedMetadataStore.blocksDirectory(temp.path));
    await writeFile(file, "forged document!");
    const reopened = await reopen();
    const error = await expectRejection(reopened.get(cid));
    expect(error).to.be.instanceOf(IntegrityError);
    expect(error.message).to.include(cid.toString());
  });

  it("refuses a multi-chunk file when one leaf block does not match its CID", async function () {
    const bytes = deterministicBytes(3 * KUBO_CHUNK_SIZE, 9);
    const root = await store!.addFile(bytes);
    const leaves = dagPb.decode(await store!.getBlock(root)).Links.map((link) => link.Hash);
    await store!.close();
    store = undefined;
    await putForgedBlock(temp.path, leaves[1], deterministicBytes(KUBO_CHUNK_SIZE, 99));
    const reopened = await reopen();
    // The first leaf is still good: a range inside it reads fine; anything touching leaf 1 fails.
    const { body } = await reopened.stream(root, { length: 10 });
    let read = 0;
    for await (const chunk of body) read += chunk.length;
    expect(read).to.equal(10);
    const error = await expectRejection(reopened.get(root, { maxBytes: bytes.length }));
    expect(error).to.be.instanceOf(IntegrityError);
    expect(error.message).to.include(leaves[1].toString());
  });

  it("answers NotFoundError for a CID it does not hold, without going to the network", async function () {
    const unknown = digestToCid(`0x${"ab".repeat(32)}`);
    const started = Date.now();
    expect(await expectRejection(store!.get(unknown))).to.be.instanceOf(NotFoundError);
    expect(Date.now() - started).to.be.below(1_000);
  });

  it("refuses to read content above the size limit", async function () {
    const cid = await store!.addBytes(deterministicBytes(10_000));
    expect(await expectRejection(store!.get(cid, { maxBytes: 9_999 }))).to.be.instanceOf(
      ContentTooLargeError,
    );
  });

  it("resolves paths inside a directory and refuses paths that try to leave it", async function () {
    const result = await store!.addDirectory([
      { path: "images/front.jpg", content: new TextEncoder().encode("front") },
      { path: "metadata.json", content: new TextEncoder().encode("{}") },
    ]);
    expect(new TextDecoder().decode(await store!.get(result.cid, { path: "images/front.jpg" }))).to.equal(
      "front",
    );
    expect((await store!.list(result.cid)).map((entry) => entry.name)).to.have.members([
      "images",
      "metadata.json",
    ]);
    expect(
      await expectRejection(store!.get(result.cid, { path: "images/../metadata.json" })),
    ).to.be.instanceOf(InvalidInputError);
    expect(await expectRejection(store!.get(result.cid, { path: "images/back.jpg" }))).to.be.instanceOf(
      NotFoundError,
    );
  });
});
