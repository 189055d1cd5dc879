import path from "node:path";
import { expect } from "chai";
import { ConflictError } from "../../../server/errors.js";
import { SignerError } from "../../../server/issuer/errors.js";
import {
  decryptKeystore,
  hardhatDevAccount,
  importDevKeystore,
  readKeystoreAddress,
  writeKeystore,
} from "../../../server/issuer/keystore.js";
import { makeTempDir } from "../support/temp-dir.js";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("issuer: keystore", function () {
  let dir: { path: string; remove: () => Promise<void> };
  before(async () => (dir = await makeTempDir("keystore")));
  after(() => dir.remove());

  it("round-trips a key through an encrypted keystore", async function () {
    const file = path.join(dir.path, "a.json");
    const account = hardhatDevAccount(2);
    await writeKeystore(file, account, "password-1", { scryptN: 1 << 10 });
    expect((await decryptKeystore(file, "password-1")).address).to.equal(account.address);
    expect((await readKeystoreAddress(file)).toLowerCase()).to.equal(account.address.toLowerCase());
  });

  describe("when the password is wrong", function () {
    it("rejects with SignerError naming the keystore", async function () {
      const file = path.join(dir.path, "b.json");
      await writeKeystore(file, hardhatDevAccount(1), "password-1", { scryptN: 1 << 10 });
      const error = await rejection(decryptKeystore(file, "password-2"));
      expect(error)
        .to.be.instanceOf(SignerError)
        .with.property("message", `Wrong password for the keystore ${file}`);
    });
  });

  describe("when the file exists", function () {
    it("refuses to overwrite a key", async function () {
      const file = path.join(dir.path, "c.json");
      await writeKeystore(file, hardhatDevAccount(1), "password-1", { scryptN: 1 << 10 });
      expect(
        await rejection(writeKeystore(file, hardhatDevAccount(2), "password-1", { scryptN: 1 << 10 })),
      ).to.be.instanceOf(ConflictError);
    });
  });

  describe("importDevKeystore", function () {
    it("derives Hardhat's dev account N", async function () {
      const file = path.join(dir.path, "dev.json");
      const address = await importDevKeystore(file, "password-1", 0, 31337n);
      expect(address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    });

    describe("when the chain is not the local chain", function () {
      it("refuses to import a well-known key", async function () {
        const error = await rejection(importDevKeystore(path.join(dir.path, "x.json"), "password-1", 0, 1n));
        expect(error)
          .to.be.instanceOf(SignerError)
          .with.property(
            "message",
            "Refusing to import a well-known dev key for chain 1: dev keys are for the local chain (31337) only",
          );
      });
    });
  });
});
