import type { BrandProfileView } from "../../verification/brand-profile.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { page } from "../layout.js";
import { brandContact } from "./brand-contact.js";
import { verdictIcon } from "./verdict.js";

/** Why there is nothing to show: no certificate by that number, a number that is not one, or a label this verifier refuses. */
export type UnknownReason = "unknown" | "malformed" | "unresolvable" | "garment" | "garment-malformed";

export interface UnknownPageData {
  path: string;
  reason: UnknownReason;
  /** The brand the link named (a serial's, or the brand bits of a certificate number), for its contact. */
  brand?: BrandProfileView | null;
}

/**
 * The Unknown page: one sentence of what happened, then what to do about it (check the number, a
 * possible counterfeit, the brand's contact), and a way to check another piece. A malformed
 * number says so instead (400): nothing was looked up, so "unknown" would be misleading.
 */
export function renderUnknownPage(t: Messages, data: UnknownPageData): string {
  const e = t.entry;
  const malformed = data.reason === "malformed" || data.reason === "garment-malformed";
  const title = malformed ? e.malformedTitle : e.unknownTitle;
  const intro =
    data.reason === "malformed"
      ? e.malformedIntro
      : data.reason === "garment-malformed"
        ? e.malformedGarment
        : data.reason === "garment"
          ? t.garment.unknown
          : data.reason === "unresolvable"
            ? t.verdictHelp.unresolvable
            : e.unknownIntro;
  const advice = malformed
    ? [e.adviceCheck]
    : [e.adviceCheck, ...(data.reason.startsWith("garment") ? [] : [e.adviceCounterfeit]), e.adviceContact];
  const body = html`<section class="verdict verdict-unknown" data-verdict="unknown" data-unknown-reason="${data.reason}" aria-labelledby="verdict-title">
${verdictIcon("unknown")}
<div>
<h1 id="verdict-title" class="verdict-title">${title}</h1>
<p>${intro}</p>
</div>
</section>
<section class="card advice" aria-labelledby="advice-title"><h2 id="advice-title">${e.adviceTitle}</h2>
<ul class="advice-list">${advice.map((line) => html`<li>${line}</li>`)}</ul>
<p><a class="button" href="${t.lang === "en" ? "/" : `/${t.lang}`}">${e.checkAnother}</a></p>
</section>
${malformed ? "" : brandContact(t, data.brand ?? null)}`;
  return page({ t, title, path: data.path, body });
}
