/** Headless Chromium (Debian's package, driven by playwright-core) and the page helpers the e2e tests share. */
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.HALLMARK_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS_DIR = join(process.cwd(), "test-artifacts");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface CspViolation {
  page: string;
  directive: string;
  blocked: string;
}

/**
 * A phone-sized context under the pages' real Content-Security-Policy (no bypassCSP), recording
 * every `securitypolicyviolation` a page reports into `violations`, for the tests to assert none.
 */
export async function phoneContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext & { violations: CspViolation[] }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: "en-GB",
    ...options,
  });
  const violations: CspViolation[] = [];
  // Bindings and init scripts come through the DevTools protocol, which the page's CSP does not govern.
  await context.exposeBinding("__hallmarkCspViolation", (_source, violation: CspViolation) => {
    violations.push(violation);
  });
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (event) => {
    window.__hallmarkCspViolation({ page: location.pathname, directive: event.effectiveDirective || event.violatedDirective, blocked: String(event.blockedURI) });
  });`);
  return Object.assign(context, { violations });
}

/** Set UPDATE_SCREENSHOTS=1 to refresh the tracked screenshots under docs/; otherwise only test-artifacts/ is written. */
export const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1";

/** A full-page screenshot in test-artifacts/; with UPDATE_SCREENSHOTS=1 also the first screen to `docsPath`. */
export async function screenshot(page: Page, name: string, docsPath?: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (docsPath !== undefined && UPDATE_SCREENSHOTS) {
    const extraPath = docsPath;
    await mkdir(dirname(extraPath), { recursive: true });
    await page.screenshot({ path: extraPath, fullPage: false }); // the first screen, as a phone shows it
  }
  return path;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA rules) in the page; returns the serious and critical violations.
 * axe is evaluated through the DevTools protocol rather than added as a <script>, so the page keeps
 * its own CSP (script-src 'self' would refuse an inline script) and no bypassCSP is needed.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(`${axeSource}\n;undefined`);
  const result = await page.evaluate<{ violations: AxeViolation[] }>(
    `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })`,
  );
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * An EIP-1193 wallet inside the page (window.ethereum): accounts and chain id answered in the
 * page, transactions and typed-data signatures forwarded to the test through exposed functions.
 */
export async function injectWallet(
  page: Page,
  options: {
    account: string;
    chainId: number;
    send: (tx: {
      from: string;
      to: string;
      data: string;
    }) => Promise<{ hash?: string; error?: { message: string; data?: string } }>;
    signTypedData: (account: string, json: string) => Promise<string>;
  },
): Promise<void> {
  await page.exposeFunction("__walletSend", options.send);
  await page.exposeFunction("__walletSignTypedData", options.signTypedData);
  await page.addInitScript(`(() => {
    const account = ${JSON.stringify(options.account)};
    const chainId = ${JSON.stringify("0x" + options.chainId.toString(16))};
    window.ethereum = {
      isHallmarkTestWallet: true,
      async request({ method, params }) {
        switch (method) {
          case "eth_requestAccounts":
          case "eth_accounts":
            return [account];
          case "eth_chainId":
            return chainId;
          case "eth_sendTransaction": {
            const answer = await window.__walletSend(params[0]);
            if (answer.error) throw Object.assign(new Error(answer.error.message), { code: -32603, data: answer.error.data });
            return answer.hash;
          }
          case "eth_signTypedData_v4":
            return window.__walletSignTypedData(params[0], params[1]);
          default:
            throw Object.assign(new Error("unsupported method " + method), { code: 4200 });
        }
      },
    };
  })();`);
}

/**
 * Waits until `expression` is true in the page, polling from the test. Playwright's waitForFunction
 * polls inside the page with eval once its first check fails, which the pages' CSP (no
 * 'unsafe-eval') refuses and reports; an evaluate from the DevTools protocol is not subject to it.
 */
export async function waitInPage(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
