/**
 * The piece (verification) and garment pages as a customer reads them, on a phone and a desktop, in
 * English and French (issue #14, part B): the history in the order things happened, human words with
 * the chain's details folded away, the brand's data and texts in the visitor's language, the digital
 * twin and its physical piece linked both ways, the 3D model's hints and AR, and the assets compressed
 * and cached for a year. Every page runs under its real CSP and passes axe-core.
 */
import { request as httpRequest } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { publishDocument } from "../../server/metadata/metadata-document.js";
import { demoGtin } from "../../scripts/demo/catalogue.js";
import { DEMO_BRANDS, demoSerialHash } from "../../scripts/demo/seed.js";
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

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const FRENCH = { locale: "fr-FR", extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" } };

/** The raw bytes of a GET, undecoded (fetch and Playwright decompress bodies for us). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the piece and garment pages (browser)", function () {
  this.timeout(240_000);
  let stack: E2eStack;
  let browser: Browser;
  let signers: HardhatEthersSigner[];
  const contexts: Awaited<ReturnType<typeof phoneContext>>[] = [];
  /** A certificate whose metadata holds only the serial's salted hash, and no French texts. */
  const HASHED_SERIAL = "MA-E2E-HASHED-7";
  let hashed: string;

  before(async function () {
    [stack, browser] = await Promise.all([startE2eStack(), launchBrowser()]);
    signers = await stack.ethers.getSigners();
    const serialHash = demoSerialHash("1", HASHED_SERIAL);
    const picture = `ipfs://${(
      await stack.verifier.metadataStore.addBytes(
        new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"/>'),
      )
    ).toString()}`;
    const document = await publishDocument(stack.verifier.metadataStore, "certificate-metadata", {
      schema: "hallmark.certificate-metadata.v1",
      name: "Pochette Lune",
      description: "A clutch in midnight lambskin.",
      image: picture,
      attributes: [{ trait_type: "Colour", value: "Midnight" }],
      passport: {
        brand: { name: "Maison Aurelle" },
        productName: "Pochette Lune",
        model: { name: "Pochette Lune", reference: "AU-PL1" },
        gtin: demoGtin(DEMO_BRANDS[1], 1),
        serial: { kind: "salted-hash", serialHash },
        materials: [{ material: "Lambskin", percentage: 100, part: "main" }],
        manufacture: { place: { city: "Florence", country: "IT" }, date: "2025-02" },
        care: { instructions: ["Keep dry"] },
        images: [{ uri: picture, mediaType: "image/svg+xml", alt: "Pochette Lune" }],
      },
    });
    const certificate = await stack.ethers.getContractAt(
      "HallmarkCertificate",
      stack.deployments.contracts.HallmarkCertificate,
    );
    const input = {
      serialHash,
      metadataDigest: document.digest,
      chip: stack.ethers.ZeroAddress,
      claimKey: stack.ethers.ZeroAddress,
    };
    await (await certificate.connect(signers[2]).issueBatch(1, signers[5].address, [input])).wait();
    hashed = (await certificate.tokenIdOf(1, serialHash)).toString();
    await stack.indexed();
  });

  after(async function () {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async function () {
    // Every page ran under its real CSP; none of them may have been refused anything.
    const violations: CspViolation[] = [];
    for (const context of contexts.splice(0)) {
      violations.push(...context.violations);
      await context.close();
    }
    expect(violations, "Content-Security-Policy violations").to.deep.equal([]);
  });

  async function open(path: string, options: Parameters<typeof phoneContext>[1] = {}): Promise<Page> {
    const context = await phoneContext(browser, options);
    contexts.push(context);
    const page = await context.newPage();
    const response = await page.goto(stack.url + path);
    expect(response?.status(), path).to.equal(200);
    return page;
  }

  const resold = () => stack.demo.tokens.resold;
  /** Reads of a page whose scripts do not matter: no model-viewer compiling shaders on a busy machine. */
  const NO_SCRIPTS = { javaScriptEnabled: false };
  /**
   * model-viewer holds the page's main thread while it compiles its shaders in software (no GPU here):
   * seconds on an idle machine, up to a minute on a loaded one. Wait for it before reading the page.
   */
  const modelLoaded = (page: Page) =>
    waitInPage(page, "document.querySelector('model-viewer')?.loaded === true", 240_000);
  const attributesOf = (page: Page, selector: string, name: string) =>
    page
      .locator(selector)
      .evaluateAll(
        (nodes, attribute) =>
          nodes.map((node) =>
            (node as unknown as { getAttribute(n: string): string }).getAttribute(attribute),
          ),
        name,
      );
  /**
   * The text a reader sees (closed <details> content is not rendered, so innerText leaves it out),
   * but for the share card, whose link names the certificate's number as a link must.
   */
  const visibleText = async (page: Page) =>
    (await page.locator(".piece > .verdict, .piece-side, .piece-main > :not(.share)").allInnerTexts()).join(
      "\n",
    );

  describe("the history", function () {
    it("is ordered by when things happened, with the date of recording beside back-filled events", async function () {
      const page = await open(`/v/${resold()}`);
      // The sale (2024), the repair (2025) and the resale (2026-02) were recorded after the issuance (today).
      expect(await attributesOf(page, ".timeline .event", "data-kind")).to.deep.equal([
        "manufactured",
        "sale",
        "repair",
        "authenticated_resale",
        "issued",
        "transfer",
      ]);
      const times = (await attributesOf(page, ".timeline .event", "data-when")).map((when) =>
        Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(when) ? `${when}T00:00:00Z` : when),
      );
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
      const sale = page.locator('.timeline .event[data-kind="sale"]');
      expect(await sale.locator(".when").innerText()).to.match(/^May 4, 2024 · recorded on /);
      // An event recorded the day it happened says nothing more.
      expect(await page.locator('.timeline .event[data-kind="issued"] .recorded').count()).to.equal(0);
    });

    it("says it in French", async function () {
      const page = await open(`/v/${resold()}`, FRENCH);
      expect(await page.locator('.timeline .event[data-kind="sale"] .when').innerText()).to.match(
        /^4 mai 2024 · enregistré le /,
      );
      expect(await page.locator('.timeline .event[data-kind="sale"] .what').innerText()).to.equal("Vente");
    });
  });

  describe("the words", function () {
    it("speaks of people and things, and folds the chain's details under Technical details", async function () {
      const page = await open(`/v/${resold()}`);
      const text = await visibleText(page);
      expect(text).to.not.match(/\bblock\b/i);
      expect(text).to.not.match(/0x[0-9a-f]{6}/i);
      expect(text).to.not.match(/fingerprint|on-chain|relayer/i);
      expect(text).to.not.include(resold()); // the 69-digit token id (the share link names it, as a link)
      expect(await page.locator("[data-owner]").innerText()).to.equal("A private owner");
      const technical = page.locator("details#technical-details");
      expect(await technical.locator("summary").innerText()).to.equal("Technical details");
      expect(await technical.getAttribute("open")).to.equal(null);
      await technical.locator("summary").click();
      const details = await technical.innerText();
      expect(details).to.include(stack.deployments.contracts.HallmarkCertificate);
      expect(details).to.include(resold());
      expect(details).to.match(/block \d+/);
      expect(details).to.match(/bafk[a-z0-9]+/);
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
    });

    it("calls the owner 'you' when the visitor's wallet holds the certificate", async function () {
      const context = await phoneContext(browser);
      contexts.push(context);
      const page = await context.newPage();
      await injectWallet(page, {
        account: signers[9].address, // bob holds the resold bag
        chainId: stack.deployments.chainId,
        send: () => Promise.resolve({ error: { message: "not in this test" } }),
        signTypedData: () => Promise.reject(new Error("not in this test")),
      });
      await page.goto(`${stack.url}/v/${resold()}`);
      await page.locator('[data-owner-is-visitor="true"]').waitFor();
      expect(await page.locator("[data-owner]").innerText()).to.equal("You");
    });

    it("shows the brand's vault for a piece nobody has registered yet", async function () {
      const page = await open(`/v/${hashed}`);
      expect(await page.locator("[data-owner]").innerText()).to.equal(
        "The brand's vault (not yet registered to a customer)",
      );
    });

    it("translates the partner's report: condition grade, areas and severity, in English and French", async function () {
      const english = await open(`/v/${resold()}`);
      const resale = english.locator('.timeline .event[data-kind="authenticated_resale"]');
      expect(await resale.innerText()).to.include("Condition: Very good");
      expect(await resale.innerText()).to.include("Corners (minor): Light wear on the two bottom corners");
      const french = await open(`/v/${resold()}`, FRENCH);
      const revente = await french.locator('.timeline .event[data-kind="authenticated_resale"]').innerText();
      expect(revente).to.include("Très bon");
      expect(revente).to.include("Coins (léger)");
      expect(revente).to.not.include("very-good");
    });

    it("uses natural French: no 'réclamer' and no 'défi'", async function () {
      for (const path of [`/v/${resold()}`, `/claim/${stack.demo.claimCodes[3].tokenId}`]) {
        const page = await open(path, FRENCH);
        const text = await page.locator("body").innerText();
        expect(text, path).to.not.match(/réclam|défi/i);
      }
      const claim = await open(`/claim/${stack.demo.claimCodes[3].tokenId}`, FRENCH);
      expect(await claim.locator("h1").innerText()).to.equal("Enregistrez votre pièce");
    });
  });

  describe("the brand's data", function () {
    it("shows the attributes and the GTIN", async function () {
      const page = await open(`/v/${resold()}`);
      expect(await page.locator('[data-attribute="Leather"] dt').innerText()).to.equal("Leather");
      expect(await page.locator('[data-attribute="Leather"] dd').innerText()).to.equal("Calfskin");
      const facts = await page.locator(".details").innerText();
      expect(facts).to.include(demoGtin(DEMO_BRANDS[1], 0));
    });

    describe("when the metadata holds only the serial's hash", function () {
      it("shows no serial to a visitor who came by the certificate's number", async function () {
        const page = await open(`/v/${hashed}`);
        expect(await page.locator("[data-serial]").count()).to.equal(0);
      });

      it("shows the serial to a visitor who came through the serial's own link (/b/ and Digital Link)", async function () {
        for (const path of [
          `/b/1/${HASHED_SERIAL}`,
          `/01/${demoGtin(DEMO_BRANDS[1], 1)}/21/${HASHED_SERIAL}`,
        ]) {
          const page = await open(path);
          expect(new URL(page.url()).pathname).to.equal(`/v/${hashed}`);
          expect(await page.locator("[data-serial]").innerText(), path).to.equal(HASHED_SERIAL);
        }
      });

      it("ignores a serial in the address that is not this certificate's", async function () {
        const page = await open(`/v/${hashed}?serial=MA-2024-0001`);
        expect(await page.locator("[data-serial]").count()).to.equal(0);
      });
    });
  });

  describe("the brand's texts in the visitor's language", function () {
    it("shows the French texts the document carries to a French reader", async function () {
      const page = await open(`/v/${resold()}`, FRENCH);
      expect(await page.locator(".product .description").innerText()).to.equal(
        "Certificat d'authenticité d'un Sac Aurelle 30 de Maison Aurelle.",
      );
      expect(await page.locator("#passport-title").locator("..").innerText()).to.include(
        "Tenir à l'abri du soleil",
      );
      expect(await page.locator('[data-attribute="Leather"] dt').innerText()).to.equal("Cuir");
      expect(await page.locator('[data-attribute="Leather"] dd').innerText()).to.equal("Veau");
      expect(await page.locator("[data-fallback-language]").count()).to.equal(0);
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
    });

    it("falls back visibly to the brand's own language, marked as such", async function () {
      const page = await open(`/v/${hashed}`, FRENCH);
      const description = page.locator(".product .description");
      expect(await description.innerText()).to.equal("A clutch in midnight lambskin.");
      expect(await description.getAttribute("lang")).to.equal("en");
      expect(await page.locator("[data-fallback-language]").innerText()).to.equal(
        "Affiché en anglais : la marque ne donne pas de texte en français.",
      );
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
    });
  });

  describe("the digital twin and its physical piece", function () {
    it("link to each other both ways", async function () {
      const twinDesign = String(stack.demo.designs);
      const piece = await open(`/v/${resold()}`);
      const twinLink = piece.locator("a[data-twin]");
      expect(await twinLink.innerText()).to.equal("Sac Aurelle 30 — digital twin");
      expect(await twinLink.getAttribute("href")).to.equal(`/g/${twinDesign}`);
      const twin = await open(`/g/${twinDesign}`, NO_SCRIPTS);
      const back = twin.locator(`a[data-piece="${resold()}"]`);
      expect(await back.innerText()).to.equal("Sac Aurelle 30");
      await back.click();
      await twin.waitForURL(new RegExp(`/v/${resold()}$`));
      expect(await twin.locator("[data-verdict]").first().getAttribute("data-verdict")).to.equal("genuine");
    });

    it("counts the physical pieces with the language's plural, and names the edition once", async function () {
      this.timeout(300_000);
      const twinDesign = String(stack.demo.designs);
      const english = await open(`/g/${twinDesign}`, NO_SCRIPTS);
      expect(await english.locator("[data-twin-claims]").innerText()).to.match(/^1 physical piece\b/);
      expect(await english.locator("dt").allInnerTexts()).to.deep.equal([
        "Edition",
        "Category",
        "Platforms",
        "Digital twin of",
        "Design created",
      ]);
      expect(await english.locator("[data-category]").innerText()).to.equal("Bag");
      const french = await open(`/g/${twinDesign}`, FRENCH);
      await modelLoaded(french);
      expect(await french.locator("[data-twin-claims]").innerText()).to.match(/^1 pièce physique\b/);
      expect(await french.locator("[data-category]").innerText()).to.equal("Sac");
      expect(await french.locator("h1").innerText()).to.equal("Sac Aurelle 30 — jumeau numérique");
      expect(await seriousAxeViolations(french)).to.deep.equal([]);
    });
  });

  describe("the 3D model", function () {
    it("says it can be turned, and offers AR for its .glb", async function () {
      this.timeout(300_000);
      const page = await open("/g/1");
      await modelLoaded(page);
      const viewer = page.locator("model-viewer");
      expect(await viewer.getAttribute("ar")).to.equal("");
      expect(await viewer.getAttribute("ar-modes")).to.equal("webxr scene-viewer");
      expect(await viewer.getAttribute("ios-src")).to.equal(null); // no .usdz in the demo document
      const hint = page.locator(`#${await viewer.getAttribute("aria-describedby")}`);
      expect(await hint.innerText()).to.include("Drag to turn the model");
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
    });
  });

  describe("the assets", function () {
    it("are linked under content-hashed names, cached for a year, and sent compressed by Accept-Encoding", async function () {
      const page = await open("/g/1", NO_SCRIPTS);
      const style = await page.locator('link[rel="stylesheet"]').getAttribute("href");
      const modelViewer = await page.locator('script[src*="model-viewer"]').getAttribute("src");
      expect(style).to.match(/^\/web\/assets\/[0-9a-f]{12}\/style\.css$/);
      expect(modelViewer).to.match(/^\/web\/vendor\/[0-9a-f]{12}\/model-viewer\.min\.js$/);
      for (const path of [style!, modelViewer!]) {
        const plain = await rawGet(stack.url + path, {});
        expect(plain.headers["content-encoding"], path).to.equal(undefined);
        expect(plain.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
        const br = await rawGet(stack.url + path, { "Accept-Encoding": "gzip, deflate, br" });
        expect(br.headers["content-encoding"], path).to.equal("br");
        expect(br.headers.vary).to.match(/Accept-Encoding/i);
        expect(brotliDecompressSync(br.body).equals(plain.body)).to.equal(true);
        const gz = await rawGet(stack.url + path, { "Accept-Encoding": "gzip" });
        expect(gz.headers["content-encoding"], path).to.equal("gzip");
        expect(gunzipSync(gz.body).equals(plain.body)).to.equal(true);
        expect(br.body.byteLength).to.be.below(plain.body.byteLength / 2);
      }
      // model-viewer: a megabyte of JavaScript, a quarter of it on the wire.
      const viewer = await rawGet(stack.url + modelViewer!, { "Accept-Encoding": "br" });
      expect(viewer.body.byteLength).to.be.below(300 * 1024);
    });

    it("answers a name without its hash (links from before) with revalidation, not a year's cache", async function () {
      const response = await rawGet(`${stack.url}/web/assets/style.css`, { "Accept-Encoding": "br" });
      expect(response.status).to.equal(200);
      expect(response.headers["cache-control"]).to.equal("no-cache");
      const again = await rawGet(`${stack.url}/web/assets/style.css`, {
        "Accept-Encoding": "br",
        "If-None-Match": String(response.headers.etag),
      });
      expect(again.status).to.equal(304);
    });

    it("rewrites our scripts' import of a vendored bundle to its hashed name", async function () {
      const page = await open(`/claim/${stack.demo.claimCodes[3].tokenId}`);
      const claimScript = await page.locator('script[src$="/claim.js"]').getAttribute("src");
      const source = (await rawGet(stack.url + claimScript!, {})).body.toString("utf8");
      expect(source).to.match(/from "\/web\/vendor\/[0-9a-f]{12}\/ethers\.min\.js"/);
    });
  });

  describe("the layout", function () {
    for (const [name, options] of [
      ["a phone", {}],
      ["a desktop", DESKTOP],
    ] as const) {
      it(`gives the picture the cards' width on ${name}, with no horizontal scrolling, in both languages`, async function () {
        for (const language of [{}, FRENCH]) {
          const page = await open(`/v/${resold()}`, { ...options, ...language });
          const picture = await page.locator(".photos img").first().boundingBox();
          const details = await page.locator(".details").boundingBox();
          expect(picture?.width).to.be.closeTo(details!.width, 1);
          // Spacing: the picture does not touch the card below it.
          expect(details!.y - (picture!.y + picture!.height)).to.be.at.least(8);
          expect(await page.evaluate("document.documentElement.scrollWidth")).to.be.at.most(
            options === DESKTOP ? 1280 : 390,
          );
          expect(await seriousAxeViolations(page)).to.deep.equal([]);
        }
      });
    }

    it("uses the desktop's width: the picture beside the verdict and the history", async function () {
      this.timeout(300_000);
      const page = await open(`/v/${resold()}`, DESKTOP);
      const side = await page.locator(".piece-side").boundingBox();
      const verdict = await page.locator(".verdict").boundingBox();
      const history = await page.locator(".history").boundingBox();
      expect(side!.x + side!.width).to.be.at.most(verdict!.x);
      expect(verdict!.y).to.be.below(side!.y + 50);
      expect(history!.x).to.equal(verdict!.x);
      expect(side!.width + verdict!.width).to.be.above(900);
      await screenshot(page, "piece-desktop");
      const garment = await open("/g/1", DESKTOP);
      await modelLoaded(garment);
      const model = await garment.locator("model-viewer").boundingBox();
      const title = await garment.locator("h1").boundingBox();
      expect(model!.x + model!.width).to.be.below(title!.x);
      await screenshot(garment, "garment-desktop");
    });
  });
});
