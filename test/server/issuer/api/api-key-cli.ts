import { expect } from "chai";
import {
  issuerDatabasePath,
  openSqliteIssuerDatabase,
} from "../../../../server/issuer/auth/issuer-database.js";
import { runCli } from "../../../scripts/support/run-cli.js";
import { makeTempDir } from "../../support/temp-dir.js";

describe("hallmark api-key", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;

  before(async function () {
    dir = await makeTempDir("api-key-cli");
    env = { HALLMARK_DATA_DIR: dir.path };
  });

  after(async function () {
    await dir?.remove();
  });

  async function authenticate(key: string): Promise<string> {
    const database = openSqliteIssuerDatabase(issuerDatabasePath(dir.path));
    try {
      return (await database.keys.authenticate(`Bearer ${key}`)).id;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await database.close();
    }
  }

  let created: { id: string; key: string; brandId: number; scopes: string[]; label: string };

  describe("create", function () {
    it("prints the key once on stdout, stores only its hash, and the server accepts it", async function () {
      const result = await runCli(
        ["api-key", "create", "--brand", "3", "--scopes", "mint,events", "--label", "ERP"],
        env,
      );
      expect(result.code, result.stderr).to.equal(0);
      created = JSON.parse(result.stdout) as typeof created;
      expect(created).to.include({ brandId: 3, label: "ERP" });
      expect(created.scopes).to.deep.equal(["mint", "events"]);
      expect(created.key).to.match(new RegExp(`^hmk_${created.id}_[0-9a-f]{64}$`));
      expect(result.stderr).to.include(created.id).and.not.include(created.key);
      expect(await authenticate(created.key)).to.equal(created.id);
    });

    describe("when a scope is unknown", function () {
      it("exits 64 (usage) naming it, creating nothing", async function () {
        const result = await runCli(["api-key", "create", "--brand", "3", "--scopes", "mint,burn"], env);
        expect(result.code).to.equal(64);
        expect(result.stderr).to.include('Unknown scope "burn"');
      });
    });
  });

  describe("list", function () {
    it("shows ids, brands and scopes, never a secret", async function () {
      const result = await runCli(["api-key", "list"], env);
      expect(result.code, result.stderr).to.equal(0);
      const keys = JSON.parse(result.stdout) as { id: string; key?: string }[];
      expect(keys.map((k) => k.id)).to.deep.equal([created.id]);
      expect(result.stdout).to.not.include(created.key.split("_")[2]);
    });
  });

  describe("revoke", function () {
    it("revokes the key: the server refuses it from then on", async function () {
      const result = await runCli(["api-key", "revoke", created.id], env);
      expect(result.code, result.stderr).to.equal(0);
      expect((JSON.parse(result.stdout) as { revokedAt: string | null }).revokedAt).to.be.a("string");
      expect(await authenticate(created.key)).to.equal("This API key was revoked");
    });

    describe("when the id is unknown", function () {
      it("exits 65 (input refused) with the reason", async function () {
        const result = await runCli(["api-key", "revoke", "0000000000000000"], env);
        expect(result.code).to.equal(65);
        expect(result.stderr).to.include("No API key 0000000000000000");
      });
    });
  });
});
