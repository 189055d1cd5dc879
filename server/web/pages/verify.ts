import type { MetadataDocument } from "../../metadata/document-kinds.js";
import type { CertificateView } from "../../verification/certificate.js";
import type { DigitalLinkView } from "../../verification/digital-link.js";
import type { VerifiedMetadata } from "../../verification/committed-document.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { ProvenanceEventView } from "../../verification/provenance.js";
import { formatDate, gatewayPath, placeText, shortAddress } from "../format.js";
import type { SafeHtml } from "../html.js";
import { html, jsonScript, raw } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format } from "../i18n/index.js";
import { ASSET_BASE, page } from "../layout.js";
import type { PagePreview } from "../layout.js";
import type { BrandProfileView } from "../../verification/brand-profile.js";
import { brandContact } from "./brand-contact.js";
import { verdictBanner, verdictKindOf } from "./verdict.js";

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
  return html`<section aria-labelledby="photos-title"><h2 id="photos-title" class="visually-hidden">${t.photos}</h2><div class="photos">${images.map(
    (image, i) =>
      html`<img src="${image.src}" alt="${image.alt}" width="${image.width ?? 320}" height="${image.height ?? 320}" ${i === 0 ? "" : raw('loading="lazy"')} decoding="async">`,
  )}</div></section>`;
}

function row(label: string, value: SafeHtml | string | null | undefined): SafeHtml {
  if (value === null || value === undefined || value === "") return html``;
  return html`<div class="row"><dt>${label}</dt><dd>${value}</dd></div>`;
}

function passport(t: Messages, doc: CertificateDocument): SafeHtml {
  const p = doc.passport;
  const parts = new Map<string, typeof p.materials>();
  for (const share of p.materials) parts.set(share.part, [...(parts.get(share.part) ?? []), share]);
  const materials = html`<ul class="plain">${[...parts].map(
    ([part, shares]) =>
      html`<li>${parts.size > 1 || part !== "main" ? html`<span class="label">${part}:</span> ` : ""}${shares
        .map((s) => `${s.percentage}% ${s.material}${s.origin === undefined ? "" : ` (${s.origin})`}`)
        .join(", ")}</li>`,
  )}</ul>`;
  const care = html`<ul class="plain">${p.care.instructions.map((line) => html`<li>${line}</li>`)}</ul>`;
  return html`<section aria-labelledby="passport-title" class="card"><h2 id="passport-title">${t.passport}</h2><dl class="facts">
${row(t.materials, materials)}
${row(t.origin, placeText(t, p.manufacture.place))}
${row(t.madeOn, formatDate(t, p.manufacture.date))}
${row(t.care, care)}
${row(t.repairPolicy, p.care.repair)}
</dl></section>`;
}

function ownerText(t: Messages, view: CertificateView): SafeHtml {
  if (view.custody === "brand_vault_unclaimed") return html`<span data-owner="brand">${t.heldByBrand}</span>`;
  return html`<span data-owner="${view.owner}"><span class="visually-hidden">${t.ownerAddress} </span><code title="${view.owner}">${shortAddress(view.owner)}</code></span>`;
}

function eventDetail(t: Messages, entry: ProvenanceEventView, doc: ProvenanceDocument | null): SafeHtml {
  const lines: SafeHtml[] = [];
  if (doc !== null) {
    const who = [doc.actor.name, placeText(t, doc.place)].filter((x) => x !== null && x !== "").join(" — ");
    if (who !== "") lines.push(html`<p>${who}</p>`);
    if (doc.repair !== undefined) lines.push(html`<p>${doc.repair.description}</p>`);
    if (doc.inspection !== undefined) {
      lines.push(html`<p><span class="label">${t.condition}:</span> ${doc.inspection.conditionGrade}</p>`);
      for (const finding of doc.inspection.findings)
        lines.push(html`<p class="muted">${finding.area}: ${finding.description}</p>`);
    }
  } else if (entry.conditionGrade !== null && entry.conditionGrade > 0) {
    lines.push(html`<p><span class="label">${t.condition}:</span> ${entry.conditionGrade}/10</p>`);
  }
  if (entry.reason !== null) lines.push(html`<p><span class="label">${t.reason}:</span> ${entry.reason}</p>`);
  if (entry.kind === "succeeded" && entry.relatedTokenId !== null) {
    lines.push(html`<p><a href="/v/${entry.relatedTokenId}">${entry.relatedTokenId}</a></p>`);
  }
  return html`${lines}`;
}

/** The documents committed with issuance and metadata updates are the certificate's own description, not event details. */
const EVENTS_WITH_REPORTS = new Set(["sale", "authenticated_resale", "repair", "inspection"]);

function timeline(t: Messages, data: VerifyPageData, doc: CertificateDocument | null): SafeHtml {
  const items: SafeHtml[] = [];
  if (doc !== null) {
    const made = doc.passport.manufacture;
    items.push(html`<li class="event" data-kind="manufactured"><p class="when"><time datetime="${made.date}">${formatDate(t, made.date)}</time></p>
<p class="what">${t.event.manufactured}</p><p>${placeText(t, made.place)}</p></li>`);
  }
  for (const entry of data.provenance) {
    const details =
      entry.details !== null && EVENTS_WITH_REPORTS.has(entry.kind)
        ? data.details.get(entry.details.digest)
        : undefined;
    const document = details?.verified === true ? details.document : null;
    const when = document?.date ?? entry.time;
    items.push(html`<li class="event${entry.suspect ? " suspect" : ""}" data-kind="${entry.kind}"><p class="when"><time datetime="${when}">${formatDate(t, when)}</time></p>
<p class="what">${t.event[entry.kind]}</p>
${eventDetail(t, entry, document)}
${entry.suspect ? html`<p class="suspect-note"><span aria-hidden="true">⚠ </span>${t.suspectEvent}</p>` : ""}
<p class="muted small">${t.historyBlock} ${entry.block}</p></li>`);
  }
  return html`<section aria-labelledby="history-title" class="card"><h2 id="history-title">${t.history}</h2>
${items.length === 0 ? html`<p>${t.historyEmpty}</p>` : html`<ol class="timeline">${items}</ol>`}</section>`;
}

function verification(t: Messages, data: VerifyPageData): SafeHtml {
  const { metadata } = data.view;
  const line = metadata.verified
    ? format(t.metadataVerified, { block: data.metadataBlock })
    : format(t.metadataUnverified, { reason: t.unverifiedReason[metadata.reason ?? "unreadable"] });
  return html`<section aria-labelledby="verification-title" class="card"><h2 id="verification-title">${t.verification}</h2>
<p data-metadata-verified="${String(metadata.verified)}"><span aria-hidden="true">${metadata.verified ? "✓ " : "⚠ "}</span>${line}</p>
<p class="muted small">${format(t.indexFreshness, { block: data.freshness.block })}${data.freshness.caughtUp && data.freshness.stale !== true ? "" : ` ${t.indexBehind}`}</p>
<p class="muted small">CID <code class="wrap">${metadata.cid}</code></p></section>`;
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

export function renderVerifyPage(t: Messages, data: VerifyPageData): string {
  const { view } = data;
  const doc = view.metadata.document;
  const kind = verdictKindOf(view);
  const name = doc?.passport.productName ?? doc?.name ?? `${t.certificateNumber} ${view.tokenId}`;
  const brand = doc?.passport.brand.name ?? view.brand.name ?? String(view.brand.id);
  const serial = doc?.passport.serial.kind === "clear" ? doc.passport.serial.value : null;
  const body = html`${verdictBanner(t, kind, warnings(t, view))}
${CONTACT_VERDICTS.has(kind) ? brandContact(t, data.brand ?? { name: brand, contact: null }, { tokenId: view.tokenId }) : ""}
<section aria-labelledby="product-title" class="product">
<p class="brand">${brand}</p>
<h2 id="product-title">${name}</h2>
${doc === null ? "" : html`<p class="description">${doc.description}</p>`}
${doc === null ? "" : photos(t, doc)}
<dl class="facts card">
${row(t.owner, ownerText(t, view))}
${row(t.model, doc?.passport.model.name)}
${row(t.reference, doc?.passport.model.reference)}
${row(t.serial, serial)}
${row(t.issued, formatDate(t, view.issued.time))}
${row(t.chip, view.chip.bound ? t.chipBound : t.chipNone)}
${row(t.certificateNumber, html`<code class="wrap">${view.tokenId}</code>`)}
</dl>
</section>
${doc === null ? "" : passport(t, doc)}
${timeline(t, data, doc)}
${verification(t, data)}
${ownership(t, kind === "stolen" || kind === "revoked")}
${share(t, data.pageUrl, data.qrSvg)}`;
  return page({
    t,
    title: `${t.verdict[kind]} — ${name}`,
    path: data.path,
    preview: piecePreview(t, data.pageUrl, name, brand, doc),
    body,
    head: jsonScript("hallmark-page", { tokenId: view.tokenId, proveUrl: data.proveUrl, messages: t.client }),
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
<button type="button" id="prove-button" class="button" hidden>${t.ownershipButton}</button>
<p id="prove-result" class="result" role="status" aria-live="polite"></p></section>
<p><a href="/v/${view.tokenId}">${t.prove.back}</a></p>`;
  return page({
    t,
    title: t.prove.title,
    path: data.path,
    noindex: true,
    body,
    head: jsonScript("hallmark-page", { tokenId: view.tokenId, messages: t.client }),
    scripts: [`${ASSET_BASE}/prove.js`],
  });
}
