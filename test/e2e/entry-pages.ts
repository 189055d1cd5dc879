/**
 * The ways into the customer pages without a working QR code, in a real browser (headless
 * Chromium) under the pages' real CSP: the home page (check a piece, register one with a typed
 * code), the Unknown page's advice, the brand's contact where a customer must act, the claim
 * page's reassurance and its states, the buyer-first ownership section, the prove page on a small
 * phone, and the link previews, favicon and robots.txt. English and French, phone and desktop.
 */
import { expect } from "chai";
import type { Browser, Page, Request as PageRequest } from "playwright-core";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet } from "ethers";
import { newClaimCode } from "../../server/chain/claim-code.js";
import { DEMO_BRAND_PROFILE, demoSerialHash } from "../../scripts/demo/seed.js";
import { launchBrowser, phoneContext, screenshot, seriousAxeViolations } from "./browser.js";
import type { CspViolation } from "./browser.js";
import { startE2eStack } from "./stack.js";
import type { E2eStack } from "./stack.js";

type WatchedContext = Awaited<ReturnType<typeof phoneContext>>;

describe("customer entry pages (browser)", function () {
  this.timeout(180_000);
  let stack: E2eStack;
  let browser: Browser;
  let context: WatchedContext;
  let signers: HardhatEthersSigner[];

  before(async function () {
    [stack, browser] = await Promise.all([startE2eStack(), launchBrowser()]);
    signers = await stack.ethers.getSigners();
  });

  after(async function () {
    await browser?.close();
    await stack?.close();
  });

  beforeEach(async function () {
    context = await phoneContext(browser);
  });

  afterEach(async function () {
    const violations: CspViolation[] = [...context.violations];
    await context.close();
    expect(violations, "Content-Security-Policy violations").to.deep.equal([]);
  });

  async function withContext(
    options: Parameters<typeof phoneContext>[1],
    use: (other: WatchedContext) => Promise<void>,
  ): Promise<void> {
    const other = await phoneContext(browser, options);
    try {
      await use(other);
    } finally {
      await other.close();
    }
    expect(other.violations, "Content-Security-Policy violations").to.deep.equal([]);
  }

  async function open(path: string, page?: Page, status?: number): Promise<Page> {
    const target = page ?? (await context.newPage());
    const response = await target.goto(stack.url + path);
    expect(response, path).to.not.equal(null);
    if (status !== undefined) expect(response!.status(), path).to.equal(status);
    return target;
  }

  const certificate = () =>
    stack.ethers.getContractAt("HallmarkCertificate", stack.deployments.contracts.HallmarkCertificate);
  const claimState = (page: Page) => page.locator("#claim-result").getAttribute("data-claim-state");
  const vault = () => signers[5];

  /** A bag in the vault with no code yet, given `key` as its claim key by the vault. */
  async function setClaimKey(serialIndex: number, key: string): Promise<string> {
    const contract = await certificate();
    const serialHash = demoSerialHash("1", `MA-2024-${String(serialIndex).padStart(4, "0")}`);
    const tokenId = await contract.tokenIdOf(1, serialHash);
    await (await contract.connect(vault()).setClaimKey(tokenId, key)).wait();
    await stack.indexed();
    return tokenId.toString();
  }

  describe("/ (home)", function () {
    for (const [lang, path, title] of [
      ["en", "/", "Is it genuine?"],
      ["fr", "/fr", "Cette pièce est-elle authentique ?"],
    ] as const) {
      it(`offers checking a piece, registering one and what Hallmark is, in ${lang}, with no accessibility violation`, async function () {
        const page = await open(path, undefined, 200);
        expect(await page.locator("html").getAttribute("lang")).to.equal(lang);
        expect(await page.locator("h1").innerText()).to.equal(title);
        expect(await page.locator("#brand option").allInnerTexts()).to.include.members([
          "Maison Aurelle",
          "Volta Milano",
        ]);
        expect(await page.locator("form#code-form").getAttribute("method")).to.equal("post");
        expect(await page.locator("#about-title").count()).to.equal(1);
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await screenshot(page, `home-${lang}`);
        await page.setViewportSize({ width: 1280, height: 800 });
        await screenshot(page, `home-${lang}-desktop`);
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
      });
    }

    it("links the two languages to / and /fr", async function () {
      const page = await open("/fr");
      expect(await page.locator('.langs a[hreflang="en"]').getAttribute("href")).to.equal("/");
      expect(await page.locator('.langs a[hreflang="fr"]').getAttribute("href")).to.equal("/fr");
    });

    describe("when a customer types a brand and a serial, without JavaScript", function () {
      it("lands on the piece's verification page", async function () {
        await withContext({ javaScriptEnabled: false }, async (noJs) => {
          const page = await noJs.newPage();
          await page.goto(`${stack.url}/`);
          await page.locator("#brand").selectOption({ label: "Maison Aurelle" });
          await page.getByLabel("Serial number").fill(" MA-2024-0001 ");
          await page.getByRole("button", { name: "Check", exact: true }).first().click();
          // The serial asked goes along (the page shows it once it hashes to this certificate).
          await page.waitForURL(new RegExp(`/v/${stack.demo.tokens.resold}(\\?|$)`));
          expect(await page.locator("[data-verdict]").first().getAttribute("data-verdict")).to.equal(
            "genuine",
          );
        });
      });
    });

    describe("when a customer types a certificate number", function () {
      it("lands on its page, in the page's language", async function () {
        const page = await open("/fr");
        await page.getByLabel("Numéro de certificat").fill(stack.demo.tokens.stolen);
        await page.getByRole("button", { name: "Vérifier", exact: true }).nth(1).click();
        await page.waitForURL(`**/v/${stack.demo.tokens.stolen}?lang=fr`);
        expect(await page.locator("h1").first().innerText()).to.equal("Déclaré volé");
      });

      it("says what a certificate number looks like when it is not one (400)", async function () {
        const page = await open(`/check?certificate=${encodeURIComponent("12-AB")}`, undefined, 400);
        expect(await page.locator("#certificate-error").innerText()).to.contain("digits only");
        expect(await page.locator("#certificate").getAttribute("aria-invalid")).to.equal("true");
        expect(await page.locator("#certificate").inputValue()).to.equal("12-AB");
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
      });
    });

    describe("when a customer types a claim code", function () {
      it("catches a typo in the page, before any request", async function () {
        const { code } = stack.demo.claimCodes[0];
        const page = await open("/");
        const requests: string[] = [];
        page.on("request", (request: PageRequest) => requests.push(new URL(request.url()).pathname));
        const last = code.at(-1)!;
        const typo = code.slice(0, -1) + (last === "0" ? "1" : "0");
        await page.getByLabel("Code from your card").fill(typo);
        await page.getByRole("button", { name: "Continue" }).click();
        await page.locator("#code-error:not([hidden])").waitFor();
        expect(await page.locator("#code-error").innerText()).to.contain("typo");
        expect(await page.locator("#claim-code").getAttribute("aria-invalid")).to.equal("true");
        expect(requests.filter((path) => path.startsWith("/claim"))).to.deep.equal([]);
        await screenshot(page, "home-code-typo");
      });

      it("opens the piece's claim page with the code, typed in lower case with spaces, and never sends the code", async function () {
        const { tokenId, code } = stack.demo.claimCodes[1];
        const page = await open("/");
        const sent: string[] = [];
        page.on("request", (request: PageRequest) => sent.push(request.url() + (request.postData() ?? "")));
        await page.getByLabel("Code from your card").fill(code.toLowerCase().replaceAll("-", " "));
        await page.getByRole("button", { name: "Continue" }).click();
        await page.waitForURL(`**/claim/${tokenId}`);
        await page.locator("#claim-ui:not([hidden])").waitFor();
        for (const line of sent) expect(line).to.not.contain(code.replaceAll("-", "").slice(0, 10));
      });

      it("says so when no piece waits for a well-formed code", async function () {
        const page = await open("/");
        // A valid code nobody set: its check symbol is right, its key unknown.
        await page.getByLabel("Code from your card").fill(newClaimCode().code);
        await page.getByRole("button", { name: "Continue" }).click();
        await page.locator("#code-error:not([hidden])").waitFor();
        expect(await page.locator("#code-error").innerText()).to.contain("No piece is waiting for this code");
      });

      it("checks the code on the server too when JavaScript is off: a typo is a 400, a good code goes to its claim page", async function () {
        const { tokenId, code } = stack.demo.claimCodes[2];
        await withContext({ javaScriptEnabled: false }, async (noJs) => {
          const page = await noJs.newPage();
          await page.goto(`${stack.url}/fr`);
          await page.getByLabel("Code de votre carte").fill(code.slice(0, -2));
          const refused = page.waitForResponse(
            (r) => r.url().endsWith("/claim") && r.request().method() === "POST",
          );
          await page.getByRole("button", { name: "Continuer" }).click();
          expect((await refused).status()).to.equal(400);
          expect(await page.locator("#code-error").innerText()).to.contain("25 lettres et chiffres");
          await page.getByLabel("Code de votre carte").fill(code);
          await page.getByRole("button", { name: "Continuer" }).click();
          await page.waitForURL(`**/claim/${tokenId}?lang=fr#code=${code}`);
          expect(await page.locator("html").getAttribute("lang")).to.equal("fr");
        });
      });

      it("still accepts a code of the earlier format (a 0x private key)", async function () {
        const legacy = Wallet.createRandom();
        const tokenId = await setClaimKey(11, legacy.address);
        const page = await open("/");
        await page.getByLabel("Code from your card").fill(legacy.privateKey);
        await page.getByRole("button", { name: "Continue" }).click();
        await page.waitForURL(`**/claim/${tokenId}`);
        await page.locator("#claim-ui:not([hidden])").waitFor();
      });
    });
  });

  describe("the Unknown page", function () {
    it("says it once, advises what to do, and gives the brand's contact when the link names the brand (404)", async function () {
      const page = await open("/b/1/MA-NOT-ISSUED", undefined, 404);
      const text = await page.locator("main").innerText();
      const intro = "No certificate with this number is known to this verifier.";
      expect(text.split(intro)).to.have.length(2);
      expect(await page.locator(".advice-list li").count()).to.equal(3);
      expect(text).to.contain("counterfeit");
      expect(await page.locator("[data-brand-contact]").getAttribute("data-brand-contact")).to.equal(
        "profile",
      );
      expect(await page.locator('a[href^="tel:"]').innerText()).to.equal(DEMO_BRAND_PROFILE.contact.phone);
      expect(await page.locator("#report-listing").getAttribute("href")).to.match(
        /^mailto:care@maison-aurelle\.example\?subject=/,
      );
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
      await screenshot(page, "unknown-serial");
    });

    it("falls back to where to look for a brand without a profile, in French", async function () {
      const page = await open("/b/2/VM-NOPE?lang=fr", undefined, 404);
      expect(await page.locator("[data-brand-contact]").getAttribute("data-brand-contact")).to.equal("none");
      expect(await page.locator("#contact-title").innerText()).to.equal("Contacter Volta Milano");
      const text = await page.locator("main").innerText();
      expect(text.split("Aucun certificat portant ce numéro")).to.have.length(2);
    });

    it("gives a malformed number its own message and a 400", async function () {
      for (const path of ["/v/not-a-number", "/claim/12x", "/v/0x"]) {
        const page = await open(path, undefined, 400);
        expect(await page.locator("[data-unknown-reason]").getAttribute("data-unknown-reason")).to.equal(
          "malformed",
        );
        expect(await page.locator("h1").innerText()).to.equal("Not a valid number");
        await page.close();
      }
      const page = await open("/v/abc?lang=fr", undefined, 400);
      expect(await page.locator("h1").innerText()).to.equal("Numéro non valide");
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
    });
  });

  describe("a stolen or revoked piece", function () {
    it("stolen: gives the brand's contact and a report link, and does not repeat its title as a bullet", async function () {
      const page = await open(`/v/${stack.demo.tokens.stolen}`);
      expect(await page.locator('[data-flag="stolen"]').count()).to.equal(0);
      expect(await page.locator("[data-brand-contact]").getAttribute("data-brand-contact")).to.equal(
        "profile",
      );
      expect(await page.locator("#report-listing").innerText()).to.equal("Report a suspicious listing");
      expect(await page.locator("[data-actions-warning]").count()).to.equal(1);
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
      await screenshot(page, "stolen-contact");
    });

    it("revoked: reads as a danger (red, solid border), not as inactive grey", async function () {
      const page = await open(`/v/${stack.demo.tokens.revoked}`);
      const style = await page.evaluate<{ border: string; color: string; background: string }>(
        `(() => { const c = getComputedStyle(document.querySelector(".verdict-revoked")); return { border: c.borderTopStyle, color: c.color, background: c.backgroundColor }; })()`,
      );
      expect(style.border).to.equal("solid");
      expect(style.color).to.equal("rgb(139, 20, 20)");
      expect(style.background).to.equal("rgb(253, 232, 232)");
      expect(await page.locator('[data-flag="revoked"]').count()).to.equal(0);
      expect(await page.locator("#contact-title").innerText()).to.equal("Contact Maison Aurelle");
      expect(await page.locator("[data-actions-warning]").count()).to.equal(1);
    });

    it("claim page: refuses to register it, with a warning and the brand's contact", async function () {
      const page = await open(`/claim/${stack.demo.tokens.stolen}`);
      expect(await claimState(page)).to.equal("blocked");
      expect(await page.locator("#claim-ui").count()).to.equal(0);
      expect(await page.locator("[data-brand-contact]").count()).to.equal(1);
    });
  });

  describe("the buyer's ownership section", function () {
    it("leads with asking the seller (the filled button), signing here second", async function () {
      const page = await open(`/v/${stack.demo.tokens.resold}`);
      const watch = page.getByRole("button", { name: "Ask the seller to prove ownership" });
      const sign = page.getByRole("button", { name: "Sign with my wallet" });
      await watch.waitFor();
      expect(await watch.getAttribute("class")).to.equal("button");
      expect(await sign.getAttribute("class")).to.equal("button secondary");
      const [watchBox, signBox] = [await watch.boundingBox(), await sign.boundingBox()];
      expect(watchBox!.y).to.be.below(signBox!.y);
      expect(await page.locator("#ownership-title").innerText()).to.equal("Buying this piece?");
      expect(await page.locator("[data-actions-warning]").count()).to.equal(0);
    });
  });

  describe("the seller's prove page", function () {
    it("fits a 360 px phone, the long certificate number included", async function () {
      await withContext({ viewport: { width: 360, height: 740 } }, async (small) => {
        const page = await small.newPage();
        const response = await page.goto(`${stack.url}/v/${stack.demo.tokens.resold}/prove`);
        expect(response?.headers()["x-robots-tag"]).to.equal("noindex, nofollow");
        expect(await page.evaluate<number>("document.documentElement.scrollWidth")).to.be.at.most(360);
        expect(await page.locator(".prove-id code").innerText()).to.equal(stack.demo.tokens.resold);
        expect(await page.locator('meta[name="robots"]').getAttribute("content")).to.equal(
          "noindex, nofollow",
        );
        await screenshot(page, "prove-360");
      });
    });
  });

  describe("/claim/:tokenId", function () {
    it("shows the piece, its picture and the Genuine badge before claiming", async function () {
      const { tokenId, code } = stack.demo.claimCodes[3];
      const page = await open(`/claim/${tokenId}#code=${code}`);
      await page.locator("#claim-ui:not([hidden])").waitFor();
      expect(await page.locator(".claim-piece img").count()).to.equal(1);
      expect(await page.locator('.claim-piece [data-verdict="genuine"]').innerText()).to.equal(
        "Genuine: issued by Maison Aurelle",
      );
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
      await screenshot(page, "claim-before");
    });

    it("accepts a typed code when the link has none", async function () {
      const { tokenId, code } = stack.demo.claimCodes[3];
      const page = await open(`/claim/${tokenId}?lang=fr`);
      expect(await claimState(page)).to.equal("no-code");
      await page.getByLabel("Saisissez le code de votre carte").fill(code.slice(0, 5) + "U" + code.slice(6));
      await page.getByRole("button", { name: "Utiliser ce code" }).click();
      expect(await claimState(page)).to.equal("bad-code");
      await page.getByLabel("Saisissez le code de votre carte").fill(code);
      await page.getByRole("button", { name: "Utiliser ce code" }).click();
      await page.locator("#claim-ui:not([hidden])").waitFor();
      expect(await page.locator("#code-entry").isHidden()).to.equal(true);
    });

    it("after Done! locks the form and links to the certificate; a reload says it is already registered, and yours", async function () {
      const { tokenId, code } = stack.demo.claimCodes[4];
      const recipient = signers[13].address;
      const page = await open(`/claim/${tokenId}#code=${code}`);
      await page.getByLabel("Recipient address (0x…)").fill(recipient);
      await page.getByRole("button", { name: "Claim", exact: true }).click();
      await page.locator('#claim-result[data-claim-state="claimed"]').waitFor({ timeout: 60_000 });
      for (const id of ["#claim-button", "#sign-button", "#connect-button", "#recipient"])
        expect(await page.locator(id).isDisabled(), id).to.equal(true);
      const link = page.getByRole("link", { name: "See your certificate" });
      expect(await link.getAttribute("href")).to.equal(`/v/${tokenId}`);
      await screenshot(page, "claim-done-locked");

      await stack.indexed();
      // The tab is reloaded (the code left its address when the page read it).
      expect(page.url()).to.equal(`${stack.url}/claim/${tokenId}`);
      await page.reload();
      const again = page;
      expect(await claimState(again)).to.equal("used");
      await again.locator('#claim-result[data-claimed-by="you"]').waitFor();
      expect(await again.locator("#claim-result").innerText()).to.contain(recipient);
      expect(await again.locator("#claim-not-you").isHidden()).to.equal(true);

      // Another browser (the card's next holder) reads that it was registered, not withdrawn.
      await withContext({}, async (other) => {
        const stranger = await other.newPage();
        await stranger.goto(`${stack.url}/claim/${tokenId}`);
        expect(await claimState(stranger)).to.equal("used");
        expect(await stranger.locator("#claim-result").innerText()).to.contain(
          "was registered with its code",
        );
        expect(await stranger.locator("#claim-not-you").isVisible()).to.equal(true);
        expect(await seriousAxeViolations(stranger)).to.deep.equal([]);
      });
    });

    it("tells a withdrawn code from a used one", async function () {
      const tokenId = await setClaimKey(12, Wallet.createRandom().address);
      await (
        await (await certificate()).connect(vault()).setClaimKey(tokenId, stack.ethers.ZeroAddress)
      ).wait();
      await stack.indexed();
      const page = await open(`/claim/${tokenId}`);
      expect(await claimState(page)).to.equal("withdrawn");
      expect(await page.locator("[data-brand-contact]").count()).to.equal(1);
    });
  });

  describe("link previews, favicon and robots.txt", function () {
    it("a piece's page carries Open Graph tags with its picture at the public origin", async function () {
      const page = await open(`/v/${stack.demo.tokens.resold}`);
      const og = async (property: string) =>
        page.locator(`meta[property="og:${property}"]`).getAttribute("content");
      expect(await og("title")).to.contain("Sac Aurelle 30");
      expect(await og("url")).to.equal(`${stack.publicUrl}/v/${stack.demo.tokens.resold}`);
      expect(await og("image")).to.match(new RegExp(`^${stack.publicUrl}/ipfs/`));
      const picture = await fetch((await og("image"))!.replace(stack.publicUrl, stack.url));
      expect(picture.status).to.equal(200);
      expect(picture.headers.get("content-type")).to.match(/^image\//);
    });

    it("every page links the favicon, which is served", async function () {
      const page = await open("/");
      expect(await page.locator('link[rel="icon"]').getAttribute("href")).to.equal("/favicon.svg");
      const icon = await fetch(`${stack.url}/favicon.svg`);
      expect(icon.headers.get("content-type")).to.match(/^image\/svg\+xml/);
      const ico = await fetch(`${stack.url}/favicon.ico`, { redirect: "manual" });
      expect(ico.status).to.equal(301);
    });

    it("robots.txt keeps search engines off claim, prove and API pages, not off the pieces", async function () {
      const robots = await fetch(`${stack.url}/robots.txt`);
      expect(robots.headers.get("content-type")).to.match(/^text\/plain/);
      const text = await robots.text();
      for (const rule of ["Disallow: /claim", "Disallow: /v/*/prove", "Disallow: /v1/"])
        expect(text).to.contain(rule);
      expect(text).to.not.match(/Disallow: \/v\/?\n/);
      const claim = await fetch(`${stack.url}/claim/${stack.demo.claimCodes[5].tokenId}`);
      expect(claim.headers.get("x-robots-tag")).to.equal("noindex, nofollow");
    });
  });
});
