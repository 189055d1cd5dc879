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
}

function languageHref(path: string, lang: string): string {
  const url = new URL(path, "http://page.invalid");
  url.searchParams.set("lang", lang);
  return url.pathname + url.search;
}

export function page(options: PageOptions): string {
  const { t } = options;
  const languages = Object.values(LOCALES).map(
    (locale) =>
      html`<li><a href="${languageHref(options.path, locale.lang)}" hreflang="${locale.lang}" lang="${locale.lang}"${
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
<link rel="stylesheet" href="${ASSET_BASE}/style.css">
${options.head}
${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="site">
<span class="logo" aria-hidden="true">◆</span> <span class="site-name">${t.siteName}</span>
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
