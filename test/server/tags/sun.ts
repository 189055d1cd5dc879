import { cmac as nobleCmac } from "@noble/ciphers/aes.js";
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { SimulatedTag } from "../../../server/tags/simulated-tag.js";
import {
  decryptFileData,
  decryptPiccData,
  encFileDataMacInput,
  encryptFileData,
  MAX_SDM_READ_COUNTER,
  sdmMac,
  sessionEncKey,
  sessionMacKey,
  verifySunMessage,
} from "../../../server/tags/sun.js";
import { fileReadKey, metaReadKey } from "../../../server/tags/tag-keys.js";

const hex = (text: string) => Buffer.from(text, "hex");
const upper = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();
const ZERO_KEY = Buffer.alloc(16);
const zeroKeys = { metaReadKey: ZERO_KEY, fileReadKey: () => ZERO_KEY };

describe("SUN messages of the NTAG 424 DNA (server/tags/sun.ts)", () => {
  describe("NXP AN12196's worked examples", () => {
    it("Table 1: derives the session MAC key from a non-zero file read key", () => {
      const key = hex("5ACE7E50AB65D5D51FD5BF5A16B8205B");
      expect(upper(sessionMacKey(key, hex("04C767F2066180"), 1))).to.equal(
        "3A3E8110E05311F7A3FCF0D969BF2B48",
      );
    });

    it("Tables 2-3: decrypts the PICC data of the encrypted mirror and verifies its CMAC (all-zero keys)", () => {
      const picc = decryptPiccData(ZERO_KEY, hex("EF963FF7828658A599F3041510671E88"));
      expect(picc).not.to.equal(null);
      expect(upper(picc!.uid)).to.equal("04DE5F1EACC040");
      expect(picc!.counter).to.equal(61);
      const result = verifySunMessage(
        {
          variant: "encrypted",
          piccData: hex("EF963FF7828658A599F3041510671E88"),
          cmac: hex("94EED9EE65337086"),
        },
        zeroKeys,
      );
      expect(result).to.deep.equal({ ok: true, uid: hex("04DE5F1EACC040"), counter: 61, fileData: null });
    });

    it("Table 5: verifies the MAC over the encrypted file data's hex, then decrypts the file data", () => {
      const uid = hex("04958CAA5C5E80");
      expect(upper(sessionMacKey(ZERO_KEY, uid, 8))).to.equal("3ED0920E5E6A0320D823D5987FEAFBB1");
      const enc = hex("CEE9A53E3E463EF1F459635736738962");
      expect(encFileDataMacInput(enc).toString("ascii")).to.equal("CEE9A53E3E463EF1F459635736738962&cmac=");
      const result = verifySunMessage(
        {
          variant: "encrypted",
          piccData: hex("FD91EC264309878BE6345CBE53BADF40"),
          encFileData: enc,
          cmac: hex("ECC1E7F6C6C73BF6"),
        },
        zeroKeys,
      );
      expect(result.ok).to.equal(true);
      if (!result.ok) return;
      expect(upper(result.uid)).to.equal("04958CAA5C5E80");
      expect(result.counter).to.equal(8);
      expect(result.fileData!.toString("ascii")).to.equal("xxxxxxxxxxxxxxxx");
    });

    it("verifies the plain mirror (UID and counter in clear) with an empty MAC input", () => {
      const result = verifySunMessage(
        { variant: "plain", uid: hex("041E3C8A2D6B80"), counter: 6, cmac: hex("4B00064004B0B3D3") },
        zeroKeys,
      );
      expect(result).to.deep.equal({ ok: true, uid: hex("041E3C8A2D6B80"), counter: 6, fileData: null });
    });
  });

  describe("when anything the MAC covers changes", () => {
    const good = {
      variant: "encrypted" as const,
      piccData: hex("EF963FF7828658A599F3041510671E88"),
      cmac: hex("94EED9EE65337086"),
    };

    it("refuses a MAC with one bit flipped", () => {
      const cmac = Buffer.from(good.cmac);
      cmac[7] ^= 0x01;
      expect(verifySunMessage({ ...good, cmac }, zeroKeys)).to.deep.equal({ ok: false, failure: "cmac" });
    });

    it("refuses the plain mirror with another counter or another UID", () => {
      const cmac = hex("4B00064004B0B3D3");
      const uid = hex("041E3C8A2D6B80");
      expect(verifySunMessage({ variant: "plain", uid, counter: 7, cmac }, zeroKeys).ok).to.equal(false);
      expect(
        verifySunMessage({ variant: "plain", uid: hex("041E3C8A2D6B81"), counter: 6, cmac }, zeroKeys).ok,
      ).to.equal(false);
    });

    it("refuses the right message under another file read key", () => {
      const keys = { metaReadKey: ZERO_KEY, fileReadKey: () => randomBytes(16) };
      expect(verifySunMessage(good, keys)).to.deep.equal({ ok: false, failure: "cmac" });
    });

    it("says picc-data when the meta read key is not the one the tag encrypted with", () => {
      // 1 in 256 wrong keys would still yield the 0xC7 tag byte; this one does not.
      const keys = { metaReadKey: hex("00112233445566778899AABBCCDDEEFF"), fileReadKey: () => ZERO_KEY };
      expect(verifySunMessage(good, keys)).to.deep.equal({ ok: false, failure: "picc-data" });
    });

    it("refuses altered encrypted file data (the MAC covers its hex)", () => {
      const message = {
        variant: "encrypted" as const,
        piccData: hex("FD91EC264309878BE6345CBE53BADF40"),
        encFileData: hex("CEE9A53E3E463EF1F459635736738963"),
        cmac: hex("ECC1E7F6C6C73BF6"),
      };
      expect(verifySunMessage(message, zeroKeys)).to.deep.equal({ ok: false, failure: "cmac" });
    });
  });

  describe("against a second CMAC implementation (@noble/ciphers)", () => {
    it("truncates the session-key CMAC to its odd bytes for random keys, UIDs and counters", () => {
      for (let i = 0; i < 50; i++) {
        const key = randomBytes(16);
        const uid = randomBytes(7);
        const counter = Math.floor(Math.random() * MAX_SDM_READ_COUNTER);
        const ctr = Buffer.alloc(3);
        ctr.writeUIntLE(counter, 0, 3);
        const sv2 = Buffer.concat([hex("3CC300010080"), uid, ctr]);
        const session = nobleCmac(sv2, key);
        const full = nobleCmac(new Uint8Array(0), session);
        expect(sessionMacKey(key, uid, counter)).to.deep.equal(Buffer.from(session));
        expect(sdmMac(sessionMacKey(key, uid, counter), Buffer.alloc(0))).to.deep.equal(
          Buffer.from([1, 3, 5, 7, 9, 11, 13, 15].map((n) => full[n])),
        );
      }
    });

    it("derives the encryption session key from SV1", () => {
      const key = randomBytes(16);
      const uid = randomBytes(7);
      const sv1 = Buffer.concat([hex("C33C00010080"), uid, hex("2A0000")]);
      expect(sessionEncKey(key, uid, 42)).to.deep.equal(Buffer.from(nobleCmac(sv1, key)));
    });
  });

  describe("a tag personalised with Hallmark's key schedule (SimulatedTag)", () => {
    const master = randomBytes(16);
    const uid = hex("04A1B2C3D4E5F6");
    const brandKeys = {
      metaReadKey: metaReadKey(master),
      fileReadKey: (u: Buffer) => fileReadKey(master, u),
    };

    it("produces taps that verify, each with the next counter", () => {
      const tag = new SimulatedTag(master, uid);
      for (const expected of [1, 2, 3]) {
        expect(verifySunMessage(tag.tap(), brandKeys)).to.deep.include({ ok: true, counter: expected, uid });
      }
    });

    it("does not verify under another brand's master key", () => {
      const tap = new SimulatedTag(master, uid).tap();
      const other = randomBytes(16);
      const result = verifySunMessage(tap, {
        metaReadKey: metaReadKey(other),
        fileReadKey: (u: Buffer) => fileReadKey(other, u),
      });
      expect(result.ok).to.equal(false);
    });

    it("stops counting at the 24-bit maximum, as the chip does", () => {
      const tag = new SimulatedTag(master, uid, MAX_SDM_READ_COUNTER - 1);
      expect(verifySunMessage(tag.tap(), brandKeys)).to.deep.include({ counter: MAX_SDM_READ_COUNTER });
      expect(verifySunMessage(tag.tap(), brandKeys)).to.deep.include({ counter: MAX_SDM_READ_COUNTER });
    });

    it("round-trips encrypted file data under the session encryption key", () => {
      const key = fileReadKey(master, uid);
      const plain = Buffer.from("hallmark:0000042", "ascii");
      const enc = encryptFileData(sessionEncKey(key, uid, 5), 5, plain);
      expect(enc).not.to.deep.equal(plain);
      expect(decryptFileData(sessionEncKey(key, uid, 5), 5, enc)).to.deep.equal(plain);
      // Another counter gives another IV: the same file data never encrypts the same way twice.
      expect(encryptFileData(sessionEncKey(key, uid, 6), 6, plain)).not.to.deep.equal(enc);
    });
  });
});
