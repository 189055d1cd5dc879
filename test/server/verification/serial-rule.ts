import { expect } from "chai";
import { loadConfig } from "../../../server/config.js";
import {
  describeSerialRule,
  EXACT_SERIALS,
  normaliseSerial,
} from "../../../server/verification/serial-rule.js";

const SALT = "0x" + "ab".repeat(32);

describe("serial rules", function () {
  describe("normaliseSerial", function () {
    it("compares case-insensitively and drops the characters a brand ignores", function () {
      const rule = { ignoreCase: true, ignore: " -" };
      for (const printed of ["MA-2024-0001", "ma-2024-0001", "MA 2024 0001", "ma20240001", " Ma-2024 0001 "])
        expect(normaliseSerial(rule, printed), printed).to.equal("MA20240001");
    });

    it("keeps case when only separators are ignored", function () {
      expect(normaliseSerial({ ignoreCase: false, ignore: "-" }, "ab-C")).to.equal("abC");
    });

    it("leaves a serial exactly as given without a rule", function () {
      expect(normaliseSerial(undefined, "ma-2024 0001")).to.equal("ma-2024 0001");
      expect(normaliseSerial(EXACT_SERIALS, "ma-2024 0001")).to.equal("ma-2024 0001");
      expect(describeSerialRule(undefined)).to.equal("exact");
    });
  });

  describe("HALLMARK_BRAND_SALTS", function () {
    it("takes a salt alone (exact serials) or a salt with the brand's rule", function () {
      const config = loadConfig({
        HALLMARK_BRAND_SALTS: JSON.stringify({
          "1": SALT,
          "2": { salt: SALT.toUpperCase().replace("0X", "0x"), serial: { ignoreCase: true, ignore: " -" } },
        }),
      });
      expect(config.brandSalts.get(1)).to.equal(SALT);
      expect(config.brandSalts.get(2)).to.equal(SALT);
      expect(config.serialRules.get(1)).to.deep.equal(EXACT_SERIALS);
      expect(config.serialRules.get(2)).to.deep.equal({ ignoreCase: true, ignore: " -" });
    });

    it("refuses a rule with an unknown field, naming the variable", function () {
      expect(() =>
        loadConfig({
          HALLMARK_BRAND_SALTS: JSON.stringify({ "1": { salt: SALT, serial: { caseless: true } } }),
        }),
      ).to.throw(/HALLMARK_BRAND_SALTS/);
    });
  });
});
