/**
 * A customer with only a phone (issue #17), in Debian Chromium with the DevTools protocol's virtual
 * authenticator (CTAP2, internal transport, resident keys, user verification) standing in for Face ID or
 * a fingerprint: one browser context and one authenticator per phone. The seller claims a piece with its
 * code into a new passkey; the buyer makes an account on their own phone; the buyer asks for proof on the
 * piece's page and the seller proves with the passkey; the seller transfers the piece to the buyer's
 * account; the buyer reports it stolen; each page says each state, and a refused operation says why.
 * Every new screen passes axe-core, in English and French, on a 390×844 phone and a desktop, under the
 * pages' real CSP. The pages are opened at HALLMARK_PUBLIC_URL (localhost), the passkeys' relying party.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, phoneContext, screenshot, seriousAxeViolations, waitInPage } from "./browser.js";
import type { CspViolation } from "./browser.js";
import { startE2eStack } from "./stack.js";
import type { E2eStack } from "./stack.js";

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const FRENCH = { locale: "fr-FR", extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" } };

interface Phone {
  context: BrowserContext & { violations: CspViolation[] };
  page: Page;
  /** `data-state` values each watched result element took, in order (recorded in the page). */
  states(id: string): Promise<string[]>;
}

describe("passkey journeys: own, prove, resell and report stolen with only a phone (browser)", function () {
  this.timeout(300_000);
  let stack: E2eStack;
  let browser: Browser;
  const phones: Phone[] = [];
  let seller: Phone;
  let buyer: Phone;
  let tokenId: string;
  let sellerAccount: string;
  let buyerAccount: string;

  /**
   * A phone: its own context (its own storage) and one tab with a platform authenticator that verifies
   * its user. The authenticator belongs to the tab, so each phone navigates its one tab from page to page.
   */
  async function newPhone(options: Parameters<typeof phoneContext>[1] = {}): Promise<Phone> {
    const context = await phoneContext(browser, options);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    // Through the DevTools protocol, not governed by the page's CSP: records every state a result line shows.
    await context.addInitScript(`(() => {
      window.__states = {};
      new MutationObserver((records) => {
        for (const record of records) {
          const target = record.target;
          if (record.attributeName !== "data-state" || !target.id) continue;
          const list = (window.__states[target.id] ??= []);
          const state = target.getAttribute("data-state");
          if (state !== null && list.at(-1) !== state) list.push(state);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
    })();`);
    const phone: Phone = {
      context,
      page,
      states: (id) => page.evaluate<string[]>(`window.__states[${JSON.stringify(id)}] ?? []`),
    };
    phones.push(phone);
    return phone;
  }

  const url = (path: string) => `${stack.publicUrl}${path}`;

  async function noSeriousAxe(page: Page, screen: string): Promise<void> {
    const violations = await seriousAxeViolations(page);
    expect(
      violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
      `axe on ${screen}`,
    ).to.deep.equal([]);
  }

  async function ownerOf(id: string): Promise<string> {
    const certificate = await stack.ethers.getContractAt(
      "HallmarkCertificate",
      stack.deployments.contracts.HallmarkCertificate,
    );
    return certificate.ownerOf(BigInt(id));
  }

  before(async function () {
    [stack, browser] = await Promise.all([startE2eStack({ passkeys: true }), launchBrowser()]);
    seller = await newPhone();
    buyer = await newPhone();
  });

  after(async function () {
    const violations = phones.flatMap((phone) => phone.context.violations);
    for (const phone of phones) await phone.context.close();
    await browser?.close();
    await stack?.close();
    // Every page ran under its real CSP; none of them may have been refused anything.
    expect(violations, "Content-Security-Policy violations").to.deep.equal([]);
  });

  it("claims a piece with its code into a new passkey: no address typed, the certificate goes to the passkey's account", async function () {
    const claim = stack.demo.claimCodes[0];
    tokenId = claim.tokenId;
    const { page } = seller;
    await page.goto(url(`/claim/${tokenId}#code=${claim.code}`));
    const button = page.locator("#passkey-claim-button");
    await button.waitFor({ state: "visible" });
    expect(await button.innerText()).to.equal("Claim with this phone");
    await noSeriousAxe(page, "claim page with the passkey way");
    await screenshot(page, "passkey-claim", "docs/screenshots/passkey-claim.png");
    await button.click();
    await waitInPage(
      page,
      `document.getElementById("claim-result").dataset.claimState === "claimed"`,
      60_000,
    );
    const held = JSON.parse(
      (await page.evaluate<string | null>(`localStorage.getItem("hallmark.passkey")`)) ?? "null",
    ) as { account: string; credentialId: string; publicKey: { x: string; y: string } };
    sellerAccount = held.account;
    expect(sellerAccount).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(await page.locator("#claim-result").innerText()).to.contain(sellerAccount);
    expect((await ownerOf(tokenId)).toLowerCase()).to.equal(sellerAccount.toLowerCase());
    // The account was never deployed: the certificate waits at its counterfactual address.
    expect(await stack.ethers.provider.getCode(sellerAccount)).to.equal("0x");
    expect(await page.locator("#claim-account-link").isVisible()).to.equal(true);
    await noSeriousAxe(page, "claim page, done");
    await screenshot(page, "passkey-claim-done");
  });

  it("finds the account again from the passkey alone, after the phone forgot it", async function () {
    const { page } = seller;
    await page.evaluate(`localStorage.removeItem("hallmark.passkey")`);
    await page.goto(url("/account"));
    await page.locator("#find-account-button").click();
    await waitInPage(page, `document.getElementById("account-status").dataset.state === "held"`);
    expect((await page.locator("#account-address").innerText()).toLowerCase()).to.equal(
      sellerAccount.toLowerCase(),
    );
    // Its piece is listed by name.
    await page.locator(`#account-pieces a[data-token-id="${tokenId}"]`).waitFor();
  });

  it("makes the buyer an account on their own phone, its address shown as text and as a QR code", async function () {
    const { page } = buyer;
    await page.goto(url("/account"));
    await page.locator("#create-account-button").waitFor({ state: "visible" });
    await noSeriousAxe(page, "account page, no account yet");
    await page.locator("#create-account-button").click();
    await waitInPage(page, `document.getElementById("account-status").dataset.state === "held"`);
    buyerAccount = (await page.locator("#account-address").innerText()).trim();
    expect(buyerAccount).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(buyerAccount.toLowerCase()).to.not.equal(sellerAccount.toLowerCase());
    const qr = await page.locator("#account-qr").getAttribute("src");
    expect(qr).to.equal(`/account/qr?address=${buyerAccount}`);
    await waitInPage(
      page,
      `document.getElementById("account-qr").complete && document.getElementById("account-qr").naturalWidth > 0`,
    );
    await noSeriousAxe(page, "account page");
    await screenshot(page, "passkey-account", "docs/screenshots/passkey-account.png");
  });

  it("the buyer asks for proof on the piece's page; the seller proves with the passkey on their phone", async function () {
    await buyer.page.goto(url(`/v/${tokenId}`));
    // Not the buyer's piece: no owner actions on their phone.
    expect(await buyer.page.locator("#owner-panel").isHidden()).to.equal(true);
    await buyer.page.locator("#watch-button").click();
    await waitInPage(buyer.page, `document.getElementById("watch-status").dataset.state === "pending"`);
    const proveLink = await buyer.page.locator("#watch-link").getAttribute("href");
    expect(proveLink).to.match(/\/prove#challenge=0x[0-9a-f]{64}$/);

    const { page } = seller;
    await page.goto(proveLink!);
    const button = page.locator("#prove-passkey-button");
    await button.waitFor({ state: "visible" });
    await noSeriousAxe(page, "prove page with the passkey way");
    await button.click();
    await waitInPage(page, `document.getElementById("prove-result").dataset.owner === "true"`);
    expect(await page.locator("#prove-result").innerText()).to.contain("proved it owns this certificate");

    await waitInPage(buyer.page, `document.getElementById("watch-status").dataset.state === "proven"`);
    expect(await buyer.page.locator("#watch-status").getAttribute("data-owner")).to.equal("true");
  });

  it("the seller transfers the piece to the buyer's passkey account, a sponsored operation, each state shown", async function () {
    const { page } = seller;
    await page.goto(url(`/v/${tokenId}`));
    const panel = page.locator("#owner-panel");
    await panel.waitFor({ state: "visible" });
    expect(await page.locator("[data-owner-is-visitor]").count()).to.equal(1);
    await noSeriousAxe(page, "piece page with the owner's actions");
    await page.locator("#owner-panel").scrollIntoViewIfNeeded();
    await screenshot(page, "passkey-owner-panel");
    // A mistyped address is refused before anything is signed.
    await page.locator("#transfer-to").fill("0x1234");
    await page.locator("#transfer-button").click();
    await waitInPage(page, `document.getElementById("transfer-result").dataset.state === "invalid"`);
    expect(await page.locator("#transfer-to").getAttribute("aria-invalid")).to.equal("true");

    await page.locator("#transfer-to").fill(buyerAccount);
    await page.locator("#transfer-button").click();
    await waitInPage(page, `document.getElementById("transfer-result").dataset.state === "done"`, 60_000);
    expect(await seller.states("transfer-result")).to.deep.equal([
      "invalid",
      "preparing",
      "signing",
      "sending",
      "done",
    ]);
    const text = await page.locator("#transfer-result").innerText();
    const transaction = await page.locator("#transfer-result").getAttribute("data-transaction");
    expect(transaction).to.match(/^0x[0-9a-f]{64}$/);
    expect(text).to.contain("The piece now belongs to");
    expect(text).to.contain(transaction!.slice(0, 6));
    expect((await ownerOf(tokenId)).toLowerCase()).to.equal(buyerAccount.toLowerCase());
    // The seller's account now exists: the operation deployed it before moving the piece.
    expect(await stack.ethers.provider.getCode(sellerAccount)).to.not.equal("0x");
    expect(await page.locator("#owner-title").innerText()).to.equal("Transferred to the buyer");
    expect(await page.locator("#transfer-form").isHidden()).to.equal(true);
    await page.locator("#owner-panel").scrollIntoViewIfNeeded();
    await screenshot(page, "passkey-transferred", "docs/screenshots/passkey-transferred.png");
  });

  it("the buyer, now the owner, reports it stolen; the page then says so", async function () {
    await stack.indexed();
    const { page } = buyer;
    await page.goto(url(`/v/${tokenId}`));
    await page.locator("#owner-panel").waitFor({ state: "visible" });
    await page.locator("#stolen-button").click();
    expect(await page.locator("#stolen-button").getAttribute("aria-expanded")).to.equal("true");
    await noSeriousAxe(page, "piece page, report stolen confirmation");
    await page.locator("#stolen-confirm-button").click();
    await waitInPage(page, `document.getElementById("stolen-result").dataset.state === "done"`, 60_000);
    expect(await buyer.states("stolen-result")).to.deep.equal(["preparing", "signing", "sending", "done"]);
    expect(await page.locator("#stolen-result").innerText()).to.contain("reported stolen");
    await stack.indexed();
    await page.reload();
    expect(await page.locator("[data-verdict]").first().getAttribute("data-verdict")).to.equal("stolen");
  });

  it("a refused operation says why: a stolen piece cannot be transferred", async function () {
    const { page } = buyer;
    await page.locator("#owner-panel").waitFor({ state: "visible" });
    // Reported stolen: no second report offered.
    expect(await page.locator("#stolen-button").count()).to.equal(0);
    await page.locator("#transfer-to").fill(sellerAccount);
    await page.locator("#transfer-button").click();
    await waitInPage(page, `document.getElementById("transfer-result").dataset.state === "refused"`, 60_000);
    expect(await page.locator("#transfer-result").innerText()).to.match(
      /^Refused: Certificate [0-9]+ is stolen: it can be neither moved nor reported again/,
    );
    expect((await ownerOf(tokenId)).toLowerCase()).to.equal(buyerAccount.toLowerCase());
  });

  it("sets up a recovery and cancels one from the account page, with who can do what", async function () {
    const { page } = buyer;
    await page.goto(url("/account"));
    await page.locator("#account-held").waitFor({ state: "visible" });
    await page.locator("#recoverer").fill("0xnot-an-address");
    await page.locator("#recovery-button").click();
    await waitInPage(page, `document.getElementById("recovery-result").dataset.state === "invalid"`);
    const [, , recoverer] = await stack.ethers.getSigners();
    await page.locator("#recoverer").fill(recoverer.address);
    await page.locator("#recovery-delay").selectOption({ label: "7 days" });
    await page.locator("#recovery-button").click();
    await waitInPage(page, `document.getElementById("recovery-result").dataset.state === "done"`, 60_000);
    expect(await page.locator("#recovery-result").innerText()).to.contain("Recovery saved");
    const account = await stack.ethers.getContractAt("HallmarkPasskeyAccount", buyerAccount);
    const [chosen, delay] = await account.recovery();
    expect(chosen).to.equal(recoverer.address);
    expect(delay).to.equal(7n * 86_400n);
    // The recoverer starts a recovery the owner did not ask for; the owner's phone cancels it.
    await (
      await account.connect(recoverer).startRecovery(`0x${"11".repeat(32)}`, `0x${"22".repeat(32)}`)
    ).wait();
    expect((await account.pendingRecovery()).readyAt).to.not.equal(0n);
    await page.locator("#cancel-recovery-button").click();
    await waitInPage(page, `document.getElementById("recovery-result").dataset.state === "done"`, 60_000);
    expect(await page.locator("#recovery-result").innerText()).to.contain("No recovery is pending any more");
    expect((await account.pendingRecovery()).readyAt).to.equal(0n);
    expect(await page.locator("#who-title").innerText()).to.equal("Who can do what");
    await noSeriousAxe(page, "account page, recovery");
  });

  it("adds a second device: the new phone joins from the first phone's link, the first phone adds its key", async function () {
    const tablet = await newPhone();
    const join = await buyer.page.locator("#device-link").getAttribute("href");
    expect(join).to.equal(`/account#join=${buyerAccount}`);
    await tablet.page.goto(url(join!));
    await tablet.page.locator("#join-button").click();
    await waitInPage(tablet.page, `document.getElementById("account-status").dataset.state === "joined"`);
    const add = await tablet.page.locator("#join-link").getAttribute("href");
    expect(add).to.match(/^\/account#add=0x[0-9a-f]{64}\.0x[0-9a-f]{64}$/);
    await noSeriousAxe(tablet.page, "account page, joining device");

    await buyer.page.goto(url(add!));
    await buyer.page.locator("#add-panel").waitFor({ state: "visible" });
    await buyer.page.locator("#add-button").click();
    await waitInPage(buyer.page, `document.getElementById("add-result").dataset.state === "done"`, 60_000);
    // The new device acts for the account: it sees the piece as its own, and its passkey signs for the account.
    await tablet.page.goto(url(`/v/${tokenId}`));
    await tablet.page.locator("#owner-panel").waitFor({ state: "visible" });
    await tablet.page.goto(url("/account"));
    await tablet.page.locator("#account-held").waitFor({ state: "visible" });
    expect((await tablet.page.locator("#account-address").innerText()).trim()).to.equal(buyerAccount);
    await tablet.page.locator("#recoverer").fill("");
    await tablet.page.locator("#recovery-button").click();
    await waitInPage(
      tablet.page,
      `document.getElementById("recovery-result").dataset.state === "done"`,
      60_000,
    );
    expect(await tablet.page.locator("#recovery-result").innerText()).to.contain("Recovery turned off");
    const account = await stack.ethers.getContractAt("HallmarkPasskeyAccount", buyerAccount);
    expect((await account.recovery())[0]).to.equal(stack.ethers.ZeroAddress);
  });

  for (const [name, options] of [
    ["French phone", FRENCH],
    ["desktop", DESKTOP],
  ] as const) {
    it(`shows the new screens on a ${name} without serious accessibility problems`, async function () {
      const phone = await newPhone(options);
      const { page } = phone;
      const claim = stack.demo.claimCodes[1];
      await page.goto(url(`/claim/${claim.tokenId}#code=${claim.code}`));
      await page.locator("#passkey-claim-button").waitFor({ state: "visible" });
      if (name === "French phone")
        expect(await page.locator("#passkey-claim-button").innerText()).to.equal(
          "Enregistrer avec ce téléphone",
        );
      await noSeriousAxe(page, `claim page (${name})`);
      await page.goto(url("/account"));
      await page.locator("#create-account-button").waitFor({ state: "visible" });
      await noSeriousAxe(page, `account page (${name})`);
      await page.locator("#create-account-button").click();
      await waitInPage(page, `document.getElementById("account-status").dataset.state === "held"`);
      await noSeriousAxe(page, `account page with an account (${name})`);
      // Nothing wider than the screen.
      expect(
        await page.evaluate<boolean>(
          `document.documentElement.scrollWidth <= document.documentElement.clientWidth`,
        ),
      ).to.equal(true);
      await screenshot(page, `passkey-account-${name.replace(" ", "-").toLowerCase()}`);
    });
  }
});
