import { cbc, cmac as nobleCmac, ecb } from "@noble/ciphers/aes.js";
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  aesEcbEncrypt,
  cmacSubkeys,
} from "../../../server/tags/cmac.js";

const hex = (text: string) => Buffer.from(text, "hex");
const RFC4493_KEY = hex("2b7e151628aed2a6abf7158809cf4f3c");
const RFC4493_MESSAGE = hex(
  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
);

describe("AES-CMAC (server/tags/cmac.ts)", () => {
  describe("against RFC 4493's test vectors", () => {
    it("derives the subkeys K1 and K2 of §4", () => {
      const { k1, k2 } = cmacSubkeys(RFC4493_KEY);
      expect(k1.toString("hex")).to.equal("fbeed618357133667c85e08f7236a8de");
      expect(k2.toString("hex")).to.equal("f7ddac306ae266ccf90bc11ee46d513b");
    });

    for (const [length, tag] of [
      [0, "bb1d6929e95937287fa37d129b756746"],
      [16, "070a16b46b4d4144f79bdd9dd04a287c"],
      [40, "dfa66747de9ae63030ca32611497c827"],
      [64, "51f0bebf7e3b9d92fc49741779363cfe"],
    ] as const) {
      it(`computes example ${length === 0 ? "1 (empty message)" : `with a ${length}-byte message`}`, () => {
        expect(aesCmac(RFC4493_KEY, RFC4493_MESSAGE.subarray(0, length)).toString("hex")).to.equal(tag);
      });
    }
  });

  describe("against a second implementation (@noble/ciphers)", () => {
    it("agrees on CMACs of every length from 0 to 80 bytes under random keys", () => {
      for (let length = 0; length <= 80; length++) {
        const key = randomBytes(16);
        const message = randomBytes(length);
        expect(aesCmac(key, message).toString("hex"), `length ${length}`).to.equal(
          Buffer.from(nobleCmac(message, key)).toString("hex"),
        );
      }
    });

    it("agrees on AES-ECB and AES-CBC of whole blocks", () => {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const blocks = randomBytes(48);
      expect(aesEcbEncrypt(key, blocks)).to.deep.equal(
        Buffer.from(ecb(key, { disablePadding: true }).encrypt(blocks)),
      );
      const encrypted = aesCbcEncrypt(key, iv, blocks);
      expect(encrypted).to.deep.equal(Buffer.from(cbc(key, iv, { disablePadding: true }).encrypt(blocks)));
      expect(aesCbcDecrypt(key, iv, encrypted)).to.deep.equal(blocks);
    });
  });

  it("refuses a key that is not 16 bytes", () => {
    expect(() => aesCmac(randomBytes(24), Buffer.alloc(0))).to.throw(RangeError, /16 bytes/);
  });
});
