import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { decryptTagKeystore } from "../../../server/tags/tag-keystore.js";
import { fileReadKey, metaReadKey } from "../../../server/tags/tag-keys.js";
import { writeDemoTags } from "../../../scripts/demo/tags.js";
import { makeTempDir } from "../../server/support/temp-dir.js";
import { runCli } from "../support/run-cli.js";

const PASSWORD = "correct horse battery";
const SALT = "0x" + "11".repeat(32);

describe("hallmark tags (subprocess)", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;
  let keystore: string;

  before(async function () {
    dir = await makeTempDir("cli-tags");
    keystore = path.join(dir.path, "brand-1-tags.json");
    env = {
      HALLMARK_DATA_DIR: dir.path,
      HALLMARK_TAG_KEYSTORE: keystore,
      HALLMARK_TAG_KEYSTORE_PASSWORD: PASSWORD,
      HALLMARK_BRAND_SALTS: JSON.stringify({ 1: SALT }),
      HALLMARK_PUBLIC_URL: "https://verify.example",
    };
  });
  after(() => dir?.remove());

  it("creates a keystore, then personalises the tagged rows of a manifest without printing a key", async function () {
    const created = await runCli(["tags", "keystore", "create", "--brand", "1"], env);
    expect(created.code, created.stderr).to.equal(0);
    const manifest = path.join(dir.path, "batch.csv");
    await writeFile(manifest, "serial,tagUid\nMA-1,04A1B2C3D4E5F6\nMA-2,\nMA-3,04a1b2c3d4e5f7\n");
    const out = path.join(dir.path, "station.json");
    const result = await runCli(
      ["tags", "personalise", "--brand", "1", "--manifest", manifest, "--out", out],
      env,
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.include({ tags: 2, format: "json", masterKeyId: 1 });
    const records = JSON.parse(await readFile(out, "utf8")) as { uid: string; key1: string; key2: string }[];
    expect(records.map((r) => r.uid)).to.deep.equal(["04A1B2C3D4E5F6", "04A1B2C3D4E5F7"]);
    const [master] = (await decryptTagKeystore(keystore, PASSWORD)).keys;
    expect(records[0].key2).to.equal(
      fileReadKey(master.bytes(), Buffer.from("04A1B2C3D4E5F6", "hex")).toString("hex").toUpperCase(),
    );
    const terminal = (created.stdout + created.stderr + result.stdout + result.stderr).toUpperCase();
    for (const key of [master.bytes(), metaReadKey(master.bytes()), Buffer.from(records[0].key2, "hex")])
      expect(terminal).not.to.include(key.toString("hex").toUpperCase());
  });

  it("names the brand's tag oracle to grant TAG_ORACLE, and replaces it alone when leaked, printing no key", async function () {
    const oracle = (await decryptTagKeystore(keystore, PASSWORD)).oracle!;
    const shown = await runCli(["tags", "keystore", "oracle"], env);
    expect(shown.code, shown.stderr).to.equal(0);
    expect(JSON.parse(shown.stdout)).to.deep.include({ oracle: oracle.address, replaced: null });
    const rotated = await runCli(["tags", "keystore", "oracle", "--rotate"], env);
    expect(rotated.code, rotated.stderr).to.equal(0);
    const after = (await decryptTagKeystore(keystore, PASSWORD)).oracle!;
    expect(JSON.parse(rotated.stdout)).to.deep.include({ oracle: after.address, replaced: oracle.address });
    expect(rotated.stderr).to.include(`revoke TAG_ORACLE from ${oracle.address}`);
    const terminal = (shown.stdout + shown.stderr + rotated.stdout + rotated.stderr).toLowerCase();
    for (const key of [oracle.bytes(), after.bytes()]) expect(terminal).not.to.include(key.toString("hex"));
  });

  it("prints the next link of a demo tag, its counter one higher each time", async function () {
    await writeDemoTags(dir.path, {
      verifierUrl: "http://127.0.0.1:8080",
      tags: [{ serial: "MA-2024-0001", brandId: 1, tokenId: "7", uid: "04D3E000000000", lastCounter: 4 }],
    });
    const first = await runCli(["tags", "tap", "MA-2024-0001"], env);
    const second = await runCli(["tags", "tap", "MA-2024-0001"], env);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout.trim()).to.match(
      /^http:\/\/127\.0\.0\.1:8080\/t\/7\?picc_data=[0-9A-F]{32}&cmac=[0-9A-F]{16}$/,
    );
    expect(first.stderr).to.include("tap 5");
    expect(second.stderr).to.include("tap 6");
    expect(second.stdout).not.to.equal(first.stdout);
  });

  it("names the demo tags when asked for a piece that has none", async function () {
    const result = await runCli(["tags", "tap", "NOPE"], env);
    expect(result.code).not.to.equal(0);
    expect(result.stderr).to.include("MA-2024-0001");
  });
});
