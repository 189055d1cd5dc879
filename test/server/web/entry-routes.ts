import { expect } from "chai";
import { newClaimCode } from "../../../server/chain/claim-code.js";
import { buildStack, getJson } from "../api/stack.js";
import type { Stack } from "../api/stack.js";

/** The entry routes over HTTP (the browser's view is test/e2e/entry-pages.ts): codes checked server-side, problem+json for JSON clients. */
describe("web: entry routes", function () {
  let stack: Stack;
  let tokenId: bigint;
  const { code, key } = newClaimCode();

  before(async function () {
    stack = await buildStack();
    tokenId = await stack.issue("ENTRY-1", stack.vaultA.address, { claimKey: key.address });
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  const postCode = (typed: string, accept = "text/html") =>
    fetch(`${stack.url}/claim`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body: new URLSearchParams({ code: typed }).toString(),
    });

  describe("POST /claim", function () {
    it("sends a well-formed code on to its claim page, the code in the fragment", async function () {
      const response = await postCode(code.toLowerCase().replaceAll("-", ""));
      expect(response.status).to.equal(303);
      expect(response.headers.get("location")).to.equal(`/claim/${tokenId}#code=${code}`);
      expect(response.headers.get("cache-control")).to.equal("no-store");
    });

    it("refuses a mistyped code with 400 (the home page for a browser, problem+json for a client)", async function () {
      const typo = code.slice(0, -1) + (code.endsWith("0") ? "1" : "0");
      const page = await postCode(typo);
      expect(page.status).to.equal(400);
      expect(await page.text()).to.contain("This code has a typo");
      const problem = await postCode(typo, "application/json");
      expect(problem.status).to.equal(400);
      expect(problem.headers.get("content-type")).to.match(/^application\/problem\+json/);
    });

    it("answers 404 for a well-formed code no piece waits for", async function () {
      expect((await postCode(newClaimCode().code)).status).to.equal(404);
      expect((await postCode(newClaimCode().code, "application/json")).status).to.equal(404);
    });
  });

  describe("GET /claim/key/:address", function () {
    it("names the certificate waiting for the key, and 404 for another", async function () {
      const found = await getJson<{ tokenId: string }>(`${stack.url}/claim/key/${key.address.toLowerCase()}`);
      expect(found.status).to.equal(200);
      expect(found.body.tokenId).to.equal(tokenId.toString());
      const missing = await getJson(`${stack.url}/claim/key/${newClaimCode().key.address}`);
      expect(missing.status).to.equal(404);
      const malformed = await getJson(`${stack.url}/claim/key/0x1234`);
      expect(malformed.status).to.equal(400);
    });
  });

  describe("GET /check", function () {
    it("sends a certificate number to its page and a serial to its brand's serial link, keeping the language", async function () {
      const byNumber = await fetch(`${stack.url}/check?certificate=${tokenId}&lang=fr`, {
        redirect: "manual",
      });
      expect(byNumber.status).to.equal(303);
      expect(byNumber.headers.get("location")).to.equal(`/v/${tokenId}?lang=fr`);
      const bySerial = await fetch(`${stack.url}/check?brand=1&serial=${encodeURIComponent("A B/1")}`, {
        redirect: "manual",
      });
      expect(bySerial.headers.get("location")).to.equal(`/b/1/${encodeURIComponent("A B/1")}`);
    });

    it("answers the home page with 400 when the form is incomplete", async function () {
      const response = await fetch(`${stack.url}/check?brand=1`);
      expect(response.status).to.equal(400);
      expect(await response.text()).to.contain("Choose the brand and type the serial.");
    });
  });

  describe("the Unknown page", function () {
    it("answers 400 for a malformed number and 404 for an unknown one, with the sentence once", async function () {
      const malformed = await fetch(`${stack.url}/v/12ab`, { headers: { Accept: "text/html" } });
      expect(malformed.status).to.equal(400);
      expect(await malformed.text()).to.contain('data-unknown-reason="malformed"');
      const unknown = await fetch(`${stack.url}/v/12`, { headers: { Accept: "text/html" } });
      expect(unknown.status).to.equal(404);
      const text = await unknown.text();
      expect(text.split("No certificate with this number is known to this verifier.")).to.have.length(2);
    });
  });

  describe("GET /robots.txt", function () {
    it("disallows the claim and prove pages", async function () {
      const text = await (await fetch(`${stack.url}/robots.txt`)).text();
      expect(text).to.contain("Disallow: /claim\n").and.contain("Disallow: /v/*/prove\n");
    });
  });
});
