/**
 * The demo catalogue: schema-valid metadata documents and product pictures for the demo brands,
 * published to the configured IPFS store. Digests returned here are what the chain commits to.
 */
import type { MetadataStore } from "../../server/ipfs/metadata-store.js";
import { publishDocument } from "../../server/metadata/metadata-document.js";
import { checkDigit } from "../../server/verification/gs1.js";
import { sealRestrictedSections } from "../../server/passport/seal-document.js";
import { boxGlb } from "./glb.js";
import { demoPassportKeys, demoTextilePassport } from "./passport-keys.js";

export interface PublishedDocument {
  digest: string;
  cid: string;
}

/** `item`: the GS1 item reference of the model, after the brand's company prefix in its GTIN. */
const MODELS = [
  {
    name: "Sac Aurelle 30",
    reference: "AU-S30",
    item: "00030",
    colour: "#7a3b2e",
    leather: "Calfskin",
    leatherFr: "Veau",
  },
  {
    name: "Pochette Lune",
    reference: "AU-PL1",
    item: "00041",
    colour: "#1f3a5f",
    leather: "Lambskin",
    leatherFr: "Agneau",
  },
  {
    name: "Cabas Riviera",
    reference: "AU-CR2",
    item: "00052",
    colour: "#c49a3a",
    leather: "Canvas and calfskin",
    leatherFr: "Toile et veau",
  },
];

/** A demo brand as its passports name it, with its 7-digit GS1 company prefix. */
export interface DemoBrand {
  name: string;
  gs1Prefix: string;
  /** Its id in the registry: the passport's restricted sections are sealed under its demo keys (#19). */
  id?: number;
  /** Its EORI number and its atelier's GLN, for the textile passport data. */
  eori?: string;
  gln?: string;
}

/**
 * The GTIN-14 of the model the demo gives the `index`th piece of a brand (its label's GS1 Digital
 * Link carries it, its passport commits to it): indicator 0, company prefix, item reference, check digit.
 */
export function demoGtin(brand: DemoBrand, index: number): string {
  const body = `0${brand.gs1Prefix}${MODELS[index % MODELS.length].item}`;
  return body + String(checkDigit(body));
}

/** A small SVG picture of a bag, in the model's colour: a real image the page can show. */
function bagPicture(colour: string, label: string): Uint8Array {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 320" role="img" aria-label="${label}">` +
    `<rect width="320" height="320" fill="#f5f1ea"/>` +
    `<path d="M110 120 Q160 40 210 120" fill="none" stroke="#3b2a20" stroke-width="10"/>` +
    `<rect x="70" y="120" width="180" height="140" rx="18" fill="${colour}"/>` +
    `<rect x="145" y="150" width="30" height="18" rx="4" fill="#d9c27a"/></svg>`;
  return new TextEncoder().encode(svg);
}

export class DemoCatalogue {
  private readonly pictures = new Map<string, string>();

  constructor(private readonly store: MetadataStore) {}

  private async picture(model: (typeof MODELS)[number]): Promise<string> {
    let uri = this.pictures.get(model.reference);
    if (!uri) {
      const cid = await this.store.addBytes(bagPicture(model.colour, model.name));
      uri = `ipfs://${cid.toString()}`;
      this.pictures.set(model.reference, uri);
    }
    return uri;
  }

  async certificate(
    brand: DemoBrand,
    serial: string,
    index: number,
    serialHash?: string,
    /** The UID commitment of the NTAG 424 DNA sewn into the piece (#18), when it carries one. */
    tagUidCommitment?: string,
  ): Promise<PublishedDocument> {
    const model = MODELS[index % MODELS.length];
    const image = await this.picture(model);
    const month = String(1 + (index % 9)).padStart(2, "0");
    const document = {
      schema: "hallmark.certificate-metadata.v1",
      name: `${model.name} — ${serial}`,
      description: `Certificate of authenticity for a ${model.name} by ${brand.name}.`,
      image,
      attributes: [
        { trait_type: "Model", value: model.name },
        { trait_type: "Leather", value: model.leather },
      ],
      passport: {
        brand: { name: brand.name },
        productName: model.name,
        model: { name: model.name, reference: model.reference },
        gtin: demoGtin(brand, index),
        serial: serialHash ? { kind: "salted-hash", serialHash } : { kind: "clear", value: serial },
        materials: [
          { material: model.leather, percentage: 85, part: "main" },
          { material: "Brass", percentage: 15, part: "main" },
        ],
        manufacture: { place: { city: "Florence", country: "IT" }, date: `2024-${month}-15` },
        care: {
          instructions: ["Keep away from direct sunlight", "Store in its dust bag"],
          repair: "Brand ateliers only",
        },
        images: [{ uri: image, mediaType: "image/svg+xml", alt: model.name }],
        ...(tagUidCommitment !== undefined
          ? { tag: { kind: "ntag424-dna", uidCommitment: tagUidCommitment } }
          : {}),
      },
      // The brand's texts in French: the page shows them to a French reader.
      language: "en",
      localized: {
        fr: {
          description: `Certificat d'authenticité d'un ${model.name} de ${brand.name}.`,
          care: {
            instructions: ["Tenir à l'abri du soleil", "Ranger dans son sac à poussière"],
            repair: "Ateliers de la marque uniquement",
          },
          attributes: { Leather: model.leatherFr },
          attributeNames: { Model: "Modèle", Leather: "Cuir" },
        },
      },
    };
    // A brand with passport keys (#19) publishes v2: public textile data, and sealed tier sections.
    const textile =
      brand.id === undefined || brand.eori === undefined || brand.gln === undefined
        ? undefined
        : demoTextilePassport({ name: brand.name, eori: brand.eori, gln: brand.gln }, index);
    const encoded = await publishDocument(
      this.store,
      "certificate-metadata",
      textile === undefined || brand.id === undefined
        ? document
        : sealRestrictedSections(
            { ...document, passport: { ...document.passport, sustainability: textile.sustainability } },
            textile.restricted,
            demoPassportKeys(brand.id),
          ),
    );
    return { digest: encoded.digest, cid: encoded.cid.toString() };
  }

  async provenance(details: Record<string, unknown>): Promise<PublishedDocument> {
    const encoded = await publishDocument(this.store, "provenance-details", {
      schema: "hallmark.provenance-details.v1",
      ...details,
    });
    return { digest: encoded.digest, cid: encoded.cid.toString() };
  }

  async garment(name: string, edition: number, frenchName?: string): Promise<PublishedDocument> {
    const model = MODELS[0];
    const preview = await this.picture(model);
    const glb = boxGlb(0.36, 0.26, 0.14, [0.48, 0.23, 0.18, 1]);
    const modelUri = `ipfs://${(await this.store.addBytes(glb)).toString()}`;
    const encoded = await publishDocument(this.store, "garment-metadata", {
      schema: "hallmark.garment-metadata.v1",
      name,
      description: `${name}, edition of ${edition}.`,
      image: preview,
      decimals: 0,
      properties: { edition },
      attributes: [{ trait_type: "Rarity", value: "Limited" }],
      wearable: {
        category: "bag",
        model: { uri: modelUri, format: "glb", mediaType: "model/gltf-binary", sizeBytes: glb.byteLength },
        previews: [{ uri: preview, mediaType: "image/svg+xml", width: 320, height: 320 }],
        fit: { bodyTypes: ["neutral"] },
        platforms: [{ name: "Hallmark viewer" }],
        technicalSheet: {
          materials: [{ name: "Calfskin PBR", description: "Scanned from the physical bag" }],
        },
      },
      ...(frenchName === undefined
        ? {}
        : {
            localized: {
              fr: { name: frenchName, description: `${frenchName}, édition de ${edition}.` },
            },
          }),
    });
    return { digest: encoded.digest, cid: encoded.cid.toString() };
  }
}
