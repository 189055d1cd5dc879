import { expect } from "chai";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import { createApp } from "../../../server/app.js";
import { DependencyUnavailableError, IntegrityError, NotFoundError } from "../../../server/errors.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { GatewayMetadataReader } from "../../../server/ipfs/gateway-reader.js";
import { KUBO_CHUNK_SIZE } from "../../../server/ipfs/import-options.js";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument, readCommittedDocument } from "../../../server/metadata/metadata-document.js";
import { listen } from "../support/http-server.js";
import { deterministicBytes, makeTempDir } from "../support/temp-dir.js";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected a rejection");
}

describe("GatewayMetadataReader (trustless gateway reads)", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedMetadataStore;
  let verifier: Awaited<ReturnType<typeof listen>>;
  let tampering: Awaited<ReturnType<typeof listen>>;
  let silent: Awaited<ReturnType<typeof listen>>;
  let rawBlocks: FsBlockstore;
  const model = deterministicBytes(2 * KUBO_CHUNK_SIZE + 77, 31);
  let modelCid: CID;
  let digest: `0x${string}`;

  before(async function () {
    temp = await makeTempDir("gateway");
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
    modelCid = await store.addFile(model);
    digest = (await publishDocument(store, "certificate-metadata", loadExample("certificate-metadata.json")))
      .digest;
    verifier = await listen(createApp({ ipfs: store }));

    // A gateway that serves ?format=raw from the same real blockstore, with one byte flipped.
    rawBlocks = new FsBlockstore(EmbeddedMetadataStore.blocksDirectory(temp.path));
    await rawBlocks.open();
    tampering = await listen((request, response) => {
      const cid = CID.parse((request.url ?? "").split("/ipfs/")[1].split("?")[0]);
      void (async () => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of rawBlocks.get(cid)) chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        bytes[bytes.length - 1] ^= 0x01;
        response.writeHead(200, { "content-type": "application/vnd.ipld.raw" }).end(bytes);
      })().catch(() => response.writeHead(404).end());
    });
    silent = await listen(() => {
      // Never answers: the reader's deadline must fire.
    });
  });

  after(async function () {
    await Promise.all([verifier.close(), tampering.close(), silent.close()]);
    await rawBlocks.close();
    await store.close();
    await temp.remove();
  });

  it("reads a multi-chunk file through another Hallmark verifier's /ipfs route, block by block", async function () {
    const reader = new GatewayMetadataReader({
      gateways: [verifier.url],
      limits: { maxBytes: model.length, timeoutMs: 5_000 },
    });
    expect(Buffer.from(await reader.get(modelCid)).equals(Buffer.from(model))).to.be.true;
  });

  it("reads a committed certificate document through a gateway and checks it against the digest", async function () {
    const reader = new GatewayMetadataReader({ gateways: [verifier.url] });
    const read = await readCommittedDocument(reader, "certificate-metadata", digest);
    expect(read.document.passport.brand.name).to.equal("Maison Aurelia");
  });

  it("refuses bytes from a gateway that tampers with them", async function () {
    const reader = new GatewayMetadataReader({ gateways: [tampering.url] });
    const error = await rejection(readCommittedDocument(reader, "certificate-metadata", digest));
    expect(error).to.be.instanceOf(IntegrityError);
  });

  it("falls through to the next gateway when the first one tampers", async function () {
    const reader = new GatewayMetadataReader({ gateways: [tampering.url, verifier.url] });
    expect(Buffer.from(await reader.get(modelCid, { maxBytes: model.length })).equals(Buffer.from(model))).to
      .be.true;
  });

  it("answers NotFoundError when no gateway has the block", async function () {
    const reader = new GatewayMetadataReader({ gateways: [verifier.url] });
    const unknown = CID.parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyka");
    expect(await rejection(reader.get(unknown))).to.be.instanceOf(NotFoundError);
  });

  it("lets an offline embedded node read through a gateway and keep the verified blocks", async function () {
    const other = await makeTempDir("gateway-fallback");
    const node = await EmbeddedMetadataStore.open({
      directory: other.path,
      fallbackGateways: [verifier.url],
    });
    try {
      expect(Buffer.from(await node.get(modelCid, { maxBytes: model.length })).equals(Buffer.from(model))).to
        .be.true;
      await verifier.close();
      expect(Buffer.from(await node.get(modelCid, { maxBytes: model.length })).equals(Buffer.from(model))).to
        .be.true;
    } finally {
      verifier = await listen(createApp({ ipfs: store }));
      await node.close();
      await other.remove();
    }
  });

  it("gives up on a gateway that does not answer within the read timeout", async function () {
    const reader = new GatewayMetadataReader({
      gateways: [silent.url],
      limits: { maxBytes: 1_000, timeoutMs: 300 },
    });
    const started = Date.now();
    expect(await rejection(reader.get(modelCid))).to.be.instanceOf(DependencyUnavailableError);
    expect(Date.now() - started).to.be.below(2_000);
  });
});
