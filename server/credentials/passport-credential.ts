import { DependencyUnavailableError, UnprocessableError } from "../errors.js";
import type { CertificateMetadata } from "../metadata/certificate-metadata.js";
import type { CertificateView } from "../verification/answers/certificate.js";
import { parseGtin } from "../verification/gs1.js";

/**
 * The product passport of a certificate as a W3C Verifiable Credential 2.0 shaped after the UN
 * Transparency Protocol's Digital Product Passport (UNTP DPP 0.6): `credentialSubject` is a
 * ProductPassport whose `product` is identified by its GS1 Digital Link. Built from the document
 * the chain commits to, once verified; never from anything else the verifier knows, so it holds
 * no customer data (no owner, no claim state) — only what the brand published for everyone.
 */

export const VC_CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2";
export const UNTP_DPP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dpp/0.6.0/";
const GS1_GTIN_SCHEME = "https://id.gs1.org/01/";

type Passport = CertificateMetadata["passport"];
type Json = Record<string, unknown>;

/** The passport fields mapped to UNTP terms below; any other field is carried under its own name. */
const MAPPED_FIELDS = new Set([
  "brand",
  "productName",
  "model",
  "gtin",
  "serial",
  "materials",
  "manufacture",
  "care",
  "images",
  "model3d",
  // A salted commitment to the NFC tag's UID: it proves nothing to a reader without the salt.
  "tag",
]);

/**
 * Sections held back from every credential whatever their name: a section the access tiers
 * (legitimate interest, authority) encrypt before it goes to IPFS, recognised by its envelope
 * (an object carrying `ciphertext`) or by a name the tiers use. A credential is public: what a
 * tier restricts has no place in it, even sealed.
 */
const RESTRICTED_NAMES = new Set(["restricted", "tiers", "encrypted", "sealed", "access"]);

function holdsCiphertext(value: unknown, depth = 0): boolean {
  if (depth > 8 || typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => holdsCiphertext(item, depth + 1));
  if ("ciphertext" in value) return true;
  return Object.values(value).some((item) => holdsCiphertext(item, depth + 1));
}

export function isPublicSection(name: string, value: unknown): boolean {
  return !RESTRICTED_NAMES.has(name) && !holdsCiphertext(value);
}

/** The certificate's verified document, or why no passport can be built from it now. */
export function verifiedPassportDocument(view: CertificateView): CertificateMetadata {
  const { metadata } = view;
  if (metadata.verified && metadata.document !== null) return metadata.document;
  const reason = metadata.reason ?? "unreadable";
  if (reason === "digest_mismatch" || reason === "schema_invalid")
    throw new UnprocessableError(
      `Certificate ${view.tokenId}'s document does not match what the chain commits to (${reason}): no passport is issued from it`,
    );
  throw new DependencyUnavailableError(
    `Certificate ${view.tokenId}'s document cannot be read from IPFS now (${reason})`,
  );
}

/**
 * The product's identifier: its GS1 Digital Link when the passport gives a GTIN and the serial in
 * clear (or the caller knows it), else the certificate's verification page.
 */
export function productIdOf(tokenId: string, passport: Passport, publicUrl: string, serial?: string): string {
  const gtin = passport.gtin === undefined ? null : parseGtin(passport.gtin);
  const clearSerial = serial ?? (passport.serial.kind === "clear" ? passport.serial.value : undefined);
  if (gtin !== null && clearSerial !== undefined)
    return `${publicUrl}/01/${gtin}/21/${encodeURIComponent(clearSerial)}`;
  return `${publicUrl}/v/${tokenId}`;
}

function materialsProvenanceOf(materials: Passport["materials"]): Json[] {
  const parts = new Set(materials.map((share) => share.part));
  return materials.map((share) => ({
    type: ["Material"],
    name: share.material,
    ...(share.origin === undefined ? {} : { originCountry: share.origin }),
    part: share.part,
    // UNTP's massFraction is of the whole product; shares are per part, so only a one-part product has it.
    ...(parts.size === 1 ? { massFraction: share.percentage / 100 } : {}),
    percentageOfPart: share.percentage,
  }));
}

/** The public passport: the credential's subject, also the JSON answer of the passport route. */
export function passportSubject(
  tokenId: string,
  document: CertificateMetadata,
  options: { publicUrl: string; serial?: string },
): Json {
  const { passport } = document;
  const gtin = passport.gtin === undefined ? null : parseGtin(passport.gtin);
  const serial = options.serial ?? (passport.serial.kind === "clear" ? passport.serial.value : undefined);
  const { place } = passport.manufacture;
  const product: Json = {
    type: ["Product"],
    id: productIdOf(tokenId, passport, options.publicUrl, options.serial),
    name: passport.productName,
    description: document.description,
    ...(gtin === null
      ? {}
      : {
          registeredId: gtin,
          idScheme: {
            type: ["IdentifierScheme"],
            id: GS1_GTIN_SCHEME,
            name: "Global Trade Item Number (GTIN)",
          },
        }),
    ...(serial === undefined ? {} : { serialNumber: serial }),
    modelNumber: passport.model.reference,
    ...(passport.model.name === undefined ? {} : { modelName: passport.model.name }),
    brand: {
      name: passport.brand.name,
      ...(passport.brand.id === undefined ? {} : { id: passport.brand.id }),
    },
    producedByParty: { type: ["Party"], name: passport.brand.name },
    ...(place.facility === undefined
      ? {}
      : {
          producedAtFacility: {
            type: ["Facility"],
            name: place.facility,
            ...(place.city === undefined ? {} : { locationInformation: { city: place.city } }),
          },
        }),
    productionDate: passport.manufacture.date,
    countryOfProduction: place.country,
    productImage: passport.images.map((image) => ({
      type: ["Link"],
      linkURL: image.uri,
      linkType: image.mediaType,
      ...(image.alt === undefined ? {} : { linkName: image.alt }),
    })),
  };
  const subject: Json = {
    type: ["ProductPassport"],
    id: product.id,
    granularityLevel: "item",
    product,
    materialsProvenance: materialsProvenanceOf(passport.materials),
    careInstructions: passport.care.instructions,
    ...(passport.care.repair === undefined ? {} : { repairInformation: passport.care.repair }),
  };
  // Whatever else the passport carries (sustainability and textile data as the schema grows) goes
  // in under its own name, unless it is a restricted tier's section.
  for (const [name, value] of Object.entries(passport as Json)) {
    if (MAPPED_FIELDS.has(name) || name in subject || value === undefined) continue;
    if (isPublicSection(name, value)) subject[name] = value;
  }
  return subject;
}

/** The unsigned credential (VCDM 2.0); `credentialStatus` names the brand's status lists. */
export function passportCredential(options: {
  id: string;
  issuer: { id: string; name: string };
  subject: Json;
  productName: string;
  credentialStatus: readonly Json[];
  validFrom: Date;
}): Json {
  return {
    "@context": [VC_CONTEXT_V2, UNTP_DPP_CONTEXT],
    id: options.id,
    type: ["VerifiableCredential", "DigitalProductPassport"],
    name: `Digital product passport: ${options.productName}`,
    issuer: { type: ["CredentialIssuer"], ...options.issuer },
    validFrom: options.validFrom.toISOString(),
    credentialSubject: options.subject,
    credentialStatus: options.credentialStatus,
  };
}
