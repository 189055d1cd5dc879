import { expect } from "chai";
import {
  claimCodeCsvLine,
  claimUrlOf,
  generateClaimCode,
  renderClaimSheet,
} from "../../../server/issuer/claim-codes.js";
import type { ClaimCode } from "../../../server/issuer/claim-codes.js";

const code: ClaimCode = {
  tokenId: 42n,
  serial: "S,1",
  productName: "Sac <Aurelle>",
  code: "0x" + "ab".repeat(32),
  claimKey: "0x0000000000000000000000000000000000000001",
  claimUrl: claimUrlOf("https://verify.example/", 42n, "0x" + "ab".repeat(32)),
  txHash: "0x" + "00".repeat(32),
};

describe("issuer: claim codes", function () {
  describe("generateClaimCode", function () {
    it("draws a fresh code and key each time, the code in five groups of five", function () {
      const drawn = Array.from({ length: 20 }, () => generateClaimCode());
      expect(new Set(drawn.map((d) => d.key.privateKey)).size).to.equal(20);
      for (const { code } of drawn) expect(code).to.match(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    });
  });

  describe("claimUrlOf", function () {
    it("puts the code in the fragment, which browsers never send to the server", function () {
      expect(code.claimUrl).to.equal(`https://verify.example/claim/42#code=0x${"ab".repeat(32)}`);
    });
  });

  describe("claimCodeCsvLine", function () {
    it("quotes fields with commas", function () {
      expect(claimCodeCsvLine(code).split(",").slice(0, 3)).to.deep.equal(["42", '"S', '1"']);
    });
  });

  describe("renderClaimSheet", function () {
    it("renders one QR card per code and escapes product names", async function () {
      const html = await renderClaimSheet([code, { ...code, tokenId: 43n }], "Sheet");
      expect(html.match(/<section class="card">/g)).to.have.length(2);
      expect(html.match(/<svg /g)).to.have.length(2);
      expect(html).to.contain("Sac &lt;Aurelle&gt;").and.not.contain("Sac <Aurelle>");
    });

    it("prints a grouped code whole, in English and French, with where to type it", async function () {
      const html = await renderClaimSheet(
        [
          {
            ...code,
            code: "7KQ2M-9XRT4-HB0WE-3NVPD-C8J6A",
            claimUrl: "https://verify.example/claim/42#code=x",
          },
        ],
        "Sheet",
      );
      expect(html).to.contain('<p class="code">7KQ2M-9XRT4-HB0WE-3NVPD-C8J6A</p>');
      expect(html).to.contain('<span lang="fr">N° de série</span>');
      expect(html).to.contain("<strong>verify.example</strong>");
    });

    it("refuses an empty sheet", async function () {
      let error: unknown;
      try {
        await renderClaimSheet([], "Sheet");
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(Error).with.property("message", "No claim codes to print");
    });
  });
});
