import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../../server/config.js";
import { InvalidInputError } from "../../server/errors.js";
import { indexerSettingsFromEnv } from "../../server/indexer/config.js";
import { ipfsConfigFromEnv } from "../../server/ipfs/ipfs-config.js";
import { makeTempDir } from "./support/temp-dir.js";

function refusal(load: () => unknown): InvalidInputError {
  try {
    load();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  expect.fail("expected the configuration to be refused");
}

describe("loadConfig", function () {
  describe("indexer settings", function () {
    it("leaves the finality depth and the log range to the Indexer's defaults when unset", function () {
      const config = loadConfig({});
      expect(config.finalityDepth).to.equal(undefined);
      expect(config.logRange).to.equal(undefined);
    });

    it("reads HALLMARK_FINALITY_DEPTH and HALLMARK_LOG_RANGE", function () {
      const config = loadConfig({ HALLMARK_FINALITY_DEPTH: "64", HALLMARK_LOG_RANGE: "500" });
      expect(config.finalityDepth).to.equal(64);
      expect(config.logRange).to.equal(500);
    });

    it("refuses a bad value, naming the variable", function () {
      expect(refusal(() => loadConfig({ HALLMARK_FINALITY_DEPTH: "-1" })).message).to.match(
        /HALLMARK_FINALITY_DEPTH/,
      );
      expect(refusal(() => loadConfig({ HALLMARK_LOG_RANGE: "0" })).message).to.match(/HALLMARK_LOG_RANGE/);
      expect(refusal(() => loadConfig({ HALLMARK_LOG_RANGE: "2k" })).message).to.match(/HALLMARK_LOG_RANGE/);
    });

    it("validates the variables as indexerSettingsFromEnv does", function () {
      expect(
        indexerSettingsFromEnv({ HALLMARK_FINALITY_DEPTH: "64", HALLMARK_LOG_RANGE: "500" }),
      ).to.deep.include({ finalityDepth: 64, maxRange: 500 });
      expect(refusal(() => indexerSettingsFromEnv({ HALLMARK_LOG_RANGE: "0" })).message).to.match(
        /HALLMARK_LOG_RANGE/,
      );
    });
  });

  describe("brand salts", function () {
    const A = "0x" + "a1".repeat(32);
    const B = "0x" + "b2".repeat(32);
    let dir: { path: string; remove: () => Promise<void> };
    before(async function () {
      dir = await makeTempDir("config-salts");
      await writeFile(path.join(dir.path, "brand-salts.json"), JSON.stringify({ "3": A, "4": A }));
      await writeFile(path.join(dir.path, "other-salts.json"), JSON.stringify({ "5": B }));
      await writeFile(path.join(dir.path, "bad-salts.json"), JSON.stringify({ "3": "0x12" }));
    });
    after(async function () {
      await dir?.remove();
    });

    it("reads the salts file brand add writes in the data dir, as the CLI does", function () {
      const config = loadConfig({ HALLMARK_DATA_DIR: dir.path });
      expect([...config.brandSalts]).to.deep.equal([
        [3, A],
        [4, A],
      ]);
    });

    it("reads HALLMARK_BRAND_SALTS_FILE instead, and HALLMARK_BRAND_SALTS wins brand by brand", function () {
      const config = loadConfig({
        HALLMARK_DATA_DIR: dir.path,
        HALLMARK_BRAND_SALTS_FILE: path.join(dir.path, "other-salts.json"),
        HALLMARK_BRAND_SALTS: JSON.stringify({ "5": A, "6": B }),
      });
      expect(Object.fromEntries(config.brandSalts)).to.deep.equal({ 5: A, 6: B });
    });

    it("refuses a HALLMARK_BRAND_SALTS_FILE that is missing or not salts, naming the variable", function () {
      expect(
        refusal(() => loadConfig({ HALLMARK_BRAND_SALTS_FILE: path.join(dir.path, "none.json") })).message,
      ).to.match(/HALLMARK_BRAND_SALTS_FILE .*none\.json cannot be read/);
      expect(
        refusal(() => loadConfig({ HALLMARK_BRAND_SALTS_FILE: path.join(dir.path, "bad-salts.json") }))
          .message,
      ).to.match(/HALLMARK_BRAND_SALTS_FILE .*bad-salts\.json is not/);
    });
  });

  describe("shared database", function () {
    it("keeps shared state in memory and issuer.sqlite when HALLMARK_DATABASE_URL is unset or empty", function () {
      expect(loadConfig({}).databaseUrl).to.equal(undefined);
      expect(loadConfig({ HALLMARK_DATABASE_URL: " " }).databaseUrl).to.equal(undefined);
    });

    it("reads HALLMARK_DATABASE_URL and refuses what is not a postgres:// URL, naming the variable", function () {
      const url = "postgres://hallmark:secret@db.internal:5432/hallmark";
      expect(loadConfig({ HALLMARK_DATABASE_URL: url }).databaseUrl).to.equal(url);
      expect(loadConfig({ HALLMARK_DATABASE_URL: "postgresql://db/hallmark" }).databaseUrl).to.equal(
        "postgresql://db/hallmark",
      );
      const refused = refusal(() => loadConfig({ HALLMARK_DATABASE_URL: "mysql://db/hallmark" }));
      expect(refused.message).to.equal(
        "Invalid configuration: HALLMARK_DATABASE_URL (expected a postgres:// URL)",
      );
    });
  });

  describe("answer cache", function () {
    it("keeps 64 MiB of answers by default, HALLMARK_ANSWER_CACHE_MB otherwise, and 0 turns it off", function () {
      expect(loadConfig({}).answerCacheBytes).to.equal(64 * 1024 * 1024);
      expect(loadConfig({ HALLMARK_ANSWER_CACHE_MB: "0.5" }).answerCacheBytes).to.equal(512 * 1024);
      expect(loadConfig({ HALLMARK_ANSWER_CACHE_MB: "0" }).answerCacheBytes).to.equal(0);
      expect(refusal(() => loadConfig({ HALLMARK_ANSWER_CACHE_MB: "-1" })).message).to.match(
        /HALLMARK_ANSWER_CACHE_MB/,
      );
    });
  });

  describe("IPFS settings", function () {
    it("runs the embedded node under the data directory by default", function () {
      const config = loadConfig({ HALLMARK_DATA_DIR: "/tmp/hallmark-config-test" });
      expect(config.ipfs).to.deep.include({
        mode: "embedded",
        directory: path.join("/tmp/hallmark-config-test", "ipfs"),
        gateways: [],
        readTimeoutMs: 10_000,
      });
    });

    it("uses a Kubo node named by HALLMARK_IPFS, with gateways, timeouts and the response limit", function () {
      const config = loadConfig({
        HALLMARK_IPFS: "http://127.0.0.1:5001",
        HALLMARK_IPFS_GATEWAYS: "https://gateway.example, https://other.example",
        HALLMARK_IPFS_READ_TIMEOUT_MS: "4000",
        HALLMARK_IPFS_BLOCK_TIMEOUT_MS: "2000",
        HALLMARK_IPFS_MAX_RESPONSE_BYTES: "1048576",
      });
      expect(config.ipfs).to.deep.equal({
        mode: "kubo",
        kuboRpcUrl: "http://127.0.0.1:5001",
        gateways: ["https://gateway.example", "https://other.example"],
        readTimeoutMs: 4000,
        blockTimeoutMs: 2000,
        maxGatewayResponseBytes: 1048576,
      });
    });

    it("reads the backup copy: a Kubo RPC URL, or with a token a pinning service and its origins (#19)", function () {
      const kubo = loadConfig({ HALLMARK_DATA_DIR: "/tmp/hc", HALLMARK_BACKUP_IPFS: "http://backup:5001" });
      expect(kubo.ipfs.backup).to.deep.equal({
        kind: "kubo",
        url: "http://backup:5001",
        recordsFile: path.join("/tmp/hc", "backup.sqlite"),
        retryMs: 60_000,
      });
      const service = loadConfig({
        HALLMARK_BACKUP_IPFS: "https://psa.example/api",
        HALLMARK_BACKUP_IPFS_TOKEN: "secret",
        HALLMARK_BACKUP_IPFS_ORIGINS: "/dns4/verify.example/tcp/443/https, /ip4/10.0.0.1/tcp/4001",
        HALLMARK_BACKUP_RETRY_MS: "5000",
      });
      expect(service.ipfs.backup).to.deep.include({
        kind: "pinning-service",
        url: "https://psa.example/api",
        token: "secret",
        origins: ["/dns4/verify.example/tcp/443/https", "/ip4/10.0.0.1/tcp/4001"],
        retryMs: 5000,
      });
      expect(refusal(() => loadConfig({ HALLMARK_BACKUP_IPFS: "kubo" })).message).to.match(
        /HALLMARK_BACKUP_IPFS\b/,
      );
      expect(
        refusal(() =>
          loadConfig({ HALLMARK_BACKUP_IPFS: "https://psa.example", HALLMARK_BACKUP_IPFS_ORIGINS: "dns4" }),
        ).message,
      ).to.match(/HALLMARK_BACKUP_IPFS_ORIGINS/);
    });

    it("still accepts the deprecated HALLMARK_IPFS_MODE=kubo with HALLMARK_KUBO_RPC_URL", function () {
      const config = loadConfig({
        HALLMARK_IPFS_MODE: "kubo",
        HALLMARK_KUBO_RPC_URL: "http://127.0.0.1:5001",
      });
      expect(config.ipfs).to.deep.include({ mode: "kubo", kuboRpcUrl: "http://127.0.0.1:5001" });
    });

    it("refuses bad values, naming the variable", function () {
      expect(refusal(() => loadConfig({ HALLMARK_IPFS: "kubo" })).message).to.match(/HALLMARK_IPFS\b/);
      expect(refusal(() => loadConfig({ HALLMARK_IPFS_MODE: "kubo" })).message).to.match(
        /HALLMARK_KUBO_RPC_URL/,
      );
      expect(refusal(() => loadConfig({ HALLMARK_IPFS_GATEWAYS: "ftp://gateway.example" })).message).to.match(
        /HALLMARK_IPFS_GATEWAYS/,
      );
      expect(refusal(() => loadConfig({ HALLMARK_IPFS_READ_TIMEOUT_MS: "soon" })).message).to.match(
        /HALLMARK_IPFS_READ_TIMEOUT_MS/,
      );
      expect(refusal(() => loadConfig({ HALLMARK_IPFS_MAX_RESPONSE_BYTES: "0" })).message).to.match(
        /HALLMARK_IPFS_MAX_RESPONSE_BYTES/,
      );
    });

    it("reads the same variables for the CLI (ipfsConfigFromEnv) as for the verifier", function () {
      const env = {
        HALLMARK_DATA_DIR: "/tmp/hallmark-config-test",
        HALLMARK_IPFS: "https://kubo.example:5001",
        HALLMARK_IPFS_READ_TIMEOUT_MS: "3000",
      };
      expect(ipfsConfigFromEnv(env)).to.deep.equal(loadConfig(env).ipfs);
      expect(refusal(() => ipfsConfigFromEnv({ HALLMARK_IPFS: "kubo" })).message).to.match(/HALLMARK_IPFS\b/);
    });
  });

  describe("role and database", function () {
    it("runs everything in one process on sqlite by default", function () {
      const config = loadConfig({});
      expect(config).to.deep.include({ role: "all", databaseUrl: undefined, databaseReadUrl: undefined });
    });

    it("reads HALLMARK_ROLE, HALLMARK_DATABASE_URL and HALLMARK_DATABASE_READ_URL", function () {
      const config = loadConfig({
        HALLMARK_ROLE: "api",
        HALLMARK_DATABASE_URL: "postgres://h:h@db.example/hallmark",
        HALLMARK_DATABASE_READ_URL: "postgres://h:h@replica.example/hallmark",
      });
      expect(config).to.deep.include({
        role: "api",
        databaseUrl: "postgres://h:h@db.example/hallmark",
        databaseReadUrl: "postgres://h:h@replica.example/hallmark",
      });
      expect(loadConfig({ HALLMARK_ROLE: "indexer" }).role).to.equal("indexer");
    });

    it("takes an empty database URL for an unset one", function () {
      expect(loadConfig({ HALLMARK_DATABASE_URL: " " }).databaseUrl).to.equal(undefined);
    });

    it("refuses an unknown role, naming the variable", function () {
      expect(refusal(() => loadConfig({ HALLMARK_ROLE: "reader" })).message).to.match(/HALLMARK_ROLE/);
    });

    it("refuses an api process without a database, saying which variable to set", function () {
      const message = refusal(() => loadConfig({ HALLMARK_ROLE: "api" })).message;
      expect(message).to.match(/HALLMARK_ROLE/);
      expect(message).to.match(/set HALLMARK_DATABASE_URL/);
    });

    it("refuses a read replica without its primary", function () {
      const message = refusal(() =>
        loadConfig({ HALLMARK_DATABASE_READ_URL: "postgres://replica.example/h" }),
      ).message;
      expect(message).to.match(/HALLMARK_DATABASE_READ_URL/);
    });
  });
});
