import { expect } from "chai";
import { Signature, Wallet, hexlify, randomBytes } from "ethers";
import {
  CompactSignatureError,
  requireAccountSignatureForm,
  requireKeySignatureForm,
} from "../../../server/chain/signature-form.js";

describe("server/chain/signature-form (what the contracts' ECDSA accepts)", function () {
  const key = Wallet.createRandom();
  let full: string;
  let compact: string;

  before(async function () {
    full = await key.signMessage("a challenge");
    compact = Signature.from(full).compactSerialized;
  });

  describe("requireKeySignatureForm", function () {
    it("accepts the 65-byte r‖s‖v form", function () {
      expect(() => requireKeySignatureForm(full)).to.not.throw();
    });

    it("refuses the 64-byte EIP-2098 form with CompactSignatureError (400 compact-signature)", function () {
      expect(() => requireKeySignatureForm(compact))
        .to.throw(CompactSignatureError)
        .with.property("type", "compact-signature");
    });
  });

  describe("requireAccountSignatureForm", function () {
    it("does not ask for the account's code when the signature is 65 bytes", async function () {
      let asked = 0;
      await requireAccountSignatureForm(full, () => Promise.resolve(++asked > 0));
      expect(asked).to.equal(0);
    });

    it("refuses a 64-byte signature from an account without code", async function () {
      const error: unknown = await requireAccountSignatureForm(compact, () => Promise.resolve(false)).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(CompactSignatureError);
    });

    it("lets a contract account's signature of any length through to EIP-1271", async function () {
      await requireAccountSignatureForm(compact, () => Promise.resolve(true));
      await requireAccountSignatureForm(hexlify(randomBytes(200)), () => Promise.resolve(true));
    });
  });
});
