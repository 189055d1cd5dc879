import { expect } from "chai";
import {
  issuerDatabasePath,
  openSqliteIssuerDatabase,
} from "../../../../server/issuer/auth/issuer-database.js";
import { runCli } from "../../../scripts/support/run-cli.js";
import { makeTempDir } from "../../support/temp-dir.js";

describe("hallmark partner-key", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;
  let created: { id: string; key: string; brandId: number; scopes: string[]; label: string };

  before(async function () {
    dir = await makeTempDir("partner-key-cli");
    env = { HALLMARK_DATA_DIR: dir.path };
  });

  after(async function () {
    await dir?.remove();
  });

  async function inDatabase<T>(
    use: (database: ReturnType<typeof openSqliteIssuerDatabase>) => Promise<T>,
  ): Promise<T> {
    const database = openSqliteIssuerDatabase(issuerDatabasePath(dir.path));
    try {
      return await use(database);
    } finally {
      await database.close();
    }
  }

  it("creates a key with the partner scope and no brand, printed once, stored hashed and audited", async function () {
    const result = await runCli(["partner-key", "create", "--label", "Seconde Main"], env);
    expect(result.code, result.stderr).to.equal(0);
    created = JSON.parse(result.stdout) as typeof created;
    expect(created).to.include({ brandId: 0, label: "Seconde Main" });
    expect(created.scopes).to.deep.equal(["partner"]);
    expect(result.stderr).to.include(created.id).and.not.include(created.key);
    const key = await inDatabase((database) => database.keys.authenticate(`Bearer ${created.key}`));
    expect(key.id).to.equal(created.id);
    expect(await inDatabase((database) => database.audit.count())).to.equal(1);
  });

  it("lists partner keys only, never a secret", async function () {
    await runCli(["api-key", "create", "--brand", "1", "--scopes", "mint"], env);
    const result = await runCli(["partner-key", "list"], env);
    expect(result.code, result.stderr).to.equal(0);
    const keys = JSON.parse(result.stdout) as { id: string }[];
    expect(keys.map((k) => k.id)).to.deep.equal([created.id]);
    expect(result.stdout).to.not.include(created.key.split("_")[2]);
  });

  it("revokes a key, auditing it", async function () {
    const result = await runCli(["partner-key", "revoke", created.id], env);
    expect(result.code, result.stderr).to.equal(0);
    const refused = await inDatabase((database) =>
      database.keys.authenticate(`Bearer ${created.key}`).catch((error: Error) => error.message),
    );
    expect(refused).to.equal("This API key was revoked");
    expect(await inDatabase((database) => database.audit.count())).to.equal(2);
  });

  it("refuses to create a key without a label", async function () {
    const result = await runCli(["partner-key", "create"], env);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include("--label");
  });
});
