/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { checkDigit } from "../../../server/verification/gs1.js";
import { buildStack, getJson, GS1_PREFIX_A, PASSPORT_GTIN, serialHashOf } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Brand 2's company prefix, configured for this suite only. */
const GS1_PREFIX_B = "8054321";

function gtinOf(body13: string): string {
  return body13 + String(checkDigit(body13));
}
/** Another product of brand 1 (same company prefix): a pouch's GTIN on a bag's serial. */
const OTHER_PRODUCT_A = gtinOf("0801234500001");
/** GS1's example GTIN: its prefix belongs to no brand here. */
const FOREIGN_GTIN = "09506000134352";
const PRODUCT_B = gtinOf("0805432100001");

/**
 * The Digital Link's GTIN against the certificate's passport (server/verification/digital-link.ts),
 * for API clients (JSON) and for browsers (the redirect and the verification page it lands on).
 */
describe("GS1 Digital Link: the label's GTIN is checked against the certificate", function () {
  let stack: Stack;
  let bag: bigint; // passport with PASSPORT_GTIN
  let noGtin: bigint; // passport without a GTIN

  before(async function () {
    stack = await buildStack({
      env: { HALLMARK_GS1_PREFIXES: JSON.stringify({ [GS1_PREFIX_A]: 1, [GS1_PREFIX_B]: 2 }) },
    });
    bag = await stack.issue("DL-0001", stack.alice.address);
    const example = loadExample("certificate-metadata.json") as Record<string, unknown> & {
      passport: Record<string, unknown>;
    };
    const { gtin: _gtin, ...passport } = example.passport;
    const { digest } = await publishDocument(stack.metadataStore, "certificate-metadata", {
      ...example,
      passport: { ...passport, serial: { kind: "salted-hash", serialHash: serialHashOf("DL-0002") } },
    });
    noGtin = await stack.issue("DL-0002", stack.alice.address, { digest });
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  /** The page's text with the apostrophes the HTML escapes put back (French reads with them). */
  const unescape = (page: string): string => page.replaceAll("&#39;", "'");

  /** A browser scanning the label: the 307, then the page it lands on. */
  async function scan(
    path: string,
    language = "en",
  ): Promise<{ status: number; location: string | null; page: string; pageStatus: number }> {
    const headers = { accept: "text/html,application/xhtml+xml", "accept-language": language };
    const first = await fetch(`${stack.url}${path}`, { headers, redirect: "manual" });
    const location = first.headers.get("location");
    if (first.status !== 307 || location === null)
      return { status: first.status, location, page: unescape(await first.text()), pageStatus: first.status };
    const landed = await fetch(new URL(location, stack.url), { headers });
    return { status: first.status, location, page: unescape(await landed.text()), pageStatus: landed.status };
  }

  const verdictOf = (page: string): string | undefined => /data-verdict="([a-z_]+)"/.exec(page)?.[1];

  describe("when the label's GTIN is the passport's", function () {
    it("answers genuine in JSON, with the check that was made", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN}/21/DL-0001`);
      expect(status).to.equal(200);
      expect(body.tokenId).to.equal(bag.toString());
      expect(body.flags).to.deep.equal([]);
      expect(body.verdict).to.equal("genuine");
      expect(body.digitalLink).to.deep.equal({
        gtin: PASSPORT_GTIN,
        passportGtin: PASSPORT_GTIN,
        gtinCheck: "match",
      });
    });

    it("accepts the GTIN-13 form of the same GTIN", async function () {
      const { body } = await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN.slice(1)}/21/DL-0001`);
      expect(body.digitalLink.gtinCheck).to.equal("match");
    });

    it("sends a browser to the page with the label's GTIN, which shows Genuine", async function () {
      const { status, location, page } = await scan(`/01/${PASSPORT_GTIN}/21/DL-0001`);
      expect(status).to.equal(307);
      expect(location).to.equal(`${stack.url}/v/${bag.toString()}?gtin=${PASSPORT_GTIN}&serial=DL-0001`);
      expect(verdictOf(page)).to.equal("genuine");
      expect(page).to.not.include("data-flag=");
    });
  });

  describe("when the label's GTIN is another product's (a pouch's GTIN on a bag's serial)", function () {
    it("flags gtin_mismatch and answers do_not_buy in JSON", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/01/${OTHER_PRODUCT_A}/21/DL-0001`);
      expect(status).to.equal(200);
      expect(body.flags).to.deep.equal(["gtin_mismatch"]);
      expect(body.verdict).to.equal("do_not_buy");
      expect(body.digitalLink).to.deep.equal({
        gtin: OTHER_PRODUCT_A,
        passportGtin: PASSPORT_GTIN,
        gtinCheck: "mismatch",
      });
    });

    it("shows the browser 'Label does not match' and both GTINs", async function () {
      const { page, pageStatus } = await scan(`/01/${OTHER_PRODUCT_A}/21/DL-0001`);
      expect(pageStatus).to.equal(200);
      expect(verdictOf(page)).to.equal("label_mismatch");
      expect(page).to.include("Label does not match");
      expect(page).to.include("Do not buy it");
      expect(page).to.match(
        new RegExp(`data-flag="gtin_mismatch">.*GTIN ${OTHER_PRODUCT_A}.*GTIN ${PASSPORT_GTIN}`),
      );
    });

    it("says it in French", async function () {
      const { page } = await scan(`/01/${OTHER_PRODUCT_A}/21/DL-0001`, "fr");
      expect(verdictOf(page)).to.equal("label_mismatch");
      expect(page).to.include("Étiquette non conforme");
      expect(page).to.include("Ne l'achetez pas");
    });
  });

  describe("when the passport gives no GTIN", function () {
    it("flags gtin_unconfirmed and answers caution in JSON", async function () {
      const { body } = await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN}/21/DL-0002`);
      expect(body.tokenId).to.equal(noGtin.toString());
      expect(body.flags).to.deep.equal(["gtin_unconfirmed"]);
      expect(body.verdict).to.equal("caution");
      expect(body.digitalLink).to.deep.equal({
        gtin: PASSPORT_GTIN,
        passportGtin: null,
        gtinCheck: "unconfirmed",
      });
    });

    it("tells the browser the product number could not be confirmed, in English and French", async function () {
      const en = await scan(`/01/${PASSPORT_GTIN}/21/DL-0002`);
      expect(verdictOf(en.page)).to.equal("warning");
      expect(en.page).to.include(
        `The product number on the label (GTIN ${PASSPORT_GTIN}) could not be confirmed`,
      );
      const fr = await scan(`/01/${PASSPORT_GTIN}/21/DL-0002`, "fr");
      expect(fr.page).to.include(
        `Le numéro de produit de l'étiquette (GTIN ${PASSPORT_GTIN}) n'a pas pu être confirmé`,
      );
    });

    it("leaves the page reached by the certificate's own link (no label) genuine", async function () {
      const page = await (await fetch(`${stack.url}/v/${noGtin.toString()}`)).text();
      expect(verdictOf(page)).to.equal("genuine");
    });
  });

  describe("when the GTIN's prefix belongs to no configured brand", function () {
    it("names no brand without ?brand= (404)", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/01/${FOREIGN_GTIN}/21/DL-0001`);
      expect(status).to.equal(404);
      expect(body.type).to.equal("https://hallmark.dev/problems/not-found");
      expect((await scan(`/01/${FOREIGN_GTIN}/21/DL-0001`)).status).to.equal(404);
    });

    it("takes ?brand=, but the passport's GTIN still decides: a copied serial is do_not_buy", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/01/${FOREIGN_GTIN}/21/DL-0001?brand=1`);
      expect(status).to.equal(200);
      expect(body.flags).to.deep.equal(["gtin_mismatch"]);
      expect(body.verdict).to.equal("do_not_buy");
      const { page } = await scan(`/01/${FOREIGN_GTIN}/21/DL-0001?brand=1`);
      expect(verdictOf(page)).to.equal("label_mismatch");
    });
  });

  describe("when ?brand= names another brand than the GTIN's prefix", function () {
    it("refuses the override in JSON with 422 gtin-brand-conflict", async function () {
      const { status, headers, body } = await getJson<Body>(
        `${stack.url}/01/${PASSPORT_GTIN}/21/DL-0001?brand=2`,
      );
      expect(status).to.equal(422);
      expect(headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(body.type).to.equal("https://hallmark.dev/problems/gtin-brand-conflict");
      expect(body.detail).to.equal(`GTIN ${PASSPORT_GTIN} belongs to brand 1, not brand 2`);
    });

    it("refuses brand 2's GTIN relabelled as brand 1 too", async function () {
      const { status } = await getJson<Body>(`${stack.url}/01/${PRODUCT_B}/21/DL-0001?brand=1`);
      expect(status).to.equal(422);
    });

    it("shows a browser the Unknown verdict with 422 and why, never a certificate", async function () {
      const { status, location, page } = await scan(`/01/${PASSPORT_GTIN}/21/DL-0001?brand=2`);
      expect(status).to.equal(422);
      expect(location).to.equal(null);
      expect(verdictOf(page)).to.equal("unknown");
      expect(page).to.include("it names a brand its product number does not belong to");
    });
  });

  describe("the verification page's ?gtin=", function () {
    it("answers a malformed GTIN with the Unknown page and 400", async function () {
      const response = await fetch(`${stack.url}/v/${bag.toString()}?gtin=08012345678900`, {
        headers: { accept: "text/html" },
      });
      expect(response.status).to.equal(400);
      expect(verdictOf(await response.text())).to.equal("unknown");
    });

    it("keeps the label's GTIN and serial in the language links", async function () {
      const { page } = await scan(`/01/${OTHER_PRODUCT_A}/21/DL-0001`);
      expect(page).to.include(`/v/${bag.toString()}?gtin=${OTHER_PRODUCT_A}&amp;serial=DL-0001&amp;lang=fr`);
    });
  });
});
