/**
 * The customer pages in a real browser (headless Chromium) against the whole stack in-process:
 * verdicts, history, the claim flow with a wallet simulated in the page, the seller's ownership
 * check, the 3D garment viewer, and an axe-core accessibility check.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { sha256Hex } from "../../server/ipfs/commitment.js";
import { issueClaimCodes, readClaimCodes } from "../../server/issuer/claim-codes.js";
import { connectHallmark } from "../../server/issuer/contracts.js";
import { demoGtin } from "../../scripts/demo/catalogue.js";
import { DEMO_BRANDS, demoSerialHash } from "../../scripts/demo/seed.js";
import { makeTempDir } from "../server/support/temp-dir.js";
import { qrSvg } from "../../server/web/qr.js";
import {
  injectWallet,
  launchBrowser,
  phoneContext,
  screenshot,
  seriousAxeViolations,
  waitInPage,
} from "./browser.js";
import type { CspViolation } from "./browser.js";
import { startE2eStack } from "./stack.js";
import type { E2eStack } from "./stack.js";

const README_SCREENSHOT = join(process.cwd(), "docs", "screenshots", "verify-genuine.png");

describe("customer verification pages (browser)", function () {
  this.timeout(180_000);
  let stack: E2eStack;
  let browser: Browser;
  let context: Awaited<ReturnType<typeof phoneContext>>;
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
    // Every page ran under its real CSP; none of them may have been refused anything.
    const violations: CspViolation[] = [...context.violations];
    await context.close();
    expect(violations, "Content-Security-Policy violations").to.deep.equal([]);
  });

  /** Another context (language, JavaScript off) under the same CSP watch, closed and checked by `use`. */
  async function withContext(
    options: Parameters<typeof phoneContext>[1],
    use: (other: Awaited<ReturnType<typeof phoneContext>>) => Promise<void>,
  ): Promise<void> {
    const other = await phoneContext(browser, options);
    try {
      await use(other);
    } finally {
      await other.close();
    }
    expect(other.violations, "Content-Security-Policy violations").to.deep.equal([]);
  }

  async function open(path: string, page?: Page): Promise<Page> {
    const target = page ?? (await context.newPage());
    const response = await target.goto(stack.url + path);
    expect(response, path).to.not.equal(null);
    return target;
  }

  /** The wallet the page talks to, backed by a Hardhat signer. */
  async function walletFor(
    page: Page,
    signer: HardhatEthersSigner,
    options: { beforeSend?: () => Promise<void> } = {},
  ): Promise<void> {
    await injectWallet(page, {
      account: signer.address,
      chainId: stack.deployments.chainId,
      send: async (tx) => {
        await options.beforeSend?.();
        try {
          const sent = await signer.sendTransaction({ to: tx.to, data: tx.data });
          await sent.wait();
          return { hash: sent.hash };
        } catch (error) {
          const e = error as { shortMessage?: string; message: string; data?: string };
          return {
            error: {
              message: e.shortMessage ?? e.message,
              data: typeof e.data === "string" ? e.data : undefined,
            },
          };
        }
      },
      signTypedData: async (account, json) => {
        const typed = JSON.parse(json) as {
          domain: Record<string, unknown>;
          types: Record<string, { name: string; type: string }[]>;
          message: Record<string, unknown>;
        };
        expect(account.toLowerCase()).to.equal(signer.address.toLowerCase());
        const types = Object.fromEntries(
          Object.entries(typed.types).filter(([name]) => name !== "EIP712Domain"),
        );
        return signer.signTypedData(typed.domain, types, typed.message);
      },
    });
  }

  const verifyOwner = (page: Page) => page.locator("[data-owner]").getAttribute("data-owner");
  const verdictOf = (page: Page) => page.locator("[data-verdict]").first().getAttribute("data-verdict");
  const timelineKinds = async (page: Page): Promise<string[]> =>
    page
      .locator(".timeline .event")
      .evaluateAll((nodes) =>
        nodes.map((node) =>
          (node as unknown as { getAttribute(name: string): string }).getAttribute("data-kind"),
        ),
      );

  describe("/v/:tokenId", function () {
    describe("when the certificate is genuine, resold through a partner", function () {
      it("shows the Genuine verdict, the product, the owner and the history in the order it happened", async function () {
        const page = await open(`/v/${stack.demo.tokens.resold}`);
        expect(await verdictOf(page)).to.equal("genuine");
        expect(await page.locator("h1").innerText()).to.equal("Genuine");
        expect(await page.locator("#product-title").innerText()).to.equal("Sac Aurelle 30");
        const bob = signers[9].address;
        expect(await page.locator("[data-owner]").getAttribute("data-owner")).to.equal(bob);
        // The sale, repair and resale were back-filled after the issuance: shown when they happened.
        expect(await timelineKinds(page)).to.deep.equal([
          "manufactured",
          "sale",
          "repair",
          "authenticated_resale",
          "issued",
          "transfer",
        ]);
        const history = await page.locator("#history-title + ol").innerText();
        expect(history).to.include("Florence");
        expect(history).to.include("Maison Aurelle Paris");
        expect(history).to.include("Handle re-stitched with waxed linen thread");
        expect(history).to.include("Seconde Main Paris");
        expect(
          await page.locator("[data-metadata-verified]").getAttribute("data-metadata-verified"),
        ).to.equal("true");
        expect(await page.locator(".warnings").count()).to.equal(0);
        await screenshot(page, "verify-genuine", README_SCREENSHOT);
      });

      it("shows the passport: materials, origin and care", async function () {
        const page = await open(`/v/${stack.demo.tokens.resold}`);
        const passport = await page.locator("#passport-title").locator("..").innerText();
        expect(passport).to.include("85% Calfskin");
        expect(passport).to.include("Florence, Italy");
        expect(passport).to.include("Store in its dust bag");
      });

      it("shows the photos from IPFS through the verifier's own gateway", async function () {
        const page = await open(`/v/${stack.demo.tokens.resold}`);
        const image = page.locator(".photos img").first();
        expect(await image.getAttribute("src")).to.match(/^\/ipfs\/[a-z0-9]+/);
        await image.scrollIntoViewIfNeeded();
        expect(
          await image.evaluate(
            (img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth,
          ),
        ).to.be.greaterThan(0);
      });

      it("carries a QR code of its address at the configured public URL, whatever Host the request names", async function () {
        const expected = `${stack.publicUrl}/v/${stack.demo.tokens.resold}`;
        const qrPath = async (svg: string): Promise<string[]> => {
          const probe = await context.newPage();
          await probe.setContent(svg);
          return probe
            .locator("svg path")
            .evaluateAll((paths) =>
              paths.map((p) => (p as unknown as { getAttribute(n: string): string }).getAttribute("d")),
            );
        };
        const page = await open(`/v/${stack.demo.tokens.resold}`);
        expect(await page.locator(".qr svg").count()).to.equal(1);
        expect(await page.locator(".share a").getAttribute("href")).to.equal(expected);
        expect(
          await page
            .locator(".qr svg path")
            .evaluateAll((paths) =>
              paths.map((p) => (p as unknown as { getAttribute(n: string): string }).getAttribute("d")),
            ),
        ).to.deep.equal(await qrPath(await qrSvg(expected)));
        // A spoofed Host (or a TLS proxy's internal one) changes nothing.
        const spoofed = await context.request.get(`${stack.url}/v/${stack.demo.tokens.resold}`, {
          headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" },
        });
        const markup = await spoofed.text();
        expect(markup).to.include(`href="${expected}"`);
        expect(markup).to.not.include("evil.example");
      });

      it("has no serious or critical accessibility violations", async function () {
        const page = await open(`/v/${stack.demo.tokens.resold}`);
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
      });
    });

    describe("when the certificate is reported stolen", function () {
      it("shows the Reported stolen verdict with the reason and the event in the history", async function () {
        const page = await open(`/v/${stack.demo.tokens.stolen}`);
        expect(await verdictOf(page)).to.equal("stolen");
        expect(await page.locator("h1").innerText()).to.equal("Reported stolen");
        expect(await page.locator(".verdict").innerText()).to.include("taken from a boutique fitting room");
        expect(await timelineKinds(page)).to.include("stolen");
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await screenshot(page, "verify-stolen");
      });
    });

    describe("when the certificate is revoked", function () {
      it("shows the Revoked verdict with the brand's reason", async function () {
        const page = await open(`/v/${stack.demo.tokens.revoked}`);
        expect(await verdictOf(page)).to.equal("revoked");
        expect(await page.locator("h1").innerText()).to.equal("Revoked");
        expect(await page.locator(".verdict").innerText()).to.include("counterfeit tag found at inspection");
        expect(await page.locator("[data-owner]").getAttribute("data-owner")).to.equal("brand");
        expect(await timelineKinds(page)).to.include("revoked");
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await screenshot(page, "verify-revoked");
      });
    });

    describe("when the certificate was replaced by a successor", function () {
      it("warns and links to the current certificate", async function () {
        const page = await open(`/v/${stack.demo.tokens.succeeded}`);
        expect(await verdictOf(page)).to.equal("superseded");
        expect(await page.locator('[data-flag="superseded"]').count()).to.equal(1);
        expect(await page.locator(`.warnings a[href="/v/${stack.demo.tokens.successor}"]`).count()).to.equal(
          1,
        );
      });
    });

    describe("when the description does not verify against the chain", function () {
      let tampered: string;
      let unreadable: string;

      before(async function () {
        // Issued by the brand's own issuer, with a digest whose document is not a valid description
        // (a tampered or hand-made document) and one whose document IPFS has never seen.
        const issuer = signers[2];
        const vault = signers[5];
        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        const forged = new TextEncoder().encode(
          JSON.stringify({
            schema: "hallmark.certificate-metadata.v1",
            name: "Sac Aurelle 30",
            description: "Genuine, trust me",
          }),
        );
        await stack.verifier.metadataStore.addBytes(forged);
        const inputs = [
          { serialHash: stack.ethers.id("e2e-forged-description"), metadataDigest: sha256Hex(forged) },
          {
            serialHash: stack.ethers.id("e2e-missing-description"),
            metadataDigest: sha256Hex(randomBytes(64)),
          },
        ].map((input) => ({ ...input, chip: stack.ethers.ZeroAddress, claimKey: stack.ethers.ZeroAddress }));
        await (await certificate.connect(issuer).issueBatch(1, vault.address, inputs)).wait();
        [tampered, unreadable] = (
          await Promise.all(inputs.map((input) => certificate.tokenIdOf(1, input.serialHash)))
        ).map(String);
        await stack.indexed();
      });

      it("shows a do-not-buy verdict, never Genuine, for a document that is not the brand's", async function () {
        const page = await open(`/v/${tampered}`);
        expect(await verdictOf(page)).to.equal("mismatch");
        expect(await page.locator("h1").innerText()).to.equal("Description does not match");
        expect(await page.locator(".verdict").innerText()).to.include("Do not buy it");
        expect(
          await page.locator("[data-metadata-verified]").getAttribute("data-metadata-verified"),
        ).to.equal("false");
        expect(await page.locator('.warnings li[data-flag^="metadata_"]').count()).to.equal(1);
        // Nothing from the unverified document is shown.
        expect(await page.locator("body").innerText()).to.not.include("trust me");
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await screenshot(page, "verify-mismatch");
      });

      it("shows Cannot be checked right now, never Genuine, when the document cannot be read", async function () {
        const page = await open(`/v/${unreadable}`);
        expect(await verdictOf(page)).to.equal("unverified");
        expect(await page.locator("h1").innerText()).to.equal("Cannot be checked right now");
        expect(
          await page.locator("[data-metadata-verified]").getAttribute("data-metadata-verified"),
        ).to.equal("false");
        expect(await page.locator('.warnings li[data-flag="metadata_unverified"]').count()).to.equal(1);
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await screenshot(page, "verify-unverified");
      });

      it("says both in French", async function () {
        const mismatch = await open(`/v/${tampered}?lang=fr`);
        expect(await mismatch.locator("h1").innerText()).to.equal("Description non conforme");
        const unverified = await open(`/v/${unreadable}?lang=fr`);
        expect(await unverified.locator("h1").innerText()).to.equal("Vérification impossible pour l'instant");
      });
    });

    describe("under the page's Content-Security-Policy", function () {
      it("is served with its CSP in force: an inline script is refused and reported", async function () {
        const page = await open(`/v/${stack.demo.tokens.resold}`);
        expect((await page.request.get(page.url())).headers()["content-security-policy"]).to.include(
          "script-src 'self'",
        );
        await page.addScriptTag({ content: "window.__inlineRan = true;" }).catch(() => undefined);
        expect(await page.evaluate("window.__inlineRan === true")).to.equal(false);
        await page.waitForFunction("true");
        expect(context.violations.map((v) => v.directive)).to.deep.equal(["script-src-elem"]);
        context.violations.length = 0; // The one violation this test caused on purpose.
      });
    });

    describe("when no certificate has the number", function () {
      it("answers 404 with the Unknown verdict", async function () {
        const page = await context.newPage();
        const response = await page.goto(`${stack.url}/v/12345`);
        expect(response?.status()).to.equal(404);
        expect(await verdictOf(page)).to.equal("unknown");
      });
    });

    describe("when JavaScript is disabled", function () {
      it("still shows the verdict and the history", async function () {
        await withContext({ javaScriptEnabled: false }, async (noJs) => {
          const page = await noJs.newPage();
          await page.goto(`${stack.url}/v/${stack.demo.tokens.stolen}`);
          expect(await verdictOf(page)).to.equal("stolen");
          expect((await timelineKinds(page)).length).to.be.greaterThan(2);
          // Proof that no script ran: verify.js would have shown the wallet button.
          expect(await page.locator("#ownership-button").isHidden()).to.equal(true);
        });
      });

      it("leaves the claim screen's wallet parts hidden, since claim.js cannot run", async function () {
        await withContext({ javaScriptEnabled: false }, async (noJs) => {
          const page = await noJs.newPage();
          await page.goto(`${stack.url}/claim/${stack.demo.claimCodes[3].tokenId}`);
          expect(await page.locator("h1").innerText()).to.equal("Claim your piece");
          expect(await page.locator("#claim-ui").isHidden()).to.equal(true);
          // With scripts on, a link without a code gets "no-code" at once.
          expect(await page.locator("#claim-result").getAttribute("data-claim-state")).to.equal(null);
        });
      });
    });

    describe("when the reader asks for French", function () {
      it("answers in French by Accept-Language, with no serious accessibility violation", async function () {
        await withContext(
          { locale: "fr-FR", extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" } },
          async (french) => {
            const page = await french.newPage();
            await page.goto(`${stack.url}/v/${stack.demo.tokens.resold}`);
            expect(await page.locator("html").getAttribute("lang")).to.equal("fr");
            expect(await page.locator("h1").innerText()).to.equal("Authentique");
            expect(await page.locator("#history-title").innerText()).to.equal("Historique");
            expect(await seriousAxeViolations(page)).to.deep.equal([]);
          },
        );
      });

      it("answers in French with ?lang=fr", async function () {
        const page = await open(`/v/${stack.demo.tokens.revoked}?lang=fr`);
        expect(await page.locator("h1").innerText()).to.equal("Révoqué");
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
      });
    });

    describe("when ?lang= names an Object.prototype member", function () {
      for (const lang of ["constructor", "toString", "__proto__"]) {
        it(`answers the page in English for ?lang=${lang}, not a 500`, async function () {
          const page = await context.newPage();
          const response = await page.goto(`${stack.url}/v/${stack.demo.tokens.resold}?lang=${lang}`);
          expect(response?.status()).to.equal(200);
          expect(await page.locator("html").getAttribute("lang")).to.equal("en");
          expect(await page.locator("h1").innerText()).to.equal("Genuine");
        });
      }

      it("answers 404, not a 500, for /web/vendor/constructor", async function () {
        const response = await context.request.get(`${stack.url}/web/vendor/constructor`);
        expect(response.status()).to.equal(404);
      });
    });

    describe("when a seller proves ownership from the page", function () {
      it("shows the buyer that the signing wallet owns the certificate", async function () {
        const page = await context.newPage();
        await walletFor(page, signers[9]); // bob owns the resold bag
        await open(`/v/${stack.demo.tokens.resold}`, page);
        await page.getByRole("button", { name: "Sign with my wallet" }).click();
        const result = page.locator('#ownership-result[data-owner="true"]');
        await result.waitFor();
        expect(await result.innerText()).to.match(/^Verified: wallet 0x/);
      });

      it("shows that a wallet which is not the owner is not verified", async function () {
        const page = await context.newPage();
        await walletFor(page, signers[8]); // alice sold it
        await open(`/v/${stack.demo.tokens.resold}`, page);
        await page.getByRole("button", { name: "Sign with my wallet" }).click();
        const result = page.locator('#ownership-result[data-owner="false"]');
        await result.waitFor();
        expect(await result.innerText()).to.match(/^Not verified/);
      });

      describe("when the buyer, on their own phone, asks the seller to prove ownership on theirs", function () {
        const token = () => stack.demo.tokens.resold;

        /** The buyer's page showing the QR code and the prove link, waiting for the seller. */
        async function askTheSeller(): Promise<{ buyer: Page; link: string }> {
          const buyer = await open(`/v/${token()}`);
          await buyer.getByRole("button", { name: "Ask the seller to prove ownership" }).click();
          await buyer.locator('#watch-status[data-state="pending"]').waitFor();
          const link = await buyer.locator("#watch-link").getAttribute("href");
          expect(link).to.match(
            new RegExp(`^${stack.publicUrl}/v/${token()}/prove#challenge=0x[0-9a-f]{64}$`),
          );
          return { buyer, link: link! };
        }

        it("shows a QR code of the prove link and waiting, with no serious accessibility violation", async function () {
          const { buyer } = await askTheSeller();
          const qr = buyer.getByRole("img", {
            name: "QR code of the link the seller opens to prove ownership",
          });
          expect(
            await qr.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
          ).to.be.greaterThan(0);
          expect(await buyer.locator("#watch-status").innerText()).to.match(
            /^⏳ Waiting for the seller to sign/,
          );
          await screenshot(buyer, "verify-watch-waiting");
          expect(await seriousAxeViolations(buyer)).to.deep.equal([]);
        });

        it("shows the buyer the owner verified once the seller has signed from the link on their own phone", async function () {
          const { buyer, link } = await askTheSeller();
          await withContext({}, async (sellerPhone) => {
            const seller = await sellerPhone.newPage();
            await walletFor(seller, signers[9]); // bob owns the resold bag
            await seller.goto(link);
            await seller.getByRole("button", { name: "Sign with my wallet" }).click();
            const done = seller.locator('#prove-result[data-owner="true"]');
            await done.waitFor();
            expect(await done.innerText()).to.match(/^✓ Done: wallet 0x.*Show the buyer their screen\.$/);
          });
          const verdict = buyer.locator('#watch-status[data-owner="true"]');
          await verdict.waitFor({ timeout: 10_000 });
          expect(await verdict.innerText()).to.match(
            /^✓ Verified: the seller's wallet 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} owns this certificate/,
          );
          await screenshot(buyer, "verify-watch-proven");
        });

        it("shows the buyer not the owner when another wallet signs", async function () {
          const { buyer, link } = await askTheSeller();
          await withContext({}, async (sellerPhone) => {
            const seller = await sellerPhone.newPage();
            await walletFor(seller, signers[8]); // alice sold it
            await seller.goto(link);
            await seller.getByRole("button", { name: "Sign with my wallet" }).click();
            await seller.locator('#prove-result[data-owner="false"]').waitFor();
          });
          const verdict = buyer.locator('#watch-status[data-owner="false"]');
          await verdict.waitFor({ timeout: 10_000 });
          expect(await verdict.innerText()).to.match(/^✗ Not verified/);
        });

        it("tells the seller a link without a challenge is of no use", async function () {
          const seller = await open(`/v/${token()}/prove`);
          expect(await seller.locator("#prove-result").innerText()).to.match(/^This link has no challenge/);
          expect(await seller.locator("#prove-button").isHidden()).to.equal(true);
        });
      });
    });
  });

  describe("/b/:brand/:serial (a printed serial)", function () {
    it("takes the browser to the certificate's page", async function () {
      const page = await context.newPage();
      const redirects: number[] = [];
      page.on("response", (response) => {
        if (response.status() >= 300 && response.status() < 400) redirects.push(response.status());
      });
      const response = await page.goto(`${stack.url}/b/1/MA-2024-0001`);
      expect(redirects).to.deep.equal([303]);
      expect(response?.status()).to.equal(200);
      expect(new URL(page.url()).pathname).to.equal(`/v/${stack.demo.tokens.resold}`);
      expect(await verdictOf(page)).to.equal("genuine");
    });

    it("shows the Unknown verdict with 404 for a serial nobody issued", async function () {
      const page = await context.newPage();
      const response = await page.goto(`${stack.url}/b/1/NO-SUCH-SERIAL`);
      expect(response?.status()).to.equal(404);
      expect(await verdictOf(page)).to.equal("unknown");
    });
  });

  describe("/01/:gtin/21/:serial (GS1 Digital Link)", function () {
    /** The GTIN the demo passport of MA-2024-0001 (the resold bag) commits to. */
    const GTIN = demoGtin(DEMO_BRANDS[1], 0);

    it("takes a browser that scanned a label to the certificate's page, which confirms the label", async function () {
      const page = await open(`/01/${GTIN}/21/MA-2024-0001`);
      const url = new URL(page.url());
      expect(url.pathname).to.equal(`/v/${stack.demo.tokens.resold}`);
      expect(url.searchParams.get("gtin")).to.equal(GTIN);
      expect(await verdictOf(page)).to.equal("genuine");
      expect(await page.locator("[data-flag]").count()).to.equal(0);
    });

    it("shows 'Label does not match' for a real serial on a label with another GTIN, and says why", async function () {
      // The issue's counterfeit: GS1's example GTIN (no brand's prefix here) reaching brand 1 with ?brand=1.
      const page = await open("/01/09506000134352/21/MA-2024-0001?brand=1");
      expect(await verdictOf(page)).to.equal("label_mismatch");
      expect(await page.locator("h1").innerText()).to.equal("Label does not match");
      expect(await page.locator('[data-flag="gtin_mismatch"]').innerText())
        .to.include(`GTIN 09506000134352`)
        .and.include(`GTIN ${GTIN}`);
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
      await withContext(
        { locale: "fr-FR", extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" } },
        async (fr) => {
          const frPage = await fr.newPage();
          await frPage.goto(`${stack.url}/01/09506000134352/21/MA-2024-0001?brand=1`);
          expect(await frPage.locator("h1").innerText()).to.equal("Étiquette non conforme");
          expect(await frPage.locator('[data-flag="gtin_mismatch"]').innerText()).to.include(
            "n'est pas celui que la marque a enregistré",
          );
        },
      );
    });

    it("shows 'Label does not match' for another model's GTIN of the same brand on this serial", async function () {
      const page = await open(`/01/${demoGtin(DEMO_BRANDS[1], 1)}/21/MA-2024-0001`);
      expect(await verdictOf(page)).to.equal("label_mismatch");
    });

    it("refuses ?brand= naming another brand than the GTIN's prefix with the Unknown verdict (422)", async function () {
      const page = await context.newPage();
      const response = await page.goto(`${stack.url}/01/${GTIN}/21/MA-2024-0001?brand=2`);
      expect(response?.status()).to.equal(422);
      expect(await verdictOf(page)).to.equal("unknown");
      expect(await page.locator(".verdict").innerText()).to.include(
        "it names a brand its product number does not belong to",
      );
    });

    for (const [name, path] of [
      ["an unknown serial", `/01/${GTIN}/21/NO-SUCH-SERIAL`],
      ["a GTIN of no configured brand", "/01/09999999000003/21/MA-2024-0001"],
    ]) {
      it(`shows a browser the Unknown verdict with 404 for ${name}, not a problem+json`, async function () {
        const page = await context.newPage();
        const response = await page.goto(stack.url + path);
        expect(response?.status()).to.equal(404);
        expect(response?.headers()["content-type"]).to.match(/^text\/html/);
        expect(await verdictOf(page)).to.equal("unknown");
        expect(await page.locator("h1").innerText()).to.equal("No certificate found");
      });
    }

    it("shows a browser the Unknown verdict with 400 for a malformed GTIN", async function () {
      const page = await context.newPage();
      const response = await page.goto(`${stack.url}/01/08012345000001/21/MA-2024-0001?lang=fr`);
      expect(response?.status()).to.equal(400);
      // Nothing was looked up: the page says the number is not valid rather than unknown.
      expect(await page.locator("h1").innerText()).to.equal("Numéro non valide");
    });

    it("still answers an API client with a problem+json", async function () {
      const response = await context.request.get(`${stack.url}/01/${GTIN}/21/NO-SUCH-SERIAL`, {
        headers: { accept: "application/json" },
      });
      expect(response.status()).to.equal(404);
      expect(response.headers()["content-type"]).to.match(/^application\/problem\+json/);
    });
  });

  describe("/claim/:tokenId", function () {
    const claimState = (page: Page) =>
      page.locator("#claim-result[data-claim-state]").getAttribute("data-claim-state");

    describe("when the customer connects a wallet and claims with the code", function () {
      it("transfers the certificate to the wallet and the verification page shows the new owner", async function () {
        const { tokenId, code } = stack.demo.claimCodes[0];
        const customer = signers[15];
        const page = await context.newPage();
        await walletFor(page, customer);
        await open(`/claim/${tokenId}#code=${code}`, page);
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await page.getByRole("button", { name: "Connect a wallet" }).click();
        await page.locator("#wallet-status[data-account]").waitFor();
        await page.getByRole("button", { name: "Claim", exact: true }).click();
        await page.locator('#claim-result[data-claim-state="claimed"]').waitFor({ timeout: 30_000 });
        await screenshot(page, "claim-done");

        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        expect(await certificate.ownerOf(tokenId)).to.equal(customer.address);
        await stack.indexed();
        const verify = await open(`/v/${tokenId}`);
        expect(await verify.locator("[data-owner]").getAttribute("data-owner")).to.equal(customer.address);
        expect(await timelineKinds(verify)).to.include("claimed_with_code");
      });
    });

    describe("when the brand generates a claim code with the issuer toolkit", function () {
      it("opens the code's claim URL, claims it with the wallet, and the verifier shows the new owner", async function () {
        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        // A bag still in the brand vault with no claim code yet.
        const serialHash = demoSerialHash("1", "MA-2024-0010");
        const tokenId = await certificate.tokenIdOf(1, serialHash);
        const vault = signers[5];
        expect(await certificate.ownerOf(tokenId)).to.equal(vault.address);
        const dir = await makeTempDir("e2e-claim-codes");
        try {
          const codesFile = join(dir.path, "claim-codes.csv");
          const { issued } = await issueClaimCodes({
            contracts: connectHallmark(stack.deployments, stack.ethers.provider),
            signer: vault,
            targets: [{ tokenId, serial: "MA-2024-0010" }],
            codesFile,
            publicUrl: stack.publicUrl,
          });
          expect(issued).to.have.length(1);
          const [generated] = issued;
          expect(generated.claimUrl).to.equal(`${stack.publicUrl}/claim/${tokenId}#code=${generated.code}`);
          expect((await readClaimCodes(codesFile)).map((c) => c.claimUrl)).to.deep.equal([
            generated.claimUrl,
          ]);
          await stack.indexed();

          // The boutique's customer scans the card: the URL the toolkit printed, as is.
          const customer = signers[14];
          const page = await context.newPage();
          await walletFor(page, customer);
          const response = await page.goto(generated.claimUrl);
          expect(response?.status()).to.equal(200);
          await page.getByRole("button", { name: "Connect a wallet" }).click();
          await page.locator("#wallet-status[data-account]").waitFor();
          await page.getByRole("button", { name: "Claim", exact: true }).click();
          await page.locator('#claim-result[data-claim-state="claimed"]').waitFor({ timeout: 30_000 });

          expect(await certificate.ownerOf(tokenId)).to.equal(customer.address);
          await stack.indexed();
          const verify = await open(`/v/${tokenId}`);
          expect(await verifyOwner(verify)).to.equal(customer.address);
          expect(await timelineKinds(verify)).to.include("claimed_with_code");
          // The code worked once: the same card now says so.
          const again = await open(`/claim/${tokenId}#code=${generated.code}`);
          expect(await claimState(again)).to.equal("used");
        } finally {
          await dir.remove();
        }
      });
    });

    describe("when the page has read the code", function () {
      it("takes it out of the address bar and the history, and still claims with it", async function () {
        const { tokenId, code } = stack.demo.claimCodes[4];
        const page = await open(`/claim/${tokenId}#code=${code}`);
        await page.waitForFunction("location.hash === ''");
        expect(page.url()).to.equal(`${stack.url}/claim/${tokenId}`);
        await open(`/v/${tokenId}`, page);
        await page.goBack();
        expect(page.url()).to.equal(`${stack.url}/claim/${tokenId}`);
        // The code was read before it left the URL: the page still signs with it.
        const fresh = await open(`/claim/${tokenId}#code=${code}`);
        await fresh.waitForFunction("location.hash === ''");
        await fresh.getByLabel("Recipient address (0x…)").fill(signers[19].address);
        await fresh.getByRole("button", { name: "Sign without sending" }).click();
        await fresh.locator('#claim-result[data-claim-state="signed"]').waitFor();
      });
    });

    describe("when the code was already used", function () {
      it("says so without needing JavaScript", async function () {
        const { tokenId, code } = stack.demo.claimCodes[0];
        const page = await open(`/claim/${tokenId}#code=${code}`);
        expect(await claimState(page)).to.equal("used");
      });
    });

    describe("when the code belongs to another piece", function () {
      it("says the code is wrong", async function () {
        const page = await open(
          `/claim/${stack.demo.claimCodes[1].tokenId}#code=${stack.demo.claimCodes[2].code}`,
        );
        expect(await claimState(page)).to.equal("wrong");
        expect(await page.locator("#claim-result").innerText()).to.equal(
          "This code does not belong to this piece.",
        );
      });
    });

    describe("when the link has no code", function () {
      it("asks to scan the card again", async function () {
        const page = await open(`/claim/${stack.demo.claimCodes[1].tokenId}`);
        expect(await claimState(page)).to.equal("no-code");
      });
    });

    describe("when the signed claim expires before the wallet sends it", function () {
      it("says the claim expired and leaves the certificate in the vault", async function () {
        const { tokenId, code } = stack.demo.claimCodes[1];
        const page = await context.newPage();
        await walletFor(page, signers[16], {
          beforeSend: async () => {
            await stack.ethers.provider.send("evm_increaseTime", [2 * 3600]);
            await stack.ethers.provider.send("evm_mine", []);
          },
        });
        await open(`/claim/${tokenId}#code=${code}`, page);
        await page.getByRole("button", { name: "Claim", exact: true }).click();
        await page.locator('#claim-result[data-claim-state="expired"]').waitFor({ timeout: 30_000 });
        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        expect(await certificate.ownerOf(tokenId)).to.not.equal(signers[16].address);
      });
    });

    describe("when there is no wallet and the customer pastes an address", function () {
      it("shows a signed claim that a relayer can submit", async function () {
        const { tokenId, code } = stack.demo.claimCodes[2];
        const recipient = signers[17].address;
        const page = await open(`/claim/${tokenId}#code=${code}`);
        await page.getByLabel("Recipient address (0x…)").fill(recipient);
        await page.getByRole("button", { name: "Sign without sending" }).click();
        await page.locator('#claim-result[data-claim-state="signed"]').waitFor();
        const signed = JSON.parse(await page.locator("#signed-claim").innerText()) as {
          tokenId: string;
          recipient: string;
          deadline: number;
          signature: string;
        };
        expect(signed.recipient).to.equal(recipient);

        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        const relayer = signers[18];
        await (
          await certificate
            .connect(relayer)
            .claimWithCode(signed.tokenId, signed.recipient, signed.deadline, signed.signature)
        ).wait();
        expect(await certificate.ownerOf(tokenId)).to.equal(recipient);
      });

      it("claims through the verifier's relay, and the verification page shows the new owner", async function () {
        const { tokenId, code } = stack.demo.claimCodes[5];
        const recipient = signers[13].address;
        const page = await open(`/claim/${tokenId}#code=${code}`);
        const reads: string[] = [];
        page.on("request", (request) => {
          if (new URL(request.url()).pathname === `/v1/certificates/${tokenId}`) reads.push(request.url());
        });
        await page.getByLabel("Recipient address (0x…)").fill(recipient);
        await page.getByRole("button", { name: "Claim", exact: true }).click();
        await page.locator('#claim-result[data-claim-state="claimed"]').waitFor({ timeout: 30_000 });
        expect(await page.locator("#claim-result").innerText()).to.equal(
          `Done! The certificate now belongs to ${recipient}.`,
        );
        // The page read its own claim: every read asked for an answer holding the claim's block.
        expect(reads.length).to.be.above(0);
        for (const read of reads) expect(new URL(read).searchParams.get("minBlock")).to.match(/^[0-9]+$/);
        await screenshot(page, "claim-relayed");
        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        expect(await certificate.ownerOf(tokenId)).to.equal(recipient);
        const verify = await open(`/v/${tokenId}`);
        expect(await verify.locator("[data-owner]").getAttribute("data-owner")).to.equal(recipient);
        expect(await timelineKinds(verify)).to.include("claimed_with_code");

        // The same link again: the code is spent.
        const stale = await open(`/claim/${tokenId}#code=${code}`);
        expect(await claimState(stale)).to.equal("used");
      });

      it("says the claim expired when the relay refuses it as expired, and the certificate stays in the vault", async function () {
        const { tokenId, code } = stack.demo.claimCodes[1];
        const page = await open(`/claim/${tokenId}#code=${code}`);
        // The chain's clock passes the deadline between the signature and the relay's simulation.
        await page.route("**/v1/claims", async (route) => {
          await stack.ethers.provider.send("evm_increaseTime", [2 * 3600]);
          await stack.ethers.provider.send("evm_mine", []);
          await route.continue();
        });
        await page.getByLabel("Recipient address (0x…)").fill(signers[13].address);
        await page.getByRole("button", { name: "Claim", exact: true }).click();
        await page.locator('#claim-result[data-claim-state="expired"]').waitFor({ timeout: 30_000 });
        expect(await page.locator("#claim-result").innerText()).to.equal(
          "The signed claim has expired. Sign again.",
        );
        const certificate = await stack.ethers.getContractAt(
          "HallmarkCertificate",
          stack.deployments.contracts.HallmarkCertificate,
        );
        expect(await certificate.ownerOf(tokenId)).to.not.equal(signers[13].address);
      });

      it("refuses a malformed address", async function () {
        const { tokenId, code } = stack.demo.claimCodes[3];
        const page = await open(`/claim/${tokenId}#code=${code}`);
        await page.getByLabel("Recipient address (0x…)").fill("0x1234");
        await page.getByRole("button", { name: "Sign without sending" }).click();
        await page.locator('#claim-result[data-claim-state="bad-address"]').waitFor();
        expect(await page.getByLabel("Recipient address (0x…)").getAttribute("aria-invalid")).to.equal(
          "true",
        );
      });
    });
  });

  describe("/g/:designId", function () {
    describe("when the design is a capped digital edition", function () {
      it("shows the rotatable 3D model, the edition cap and the count minted", async function () {
        this.timeout(300_000);
        const page = await open("/g/1");
        // model-viewer holds the main thread while it compiles its shaders in software (no GPU here):
        // seconds on an idle machine, up to a minute on a loaded one.
        await waitInPage(page, "document.querySelector('model-viewer')?.loaded === true", 240_000);
        const edition = page.locator("[data-edition-cap]");
        expect(await edition.getAttribute("data-edition-cap")).to.equal("500");
        expect(await edition.getAttribute("data-edition-minted")).to.equal("4");
        const viewer = page.locator("model-viewer");
        expect(await viewer.getAttribute("camera-controls")).to.equal("");
        expect(await viewer.getAttribute("src")).to.match(/^\/ipfs\/[a-z0-9]+/);
        // The web component is served by the verifier (no CDN) and upgrades the element.
        await waitInPage(
          page,
          "customElements.get('model-viewer') !== undefined && document.querySelector('model-viewer').shadowRoot !== null",
        );
        // Rotatable: a drag across the model turns the camera around it.
        const theta = "document.querySelector('model-viewer').getCameraOrbit().theta";
        await waitInPage(page, "document.querySelector('model-viewer').loaded === true");
        const before = await page.evaluate<number>(theta);
        await viewer.scrollIntoViewIfNeeded();
        const box = await viewer.boundingBox();
        if (box === null) throw new Error("model-viewer has no box");
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 8 });
        await page.mouse.up();
        await waitInPage(page, `Math.abs(${theta} - ${before}) > 0.1`);
        const model = await context.request.get(stack.url + (await viewer.getAttribute("src")));
        expect(model.headers()["content-type"]).to.equal("model/gltf-binary");
        expect(await seriousAxeViolations(page)).to.deep.equal([]);
        await screenshot(page, "garment-edition");
      });
    });
  });
});
