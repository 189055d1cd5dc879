import type { SafeHtml } from "../html.js";
import { html, jsonScript } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { ASSET_BASE, page } from "../layout.js";

export interface HomePageData {
  path: string;
  /** The page's own address at the public origin (for its link preview). */
  pageUrl: string;
  brands: readonly { id: number; name: string }[];
  /** A form sent back with what was wrong in it (400), the fields as typed. */
  problem?: { form: "serial" | "certificate" | "code"; message: string };
  values?: { brand?: string; serial?: string; certificate?: string };
}

function fieldError(id: string, message: string | undefined): SafeHtml {
  return message === undefined
    ? html`<p id="${id}" class="field-error" hidden></p>`
    : html`<p id="${id}" class="field-error">${message}</p>`;
}

/**
 * The way in without a working QR code: check a piece by its serial and brand or by its
 * certificate number (plain GET forms to /check, so they work without JavaScript), register a
 * piece with the code on its card (checked in the page before any request; without JavaScript
 * the form posts it, never in a URL), and what Hallmark is.
 */
export function renderHomePage(t: Messages, data: HomePageData): string {
  const e = t.entry;
  const problem = data.problem;
  const errorOf = (form: "serial" | "certificate" | "code") =>
    problem?.form === form ? problem.message : undefined;
  const invalid = (form: "serial" | "certificate" | "code") =>
    problem?.form === form ? html` aria-invalid="true"` : "";
  const lang = t.lang === "en" ? "" : html`<input type="hidden" name="lang" value="${t.lang}">`;
  const selected = data.values?.brand;
  const body = html`<section class="hero" aria-labelledby="home-title">
<h1 id="home-title" class="page-title">${e.homeTitle}</h1>
<p class="lede">${e.homeLede}</p>
</section>
<div class="home-grid">
<section class="card" aria-labelledby="check-title" id="check">
<h2 id="check-title">${e.checkTitle}</h2>
<form method="get" action="/check" id="serial-form" aria-describedby="serial-error">
${lang}
<label for="brand">${e.brandLabel}</label>
<select id="brand" name="brand" required${invalid("serial")}>
<option value="">${e.brandChoose}</option>
${data.brands.map((brand) => html`<option value="${brand.id}"${String(brand.id) === selected ? html` selected` : ""}>${brand.name}</option>`)}
</select>
<label for="serial">${e.serialLabel}</label>
<input id="serial" name="serial" type="text" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="128" aria-describedby="serial-help" value="${data.values?.serial ?? ""}"${invalid("serial")}>
<p id="serial-help" class="hint">${e.checkSerialHelp}</p>
${fieldError("serial-error", errorOf("serial"))}
<p><button type="submit" class="button">${e.checkButton}</button></p>
</form>
<p class="or"><span>${e.or}</span></p>
<form method="get" action="/check" id="certificate-form" aria-describedby="certificate-error">
${lang}
<label for="certificate">${e.certificateLabel}</label>
<input id="certificate" name="certificate" type="text" required inputmode="text" autocomplete="off" spellcheck="false" maxlength="90" aria-describedby="certificate-help" value="${data.values?.certificate ?? ""}"${invalid("certificate")}>
<p id="certificate-help" class="hint">${e.certificateHelp}</p>
${fieldError("certificate-error", errorOf("certificate"))}
<p><button type="submit" class="button secondary">${e.checkButton}</button></p>
</form>
</section>
<section class="card" aria-labelledby="register-title" id="register">
<h2 id="register-title">${e.registerTitle}</h2>
<p>${e.registerHelp}</p>
<form method="post" action="/claim" id="code-form" novalidate>
${lang}
<label for="claim-code">${e.codeLabel}</label>
<input id="claim-code" name="code" type="text" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="120" class="code-input" aria-describedby="code-hint code-error"${invalid("code")}>
<p id="code-hint" class="hint">${e.codeHint}</p>
${fieldError("code-error", errorOf("code"))}
<p><button type="submit" class="button">${e.codeButton}</button></p>
</form>
</section>
</div>
<section class="card about" aria-labelledby="about-title">
<h2 id="about-title">${e.aboutTitle}</h2>
<ul class="about-list">${e.aboutItems.map((item) => html`<li>${item}</li>`)}</ul>
</section>`;
  return page({
    t,
    title: e.homeTitle,
    path: data.path,
    body,
    languageLinks: { en: "/", fr: "/fr" },
    preview: { url: data.pageUrl, description: e.ogDescriptionHome },
    head: jsonScript("hallmark-home", {
      lang: t.lang,
      messages: { ...e.codeProblem, unknown: e.codeUnknown, failed: e.codeLookupFailed },
    }),
    scripts: [`${ASSET_BASE}/home.js`],
  });
}
