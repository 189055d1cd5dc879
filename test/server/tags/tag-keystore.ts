import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { pino } from "pino";
import { SignerError } from "../../../server/issuer/errors.js";
import { loadTagKeyring, TagKeyring } from "../../../server/tags/keyring.js";
import { SimulatedTag } from "../../../server/tags/simulated-tag.js";
import { fileReadKey, metaReadKey } from "../../../server/tags/tag-keys.js";
import {
  createTagKeystore,
  decryptTagKeystore,
  rotateTagKeystore,
  rotateTagOracle,
  TagMasterKey,
} from "../../../server/tags/tag-keystore.js";

const FAST = { scryptN: 1 << 10 };
const PASSWORD = "correct horse battery";
const UID = Buffer.from("04A1B2C3D4E5F6", "hex");

/** Every hex spelling of a master key and of what derives from it, to look for in output. */
function secretsOf(key: TagMasterKey): string[] {
  const derived = [key.bytes(), metaReadKey(key.bytes()), fileReadKey(key.bytes(), UID)];
  return derived.flatMap((bytes) => [
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
    bytes.toString("base64"),
  ]);
}

function capturingLogger(): { logger: pino.Logger; output: () => string } {
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  return { logger: pino({ level: "trace" }, sink), output: () => text };
}

describe("tag keystore (server/tags/tag-keystore.ts)", () => {
  let directory: string;
  let file: string;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "hallmark-tag-keystore-"));
    file = path.join(directory, "brand-1-tags.json");
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it("decrypts with its password to the brand's one current key", async () => {
    await createTagKeystore(file, 1, PASSWORD, FAST);
    const { brandId, keys } = await decryptTagKeystore(file, PASSWORD);
    expect(brandId).to.equal(1);
    expect(keys.map((key) => key.id)).to.deep.equal([1]);
    expect(keys[0].bytes()).to.have.length(16);
  });

  it("keeps the key out of the file in clear", async () => {
    await createTagKeystore(file, 1, PASSWORD, FAST);
    const [key] = (await decryptTagKeystore(file, PASSWORD)).keys;
    const text = await readFile(file, "utf8");
    for (const secret of secretsOf(key)) expect(text).not.to.include(secret);
  });

  it("refuses to overwrite an existing keystore", async () => {
    await createTagKeystore(file, 1, PASSWORD, FAST);
    await createTagKeystore(file, 1, PASSWORD, FAST).then(
      () => expect.fail("overwrote a key"),
      (error: Error) => expect(error.message).to.match(/refusing to overwrite/),
    );
  });

  describe("when the password is wrong or the file altered", () => {
    it("fails with a message naming the file and nothing of its content", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const [key] = (await decryptTagKeystore(file, PASSWORD)).keys;
      const error = await decryptTagKeystore(file, "wrong password!").then(
        () => expect.fail("decrypted with a wrong password"),
        (e: unknown) => e as SignerError,
      );
      expect(error).to.be.instanceOf(SignerError);
      expect(error.message).to.match(/Wrong password for the tag keystore/);
      const everything = `${error.message}\n${error.stack ?? ""}\n${inspect(error, { depth: 5 })}`;
      for (const secret of secretsOf(key)) expect(everything).not.to.include(secret);
    });

    it("refuses a file relabelled for another brand (the brand id is authenticated)", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const sealed = JSON.parse(await readFile(file, "utf8")) as { brandId: number };
      await writeFile(file, JSON.stringify({ ...sealed, brandId: 2 }));
      await decryptTagKeystore(file, PASSWORD).then(
        () => expect.fail("accepted a relabelled keystore"),
        (error: Error) => expect(error.message).to.match(/altered/),
      );
    });
  });

  describe("rotation", () => {
    it("makes a new key current and keeps the old one, so tags already sewn in still verify", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const before = await decryptTagKeystore(file, PASSWORD);
      const oldTag = new SimulatedTag(before.keys[0].bytes(), UID);
      expect(await rotateTagKeystore(file, PASSWORD, FAST)).to.equal(2);
      const after = await decryptTagKeystore(file, PASSWORD);
      expect(after.keys.map((key) => key.id)).to.deep.equal([2, 1]);
      expect(after.keys[1].bytes()).to.deep.equal(before.keys[0].bytes());
      const keyring = new TagKeyring([after]);
      expect(keyring.currentKey(1)?.id).to.equal(2);
      expect(keyring.verify(oldTag.tap())).to.deep.include({ ok: true, brandId: 1, keyId: 1 });
      const newTag = new SimulatedTag(after.keys[0].bytes(), UID);
      expect(keyring.verify(newTag.tap())).to.deep.include({ ok: true, brandId: 1, keyId: 2 });
    });

    it("retires a leaked key: its tags no longer verify", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const leaked = (await decryptTagKeystore(file, PASSWORD)).keys[0];
      await rotateTagKeystore(file, PASSWORD, { ...FAST, retire: [leaked.id] });
      const keyring = new TagKeyring([await decryptTagKeystore(file, PASSWORD)]);
      expect(keyring.verify(new SimulatedTag(leaked.bytes(), UID).tap())).to.deep.equal({
        ok: false,
        failure: "unknown-key",
      });
    });
  });

  describe("the tag oracle key", () => {
    it("is made with the keystore, kept out of the file in clear, and survives a tag key rotation", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const { oracle } = await decryptTagKeystore(file, PASSWORD);
      expect(oracle?.address).to.match(/^0x[0-9a-fA-F]{40}$/);
      const text = await readFile(file, "utf8");
      expect(text).not.to.include(oracle!.bytes().toString("hex"));
      await rotateTagKeystore(file, PASSWORD, FAST);
      expect((await decryptTagKeystore(file, PASSWORD)).oracle?.address).to.equal(oracle!.address);
    });

    it("is replaced alone when leaked, the tag keys unchanged", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const before = await decryptTagKeystore(file, PASSWORD);
      const address = await rotateTagOracle(file, PASSWORD, FAST);
      const after = await decryptTagKeystore(file, PASSWORD);
      expect(address).to.not.equal(before.oracle!.address);
      expect(after.oracle!.address).to.equal(address);
      expect(after.keys.map((key) => key.bytes())).to.deep.equal(before.keys.map((key) => key.bytes()));
    });

    it("prints, logs and serialises as its address only", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const { oracle } = await decryptTagKeystore(file, PASSWORD);
      const secret = oracle!.bytes().toString("hex");
      const { logger, output } = capturingLogger();
      logger.info({ oracle, nested: { oracle } }, "careless");
      expect(output()).not.to.include(secret);
      expect(inspect(oracle)).to.equal(`TagOracleKey(${oracle!.address})`);
      expect(JSON.stringify(oracle)).to.equal(JSON.stringify({ address: oracle!.address }));
      expect(inspect(new TagKeyring([await decryptTagKeystore(file, PASSWORD)]))).not.to.include(secret);
    });
  });

  describe("loadTagKeyring", () => {
    it("loads each brand's keys and logs their ids, never a key", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      const [key] = (await decryptTagKeystore(file, PASSWORD)).keys;
      const { logger, output } = capturingLogger();
      const keyring = await loadTagKeyring(
        new Map([[1, { keystore: file, passwordEnv: "TAG_PASSWORD", password: () => PASSWORD }]]),
        logger,
      );
      // Whatever a careless caller logs: the keyring, the key, the key in an object.
      logger.info({ keyring, key, nested: { keys: [key] } }, "careless");
      expect(output()).to.include("tag master keys loaded");
      expect(output()).to.include('"keys":[1]');
      for (const secret of secretsOf(key)) expect(output()).not.to.include(secret);
      expect(inspect(keyring)).to.equal("TagKeyring(brands: 1)");
      expect(key.toString()).to.equal("TagMasterKey(1)");
      expect(JSON.stringify(key)).not.to.include(key.bytes().toString("hex"));
    });

    it("stops when the password variable is unset", async () => {
      await createTagKeystore(file, 1, PASSWORD, FAST);
      await loadTagKeyring(
        new Map([[1, { keystore: file, passwordEnv: "TAG_PASSWORD", password: () => undefined }]]),
      ).then(
        () => expect.fail("loaded without a password"),
        (error: Error) => expect(error.message).to.match(/set TAG_PASSWORD/),
      );
    });

    it("stops when a brand's setting points at another brand's keystore", async () => {
      await createTagKeystore(file, 2, PASSWORD, FAST);
      await loadTagKeyring(
        new Map([[1, { keystore: file, passwordEnv: "TAG_PASSWORD", password: () => PASSWORD }]]),
      ).then(
        () => expect.fail("loaded another brand's keys"),
        (error: Error) => expect(error.message).to.match(/holds brand 2's tag keys, configured for brand 1/),
      );
    });
  });
});

describe("TagKeyring.verify (server/tags/keyring.ts)", () => {
  const brandA = { brandId: 1, keys: [new TagMasterKey(1, Buffer.alloc(16, 0xa1), "2026-01-01")] };
  const brandB = { brandId: 2, keys: [new TagMasterKey(1, Buffer.alloc(16, 0xb2), "2026-01-01")] };

  it("names the brand whose key made the tap", () => {
    const keyring = new TagKeyring([brandA, brandB]);
    const tap = new SimulatedTag(brandB.keys[0].bytes(), UID).tap();
    expect(keyring.verify(tap)).to.deep.include({ ok: true, brandId: 2, uid: "04A1B2C3D4E5F6", counter: 1 });
  });

  it("answers unknown-key for a tag personalised under a key this verifier does not hold", () => {
    const keyring = new TagKeyring([brandA]);
    const tap = new SimulatedTag(brandB.keys[0].bytes(), UID).tap();
    expect(keyring.verify(tap)).to.deep.equal({ ok: false, failure: "unknown-key" });
  });

  it("answers cmac for a tap of a known brand whose MAC was altered", () => {
    const keyring = new TagKeyring([brandA, brandB]);
    const tap = new SimulatedTag(brandA.keys[0].bytes(), UID).tap();
    tap.cmac[0] ^= 0xff;
    expect(keyring.verify(tap)).to.deep.equal({ ok: false, failure: "cmac" });
  });
});
