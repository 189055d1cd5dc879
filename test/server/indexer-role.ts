import { expect } from "chai";
import { join } from "node:path";
import { pino } from "pino";
import { loadConfig } from "../../server/config.js";
import { startIndexerRole } from "../../server/indexer-role.js";
import type { IndexerRoleHandle } from "../../server/indexer-role.js";
import { SqliteIndexStore } from "../../server/store/sqlite/SqliteIndexStore.js";
import { connection, deployHallmark, ethers } from "../contracts/fixtures.js";
import { makeTempDir } from "./support/temp-dir.js";

describe("HALLMARK_ROLE=indexer on sqlite (server/indexer-role.ts)", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let indexer: IndexerRoleHandle | undefined;

  before(async function () {
    temp = await makeTempDir("indexer-role");
    const fx = await deployHallmark();
    const garments = await ethers.deployContract("HallmarkGarments", [
      await fx.registry.getAddress(),
      await fx.certificate.getAddress(),
    ]);
    const { chainId } = await ethers.provider.getNetwork();
    const config = loadConfig({
      HALLMARK_ROLE: "indexer",
      HALLMARK_PORT: "0",
      HALLMARK_DATA_DIR: temp.path,
      HALLMARK_CONFIRMATIONS: "0",
      HALLMARK_POLL_INTERVAL_MS: "100",
    });
    indexer = await startIndexerRole({
      config,
      logger: pino({ level: "silent" }),
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
      openStore: () => Promise.resolve(SqliteIndexStore.open(join(temp.path, "index.sqlite"))),
    });
  });

  after(async function () {
    await indexer?.close();
    await temp?.remove();
  });

  it("leads at once (one process owns its index file) and indexes the chain", async function () {
    expect(indexer!.leading()).to.equal(true);
    const result = await indexer!.indexer()!.runOnce();
    expect(result.toBlock).to.equal(await ethers.provider.getBlockNumber());
  });

  it("answers /healthz and /readyz with the index's freshness", async function () {
    const health = await fetch(`${indexer!.url}/healthz`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.deep.include({ status: "ok", role: "indexer", leading: true });
    const ready = await fetch(`${indexer!.url}/readyz`);
    expect(ready.status).to.equal(200);
    const body = (await ready.json()) as { index: { caughtUp: boolean } };
    expect(body.index.caughtUp).to.equal(true);
  });

  it("serves no public API: the verifier's routes are not found", async function () {
    for (const path of [
      "/v1/certificates?limit=1",
      "/v1/events",
      "/v1/issuer/brands/1/jobs",
      "/openapi.json",
    ]) {
      const response = await fetch(`${indexer!.url}${path}`);
      expect(response.status, path).to.equal(404);
      expect(response.headers.get("content-type"), path).to.match(/^application\/problem\+json/);
    }
  });

  it("stops indexing and closes its listener on close", async function () {
    const handle = indexer!;
    await handle.close();
    indexer = undefined;
    expect(handle.leading()).to.equal(false);
    const refused = await fetch(`${handle.url}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
  });
});
