import { expect } from "chai";
import { NotFoundError } from "../../../server/errors.js";
import { CertificateMetadata } from "../../../server/metadata/certificate-metadata.js";
import { loadExample } from "../../../server/metadata/examples.js";
import type { CertificateView } from "../../../server/verification/certificate.js";
import {
  brandOfDigitalLink,
  GtinBrandConflictError,
  withGtinCheck,
} from "../../../server/verification/digital-link.js";
import { brandForGtin, checkDigit, parseGtin } from "../../../server/verification/gs1.js";

/** The example passport's GTIN (Maison Aurelia, company prefix 8012345). */
const PASSPORT_GTIN = "08012345678907";
const PREFIXES = new Map([
  ["8012345", 1],
  ["80123459", 3], // a longer prefix of another brand inside brand 1's range
  ["08054321", 2], // written in GTIN-14 form
]);

function gtin14(body13: string): string {
  return body13 + String(checkDigit(body13));
}

/** A genuine certificate whose verified passport carries `gtin` (or none). */
function certificate(
  gtin: string | null,
  options: { verified?: boolean; flags?: CertificateView["flags"] } = {},
): CertificateView {
  const example = loadExample("certificate-metadata.json") as { passport: Record<string, unknown> };
  const { gtin: _gtin, ...passport } = example.passport;
  const document = CertificateMetadata.parse({
    ...example,
    passport: gtin === null ? passport : { ...passport, gtin },
  });
  const verified = options.verified ?? true;
  const flags = options.flags ?? [];
  return {
    tokenId: "1",
    brand: { id: 1, name: "Maison A" },
    status: "active",
    statusReason: null,
    owner: "0x0000000000000000000000000000000000000001",
    custody: "owner",
    chip: { bound: false, address: null },
    successor: null,
    predecessor: null,
    issuer: "0x0000000000000000000000000000000000000002",
    issued: { block: 1, time: "2024-01-01T00:00:00.000Z", txHash: "0x00" },
    flags,
    verdict: flags.length === 0 ? "genuine" : "caution",
    metadata: verified
      ? { cid: "bafk", digest: "0x00", verified: true, document }
      : { cid: "bafk", digest: "0x00", verified: false, reason: "ipfs_unavailable", document: null },
    twins: [],
  };
}

describe("GS1 GTINs (server/verification/gs1.ts)", function () {
  describe("parseGtin", function () {
    it("normalises GTIN-8, -12, -13 and -14 to 14 digits", function () {
      expect(parseGtin("96385074")).to.equal("00000096385074"); // GTIN-8
      expect(parseGtin("036000291452")).to.equal("00036000291452"); // GTIN-12 (UPC-A)
      expect(parseGtin("8012345678907")).to.equal(PASSPORT_GTIN); // GTIN-13
      expect(parseGtin(PASSPORT_GTIN)).to.equal(PASSPORT_GTIN);
    });

    it("refuses a wrong check digit, in every length", function () {
      for (const text of ["96385075", "036000291453", "8012345678900", "08012345678901"])
        expect(parseGtin(text), text).to.equal(null);
    });

    it("refuses other lengths and non-digits", function () {
      for (const text of [
        "1234567",
        "123456789",
        "12345678901",
        "123456789012345",
        "0801234567890a",
        " 8012345678907",
      ])
        expect(parseGtin(text), text).to.equal(null);
    });
  });

  describe("brandForGtin", function () {
    it("finds the brand of a prefix written in GTIN-13 form", function () {
      expect(brandForGtin(PREFIXES, PASSPORT_GTIN)).to.equal(1);
    });

    it("finds the brand of a prefix written in GTIN-14 form", function () {
      expect(brandForGtin(PREFIXES, gtin14("0805432100001"))).to.equal(2);
    });

    it("lets the longest prefix win", function () {
      expect(brandForGtin(PREFIXES, gtin14("0801234590001"))).to.equal(3);
    });

    it("skips the packaging indicator of a GTIN-14: a case of brand 1's items is brand 1's", function () {
      expect(brandForGtin(PREFIXES, gtin14("1801234567890"))).to.equal(1);
      expect(brandForGtin(PREFIXES, gtin14("3805432100001"))).to.equal(2);
    });

    it("does not read the packaging indicator as part of the company prefix", function () {
      // Indicator 8, then GTIN-13 0123450000001: its company prefix starts 0123…, not 8012345.
      expect(brandForGtin(PREFIXES, gtin14("8012345000000"))).to.equal(null);
    });

    it("answers null for a prefix no brand has", function () {
      expect(brandForGtin(PREFIXES, "09506000134352")).to.equal(null);
    });
  });
});

describe("GS1 Digital Link (server/verification/digital-link.ts)", function () {
  describe("brandOfDigitalLink", function () {
    it("takes the brand of the GTIN's company prefix", function () {
      expect(brandOfDigitalLink(PREFIXES, PASSPORT_GTIN)).to.equal(1);
    });

    it("accepts ?brand= naming the brand the prefix belongs to", function () {
      expect(brandOfDigitalLink(PREFIXES, PASSPORT_GTIN, 1)).to.equal(1);
    });

    it("refuses ?brand= naming another brand than the prefix's (gtin-brand-conflict, 422)", function () {
      expect(() => brandOfDigitalLink(PREFIXES, PASSPORT_GTIN, 2))
        .to.throw(GtinBrandConflictError, "belongs to brand 1, not brand 2")
        .with.property("type", "gtin-brand-conflict");
    });

    it("takes ?brand= for a GTIN whose prefix belongs to no configured brand: the passport's GTIN then decides", function () {
      expect(brandOfDigitalLink(PREFIXES, "09506000134352", 1)).to.equal(1);
    });

    it("names no brand for a GTIN of no configured prefix without ?brand=", function () {
      expect(() => brandOfDigitalLink(PREFIXES, "09506000134352")).to.throw(
        NotFoundError,
        "No brand is configured",
      );
    });
  });

  describe("withGtinCheck", function () {
    it("leaves a genuine verdict when the label's GTIN is the passport's", function () {
      const answer = withGtinCheck(certificate(PASSPORT_GTIN), PASSPORT_GTIN);
      expect(answer.flags).to.deep.equal([]);
      expect(answer.verdict).to.equal("genuine");
      expect(answer.digitalLink).to.deep.equal({
        gtin: PASSPORT_GTIN,
        passportGtin: PASSPORT_GTIN,
        gtinCheck: "match",
      });
    });

    it("compares GTIN-14 forms: a passport GTIN-13 matches the same link GTIN-14", function () {
      const answer = withGtinCheck(certificate("8012345678907"), PASSPORT_GTIN);
      expect(answer.digitalLink.gtinCheck).to.equal("match");
      expect(answer.digitalLink.passportGtin).to.equal(PASSPORT_GTIN);
    });

    it("flags gtin_mismatch, verdict do_not_buy, when the label's GTIN is another product's", function () {
      const other = gtin14("0801234500001");
      const answer = withGtinCheck(certificate(PASSPORT_GTIN), other);
      expect(answer.flags).to.deep.equal(["gtin_mismatch"]);
      expect(answer.verdict).to.equal("do_not_buy");
      expect(answer.digitalLink).to.deep.equal({
        gtin: other,
        passportGtin: PASSPORT_GTIN,
        gtinCheck: "mismatch",
      });
    });

    it("flags gtin_mismatch for another packaging level of the same item (indicator 1)", function () {
      expect(withGtinCheck(certificate(PASSPORT_GTIN), gtin14("1801234567890")).verdict).to.equal(
        "do_not_buy",
      );
    });

    it("flags gtin_unconfirmed, verdict caution, when the passport gives no GTIN", function () {
      const answer = withGtinCheck(certificate(null), PASSPORT_GTIN);
      expect(answer.flags).to.deep.equal(["gtin_unconfirmed"]);
      expect(answer.verdict).to.equal("caution");
      expect(answer.digitalLink).to.deep.equal({
        gtin: PASSPORT_GTIN,
        passportGtin: null,
        gtinCheck: "unconfirmed",
      });
    });

    it("flags gtin_unconfirmed when the passport could not be verified", function () {
      const answer = withGtinCheck(
        certificate(null, { verified: false, flags: ["metadata_unverified"] }),
        PASSPORT_GTIN,
      );
      expect(answer.flags).to.deep.equal(["metadata_unverified", "gtin_unconfirmed"]);
      expect(answer.verdict).to.equal("caution");
    });

    it("keeps a do_not_buy verdict do_not_buy whatever the GTIN", function () {
      expect(
        withGtinCheck(certificate(PASSPORT_GTIN, { flags: ["stolen"] }), PASSPORT_GTIN).verdict,
      ).to.equal("do_not_buy");
    });
  });
});
