import type { BrandContactView } from "../../verification/brand-profile.js";
import type { SafeHtml } from "../html.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format } from "../i18n/index.js";

/**
 * How to reach the brand, from its public profile (server/verification/brand-profile.ts): shown
 * where a customer must act (stolen, revoked, unknown). Without a profile, the page says where to
 * look, and warns against contact details a seller hands over.
 */
export function brandContact(
  t: Messages,
  brand: { name: string | null; contact: BrandContactView | null } | null,
  options: { tokenId?: string } = {},
): SafeHtml {
  const name = brand?.name ?? null;
  const title = name === null ? t.entry.contactTitleNoBrand : format(t.entry.contactTitle, { brand: name });
  const contact = brand?.contact ?? null;
  const rows: SafeHtml[] = [];
  if (contact?.supportUrl !== undefined)
    rows.push(
      html`<li><span class="label">${t.entry.contactSupport}:</span> <a href="${contact.supportUrl}" rel="noopener" class="wrap">${new URL(contact.supportUrl).host}</a></li>`,
    );
  if (contact?.email !== undefined)
    rows.push(
      html`<li><span class="label">${t.entry.contactEmail}:</span> <a href="mailto:${contact.email}" class="wrap">${contact.email}</a></li>`,
    );
  if (contact?.phone !== undefined)
    rows.push(
      html`<li><span class="label">${t.entry.contactPhone}:</span> <a href="tel:${contact.phone.replace(/[^\d+]/g, "")}">${contact.phone}</a></li>`,
    );
  const report = reportHref(t, contact, options.tokenId);
  return html`<section class="card contact" aria-labelledby="contact-title" data-brand-contact="${contact === null ? "none" : "profile"}">
<h2 id="contact-title">${title}</h2>
${rows.length === 0 ? html`<p>${t.entry.contactNone}</p>` : html`<ul class="plain contact-list">${rows}</ul>`}
${report === null ? "" : html`<p><a class="button danger" href="${report}" id="report-listing"${report.startsWith("mailto:") ? "" : html` rel="noopener"`}>${t.entry.reportListing}</a></p>`}
</section>`;
}

/** Where "report a suspicious listing" goes: the brand's own report page, else a prefilled e-mail. */
function reportHref(
  t: Messages,
  contact: BrandContactView | null,
  tokenId: string | undefined,
): string | null {
  if (contact === null) return null;
  if (contact.reportUrl !== undefined) return contact.reportUrl;
  if (contact.email === undefined) return null;
  const subject = tokenId === undefined ? t.entry.reportListing : format(t.entry.reportSubject, { tokenId });
  return `mailto:${contact.email}?subject=${encodeURIComponent(subject)}`;
}
