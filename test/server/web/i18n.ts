import { expect } from "chai";
import type { Request } from "express";
import { format, pickLocale } from "../../../server/web/i18n/index.js";

/** The parts of an Express request pickLocale reads. */
function request(
  lang: string | undefined,
  acceptLanguage: string | false = false,
): Pick<Request, "query" | "acceptsLanguages"> {
  return {
    query: lang === undefined ? {} : { lang },
    acceptsLanguages: ((...languages: string[]) =>
      acceptLanguage !== false && languages.includes(acceptLanguage)
        ? acceptLanguage
        : false) as Request["acceptsLanguages"],
  };
}

describe("web i18n", function () {
  describe("pickLocale", function () {
    it("takes ?lang= first, case-insensitively", function () {
      expect(pickLocale(request("FR", "en")).lang).to.equal("fr");
    });

    it("falls back to Accept-Language, then English", function () {
      expect(pickLocale(request(undefined, "fr")).lang).to.equal("fr");
      expect(pickLocale(request("de")).lang).to.equal("en");
    });

    for (const lang of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      it(`answers English, not an Object.prototype member, for ?lang=${lang}`, function () {
        const t = pickLocale(request(lang));
        expect(t.lang).to.equal("en");
        expect(t.verdict.genuine).to.equal("Genuine");
      });
    }
  });

  describe("format", function () {
    it("fills placeholders and leaves inherited names alone", function () {
      expect(format("{block} {constructor}", { block: 7 })).to.equal("7 {constructor}");
    });
  });
});
