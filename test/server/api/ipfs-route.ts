import { expect } from "chai";
import { readdir, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { createApp } from "../../../server/app.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { KUBO_CHUNK_SIZE } from "../../../server/ipfs/import-options.js";
import { deterministicBytes, makeTempDir } from "../support/temp-dir.js";
import { listen } from "../support/http-server.js";

function rawGet(url: string): Promise<{ status: number; contentType: string }> {
  const { hostname: host, port, pathname } = new URL(url.split("/ipfs/")[0]);
  const path = `${pathname === "/" ? "" : pathname}/ipfs/${url.split("/ipfs/")[1]}`;
  return new Promise((resolve, reject) => {
    const outgoing = request({ host, port, path, method: "GET" }, (response) => {
      response.resume();
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"]) }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("GET /ipfs/:cid[/path]", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedMetadataStore;
  let server: Awaited<ReturnType<typeof listen>>;
  const model = deterministicBytes(3 * KUBO_CHUNK_SIZE + 1_000, 21);
  const document = new TextEncoder().encode('{"name":"Selleria Tote"}');
  let documentCid: string;
  let modelCid: string;
  let directoryCid: string;

  before(async function () {
    temp = await makeTempDir("route");
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
    documentCid = (await store.addBytes(document)).toString();
    modelCid = (await store.addFile(model)).toString();
    directoryCid = (
      await store.addDirectory([
        { path: "tote.glb", content: model },
        { path: "metadata/0001.json", content: document },
      ])
    ).cid.toString();
    server = await listen(createApp({ ipfs: store }));
  });

  after(async function () {
    await server.close();
    await store.close();
    await temp.remove();
  });

  async function problemOf(response: Response): Promise<{ type: string; status: number; detail?: string }> {
    expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
    return (await response.json()) as { type: string; status: number; detail?: string };
  }

  it("serves verified bytes with the CID as ETag and immutable caching", async function () {
    const response = await fetch(`${server.url}/ipfs/${documentCid}`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("etag")).to.equal(`"${documentCid}"`);
    expect(response.headers.get("cache-control")).to.include("immutable");
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    expect(await response.text()).to.equal('{"name":"Selleria Tote"}');
  });

  it("answers 304 to a matching If-None-Match", async function () {
    const response = await fetch(`${server.url}/ipfs/${documentCid}`, {
      headers: { "if-none-match": `"${documentCid}"` },
    });
    expect(response.status).to.equal(304);
  });

  it("serves a byte range of a large model across chunk boundaries", async function () {
    const start = KUBO_CHUNK_SIZE - 10;
    const end = 2 * KUBO_CHUNK_SIZE + 9;
    const response = await fetch(`${server.url}/ipfs/${directoryCid}/tote.glb`, {
      headers: { range: `bytes=${start}-${end}` },
    });
    expect(response.status).to.equal(206);
    expect(response.headers.get("content-range")).to.equal(`bytes ${start}-${end}/${model.length}`);
    expect(response.headers.get("content-type")).to.equal("model/gltf-binary");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(model.subarray(start, end + 1)))).to
      .be.true;
  });

  it("serves a whole multi-chunk file", async function () {
    const response = await fetch(`${server.url}/ipfs/${modelCid}`);
    expect(response.status).to.equal(200);
    expect(Number(response.headers.get("content-length"))).to.equal(model.length);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(model))).to.be.true;
  });

  it("answers 416 to a range past the end", async function () {
    const response = await fetch(`${server.url}/ipfs/${modelCid}`, {
      headers: { range: `bytes=${model.length + 5}-` },
    });
    expect(response.status).to.equal(416);
  });

  it("lists a directory and serves a nested path", async function () {
    const listing = (await (await fetch(`${server.url}/ipfs/${directoryCid}`)).json()) as {
      entries: { name: string }[];
    };
    expect(listing.entries.map((entry) => entry.name)).to.have.members(["tote.glb", "metadata"]);
    const nested = await fetch(`${server.url}/ipfs/${directoryCid}/metadata/0001.json`);
    expect(await nested.text()).to.equal('{"name":"Selleria Tote"}');
  });

  it("serves a single verified block for ?format=raw", async function () {
    const response = await fetch(`${server.url}/ipfs/${documentCid}?format=raw`);
    expect(response.headers.get("content-type")).to.equal("application/vnd.ipld.raw");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(document))).to.be.true;
  });

  it("answers a malformed CID with a 400 problem", async function () {
    const response = await fetch(`${server.url}/ipfs/not-a-cid`);
    expect(response.status).to.equal(400);
    expect((await problemOf(response)).type).to.equal("https://hallmark.dev/problems/invalid-input");
  });

  it("answers an unknown CID with a 404 problem", async function () {
    const response = await fetch(
      `${server.url}/ipfs/bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyka`,
    );
    expect(response.status).to.equal(404);
    expect((await problemOf(response)).type).to.equal("https://hallmark.dev/problems/not-found");
  });

  it("does not let a path escape its directory", async function () {
    // Sent verbatim (fetch would normalise dot segments before they reach the server).
    for (const path of [
      "metadata/../tote.glb",
      "metadata/%2E%2E/tote.glb",
      "metadata%2F..%2Ftote.glb",
      "../../etc/passwd",
    ]) {
      const { status, contentType } = await rawGet(`${server.url}/ipfs/${directoryCid}/${path}`);
      expect(status, path).to.be.oneOf([400, 404]);
      expect(contentType, path).to.match(/^application\/problem\+json/);
    }
  });

  it("never puts a stack trace or internal message in a problem body", async function () {
    const response = await fetch(`${server.url}/nowhere`);
    const text = JSON.stringify(await problemOf(response));
    expect(response.status).to.equal(404);
    expect(text).not.to.match(/at .*\.(js|ts):\d+/);
  });

  it("answers 502 rather than serving a block that fails verification", async function () {
    const tempTampered = await makeTempDir("route-tamper");
    const tamperedStore = await EmbeddedMetadataStore.open({ directory: tempTampered.path });
    const cid = (await tamperedStore.addBytes(new TextEncoder().encode("authentic"))).toString();
    await tamperedStore.close();
    const blocks = EmbeddedMetadataStore.blocksDirectory(tempTampered.path);
    const [file] = (await readdir(blocks, { recursive: true, withFileTypes: true })).filter((entry) =>
      entry.isFile(),
    );
    await writeFile(join(file.parentPath, file.name), "counterfeit");
    const reopened = await EmbeddedMetadataStore.open({ directory: tempTampered.path });
    const tamperedServer = await listen(createApp({ ipfs: reopened }));
    try {
      const response = await fetch(`${tamperedServer.url}/ipfs/${cid}`);
      expect(response.status).to.equal(502);
      const problem = await problemOf(response);
      expect(problem.type).to.equal("https://hallmark.dev/problems/integrity-mismatch");
    } finally {
      await tamperedServer.close();
      await reopened.close();
      await tempTampered.remove();
    }
  });
});
