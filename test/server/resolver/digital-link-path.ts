import { expect } from "chai";
import { createRequire } from "node:module";
import { InvalidInputError } from "../../../server/errors.js";
import { decompressItemPath } from "../../../server/resolver/compressed-link.js";
import { canonicalItemPath, parseItemPath } from "../../../server/resolver/digital-link-path.js";
import { parseLinkType } from "../../../server/resolver/link-types.js";

/** GS1's example GTIN-14 and its shorter forms (the same number padded with zeros). */
const GTIN14 = "09506000134352";
const GTIN13 = "9506000134352";
const GTIN12 = "614141000036"; // GS1 US's example UPC-A
const GTIN8 = "96385074"; // GS1's example EAN-8

/** The message of the InvalidInputError `run` throws (fails the test if it throws nothing else). */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    return (error as Error).message;
  }
  expect.fail("expected an InvalidInputError");
}

interface Toolkit {
  compressGS1DigitalLink(
    uri: string,
    useShortText: boolean,
    uriStem: string,
    uncompressedPrimary: boolean,
    useOptimisations: boolean,
    compressOtherKeyValuePairs: boolean,
  ): string;
}
const require = createRequire(import.meta.url);
const Toolkit =
  require("digital-link.js/lib/GS1DigitalLinkCompressionPrototype/GS1DigitalLinkToolkit.js") as new () => Toolkit;

/** GS1's reference compression of an uncompressed path, as a conformance tool would make it. */
function compress(path: string): string {
  return new Toolkit()
    .compressGS1DigitalLink(`https://id.example${path}`, false, "https://id.example", false, true, false)
    .slice("https://id.example".length);
}

describe("GS1 Digital Link item paths (server/resolver/digital-link-path.ts)", function () {
  describe("the GTIN", function () {
    it("normalises GTIN-8, -12 and -13 to GTIN-14", function () {
      expect(parseItemPath(`/01/${GTIN13}/21/A1`).gtin).to.equal(GTIN14);
      expect(parseItemPath(`/01/${GTIN12}/21/A1`).gtin).to.equal(`00${GTIN12}`);
      expect(parseItemPath(`/01/${GTIN8}/21/A1`).gtin).to.equal(`000000${GTIN8}`);
    });

    it("refuses a wrong check digit, naming the right one", function () {
      expect(refusal(() => parseItemPath("/01/09506000134353/21/A1"))).to.equal(
        "GTIN 09506000134353 has a wrong check digit: its last digit should be 2",
      );
    });

    it("refuses letters", function () {
      expect(refusal(() => parseItemPath("/01/0950600013435X/21/A1"))).to.match(/must be digits only/);
    });

    it("refuses 15 digits (and 9 to 11)", function () {
      expect(refusal(() => parseItemPath("/01/095060001343520/21/A1"))).to.equal(
        'GTIN "095060001343520" has 15 digits; a GTIN has 8, 12, 13 or 14 digits',
      );
      expect(refusal(() => parseItemPath("/01/0950600013/21/A1"))).to.match(/has 10 digits/);
    });
  });

  describe("the key qualifiers", function () {
    it("reads 22, 10 and 21 in the standard's order", function () {
      expect(parseItemPath(`/01/${GTIN14}/22/2A/10/LOT7/21/S1`)).to.deep.equal({
        gtin: GTIN14,
        cpv: "2A",
        lot: "LOT7",
        serial: "S1",
      });
      expect(parseItemPath(`/01/${GTIN14}/10/LOT7/21/S1`)).to.deep.equal({
        gtin: GTIN14,
        lot: "LOT7",
        serial: "S1",
      });
    });

    it("refuses them out of order, saying the order", function () {
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/S1/10/LOT7`))).to.equal(
        "AIs out of order: 10 (batch/lot number) comes after 21; a GTIN's qualifiers come in the order 22, 10, 21",
      );
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/10/L/22/V/21/S`))).to.match(/^AIs out of order: 22/);
    });

    it("refuses a qualifier given twice", function () {
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/S1/21/S2`))).to.match(/appears twice/);
    });

    it("refuses a data attribute in the path, pointing to the query string", function () {
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/17/261231/21/S1`))).to.match(
        /^AI 17 is not a key qualifier of a GTIN .* as \?17=…\)$/,
      );
    });

    it("refuses an unknown application identifier and a segment without a value", function () {
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/S1/foo/bar`))).to.match(
        /^Unknown application identifier "foo"/,
      );
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/S1/foo`))).to.match(/has no value/);
    });

    it("decodes percent-encoding, and takes every character of set 82", function () {
      expect(parseItemPath(`/01/${GTIN14}/21/A%2FB%25C`).serial).to.equal("A/B%C");
      const set82 = `!"%&'()*+,-./:;<=>?_`;
      expect(parseItemPath(`/01/${GTIN14}/21/${encodeURIComponent(set82)}`).serial).to.equal(set82);
    });

    it("refuses characters outside set 82 (space, #, ~, é)", function () {
      for (const serial of ["A B", "A#1", "A~1", "é1"])
        expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/${encodeURIComponent(serial)}`))).to.match(
          /outside GS1 AI encodable character set 82/,
        );
    });

    it("refuses more than 20 characters and a malformed escape", function () {
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/${"A".repeat(21)}`))).to.match(
        /has 21 characters; at most 20/,
      );
      expect(refusal(() => parseItemPath(`/01/${GTIN14}/21/A%zz`))).to.match(/Malformed percent-encoding/);
    });

    it("tolerates one trailing slash, not an empty segment", function () {
      expect(parseItemPath(`/01/${GTIN14}/21/S1/`).serial).to.equal("S1");
      expect(refusal(() => parseItemPath(`/01/${GTIN14}//21/S1`))).to.match(/no empty segments/);
    });

    it("writes the canonical path back: GTIN-14, qualifiers in order, values encoded", function () {
      expect(canonicalItemPath(parseItemPath(`/01/${GTIN13}/22/V/10/L%2F1/21/S1`))).to.equal(
        `/01/${GTIN14}/22/V/10/L%2F1/21/S1`,
      );
    });
  });

  describe("the compressed form (GS1 Digital Link: Compression)", function () {
    it("decompresses what GS1's toolkit compresses, to the same item", function () {
      for (const path of [
        `/01/${GTIN14}/21/S1`,
        `/01/${GTIN14}/10/LOT%2F7/21/MA-2024-0001`,
        `/01/${GTIN14}/22/2A/21/x`,
      ]) {
        expect(decompressItemPath(compress(path)), path).to.deep.equal(parseItemPath(path));
      }
    });

    it("answers null for a segment that is no GTIN link (a page's name, random text)", function () {
      expect(decompressItemPath("/check")).to.equal(null);
      expect(decompressItemPath("/nothing-here-at-all")).to.equal(null);
    });
  });

  describe("?linkType=", function () {
    it("takes a CURIE, the vocabulary's URIs, linkset and all", function () {
      expect(parseLinkType("gs1:pip")).to.deep.equal({ kind: "link", name: "pip" });
      expect(parseLinkType("https://gs1.org/voc/certificationInfo")).to.deep.equal({
        kind: "link",
        name: "certificationInfo",
      });
      expect(parseLinkType("https://ref.gs1.org/voc/sustainabilityInfo")).to.deep.equal({
        kind: "link",
        name: "sustainabilityInfo",
      });
      expect(parseLinkType("linkset")).to.deep.equal({ kind: "linkset" });
      expect(parseLinkType("all")).to.deep.equal({ kind: "linkset" });
    });

    it("refuses a name outside the GS1 vocabulary, or without its prefix", function () {
      expect(refusal(() => parseLinkType("gs1:madeUp"))).to.match(
        /^linkType "gs1:madeUp" is not a GS1 link type/,
      );
      expect(refusal(() => parseLinkType("pip"))).to.match(/is not a GS1 link type/);
      expect(refusal(() => parseLinkType("schema:url"))).to.match(/is not a GS1 link type/);
    });
  });
});
