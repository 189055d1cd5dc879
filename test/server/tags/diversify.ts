import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { aesCmac, cmacSubkeys } from "../../../server/tags/cmac.js";
import { diversifyAes128 } from "../../../server/tags/diversify.js";
import { fileReadKey, metaReadKey, tagKey, tagKeySet } from "../../../server/tags/tag-keys.js";

const hex = (text: string) => Buffer.from(text, "hex");

// NXP AN10922 §2.2.1, "AES-128 key diversification example".
const AN10922_MASTER = hex("00112233445566778899AABBCCDDEEFF");
const AN10922_UID = hex("04782E21801D80");
const AN10922_AID = hex("3042F5");
const AN10922_SYSTEM_IDENTIFIER = Buffer.from("NXP Abu", "ascii");

describe("AN10922 AES-128 key diversification (server/tags/diversify.ts)", () => {
  it("reproduces NXP's worked example: subkeys, then the diversified key", () => {
    const { k1, k2 } = cmacSubkeys(AN10922_MASTER);
    expect(k1.toString("hex").toUpperCase()).to.equal("FBC9F75C9413C041DFEE452D3F0706D1");
    expect(k2.toString("hex").toUpperCase()).to.equal("F793EEB928278083BFDC8A5A7E0E0D25");
    const m = Buffer.concat([AN10922_UID, AN10922_AID, AN10922_SYSTEM_IDENTIFIER]);
    expect(diversifyAes128(AN10922_MASTER, m).toString("hex").toUpperCase()).to.equal(
      "A8DD63A3B89D54B37CA802473FDA9175",
    );
  });

  it("pads a short input to two blocks, where plain CMAC would pad to one", () => {
    const master = randomBytes(16);
    const m = randomBytes(5);
    const padded = Buffer.alloc(32);
    padded[0] = 0x01;
    m.copy(padded, 1);
    padded[6] = 0x80;
    // AN10922's construction: CMAC over the two padded blocks, the last masked with K2 (not K1).
    const { k1, k2 } = cmacSubkeys(master);
    for (let i = 0; i < 16; i++) padded[16 + i] ^= k2[i] ^ k1[i];
    expect(diversifyAes128(master, m)).to.deep.equal(aesCmac(master, padded));
    expect(diversifyAes128(master, m)).not.to.deep.equal(aesCmac(master, Buffer.concat([Buffer.of(1), m])));
  });

  it("is plain CMAC of 0x01 ‖ M when M is 31 bytes (no padding, K1)", () => {
    const master = randomBytes(16);
    const m = randomBytes(31);
    expect(diversifyAes128(master, m)).to.deep.equal(aesCmac(master, Buffer.concat([Buffer.of(1), m])));
  });

  it("refuses an empty input or one over 31 bytes", () => {
    expect(() => diversifyAes128(AN10922_MASTER, Buffer.alloc(0))).to.throw(RangeError);
    expect(() => diversifyAes128(AN10922_MASTER, Buffer.alloc(32))).to.throw(RangeError);
  });
});

describe("Hallmark's tag key schedule (server/tags/tag-keys.ts)", () => {
  const master = hex("000102030405060708090a0b0c0d0e0f");
  const uid = hex("04A1B2C3D4E5F6");

  it("gives every tag five distinct keys, none of them the factory's zero key", () => {
    const { keys } = tagKeySet(master, uid);
    const distinct = new Set(keys.map((key) => key.toString("hex")));
    expect(distinct.size).to.equal(5);
    expect(distinct.has("00".repeat(16))).to.equal(false);
  });

  it("shares the meta read key across a brand's tags and nothing else", () => {
    const other = tagKeySet(master, hex("04A1B2C3D4E5F7")).keys;
    const mine = tagKeySet(master, uid).keys;
    expect(mine[1]).to.deep.equal(other[1]);
    expect(mine[1]).to.deep.equal(metaReadKey(master));
    for (const n of [0, 2, 3, 4]) expect(mine[n]).not.to.deep.equal(other[n]);
    expect(fileReadKey(master, uid)).to.deep.equal(mine[2]);
  });

  it("derives other keys under another brand's master key", () => {
    expect(fileReadKey(randomBytes(16), uid)).not.to.deep.equal(fileReadKey(master, uid));
    expect(metaReadKey(randomBytes(16))).not.to.deep.equal(metaReadKey(master));
  });

  it("refuses a UID that is not 7 bytes and a key number above 4", () => {
    expect(() => tagKey(master, hex("04A1B2C3D4E5"), 2)).to.throw(RangeError, /7 bytes/);
    expect(() => tagKey(master, uid, 5)).to.throw(RangeError, /0 to 4/);
  });
});
