import type { MetadataDocument } from "../../metadata/document-kinds.js";
import type { CertificateView } from "../../verification/certificate.js";
import type { DigitalLinkView } from "../../verification/digital-link.js";
import type { VerifiedMetadata } from "../../verification/committed-document.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { ProvenanceEventView } from "../../verification/provenance.js";
import { formatDate, gatewayPath, placeText } from "../format.js";
import type { SafeHtml } from "../html.js";
import { html, jsonScript, raw } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format } from "../i18n/index.js";
import { ASSET_BASE, page } from "../layout.js";
import type { PagePreview } from "../layout.js";
import type { BrandProfileView } from "../../verification/brand-profile.js";
import { brandContact } from "./brand-contact.js";
import { brandText, fallbackNote } from "../localized.js";
import type { BrandText } from "../localized.js";
import { verdictBanner, verdictKindOf } from "./verdict.js";
import { passkeyMessagesFor } from "../i18n/passkeys.js";
import { ownerPanel, receiveHint } from "./owner-panel.js";
import { sustainabilitySection } from "./sustainability.js";

type CertificateDocument = MetadataDocument<"certificate-metadata">;
type ProvenanceDocument = MetadataDocument<"provenance-details">;

export interface VerifyPageData {
  /** With `digitalLink` when the page was reached from a GS1 Digital Link: its flags include the GTIN check. */
  view: CertificateView & { digitalLink?: DigitalLinkView };
  /** Block at which the current metadata digest was committed. */
  metadataBlock: number;
  provenance: readonly ProvenanceEventView[];
  /** Verified details documents by digest (only the verified ones are shown). */
  details: ReadonlyMap<string, VerifiedMetadata<"provenance-details">>;
  freshness: IndexFreshness;
  pageUrl: string;
  qrSvg: string;
  path: string;
  /** The seller's prove page for this certificate, at the public origin (the buyer's QR code adds the challenge). */
  proveUrl: string;
  /** The brand's public profile, for its contact on a piece the customer must not buy. */
  brand?: BrandProfileView | null;
  /** The certificate contract, for the technical details. */
  certificateAddress: string;
  /**
   * The serial of the link the visitor came through (Digital Link or /b/), once it hashed to this
   * certificate: with hashed serials it is the only way the page can name the serial on the label.
   */
  labelSerial: string | null;
  /** Digital twins claimed with this certificate, with their names when their description verified. */
  twins: readonly { designId: string; name: string | null }[];
}

/** Verdicts that tell the customer to contact the brand: the page gives its contact right there. */
export const CONTACT_VERDICTS: ReadonlySet<string> = new Set([
  "stolen",
  "revoked",
  "mismatch",
  "label_mismatch",
]);

function warnings(t: Messages, view: VerifyPageData["view"]): SafeHtml {
  // Stolen and revoked are the verdict's title already: not repeated as a bullet under it.
  const kind = verdictKindOf(view);
  const flags = view.flags.filter((flag) => !(flag === kind && (kind === "stolen" || kind === "revoked")));
  if (flags.length === 0 && view.statusReason === null && view.successor === null) return html``;
  const reason =
    view.statusReason === null
      ? html``
      : html`<p class="reason"><span class="label">${t.reason}:</span> ${view.statusReason}</p>`;
  const successor =
    view.successor === null ? html`` : html`<p><a href="/v/${view.successor}">${t.seeSuccessor}</a></p>`;
  return html`<div class="warnings"><h2 class="visually-hidden">${t.warnings.heading}</h2>${
    flags.length === 0
      ? ""
      : html`<ul>${flags.map(
          (flag) =>
            html`<li data-flag="${flag}"><span aria-hidden="true">⚠ </span>${format(t.warnings[flag], { gtin: view.digitalLink?.gtin ?? "", passportGtin: view.digitalLink?.passportGtin ?? "" })}</li>`,
        )}</ul>`
  }${reason}${successor}</div>`;
}

function photos(t: Messages, doc: CertificateDocument): SafeHtml {
  const images = doc.passport.images
    .map((image) => ({
      src: gatewayPath(image.uri, image.mediaType),
      alt: image.alt ?? doc.passport.productName,
      width: image.width,
      height: image.height,
    }))
    .filter(
      (image): image is { src: string; alt: string; width: number | undefined; height: number | undefined } =>
        image.src !== null,
    );
  if (images.length === 0) return html``;
  return html`<section aria-labelledby="photos-title" class="photos-card"><h2 id="photos-title" class="visually-hidden">${t.photos}</h2><div class="photos${images.length > 1 ? " several" : ""}">${images.map(
    (image, i) =>
      html`<img src="${image.src}" alt="${image.alt}" width="${image.width ?? 320}" height="${image.height ?? 320}" ${i === 0 ? "" : raw('loading="lazy"')} decoding="async">`,
  )}</div></section>`;
}

function row(label: string, value: SafeHtml | string | null | undefined): SafeHtml {
  if (value === null || value === undefined || value === "") return html``;
  return html`<div class="row"><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** A brand text in its element, with `lang` when it is not the page's (the page says once that it fell back). */
function brandTextHtml(
  t: Messages,
  text: BrandText<string>,
  tag: "p" | "span" = "p",
  className = "",
): SafeHtml {
  const lang = text.lang === t.lang ? "" : html` lang="${text.lang}"`;
  return tag === "p"
    ? html`<p${className === "" ? "" : html` class="${className}"`}${lang}>${text.value}</p>`
    : html`<span${lang}>${text.value}</span>`;
}

/** Whether any of the document's texts shown is in its own language for want of the visitor's. */
function fellBack(t: Messages, doc: CertificateDocument): string | null {
  const texts = [
    brandText(t, doc, doc.description, (x) => x.description),
    brandText(t, doc, doc.passport.care.instructions, (x) => x.care?.instructions),
  ];
  const fallback = texts.find((text) => text.fallback);
  return fallback === undefined ? null : fallback.lang;
}

function passport(t: Messages, doc: CertificateDocument): SafeHtml {
  const p = doc.passport;
  const careLines = brandText(t, doc, p.care.instructions, (texts) => texts.care?.instructions);
  const repair =
    p.care.repair === undefined ? undefined : brandText(t, doc, p.care.repair, (texts) => texts.care?.repair);
  const parts = new Map<string, typeof p.materials>();
  for (const share of p.materials) parts.set(share.part, [...(parts.get(share.part) ?? []), share]);
  const materials = html`<ul class="plain">${[...parts].map(
    ([part, shares]) =>
      html`<li>${parts.size > 1 || part !== "main" ? html`<span class="label">${part}:</span> ` : ""}${shares
        .map((s) => `${s.percentage}% ${s.material}${s.origin === undefined ? "" : ` (${s.origin})`}`)
        .join(", ")}</li>`,
  )}</ul>`;
  const careLang = careLines.lang === t.lang ? "" : html` lang="${careLines.lang}"`;
  const care = html`<ul class="plain"${careLang}>${careLines.value.map((line) => html`<li>${line}</li>`)}</ul>`;
  return html`<section aria-labelledby="passport-title" class="card"><h2 id="passport-title">${t.passport}</h2><dl class="facts">
${row(t.materials, materials)}
${row(t.origin, placeText(t, p.manufacture.place))}
${row(t.madeOn, formatDate(t, p.manufacture.date))}
${row(t.care, care)}
${row(t.repairPolicy, repair === undefined ? undefined : brandTextHtml(t, repair, "span"))}
</dl></section>`;
}

/** People, not addresses: the brand's vault, or a private owner ("you" once verify.js finds the visitor's wallet is the owner). */
function ownerText(t: Messages, view: CertificateView): SafeHtml {
  if (view.custody === "brand_vault_unclaimed") return html`<span data-owner="brand">${t.heldByBrand}</span>`;
  return html`<span data-owner="${view.owner}" data-you="${t.piece.you}">${t.piece.privateOwner}</span>`;
}

function eventDetail(t: Messages, entry: ProvenanceEventView, doc: ProvenanceDocument | null): SafeHtml {
  const lines: SafeHtml[] = [];
  if (doc !== null) {
    const who = [doc.actor.name, placeText(t, doc.place)].filter((x) => x !== null && x !== "").join(" — ");
    if (who !== "") lines.push(html`<p>${who}</p>`);
    if (doc.repair !== undefined) lines.push(html`<p>${doc.repair.description}</p>`);
    if (doc.inspection !== undefined) {
      lines.push(
        html`<p><span class="label">${t.condition}:</span> <span data-condition="${doc.inspection.conditionGrade}">${t.piece.conditionGrade[doc.inspection.conditionGrade]}</span></p>`,
      );
      for (const finding of doc.inspection.findings)
        lines.push(
          html`<p class="muted">${areaName(t, finding.area)} (${t.piece.severity[finding.severity]}): ${finding.description}</p>`,
        );
    }
  } else if (entry.conditionGrade !== null && entry.conditionGrade > 0) {
    lines.push(html`<p><span class="label">${t.condition}:</span> ${entry.conditionGrade}/10</p>`);
  }
  if (entry.reason !== null) lines.push(html`<p><span class="label">${t.reason}:</span> ${entry.reason}</p>`);
  if (entry.kind === "succeeded" && entry.relatedTokenId !== null) {
    lines.push(html`<p><a href="/v/${entry.relatedTokenId}">${t.seeSuccessor}</a></p>`);
  }
  return html`${lines}`;
}

/** The documents committed with issuance and metadata updates are the certificate's own description, not event details. */
const EVENTS_WITH_REPORTS = new Set(["sale", "authenticated_resale", "repair", "inspection"]);

/** Milliseconds of "2024-03", "2024-03-15" or an ISO timestamp (a month counts from its first day). */
function instant(value: string): number {
  const time = Date.parse(/^\d{4}-\d{2}$/.test(value) ? `${value}-01T00:00:00Z` : value);
  return Number.isNaN(time) ? 0 : time;
}

function sameDay(a: string, b: string): boolean {
  return new Date(instant(a)).toISOString().slice(0, 10) === new Date(instant(b)).toISOString().slice(0, 10);
}

interface TimelineItem {
  /** When it happened: the details' own date, else the block's. */
  when: string;
  /** When the chain recorded it (null for the manufacture, which the passport states). */
  recorded: string | null;
  markup: (recordedNote: SafeHtml) => SafeHtml;
}

/**
 * The piece's life in the order it happened: a brand back-filling a 2024 sale in 2026 records it after
 * the issuance, but it is shown before, with the date of recording beside it.
 */
function timeline(t: Messages, data: VerifyPageData, doc: CertificateDocument | null): SafeHtml {
  const items: TimelineItem[] = [];
  if (doc !== null) {
    const made = doc.passport.manufacture;
    items.push({
      when: made.date,
      recorded: null,
      markup: () =>
        html`<li class="event" data-kind="manufactured" data-when="${made.date}"><p class="when"><time datetime="${made.date}">${formatDate(t, made.date)}</time></p>
<p class="what">${t.event.manufactured}</p><p>${placeText(t, made.place)}</p></li>`,
    });
  }
  for (const entry of data.provenance) {
    const details =
      entry.details !== null && EVENTS_WITH_REPORTS.has(entry.kind)
        ? data.details.get(entry.details.digest)
        : undefined;
    const document = details?.verified === true ? details.document : null;
    const when = document?.date ?? entry.time;
    items.push({
      when,
      recorded: entry.time,
      markup: (recordedNote) =>
        html`<li class="event${entry.suspect ? " suspect" : ""}" data-kind="${entry.kind}" data-when="${when}"><p class="when"><time datetime="${when}">${formatDate(t, when)}</time>${recordedNote}</p>
<p class="what">${t.event[entry.kind]}</p>
${eventDetail(t, entry, document)}
${entry.suspect ? html`<p class="suspect-note"><span aria-hidden="true">⚠ </span>${t.suspectEvent}</p>` : ""}</li>`,
    });
  }
  // Stable: events of the same moment keep the chain's order.
  items.sort((a, b) => instant(a.when) - instant(b.when));
  const markup = items.map((item) =>
    item.markup(
      item.recorded === null || sameDay(item.when, item.recorded)
        ? html``
        : html` <span class="recorded" data-recorded="${item.recorded}">· ${format(t.piece.recordedOn, { date: formatDate(t, item.recorded) })}</span>`,
    ),
  );
  return html`<section aria-labelledby="history-title" class="card history"><h2 id="history-title">${t.history}</h2>
${items.length === 0 ? html`<p>${t.historyEmpty}</p>` : html`<ol class="timeline">${markup}</ol>`}</section>`;
}

/** Block, transaction, CID, digest, contract: folded away, for those who check for themselves. */
function technicalDetails(t: Messages, data: VerifyPageData): SafeHtml {
  const { view } = data;
  const { metadata } = view;
  const status = metadata.verified
    ? t.piece.descriptionChecked
    : format(t.metadataUnverified, { reason: t.unverifiedReason[metadata.reason ?? "unreadable"] });
  const ledger = data.provenance.map(
    (entry) =>
      html`<li><span class="label">${t.event[entry.kind]}</span>: ${format(t.piece.ledgerEntry, { block: entry.block })} <code class="wrap">${entry.txHash}</code>${
        entry.details === null
          ? ""
          : html`; ${t.piece.detailsCid} <code class="wrap">${entry.details.cid}</code>`
      }</li>`,
  );
  return html`<section aria-labelledby="technical-title" class="card technical">
<h2 id="technical-title">${t.verification}</h2>
<p data-metadata-verified="${String(metadata.verified)}"><span aria-hidden="true">${metadata.verified ? "✓ " : "⚠ "}</span>${status}</p>
<details id="technical-details"><summary>${t.piece.technicalDetails}</summary>
<p class="muted small">${t.piece.technicalHelp}</p>
<dl class="facts small">
${row(t.piece.tokenId, html`<code class="wrap">${view.tokenId}</code>`)}
${row(t.piece.contract, html`<code class="wrap">${data.certificateAddress}</code>`)}
${view.custody === "owner" ? row(t.ownerAddress, html`<code class="wrap">${view.owner}</code>`) : ""}
${row(t.piece.metadataCid, html`<code class="wrap">${metadata.cid}</code>`)}
${row(t.piece.metadataDigest, html`<code class="wrap">${metadata.digest}</code>`)}
${row(t.piece.metadataBlock, String(data.metadataBlock))}
${row(t.issued, html`${format(t.piece.ledgerEntry, { block: view.issued.block })} <code class="wrap">${view.issued.txHash}</code>`)}
</dl>
<h3 class="small">${t.piece.ledger}</h3>
<ul class="ledger small">${ledger}</ul>
<p class="muted small">${format(t.indexFreshness, { block: data.freshness.block })}${data.freshness.caughtUp && data.freshness.stale !== true ? "" : ` ${t.indexBehind}`}</p>
</details></section>`;
}

function twinsCard(t: Messages, data: VerifyPageData, productName: string): SafeHtml {
  if (data.twins.length === 0) return html``;
  return html`<section aria-labelledby="twin-title" class="card twins"><h2 id="twin-title">${t.piece.twinHeading}</h2>
<p>${t.piece.twinOfThis}</p>
<ul class="plain">${data.twins.map((twin) => html`<li><a href="/g/${twin.designId}" data-twin="${twin.designId}">${twin.name ?? `${productName} — ${t.piece.twinHeading}`}</a></li>`)}</ul></section>`;
}

function areaName(t: Messages, area: string): string {
  const key = area.trim().toLowerCase();
  const areas: Record<string, string> = t.piece.area;
  if (Object.hasOwn(areas, key)) return areas[key];
  return area.charAt(0).toUpperCase() + area.slice(1);
}

/**
 * The ownership check, buyer first: the person reading a piece's page in a shop is the buyer, so
 * asking the seller to prove ownership (on the seller's own phone) is the filled button; signing
 * here is for a seller holding this phone. On a stolen or revoked piece both stay available (a
 * partner or the police may need the proof) under a warning that proof does not make it safe.
 */
function ownership(t: Messages, blocked: boolean): SafeHtml {
  return html`<section aria-labelledby="ownership-title" class="card"><h2 id="ownership-title">${t.entry.buyerHeading}</h2>
${blocked ? html`<p class="actions-warning" data-actions-warning>${t.entry.actionsWarning}</p>` : ""}
<p>${t.entry.buyerHelp}</p>
${receiveHint(t)}
<noscript><p>${t.ownershipNoJs}</p></noscript>
<button type="button" id="watch-button" class="button" hidden>${t.watchButton}</button>
<div id="watch-panel" class="watch" hidden>
<p>${t.watchHelp}</p>
<img id="watch-qr" class="qr" alt="${t.watchQrAlt}" width="192" height="192">
<p><a id="watch-link" class="wrap small" href="#"></a></p>
</div>
<p id="watch-status" class="result" role="status" aria-live="polite"></p>
<h3 class="seller-heading">${t.entry.sellerHeading}</h3>
<p class="small">${t.ownershipHelp}</p>
<button type="button" id="ownership-button" class="button secondary" hidden>${t.ownershipButton}</button>
<p id="ownership-result" class="result" role="status" aria-live="polite"></p></section>`;
}

export function share(t: Messages, pageUrl: string, qrSvg: string): SafeHtml {
  return html`<section aria-labelledby="share-title" class="card share"><h2 id="share-title">${t.share}</h2>
<figure class="qr" role="img" aria-label="${t.shareQrAlt}">${raw(qrSvg)}</figure>
<p><a href="${pageUrl}" class="wrap">${pageUrl}</a></p></section>`;
}

/** The link preview of a piece's page: its first picture, at the public origin (a chat app fetches it from there). */
function piecePreview(
  t: Messages,
  pageUrl: string,
  name: string,
  brand: string,
  doc: CertificateDocument | null,
): PagePreview {
  const first = doc?.passport.images[0];
  const path = first === undefined ? null : gatewayPath(first.uri, first.mediaType);
  const preview: PagePreview = {
    url: pageUrl,
    description: format(t.entry.ogDescriptionPiece, { name, brand }),
  };
  if (path !== null) {
    preview.image = new URL(path, pageUrl).toString();
    preview.imageAlt = first?.alt ?? name;
  }
  return preview;
}

/** The brand's attributes (Colour: Tan), values in the visitor's language when the document gives them. */
function attributeRows(t: Messages, doc: CertificateDocument): SafeHtml {
  const shown = doc.attributes.filter(
    // The model is already a row of its own.
    (attribute) => !/^model$/i.test(attribute.trait_type) || attribute.value !== doc.passport.model.name,
  );
  return html`${shown.map((attribute) => {
    const value =
      typeof attribute.value === "number"
        ? { value: new Intl.NumberFormat(t.lang).format(attribute.value), lang: t.lang, fallback: false }
        : brandText(t, doc, attribute.value, (texts) =>
            texts.attributes !== undefined && Object.hasOwn(texts.attributes, attribute.trait_type)
              ? texts.attributes[attribute.trait_type]
              : undefined,
          );
    const label = brandText(t, doc, attribute.trait_type, (texts) =>
      texts.attributeNames !== undefined && Object.hasOwn(texts.attributeNames, attribute.trait_type)
        ? texts.attributeNames[attribute.trait_type]
        : undefined,
    );
    const lang = (text: { lang: string }) => (text.lang === t.lang ? "" : html` lang="${text.lang}"`);
    return html`<div class="row" data-attribute="${attribute.trait_type}"><dt${lang(label)}>${label.value}</dt><dd${lang(value)}>${value.value}</dd></div>`;
  })}`;
}

export function renderVerifyPage(t: Messages, data: VerifyPageData): string {
  const { view } = data;
  const doc = view.metadata.document;
  const kind = verdictKindOf(view);
  const productName =
    doc === null ? null : brandText(t, doc, doc.passport.productName, (texts) => texts.productName);
  const name = productName?.value ?? doc?.name ?? `${t.certificateNumber} ${view.tokenId}`;
  const brand = doc?.passport.brand.name ?? view.brand.name ?? String(view.brand.id);
  const serial =
    doc?.passport.serial.kind === "clear"
      ? html`<span data-serial>${doc.passport.serial.value}</span>`
      : data.labelSerial === null
        ? null
        : html`<span data-serial>${data.labelSerial}</span> <span class="muted small">(${t.piece.serialFromLabel})</span>`;
  const description = doc === null ? null : brandText(t, doc, doc.description, (texts) => texts.description);
  const fallbackLanguage = doc === null ? null : fellBack(t, doc);
  const body = html`<div class="piece">
${verdictBanner(t, kind, warnings(t, view))}
${CONTACT_VERDICTS.has(kind) ? brandContact(t, data.brand ?? { name: brand, contact: null }, { tokenId: view.tokenId }) : ""}
<div class="piece-side">
<section aria-labelledby="product-title" class="product">
<p class="brand">${brand}</p>
<h2 id="product-title"${productName !== null && productName.lang !== t.lang ? html` lang="${productName.lang}"` : ""}>${name}</h2>
${description === null ? "" : brandTextHtml(t, description, "p", "description")}
${fallbackLanguage === null ? "" : html`<p class="fallback-note" data-fallback-language="${fallbackLanguage}">${fallbackNote(t, fallbackLanguage)}</p>`}
${doc === null ? "" : photos(t, doc)}
</section>
<section aria-labelledby="details-title" class="card details"><h2 id="details-title" class="visually-hidden">${t.piece.details}</h2>
<dl class="facts">
${row(t.owner, ownerText(t, view))}
${row(t.model, doc?.passport.model.name)}
${row(t.reference, doc?.passport.model.reference)}
${row(t.serial, serial)}
${row(t.piece.gtin, doc?.passport.gtin)}
${doc === null ? "" : attributeRows(t, doc)}
${row(t.issued, formatDate(t, view.issued.time))}
${row(t.chip, view.chip.bound ? t.chipBound : t.chipNone)}
</dl></section>
</div>
<div class="piece-main">
${doc === null ? "" : passport(t, doc)}
${doc === null ? "" : sustainabilitySection(t, doc)}
${timeline(t, data, doc)}
${twinsCard(t, data, name)}
${ownerPanel(t, { stolen: kind === "stolen" })}
${ownership(t, kind === "stolen" || kind === "revoked")}
${technicalDetails(t, data)}
${share(t, data.pageUrl, data.qrSvg)}
</div>
</div>`;
  return page({
    t,
    title: `${t.verdict[kind]} — ${name}`,
    path: data.path,
    preview: piecePreview(t, data.pageUrl, name, brand, doc),
    body,
    head: jsonScript("hallmark-page", {
      tokenId: view.tokenId,
      proveUrl: data.proveUrl,
      owner: view.custody === "owner" ? view.owner : null,
      messages: t.client,
      passkeyMessages: passkeyMessagesFor(t).client,
    }),
    scripts: [`${ASSET_BASE}/verify.js`],
  });
}

/** The seller's phone, opened from the buyer's QR code: sign the challenge named in the fragment. */
export function renderProvePage(t: Messages, data: { view: CertificateView; path: string }): string {
  const { view } = data;
  const doc = view.metadata.document;
  const name = doc?.passport.productName ?? doc?.name ?? `${t.certificateNumber} ${view.tokenId}`;
  const body = html`<h1 class="page-title">${t.prove.title}</h1>
<p class="product-name">${name}</p>
<section aria-labelledby="prove-title" class="card"><h2 id="prove-title" class="visually-hidden">${t.prove.title}</h2>
<p>${t.entry.proveIntro}</p>
<p class="prove-id"><span class="label">${t.entry.proveIdLabel}</span> <code>${view.tokenId}</code></p>
${verdictKindOf(view) === "stolen" || verdictKindOf(view) === "revoked" ? html`<p class="actions-warning" data-actions-warning>${t.entry.actionsWarning}</p>` : ""}
<noscript><p>${t.prove.noJs}</p></noscript>
<button type="button" id="prove-passkey-button" class="button" hidden>${passkeyMessagesFor(t).proveButton}</button>
<button type="button" id="prove-button" class="button" hidden>${t.ownershipButton}</button>
<p id="prove-result" class="result" role="status" aria-live="polite"></p></section>
<p><a href="/v/${view.tokenId}">${t.prove.back}</a></p>`;
  return page({
    t,
    title: t.prove.title,
    path: data.path,
    noindex: true,
    body,
    head: jsonScript("hallmark-page", {
      tokenId: view.tokenId,
      messages: t.client,
      passkeyMessages: passkeyMessagesFor(t).client,
    }),
    scripts: [`${ASSET_BASE}/prove.js`],
  });
}
