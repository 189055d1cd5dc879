import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { TagKeyring } from "../../../server/tags/keyring.js";
import { personalisationRecords, writePersonalisationFile } from "../../../server/tags/personalisation.js";
import { SimulatedTag } from "../../../server/tags/simulated-tag.js";
import { ndefLayout, sunUrl, sunUrlTemplate } from "../../../server/tags/sun-url.js";
import { fileReadKey, metaReadKey } from "../../../server/tags/tag-keys.js";
import { TagMasterKey } from "../../../server/tags/tag-keystore.js";
import { makeTempDir } from "../support/temp-dir.js";

const UID = "04A1B2C3D4E5F6";
const master = new TagMasterKey(3, randomBytes(16), "2026-01-01");

describe("personalisation for an encoding station (server/tags/personalisation.ts)", function () {
  const [record] = personalisationRecords(1, master, "https://verify.example/", [
    { uid: UID.toLowerCase(), serial: "MA-1", tokenId: 42n },
  ]);

  it("gives each tag the keys of Hallmark's schedule under the current master key", function () {
    expect(record).to.include({ uid: UID, serial: "MA-1", tokenId: "42", brandId: 1, masterKeyId: 3 });
    expect(record.key1).to.equal(metaReadKey(master.bytes()).toString("hex").toUpperCase());
    expect(record.key2).to.equal(
      fileReadKey(master.bytes(), Buffer.from(UID, "hex")).toString("hex").toUpperCase(),
    );
    expect(record).to.include({ sdmMetaReadKey: 1, sdmFileReadKey: 2 });
  });

  it("writes the tap URL with zero placeholders where the tag mirrors, and the offsets of those placeholders", function () {
    expect(record.url).to.equal(
      `https://verify.example/t/42?picc_data=${"0".repeat(32)}&cmac=${"0".repeat(16)}`,
    );
    const file = Buffer.from(record.ndefFile, "hex");
    // NLEN, then a short URI record with the https:// prefix code (0x04).
    expect([...file.subarray(2, 7)]).to.deep.equal([0xd1, 0x01, file.length - 2 - 4, 0x55, 0x04]);
    expect(file.subarray(record.piccDataOffset - 10, record.piccDataOffset).toString()).to.equal(
      "picc_data=",
    );
    expect(file.subarray(record.piccDataOffset, record.piccDataOffset + 32).toString()).to.equal(
      "0".repeat(32),
    );
    expect(file.subarray(record.sdmMacOffset - 5, record.sdmMacOffset + 16).toString()).to.equal(
      `cmac=${"0".repeat(16)}`,
    );
    expect(record.sdmMacInputOffset).to.equal(record.sdmMacOffset);
  });

  it("is what a tag mirrors into: a simulated tap filled in at those offsets verifies", function () {
    const tap = new SimulatedTag(master.bytes(), Buffer.from(UID, "hex")).tap();
    const file = Buffer.from(record.ndefFile, "hex");
    file.write(tap.piccData.toString("hex").toUpperCase(), record.piccDataOffset, "ascii");
    file.write(tap.cmac.toString("hex").toUpperCase(), record.sdmMacOffset, "ascii");
    const url = "https://" + file.subarray(7).toString("utf8");
    expect(url).to.equal(sunUrl("https://verify.example", 42n, tap));
    const keyring = new TagKeyring([{ brandId: 1, keys: [master] }]);
    expect(keyring.verify(tap)).to.deep.include({ ok: true, uid: UID, counter: 1 });
  });

  it("refuses a URL too long for a short NDEF record", function () {
    expect(() => ndefLayout(sunUrlTemplate(`https://${"x".repeat(200)}.example`, 1n))).to.throw(RangeError);
  });

  it("writes the file readable by its owner only, and never over an existing one", async function () {
    const dir = await makeTempDir("personalise");
    try {
      const file = path.join(dir.path, "tags.csv");
      expect(await writePersonalisationFile(file, [record])).to.equal("csv");
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      const [header, line] = (await readFile(file, "utf8")).trim().split("\n");
      expect(header.split(",").slice(0, 6)).to.deep.equal([
        "uid",
        "serial",
        "tokenId",
        "brandId",
        "masterKeyId",
        "key0",
      ]);
      expect(line).to.include(record.key2);
      await writePersonalisationFile(file, [record]).then(
        () => expect.fail("overwrote a file of keys"),
        (error: Error) => expect(error.message).to.match(/refusing to overwrite/),
      );
    } finally {
      await dir.remove();
    }
  });
});
