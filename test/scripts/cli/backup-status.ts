import path from "node:path";
import { expect } from "chai";
import { SqliteReplicationRecords } from "../../../server/store/sqlite/replication-records.js";
import { makeTempDir } from "../../server/support/temp-dir.js";
import { startFakeKubo } from "../../server/support/fake-kubo-rpc.js";
import type { FakeKubo } from "../../server/support/fake-kubo-rpc.js";
import { runCli } from "../support/run-cli.js";

/** `hallmark status --backup` (#19): the backup copy of what this machine's CLI stored. */
describe("hallmark status --backup (subprocess)", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let kubo: FakeKubo;
  let env: NodeJS.ProcessEnv;
  const copied = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
  const lost = "bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq";

  before(async function () {
    dir = await makeTempDir("cli-backup");
    kubo = await startFakeKubo();
    env = { HALLMARK_DATA_DIR: dir.path, HALLMARK_BACKUP_IPFS: kubo.url };
    const records = new SqliteReplicationRecords(path.join(dir.path, "backup.sqlite"));
    await records.track(copied, 1);
    await records.recordAttempt(copied, { state: "replicated" }, 2);
    await records.track(lost, 3);
    await records.recordAttempt(lost, { state: "missing", error: "connect ECONNREFUSED" }, 4);
    await records.close();
  });
  after(async function () {
    await kubo?.close();
    await dir?.remove();
  });

  it("prints how many roots are replicated and which are missing, with the last error", async function () {
    const result = await runCli(["status", "--backup"], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({
      store: `kubo ${kubo.url}`,
      replicated: 1,
      missing: 1,
      missingItems: [{ cid: lost, attempts: 1, lastError: "connect ECONNREFUSED", lastAttemptAt: 4 }],
    });
    expect(result.stderr).to.include("1 replicated, 1 missing");
    expect(result.stderr).to.include(`missing ${lost} (1 attempts: connect ECONNREFUSED)`);
  });

  it("with --retry tries the missing ones again (a root the store no longer has stays missing, with why)", async function () {
    const result = await runCli(["status", "--backup", "--retry"], env);
    expect(result.code, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as {
      missing: number;
      missingItems: { attempts: number; lastError: string }[];
    };
    expect(report.missing).to.equal(1);
    expect(report.missingItems[0].attempts).to.equal(2);
    expect(report.missingItems[0].lastError).not.to.equal("connect ECONNREFUSED");
  });

  it("refuses --backup with a usage error when no backup copy is configured", async function () {
    const result = await runCli(["status", "--backup"], {
      HALLMARK_DATA_DIR: dir.path,
      HALLMARK_BACKUP_IPFS: "",
    });
    expect(result.code).to.equal(64);
    expect(result.stderr).to.include("No backup copy is configured (HALLMARK_BACKUP_IPFS)");
  });
});
