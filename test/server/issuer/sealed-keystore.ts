import { expect } from "chai";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { ConflictError, InvalidInputError } from "../../../server/errors.js";
import { SignerError } from "../../../server/issuer/errors.js";
import {
  openSealedKeystore,
  readSealedKeystore,
  sealKeystore,
  writeSealedKeystore,
} from "../../../server/issuer/sealed-keystore.js";
import type { KeystoreKind } from "../../../server/issuer/sealed-keystore.js";

const FAST = { scryptN: 1 << 10 };
const PASSWORD = "correct horse battery";
const KIND: KeystoreKind = { format: "hallmark-test-keystore", name: "test keystore", holds: "test keys" };
const OTHER: KeystoreKind = {
  format: "hallmark-other-keystore",
  name: "other keystore",
  holds: "other keys",
};
const Content = z.object({ keys: z.array(z.string().regex(/^[0-9a-f]{64}$/)) });
const SECRET = "ab".repeat(32);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected a rejection");
}

describe("sealed keystores (server/issuer/sealed-keystore.ts)", () => {
  let directory: string;
  let file: string;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "hallmark-sealed-keystore-"));
    file = path.join(directory, "brand-7.json");
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  const write = async (brandId = 7, content: object = { keys: [SECRET] }) =>
    writeSealedKeystore(file, await sealKeystore(KIND, brandId, content, PASSWORD, FAST));

  it("opens with its password to what was sealed, for the brand it was sealed for", async () => {
    await write();
    expect(await openSealedKeystore(KIND, file, PASSWORD, Content)).to.deep.equal({
      brandId: 7,
      content: { keys: [SECRET] },
    });
    expect((await readSealedKeystore(KIND, file)).brandId).to.equal(7);
  });

  it("keeps the content out of the file and the file private to its owner", async () => {
    await write();
    expect(await readFile(file, "utf8")).not.to.include(SECRET);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
  });

  it("refuses a password shorter than 8 characters", async () => {
    const error = await rejection(sealKeystore(KIND, 7, { keys: [] }, "short", FAST));
    expect(error).to.be.instanceOf(InvalidInputError);
  });

  it("refuses to replace a keystore unless told to (a rotation), and then replaces it whole", async () => {
    await write();
    expect(await rejection(write())).to.be.instanceOf(ConflictError);
    const next = "cd".repeat(32);
    await writeSealedKeystore(file, await sealKeystore(KIND, 7, { keys: [next] }, PASSWORD, FAST), true);
    expect((await openSealedKeystore(KIND, file, PASSWORD, Content)).content.keys).to.deep.equal([next]);
  });

  it("fails a wrong password with a message naming the file and nothing of its content", async () => {
    await write();
    const error = await rejection(openSealedKeystore(KIND, file, "wrong password!", Content));
    expect(error).to.be.instanceOf(SignerError);
    expect(error.message).to.equal(`Wrong password for the test keystore ${file} (or the file was altered)`);
    expect(error.message).not.to.include(SECRET);
  });

  it("refuses one brand's file passed off as another brand's (the brand is authenticated data)", async () => {
    await write(7);
    const sealed = JSON.parse(await readFile(file, "utf8")) as { brandId: number };
    await writeFile(file, JSON.stringify({ ...sealed, brandId: 8 }));
    expect((await rejection(openSealedKeystore(KIND, file, PASSWORD, Content))).message).to.match(
      /^Wrong password for the test keystore/,
    );
  });

  it("refuses a keystore of another kind, even relabelled (the format is authenticated data)", async () => {
    await write();
    expect((await rejection(readSealedKeystore(OTHER, file))).message).to.equal(
      `${file} is not a Hallmark other keystore`,
    );
    const sealed = JSON.parse(await readFile(file, "utf8")) as { format: string };
    await writeFile(file, JSON.stringify({ ...sealed, format: OTHER.format }));
    expect((await rejection(openSealedKeystore(OTHER, file, PASSWORD, Content))).message).to.match(
      /^Wrong password for the other keystore/,
    );
  });

  it("refuses an altered ciphertext", async () => {
    await write();
    const sealed = JSON.parse(await readFile(file, "utf8")) as { ciphertext: string };
    const flipped = (parseInt(sealed.ciphertext[0], 16) ^ 1).toString(16) + sealed.ciphertext.slice(1);
    await writeFile(file, JSON.stringify({ ...sealed, ciphertext: flipped }));
    expect(await rejection(openSealedKeystore(KIND, file, PASSWORD, Content))).to.be.instanceOf(SignerError);
  });

  it("names a missing file, a file that is not JSON and one that is not a keystore", async () => {
    expect((await rejection(readSealedKeystore(KIND, file))).message).to.equal(
      `Cannot read the test keystore ${file}`,
    );
    await writeFile(file, "{ not json");
    expect((await rejection(readSealedKeystore(KIND, file))).message).to.equal(
      `${file} is not a Hallmark test keystore (not JSON)`,
    );
    await writeFile(file, JSON.stringify({ format: KIND.format, version: 2 }));
    expect((await rejection(readSealedKeystore(KIND, file))).message).to.equal(
      `${file} is not a Hallmark test keystore`,
    );
  });

  it("refuses content its kind does not recognise, naming what it should hold", async () => {
    await write(7, { keys: ["not hex"] });
    expect((await rejection(openSealedKeystore(KIND, file, PASSWORD, Content))).message).to.equal(
      `${file} holds no valid test keys`,
    );
  });
});
