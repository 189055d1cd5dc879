import type { MetadataDocument } from "../../metadata/document-kinds.js";
import type { SafeHtml } from "../html.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { sustainabilityMessagesFor } from "../i18n/passport.js";

type CertificateDocument = MetadataDocument<"certificate-metadata">;

/**
 * The piece page's "Sustainability and care" section (#19): the public textile passport data of a
 * v2 document, with its care instructions. Restricted sections are ciphertext to the page as to any
 * public reader: it says only that they exist and who may read them. Nothing for a v1 document.
 */
export function sustainabilitySection(t: Messages, doc: CertificateDocument): SafeHtml | "" {
  const data = doc.passport.sustainability;
  const sealed = doc.passport.restricted !== undefined;
  if (data === undefined && !sealed) return "";
  const s = sustainabilityMessagesFor(t);
  const number = (value: number) => value.toLocaleString(t.lang);
  const withClass = (text: string, grade: string | undefined) =>
    grade === undefined ? text : `${text} (${s.classLabel} ${grade})`;
  const rows: [string, SafeHtml | string | undefined][] = [
    [
      s.environmentalFootprint,
      data?.environmentalFootprint &&
        withClass(
          `${number(data.environmentalFootprint.value)} ${data.environmentalFootprint.unit}`,
          data.environmentalFootprint.class,
        ),
    ],
    [
      s.carbonFootprint,
      data?.carbonFootprint &&
        withClass(
          `${number(data.carbonFootprint.value)} ${data.carbonFootprint.unit}`,
          data.carbonFootprint.class,
        ),
    ],
    [
      s.recyclability,
      data?.recyclabilityScore &&
        withClass(
          `${number(data.recyclabilityScore.value)}/${number(data.recyclabilityScore.scaleMax)}`,
          data.recyclabilityScore.class,
        ),
    ],
    [
      s.recycledContent,
      data?.recycledContent &&
        html`<ul class="plain">${data.recycledContent.map(
          (share) =>
            html`<li>${number(share.percentageByWeight)}% ${s.byWeight} — ${share.material} (${s.origin[share.origin]})</li>`,
        )}</ul>`,
    ],
    [
      s.durability,
      data?.durabilityScore &&
        withClass(
          `${number(data.durabilityScore.value)}/${number(data.durabilityScore.scaleMax)}`,
          data.durabilityScore.class,
        ),
    ],
    [
      s.substances,
      data?.substancesOfConcern &&
        html`<ul class="plain">${data.substancesOfConcern.map(
          (substance) =>
            html`<li>${substance.name}${substance.casNumber === undefined ? "" : ` (CAS ${substance.casNumber})`}: ${number(substance.concentration.value)} ${substance.concentration.unit} ${s.concentrationIn} ${substance.location}</li>`,
        )}</ul>`,
    ],
    [
      s.economicOperator,
      data?.economicOperator &&
        `${data.economicOperator.name === undefined ? "" : `${data.economicOperator.name}, `}${data.economicOperator.identifier.scheme} ${data.economicOperator.identifier.value}`,
    ],
    [
      s.facility,
      data?.facility &&
        `${data.facility.name === undefined ? "" : `${data.facility.name}, `}GLN ${data.facility.identifier.value}`,
    ],
    [s.commodityCode, data?.commodityCode && `${data.commodityCode.scheme} ${data.commodityCode.code}`],
  ];
  return html`<section aria-labelledby="sustainability-title" class="card sustainability" data-passport-schema="${doc.schema}"><h2 id="sustainability-title">${s.heading}</h2><dl class="facts">
${rows
  .filter((entry): entry is [string, SafeHtml | string] => entry[1] !== undefined)
  .map(([label, value]) => html`<div class="row"><dt>${label}</dt><dd>${value}</dd></div>`)}
</dl>${sealed ? html`<p class="muted small">${s.restricted}</p>` : ""}</section>`;
}
