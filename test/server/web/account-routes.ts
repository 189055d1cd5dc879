import { expect } from "chai";
import { buildStack } from "../api/stack.js";
import type { Stack } from "../api/stack.js";

/** The passkey account page's routes over HTTP (#17); the browser's view is test/e2e/passkey-journeys.ts. */
describe("web: the phone's account page", function () {
  let stack: Stack;
  const account = "0x52908400098527886E0F7030069857D2E4169EE7";
  const key = `0x${"1a".repeat(32)}.0x${"2b".repeat(32)}`;

  before(async function () {
    stack = await buildStack();
  });

  after(async function () {
    await stack?.close();
  });

  describe("GET /account", function () {
    it("sends the page in the reader's language, every panel hidden until the phone says what it holds", async function () {
      for (const [lang, title] of [
        ["en", "Your phone's account"],
        ["fr", "Le compte de votre téléphone"],
      ]) {
        const response = await fetch(`${stack.url}/account?lang=${lang}`);
        expect(response.status).to.equal(200);
        expect(response.headers.get("x-robots-tag")).to.equal("noindex, nofollow");
        expect(response.headers.get("content-security-policy")).to.contain("script-src 'self'");
        const page = await response.text();
        expect(page).to.contain(`<h1 class="page-title">${title.replace("'", "&#39;")}</h1>`);
        for (const id of ["account-none", "account-held", "join-panel", "add-panel"])
          expect(page).to.match(new RegExp(`id="${id}"[^>]*hidden`));
      }
    });

    it("is kept out of search engines by robots.txt too", async function () {
      expect(await (await fetch(`${stack.url}/robots.txt`)).text()).to.contain("Disallow: /account\n");
    });
  });

  describe("GET /account/qr", function () {
    it("draws an address, the join link and the add link, each its own code", async function () {
      const answers = await Promise.all(
        [`address=${account}`, `join=${account}`, `add=${key}&lang=fr`].map(async (query) => {
          const response = await fetch(`${stack.url}/account/qr?${query}`);
          expect(response.status, query).to.equal(200);
          expect(response.headers.get("content-type")).to.match(/^image\/svg\+xml/);
          return response.text();
        }),
      );
      for (const svg of answers) expect(svg).to.match(/^<svg /);
      expect(new Set(answers).size).to.equal(3);
    });

    it("refuses anything else with a problem+json 400: nothing, two things, a malformed value, another parameter", async function () {
      for (const query of [
        "",
        `address=${account}&join=${account}`,
        "address=0x1234",
        `add=${account}`,
        "text=https://example.com",
      ]) {
        const response = await fetch(`${stack.url}/account/qr?${query}`);
        expect(response.status, query).to.equal(400);
        expect(response.headers.get("content-type"), query).to.match(/^application\/problem\+json/);
      }
    });
  });
});
