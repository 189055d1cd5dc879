import type { DesignView } from "../../verification/catalogue.js";
import { formatDate, gatewayPath } from "../format.js";
import type { SafeHtml } from "../html.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format } from "../i18n/index.js";
import { page } from "../layout.js";
import { brandText, fallbackNote } from "../localized.js";
import { vendorScript } from "../assets.js";
import { share } from "./verify.js";

/** A physical piece whose owner claimed this design's twin, as the garment page links to it. */
export interface TwinPiece {
  tokenId: string;
  /** The piece's product name, when its description verified. */
  name: string | null;
  claimedAt: string;
}

export interface GarmentPageData {
  path: string;
  pageUrl: string;
  qrSvg: string;
  /** The first pieces whose twins were claimed (the page lists a few, not thousands). */
  twinPieces: readonly TwinPiece[];
}

/** "1 physical piece", "2 physical pieces": the language's own plural rules (French: 0 and 1 are singular). */
export function physicalPieces(t: Messages, count: number): string {
  const rule = new Intl.PluralRules(t.lang).select(count);
  return format(rule === "one" ? t.piece.physicalPiecesOne : t.piece.physicalPiecesOther, { count });
}

function twinRow(t: Messages, design: DesignView, data: GarmentPageData): SafeHtml {
  if (design.twin === null) return html``;
  const pieces = data.twinPieces.map(
    (piece) =>
      html`<li><a href="/v/${piece.tokenId}" data-piece="${piece.tokenId}">${piece.name ?? format(t.piece.pieceLink, { number: piece.tokenId.slice(-6) })}</a> <span class="muted small">(${formatDate(t, piece.claimedAt)})</span></li>`,
  );
  return html`<div class="row"><dt>${t.piece.twinOf}</dt><dd data-twin-claims="${design.twin.claims}">${physicalPieces(t, design.twin.claims)}${
    pieces.length === 0 ? "" : html`<ul class="plain twin-pieces">${pieces}</ul>`
  }</dd></div>`;
}

export function renderGarmentPage(t: Messages, design: DesignView, data: GarmentPageData): string {
  const doc = design.metadata.document;
  const localizedName = doc === null ? null : brandText(t, doc, doc.name, (texts) => texts.name);
  const name = localizedName?.value ?? `${t.garment.heading} ${design.designId}`;
  const description = doc === null ? null : brandText(t, doc, doc.description, (texts) => texts.description);
  const preview =
    doc === null
      ? null
      : gatewayPath(doc.wearable.previews[0]?.uri ?? doc.image, doc.wearable.previews[0]?.mediaType);
  const model = doc === null ? null : gatewayPath(doc.wearable.model.uri, doc.wearable.model.mediaType);
  const usdz =
    doc?.wearable.model.usdz === undefined
      ? null
      : gatewayPath(doc.wearable.model.usdz.uri, doc.wearable.model.usdz.mediaType);
  // AR places the model in the room: WebXR and Scene Viewer read a .glb, Quick Look (iOS) only a .usdz.
  const arModes = [
    ...(doc?.wearable.model.format === "glb" ? ["webxr", "scene-viewer"] : []),
    ...(usdz === null ? [] : ["quick-look"]),
  ];
  const alt = format(t.garment.model3dAlt, { name });
  const { edition } = design;
  const editionLine =
    edition.cap === null ? t.garment.openEdition : format(t.garment.editionOf, { cap: edition.cap });
  const viewer =
    model === null
      ? html`<p>${t.garment.noModel}</p>`
      : html`<model-viewer id="garment-model" src="${model}" ${usdz === null ? "" : html`ios-src="${usdz}"`} ${preview === null ? "" : html`poster="${preview}"`} alt="${alt}" camera-controls touch-action="pan-y" interaction-prompt="none" shadow-intensity="1"${
          arModes.length === 0 ? "" : html` ar ar-modes="${arModes.join(" ")}"`
        } aria-describedby="model-hint">
${preview === null ? "" : html`<img slot="poster" src="${preview}" alt="${name}" width="320" height="320">`}
${arModes.length === 0 ? "" : html`<button slot="ar-button" type="button" class="button ar-button">${t.piece.arButton}</button>`}
</model-viewer>
<p id="model-hint" class="hint"><span aria-hidden="true">↻ </span>${t.piece.dragHint}${arModes.length === 0 ? "" : html` ${t.piece.arHint}`}</p>`;
  const nameLang =
    localizedName !== null && localizedName.lang !== t.lang ? html` lang="${localizedName.lang}"` : "";
  const body = html`<div class="garment">
<section class="verdict verdict-garment" aria-labelledby="garment-title">
<div><p class="brand">${design.brand.name ?? String(design.brand.id)} · ${t.garment.heading}</p>
<h1 id="garment-title"${nameLang}>${name}</h1>
${
  description === null
    ? ""
    : html`<p><span${description.lang === t.lang ? "" : html` lang="${description.lang}"`}>${description.value}</span>${
        description.fallback
          ? html` <span class="fallback-note">(${fallbackNote(t, description.lang)})</span>`
          : ""
      }</p>`
}</div></section>
<section aria-labelledby="model-title" class="card model"><h2 id="model-title">${t.garment.model3d}</h2>${viewer}</section>
<section aria-labelledby="garment-details-title" class="card"><h2 id="garment-details-title" class="visually-hidden">${t.piece.details}</h2>
<dl class="facts">
<div class="row"><dt>${t.garment.edition}</dt><dd data-edition-cap="${edition.cap ?? "open"}" data-edition-minted="${edition.minted}">${editionLine} · ${format(t.garment.minted, { minted: edition.minted })}${
    edition.soldOut ? html` · <strong>${t.garment.soldOut}</strong>` : ""
  }</dd></div>
${edition.closesAt === null ? "" : html`<div class="row"><dt>${t.garment.closesAt}</dt><dd>${formatDate(t, edition.closesAt)}</dd></div>`}
${
  doc === null
    ? ""
    : html`<div class="row"><dt>${t.garment.category}</dt><dd data-category="${doc.wearable.category}">${t.piece.category[doc.wearable.category]}</dd></div>
<div class="row"><dt>${t.garment.platforms}</dt><dd>${doc.wearable.platforms.map((p) => p.name).join(", ")}</dd></div>`
}
${twinRow(t, design, data)}
<div class="row"><dt>${t.garment.created}</dt><dd>${formatDate(t, design.created.time)}</dd></div>
</dl></section>
${share(t, data.pageUrl, data.qrSvg)}
</div>`;
  return page({
    t,
    title: name,
    path: data.path,
    body,
    scripts: model === null ? [] : [vendorScript("model-viewer.min.js")],
  });
}
