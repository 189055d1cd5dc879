import { expect } from "chai";
import { request } from "node:http";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { loadConfig } from "../../server/config.js";
import { EmbeddedMetadataStore } from "../../server/ipfs/embedded-store.js";
import { startVerifier } from "../../server/main.js";
import type { VerifierHandle } from "../../server/main.js";
import { connection, deployHallmark, ethers } from "../contracts/fixtures.js";
import { deterministicBytes, makeTempDir } from "./support/temp-dir.js";

/** A GET whose body the test reads when it wants to: headers first, then the body on resume(). */
function pausedGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ response: IncomingMessage; body: () => Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers }, (response) => {
      response.pause();
      const chunks: Buffer[] = [];
      const ended = new Promise<Buffer>((done, fail) => {
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => done(Buffer.concat(chunks)));
        response.on("error", fail);
        response.on("aborted", () => fail(new Error("response aborted")));
      });
      resolve({
        response,
        body: () => {
          response.resume();
          return ended;
        },
      });
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("startVerifier", function () {
  describe("when HALLMARK_DATABASE_URL cannot be used", function () {
    for (const [url, message] of [
      ["postgres://a b/hallmark", "HALLMARK_DATABASE_URL is not a valid postgres:// URL"],
      ["postgres://u:p@127.0.0.1:1/hallmark", "HALLMARK_DATABASE_URL unreachable: ECONNREFUSED 127.0.0.1:1"],
    ] as const) {
      it(`refuses to start with "${message}" and no stack trace`, async function () {
        const config = loadConfig({
          HALLMARK_PORT: "0",
          HALLMARK_LOG_LEVEL: "silent",
          HALLMARK_DATABASE_URL: url,
        });
        const zero = "0x0000000000000000000000000000000000000001";
        const error = await startVerifier({
          config,
          provider: { request: () => Promise.reject(new Error("no chain in this test")) },
          deployments: {
            chainId: 31337,
            startBlock: 0,
            contracts: { BrandRegistry: zero, HallmarkCertificate: zero, HallmarkGarments: zero },
          },
          handleSignals: false,
        }).then(
          () => expect.fail("started"),
          (e: unknown) => e as Error,
        );
        expect(error.message).to.equal(message);
        expect(error.stack).to.equal(`DatabaseSetupError: ${message}`);
      });
    }
  });

  describe("close (what SIGTERM runs)", function () {
    let temp: Awaited<ReturnType<typeof makeTempDir>>;
    let verifier: VerifierHandle | undefined;

    before(async function () {
      temp = await makeTempDir("main");
      const fx = await deployHallmark();
      const garments = await ethers.deployContract("HallmarkGarments", [
        await fx.registry.getAddress(),
        await fx.certificate.getAddress(),
      ]);
      const { chainId } = await ethers.provider.getNetwork();
      verifier = await startVerifier({
        // The metadata store is the verifier's own (embedded, under the data dir), so close() must stop it.
        config: loadConfig({
          HALLMARK_PORT: "0",
          HALLMARK_DATA_DIR: temp.path,
          HALLMARK_LOG_LEVEL: "silent",
          HALLMARK_CONFIRMATIONS: "0",
          HALLMARK_POLL_INTERVAL_MS: "100",
          HALLMARK_FINALITY_DEPTH: "7",
          HALLMARK_LOG_RANGE: "50",
        }),
        provider: connection.provider,
        deployments: {
          chainId: Number(chainId),
          startBlock: 0,
          contracts: {
            BrandRegistry: await fx.registry.getAddress(),
            HallmarkCertificate: await fx.certificate.getAddress(),
            HallmarkGarments: await garments.getAddress(),
          },
        },
        indexLocation: join(temp.path, "index.sqlite"),
        handleSignals: false,
        drainTimeoutMs: 8_000,
      });
    });

    after(async function () {
      await verifier?.close();
      await temp.remove();
    });

    it("passes the configured finality depth and log range to the indexer", function () {
      expect(verifier!.indexer!.settings).to.deep.include({
        confirmations: 0,
        finalityDepth: 7,
        maxRange: 50,
        pollIntervalMs: 100,
      });
    });

    it("finishes the request in flight, ends event streams with a shutdown event, then closes the index and stops Helia", async function () {
      const handle = verifier!;
      expect(handle.metadataStore).to.be.instanceOf(EmbeddedMetadataStore);
      const ipfs = handle.metadataStore as EmbeddedMetadataStore;
      expect(ipfs.nodeStatus).to.equal("started");
      const model = deterministicBytes(8 * 1024 * 1024, 5);
      const cid = await ipfs.addFile(model);

      const events = await pausedGet(`${handle.url}/v1/events`, { accept: "text/event-stream" });
      expect(events.response.statusCode).to.equal(200);
      const stream = events.body();
      // A large download whose client has read nothing yet: it is in flight when close() starts.
      const download = await pausedGet(`${handle.url}/ipfs/${cid.toString()}`);
      expect(download.response.statusCode).to.equal(200);

      const started = Date.now();
      const closing = handle.close();
      const streamText = (await stream).toString("utf8");
      expect(streamText).to.match(/^event: shutdown$/m);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Still draining: the index stays open while a request needs it.
      expect(await handle.store.getCertificate("1")).to.not.equal(undefined);
      expect(ipfs.nodeStatus).to.equal("started");

      const body = await download.body();
      expect(body.equals(Buffer.from(model))).to.be.true;
      await closing;
      // Drained as soon as the download ended: neither cut by the drain limit nor held by keep-alive.
      expect(Date.now() - started).to.be.below(3_000);

      // status() answers from a per-process view; a query must reach the database, which is closed.
      const query = await handle.store.getCertificate("1").then(
        () => "answered",
        () => "refused",
      );
      expect(query).to.equal("refused");
      expect(ipfs.nodeStatus).to.equal("stopped");
      const refused = await fetch(`${handle.url}/healthz`).then(
        () => false,
        () => true,
      );
      expect(refused).to.equal(true);
    });
  });
});
