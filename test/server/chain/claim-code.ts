import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";
import {
  CLAIM_CODE_ALPHABET,
  claimKeyOf,
  newClaimCode,
  parseClaimCode,
} from "../../../server/chain/claim-code.js";
import type { ParsedClaimCode } from "../../../server/chain/claim-code.js";

interface BrowserCodec {
  parseClaimCode(text: string): ParsedClaimCode;
  claimKeyHex(
    parsed: ParsedClaimCode,
    lib: { keccak256: typeof keccak256; toUtf8Bytes: typeof toUtf8Bytes },
  ): string;
}

const browserCodec = (): Promise<BrowserCodec> =>
  import(
    pathToFileURL(join(process.cwd(), "server", "web", "assets", "claim-code.js")).href
  ) as Promise<BrowserCodec>;

describe("chain: claim codes", function () {
  describe("newClaimCode", function () {
    it("prints 25 symbols in five groups of five and parses back to the same key", function () {
      const { code, key } = newClaimCode();
      expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
      const parsed = parseClaimCode(code);
      expect(parsed).to.deep.equal({ ok: true, kind: "grouped", code });
      if (!parsed.ok) return;
      expect(claimKeyOf(parsed).address).to.equal(key.address);
    });

    it("draws a different code each time", function () {
      expect(new Set(Array.from({ length: 50 }, () => newClaimCode().code)).size).to.equal(50);
    });
  });

  describe("parseClaimCode", function () {
    const { code } = newClaimCode();
    const symbols = code.replaceAll("-", "");

    it("ignores case, spaces and dashes, and reads O, I and L as 0, 1 and 1", function () {
      const typed = ` ${symbols.toLowerCase().replace(/0/g, "o").replace(/1/g, "l")} `.replace(
        /(.{4})/g,
        "$1 ",
      );
      expect(parseClaimCode(typed)).to.deep.equal({ ok: true, kind: "grouped", code });
    });

    it("catches every single mistyped symbol by its check symbol", function () {
      for (let i = 0; i < symbols.length; i++) {
        for (const other of CLAIM_CODE_ALPHABET) {
          if (other === symbols[i]) continue;
          const typo = symbols.slice(0, i) + other + symbols.slice(i + 1);
          expect(parseClaimCode(typo), typo).to.deep.equal({ ok: false, problem: "check" });
        }
      }
    });

    it("catches a swap of two different neighbours", function () {
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === symbols[i + 1]) continue;
        const swapped = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2);
        const parsed = parseClaimCode(swapped);
        // Luhn mod 32 misses only the swap of the two symbols whose doubled values coincide.
        if (!(parsed.ok === false)) expect([symbols[i], symbols[i + 1]].sort().join("")).to.equal("0Z");
      }
    });

    it("names what is wrong: empty, a foreign character, a missing symbol", function () {
      expect(parseClaimCode("  ")).to.deep.equal({ ok: false, problem: "empty" });
      expect(parseClaimCode(symbols.slice(0, 24) + "U")).to.deep.equal({ ok: false, problem: "characters" });
      expect(parseClaimCode(symbols.slice(0, 24))).to.deep.equal({ ok: false, problem: "length" });
    });

    it("still accepts a code of the earlier format, the private key itself", function () {
      const key = Wallet.createRandom();
      const parsed = parseClaimCode(key.privateKey.toUpperCase().replace("0X", "0x"));
      expect(parsed).to.deep.equal({ ok: true, kind: "legacy", code: key.privateKey });
      if (parsed.ok) expect(claimKeyOf(parsed).address).to.equal(key.address);
    });
  });

  describe("the browser's copy (server/web/assets/claim-code.js)", function () {
    it("gives the same answers and the same key as the server's", async function () {
      const browser = await browserCodec();
      const { code, key } = newClaimCode();
      const samples = [
        code,
        code.toLowerCase(),
        code.slice(0, -1) + (code.endsWith("0") ? "1" : "0"),
        code.slice(0, 10),
        "U".repeat(25),
        "",
        Wallet.createRandom().privateKey,
      ];
      for (const sample of samples)
        expect(browser.parseClaimCode(sample), sample).to.deep.equal(parseClaimCode(sample));
      const parsed = browser.parseClaimCode(code);
      expect(new Wallet(browser.claimKeyHex(parsed, { keccak256, toUtf8Bytes })).address).to.equal(
        key.address,
      );
    });
  });
});
