import type { DesignView } from "../../verification/catalogue.js";
import { formatDate, gatewayPath } from "../format.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format } from "../i18n/index.js";
import { page } from "../layout.js";
import { share } from "./verify.js";

export const MODEL_VIEWER_SCRIPT = "/web/vendor/model-viewer.min.js";

export function renderGarmentPage(
  t: Messages,
  design: DesignView,
  options: { path: string; pageUrl: string; qrSvg: string },
): string {
  const doc = design.metadata.document;
  const name = doc?.name ?? `${t.garment.heading} ${design.designId}`;
  const preview =
    doc === null
      ? null
      : gatewayPath(doc.wearable.previews[0]?.uri ?? doc.image, doc.wearable.previews[0]?.mediaType);
  const model = doc === null ? null : gatewayPath(doc.wearable.model.uri, doc.wearable.model.mediaType);
  const alt = format(t.garment.model3dAlt, { name });
  const { edition } = design;
  const editionLine =
    edition.cap === null ? t.garment.openEdition : format(t.garment.editionOf, { cap: edition.cap });
  const viewer =
    model === null
      ? html`<p>${t.garment.noModel}</p>`
      : html`<model-viewer id="garment-model" src="${model}" ${preview === null ? "" : html`poster="${preview}"`} alt="${alt}" camera-controls touch-action="pan-y" interaction-prompt="none" shadow-intensity="1">
${preview === null ? "" : html`<img slot="poster" src="${preview}" alt="${name}" width="320" height="320">`}
</model-viewer>`;
  const body = html`<section class="verdict verdict-garment" aria-labelledby="garment-title">
<div><p class="brand">${design.brand.name ?? String(design.brand.id)} · ${t.garment.heading}</p>
<h1 id="garment-title">${name}</h1>
${doc === null ? "" : html`<p>${doc.description}</p>`}</div></section>
<section aria-labelledby="model-title" class="card"><h2 id="model-title">${t.garment.model3d}</h2>${viewer}</section>
<dl class="facts card">
<div class="row"><dt>${t.garment.edition}</dt><dd data-edition-cap="${edition.cap ?? "open"}" data-edition-minted="${edition.minted}">${editionLine} · ${format(t.garment.minted, { minted: edition.minted })}${
    edition.soldOut ? html` · <strong>${t.garment.soldOut}</strong>` : ""
  }</dd></div>
${edition.closesAt === null ? "" : html`<div class="row"><dt>${t.garment.closesAt}</dt><dd>${formatDate(t, edition.closesAt)}</dd></div>`}
${
  doc === null
    ? ""
    : html`<div class="row"><dt>${t.garment.category}</dt><dd>${doc.wearable.category}</dd></div>
<div class="row"><dt>${t.garment.platforms}</dt><dd>${doc.wearable.platforms.map((p) => p.name).join(", ")}</dd></div>`
}
${design.twin === null ? "" : html`<div class="row"><dt>${t.garment.edition}</dt><dd>${format(t.garment.twin, { claims: design.twin.claims })}</dd></div>`}
<div class="row"><dt>${t.garment.created}</dt><dd>${formatDate(t, design.created.time)}</dd></div>
</dl>
${share(t, options.pageUrl, options.qrSvg)}`;
  return page({
    t,
    title: name,
    path: options.path,
    body,
    scripts: model === null ? [] : [MODEL_VIEWER_SCRIPT],
  });
}
