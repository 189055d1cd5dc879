import { expect } from "chai";
import type { IncomingMessage } from "node:http";
import { MemoryBlockstore } from "blockstore-core/memory";
import { CID } from "multiformats/cid";
import { createApp } from "../../../server/app.js";
import { IntegrityError, NotFoundError } from "../../../server/errors.js";
import { createMetadataStore } from "../../../server/ipfs/create-metadata-store.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { importFile } from "../../../server/ipfs/import-dag.js";
import { KuboMetadataStore } from "../../../server/ipfs/kubo-store.js";
import { listen } from "../support/http-server.js";
import { deterministicBytes, makeTempDir } from "../support/temp-dir.js";

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The subset of Kubo's RPC API the adapter uses (add, block/get), backed by the same
 * importer, and able to tamper with blocks it serves. No Kubo binary is available here.
 */
async function fakeKubo(options: { tamper: () => boolean }) {
  const blocks = new MemoryBlockstore();
  const server = await listen((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://kubo");
      if (url.pathname === "/api/v0/add") {
        expect(url.searchParams.get("cid-version")).to.equal("1");
        expect(url.searchParams.get("raw-leaves")).to.equal("true");
        expect(url.searchParams.get("chunker")).to.equal("size-262144");
        const form = await new Request("http://kubo/", {
          method: "POST",
          headers: { "content-type": String(request.headers["content-type"]) },
          body: await bodyOf(request),
        }).formData();
        const lines: string[] = [];
        for (const [, part] of form) {
          const bytes =
            typeof part === "string"
              ? new TextEncoder().encode(part)
              : new Uint8Array(await part.arrayBuffer());
          const cid = await importFile(bytes, blocks);
          lines.push(
            JSON.stringify({ Name: cid.toString(), Hash: cid.toString(), Size: String(bytes.length) }),
          );
        }
        response.writeHead(200, { "content-type": "application/x-ndjson" }).end(lines.join("\n") + "\n");
      } else if (url.pathname === "/api/v0/block/get") {
        const chunks: Uint8Array[] = [];
        for await (const chunk of blocks.get(CID.parse(url.searchParams.get("arg") ?? "")))
          chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        if (options.tamper()) bytes[0] ^= 0xff;
        response.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
      } else {
        response.writeHead(404).end();
      }
    })().catch((error: unknown) => {
      response
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ Message: String(error), Code: 0, Type: "error" }));
    });
  });
  return server;
}

describe("KuboMetadataStore (against a fake Kubo RPC server)", function () {
  let tamper = false;
  let kubo: Awaited<ReturnType<typeof fakeKubo>>;

  before(async function () {
    kubo = await fakeKubo({ tamper: () => tamper });
  });

  after(async function () {
    await kubo.close();
  });

  it("adds with Kubo-compatible options and reads back verified bytes", async function () {
    const store = new KuboMetadataStore({ url: kubo.url });
    const cid = await store.addBytes(new TextEncoder().encode("hello world\n"));
    expect(cid.toString()).to.equal("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
    expect(new TextDecoder().decode(await store.get(cid))).to.equal("hello world\n");
  });

  it("reads a multi-chunk file block by block", async function () {
    const store = new KuboMetadataStore({ url: kubo.url });
    const bytes = deterministicBytes(600_000, 4);
    const cid = await store.addFile(bytes);
    expect(cid.code).to.equal(0x70);
    expect(Buffer.from(await store.get(cid, { maxBytes: bytes.length })).equals(Buffer.from(bytes))).to.be
      .true;
  });

  it("refuses a block Kubo returns with the wrong bytes", async function () {
    const store = new KuboMetadataStore({ url: kubo.url });
    const cid = await store.addBytes(new TextEncoder().encode("authentic"));
    tamper = true;
    try {
      await store.get(cid);
      expect.fail("accepted tampered bytes");
    } catch (error) {
      expect(error).to.be.instanceOf(IntegrityError);
    } finally {
      tamper = false;
    }
  });

  describe("with HALLMARK_IPFS_GATEWAYS (createMetadataStore in Kubo mode)", function () {
    it("reads a file Kubo does not hold through a gateway, verified, and says not found without one", async function () {
      const temp = await makeTempDir("kubo-gateway");
      const holder = await EmbeddedMetadataStore.open({ directory: temp.path });
      const gateway = await listen(createApp({ ipfs: holder }));
      try {
        const bytes = deterministicBytes(300_000, 9); // two blocks and a root
        const cid = await holder.addFile(bytes);
        const settings = {
          mode: "kubo",
          kuboRpcUrl: kubo.url,
          readTimeoutMs: 5_000,
          maxGatewayResponseBytes: 1 << 20,
        } as const;
        const store = await createMetadataStore({ ...settings, gateways: [gateway.url] });
        expect(Buffer.from(await store.get(cid, { maxBytes: bytes.length })).equals(Buffer.from(bytes))).to.be
          .true;
        const alone = await createMetadataStore({ ...settings, gateways: [] });
        try {
          await alone.get(cid, { maxBytes: bytes.length });
          expect.fail("read a block neither Kubo nor a gateway gave");
        } catch (error) {
          expect(error).to.be.instanceOf(NotFoundError);
        }
      } finally {
        await gateway.close();
        await holder.close();
        await temp.remove();
      }
    });
  });
});
