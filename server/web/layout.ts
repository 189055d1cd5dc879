import type { Messages } from "./i18n/index.js";
import { LOCALES } from "./i18n/index.js";
import type { SafeHtml } from "./html.js";
import { html } from "./html.js";

import { ASSET_BASE } from "./assets.js";

export { ASSET_BASE };

export interface PageOptions {
  t: Messages;
  title: string;
  /** Request path with its query, for the language links. */
  path: string;
  body: SafeHtml;
  /** Module scripts served from this origin. */
  scripts?: readonly string[];
  /** Extra <head> content (an embedded JSON config). */
  head?: SafeHtml;
  /** Link preview (Open Graph): absolute URLs, as a chat app or social site fetches them from elsewhere. */
  preview?: PagePreview;
  /** Pages about an owner's secret or wallet (claim, prove): kept out of search engines. */
  noindex?: boolean;
  /** The language links' targets by language, when `?lang=` is not the page's way (the home page: / and /fr). */
  languageLinks?: Readonly<Record<string, string>>;
}

export interface PagePreview {
  url: string;
  description: string;
  /** A picture of the piece (absolute URL), when it has one. */
  image?: string;
  imageAlt?: string;
}

function previewTags(title: string, siteName: string, preview: PagePreview | undefined): SafeHtml {
  if (preview === undefined) return html``;
  return html`<meta name="description" content="${preview.description}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${siteName}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${preview.description}">
<meta property="og:url" content="${preview.url}">
${
  preview.image === undefined
    ? ""
    : html`<meta property="og:image" content="${preview.image}">
${preview.imageAlt === undefined ? "" : html`<meta property="og:image:alt" content="${preview.imageAlt}">`}`
}
<meta name="twitter:card" content="${preview.image === undefined ? "summary" : "summary_large_image"}">`;
}

function languageHref(path: string, lang: string, links?: Readonly<Record<string, string>>): string {
  if (links !== undefined && Object.hasOwn(links, lang)) return links[lang];
  const url = new URL(path, "http://page.invalid");
  url.searchParams.set("lang", lang);
  return url.pathname + url.search;
}

export function page(options: PageOptions): string {
  const { t } = options;
  const languages = Object.values(LOCALES).map(
    (locale) =>
      html`<li><a href="${languageHref(options.path, locale.lang, options.languageLinks)}" hreflang="${locale.lang}" lang="${locale.lang}"${
        locale.lang === t.lang ? html` aria-current="true"` : ""
      }>${locale.languageName}</a></li>`,
  );
  return (
    "<!doctype html>" +
    html`<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light">
<title>${options.title} — ${t.siteName}</title>
${options.noindex === true ? html`<meta name="robots" content="noindex, nofollow">` : ""}
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
${previewTags(`${options.title} — ${t.siteName}`, t.siteName, options.preview)}
<link rel="stylesheet" href="${ASSET_BASE}/style.css">
${options.head}
${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="site">
<a class="home-link" href="${t.lang === "en" ? "/" : `/${t.lang}`}"><span class="logo" aria-hidden="true">◆</span> <span class="site-name">${t.siteName}</span></a>
<nav aria-label="${t.switchLanguage}"><ul class="langs">${languages}</ul></nav>
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
<footer class="site"><p>${t.footer}</p></footer>
</body>
</html>
`.value
  );
}
