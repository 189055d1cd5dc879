/**
 * A claim with the NFC tag, in a real browser against the whole stack: the tag's link opens the tap
 * page ("Tag authentic"), the person holding the piece claims it with the tag to an address (the
 * verifier's tag oracle attests the tap, the brand's key relays claimWithTag), the certificate page
 * shows the new owner, and the same link opened again is refused as copied.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { DEMO_TAG_MASTER_KEY } from "../../scripts/demo/tags.js";
import { SimulatedTag } from "../../server/tags/simulated-tag.js";
import { sunUrl } from "../../server/tags/sun-url.js";
import { parseTagUid } from "../../server/tags/uid.js";
import { launchBrowser, phoneContext, screenshot, waitInPage } from "./browser.js";
import type { CspViolation } from "./browser.js";
import { startE2eStack } from "./stack.js";
import type { E2eStack } from "./stack.js";

describe("claim with the NFC tag (browser)", function () {
  this.timeout(180_000);
  let stack: E2eStack;
  let browser: Browser;

  before(async function () {
    [stack, browser] = await Promise.all([startE2eStack(), launchBrowser()]);
  });

  after(async function () {
    await browser?.close();
    await stack?.close();
  });

  it("taps, claims with the tag to an address, shows the new owner, and refuses the same link as copied", async function () {
    // MA-2024-0006 waits in the brand vault with a simulated NTAG 424 DNA (scripts/demo/tags.ts).
    const demoTag = stack.demo.tags.find((tag) => tag.serial === "MA-2024-0006")!;
    const tag = new SimulatedTag(DEMO_TAG_MASTER_KEY, parseTagUid(demoTag.uid));
    const link = sunUrl(stack.url, demoTag.tokenId, tag.tap());
    const recipient = (await stack.ethers.getSigners())[14].address;

    const context = await phoneContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(link);
      expect(await page.locator("h1").first().innerText()).to.equal("Tag authentic");
      await page.locator("#tag-claim-recipient").fill(recipient);
      await Promise.all([page.waitForURL(/\/t\/[0-9]+\/claim/), page.locator("#tag-claim-button").click()]);
      await waitInPage(page, `document.querySelector("h1")?.textContent === "Claimed with the tag"`);
      expect(await page.locator("body").innerText()).to.include(`now belongs to ${recipient}`);
      await screenshot(page, "tag-claimed");

      await Promise.all([page.waitForURL(/\/v\/[0-9]+/), page.locator("#tag-claim-certificate").click()]);
      await waitInPage(page, `document.querySelector("[data-owner]") !== null`);
      expect(await page.locator("[data-owner]").getAttribute("data-owner")).to.equal(recipient);

      await page.goto(link);
      expect(await page.locator("h1").first().innerText()).to.equal(
        "This link was already used: tap the tag on the piece",
      );
      expect(await page.locator("#tag-claim-form").count()).to.equal(0);
    } finally {
      await context.close();
    }
    const violations: CspViolation[] = [...context.violations];
    expect(violations, "Content-Security-Policy violations").to.deep.equal([]);
  });
});
