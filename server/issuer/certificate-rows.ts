import { isAddress, getAddress, ZeroAddress } from "ethers";
import { InvalidDocumentError } from "../errors.js";
import type { Bytes32Hex } from "../ipfs/commitment.js";
import {
  CERTIFICATE_METADATA_SCHEMA_ID,
  CERTIFICATE_METADATA_SCHEMA_V2_ID,
} from "../metadata/certificate-metadata.js";
import { RESTRICTED_TIERS, TextilePassportData } from "../metadata/textile-passport.js";
import type { BrandPassportKeys } from "../passport/passport-keystore.js";
import { sealRestrictedSections } from "../passport/seal-document.js";
import { isPersonalColumn, textileColumnOf, textileColumnOfPath, textileDataOf } from "./textile-columns.js";
import { encodeDocument } from "../metadata/metadata-document.js";
import type { CID } from "multiformats/cid";
import { ManifestError } from "./errors.js";
import type { ManifestProblem } from "./errors.js";
import type { ManifestRow, ManifestValue } from "./manifest.js";
import type { MetadataStore } from "../ipfs/metadata-store.js";
import { describeMediaFile, describeStoredMedia, isIpfsMediaReference } from "./media.js";
import type { MediaFile, StoredMedia } from "./media.js";
import { certificateTokenId, serialHashOf } from "./serials.js";
import { TAG_KIND_NTAG424, tagUidCommitment } from "../tags/tag-binding.js";
import { formatTagUid, isTagUid } from "../tags/uid.js";
import { normaliseSerial } from "../verification/serial-rule.js";
import type { SerialRule } from "../verification/serial-rule.js";

/**
 * Turns manifest rows into certificate metadata documents, validating every row before anything
 * leaves the machine: a brand fixes its whole export in one pass instead of one error per run.
 */

/** The manifest columns, and where each lands in the document (so a schema error names the column). */
export const MANIFEST_COLUMNS = {
  serial: "passport.serial",
  productName: "passport.productName",
  name: "name",
  description: "description",
  modelName: "passport.model.name",
  modelReference: "passport.model.reference",
  gtin: "passport.gtin",
  materials: "passport.materials",
  manufactureCity: "passport.manufacture.place.city",
  manufactureCountry: "passport.manufacture.place.country",
  manufactureFacility: "passport.manufacture.place.facility",
  manufactureDate: "passport.manufacture.date",
  care: "passport.care.instructions",
  careRepair: "passport.care.repair",
  images: "passport.images",
  imageAlt: "passport.images.alt",
  attributes: "attributes",
  externalUrl: "external_url",
  language: "language",
  chip: "(on-chain chip address)",
  tagUid: "passport.tag",
} as const;

/**
 * Columns that take a text in another language, as `<column>_<language>` (`description_fr`,
 * `care_pt-BR`); they fill the document's `localized` texts, which the customer page shows in the
 * visitor's language (the `language` column names the language of the plain columns, default en).
 */
export const LOCALIZABLE_COLUMNS = [
  "name",
  "description",
  "productName",
  "care",
  "careRepair",
  "attributes",
] as const;
type LocalizableColumn = (typeof LOCALIZABLE_COLUMNS)[number];

const LOCALIZED_COLUMN = new RegExp(
  `^(${LOCALIZABLE_COLUMNS.join("|")})_([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$`,
);

function localizedColumn(column: string): { column: LocalizableColumn; language: string } | null {
  const match = LOCALIZED_COLUMN.exec(column);
  return match === null ? null : { column: match[1] as LocalizableColumn, language: match[2] };
}

export type ManifestColumn = keyof typeof MANIFEST_COLUMNS;

/** Document paths → manifest column, longest prefix first. */
const COLUMN_OF_PATH: [string, ManifestColumn][] = (
  Object.entries(MANIFEST_COLUMNS) as [ManifestColumn, string][]
)
  .map(([column, docPath]): [string, ManifestColumn] => [docPath, column])
  .concat([
    ["image", "images"],
    ["passport.model", "modelReference"],
    ["passport.manufacture", "manufactureDate"],
  ])
  .sort((a, b) => b[0].length - a[0].length);

export type SerialVisibility = "hashed" | "clear";

/** A row whose textile columns were refused (each already reported): nothing to encode. */
class TextileRowError extends Error {}

export interface CertificateBatchContext {
  brandId: number;
  brandName: string;
  /** bytes32 salt of the brand's serial hashes (secret: only the brand and its verifier hold it). */
  brandSalt: string;
  /** How the brand's serials compare (its salts setting): the normalised serial is what is hashed. Default exact. */
  serialRule?: SerialRule;
  /** Whether the metadata shows the serial or only its salted hash (default: hashed). */
  serialVisibility?: SerialVisibility;
  /** Folder the `images` column is relative to. */
  mediaRoot?: string;
  /**
   * Where pictures named as `ipfs://<cid>` in the `images` column must already be pinned (an
   * upload to the issuer API's media route): each is checked, and a missing one is a row error.
   */
  store?: Pick<MetadataStore, "isPinned" | "stream" | "pin">;
  /** The brand's passport content keys (#19): `interest.*` and `authority.*` columns are sealed with them. */
  passportKeys?: BrandPassportKeys;
}

export interface PreparedCertificate {
  row: number;
  serial: string;
  productName: string;
  serialHash: string;
  tokenId: bigint;
  chip: string;
  /** UID of the NTAG 424 DNA bound to the piece (manifest column tagUid), 14 upper-case hex digits. */
  tagUid?: string;
  /** Exact document bytes; their sha256 is the on-chain metadata digest. */
  document: Uint8Array;
  metadataDigest: Bytes32Hex;
  metadataCid: CID;
  /** Directory path of the document in the batch upload. */
  documentPath: string;
  media: string[];
}

export interface PreparedBatch {
  certificates: PreparedCertificate[];
  media: Map<string, MediaFile>;
}

export interface ValidationProgress {
  rowsValidated: number;
  totalRows: number;
}

export function documentPathOf(tokenId: bigint): string {
  // The token id, not the serial: with hashed serials the file name must not reveal it.
  return `certificates/${tokenId.toString()}.json`;
}

function text(value: ManifestValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value.trim() === "" ? undefined : value.trim();
  return value.join(";");
}

function list(value: ManifestValue | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return (value as string[]).map((x) => x.trim()).filter((x) => x !== "");
  return String(value)
    .split(";")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

/** "Calfskin:85;Brass:15" or "Wool:70:shell:IT;Silk:100:lining" (material:percentage[:part[:origin]]). */
function materialsOf(value: ManifestValue | undefined, problems: string[]): object[] {
  return list(value).map((entry) => {
    const [material, percentage, part, origin] = entry.split(":").map((x) => x.trim());
    const share = Number(percentage);
    if (!material || percentage === undefined || percentage === "" || !Number.isFinite(share)) {
      problems.push(`"${entry}" is not material:percentage[:part[:origin]]`);
    }
    return { material, percentage: share, part: part || "main", ...(origin ? { origin } : {}) };
  });
}

/** "Colour=Tan;Size=30": numbers stay numbers so marketplaces can range-filter them. */
function attributesOf(
  value: ManifestValue | undefined,
  problems: string[],
): { trait_type: string; value: string | number }[] {
  return list(value).map((entry) => {
    const at = entry.indexOf("=");
    if (at <= 0) problems.push(`"${entry}" is not name=value`);
    const raw = entry.slice(at + 1).trim();
    const numeric = raw !== "" && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    return { trait_type: entry.slice(0, Math.max(at, 0)).trim(), value: numeric };
  });
}

/** `description_fr`, `care_fr`, `attributes_fr` … → `{ fr: { description, care: { instructions }, attributes } }`. */
function localizedTextsOf(
  fields: Readonly<Record<string, ManifestValue>>,
  onProblem: (message: string) => void,
): Record<string, Record<string, unknown>> | undefined {
  const byLanguage = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(fields)) {
    const target = localizedColumn(name);
    if (target === null) continue;
    const texts = byLanguage.get(target.language) ?? {};
    byLanguage.set(target.language, texts);
    if (target.column === "care" || target.column === "careRepair") {
      const care = (texts.care ?? {}) as Record<string, unknown>;
      if (target.column === "care") care.instructions = list(value);
      else care.repair = text(value);
      texts.care = care;
    } else if (target.column === "attributes") {
      const problems: string[] = [];
      const pairs = attributesOf(value, problems);
      for (const message of problems) onProblem(`${name}: ${message}`);
      // "Colour:Couleur=Fauve" names the trait too; "Colour=Fauve" only translates the value.
      const names: [string, string][] = [];
      const values: [string, string][] = [];
      for (const pair of pairs) {
        const [key, localName] = pair.trait_type.split(":").map((part) => part.trim());
        if (localName) names.push([key, localName]);
        values.push([key, String(pair.value)]);
      }
      texts.attributes = Object.fromEntries(values);
      if (names.length > 0) texts.attributeNames = Object.fromEntries(names);
    } else {
      texts[target.column] = text(value);
    }
  }
  return byLanguage.size === 0 ? undefined : Object.fromEntries(byLanguage);
}

function columnOf(documentPath: string): string {
  for (const [prefix, column] of COLUMN_OF_PATH) {
    if (documentPath === prefix || documentPath.startsWith(`${prefix}.`)) return column;
  }
  return documentPath;
}

/**
 * Validates every row and builds its document; throws ManifestError listing every problem of
 * every row (unknown columns, duplicate serials, missing pictures, schema violations).
 */
export async function prepareCertificates(
  rows: readonly ManifestRow[],
  context: CertificateBatchContext,
  onProgress?: (progress: ValidationProgress) => void,
): Promise<PreparedBatch> {
  const problems: ManifestProblem[] = [];
  const media = new Map<string, MediaFile>();
  const mediaProblems = new Map<string, string>();
  const storedMedia = new Map<string, StoredMedia | string>();
  const certificates: PreparedCertificate[] = [];
  const seenSerials = new Map<string, number>();
  const seenTags = new Map<string, number>();
  const reportedColumns = new Set<string>();
  const visibility = context.serialVisibility ?? "hashed";

  if (rows.length === 0) problems.push({ row: 0, field: "(manifest)", message: "the manifest has no rows" });

  for (const manifestRow of rows) {
    const { row, line, fields } = manifestRow;
    const serial = text(fields.serial);
    const problem = (field: string, message: string) => problems.push({ row, line, serial, field, message });

    if (fields.__invalid !== undefined) {
      problem("(row)", "must be an object of column: value");
      continue;
    }
    for (const [column, value] of Object.entries(fields)) {
      if (
        column in MANIFEST_COLUMNS ||
        textileColumnOf(column) !== null ||
        localizedColumn(column) !== null ||
        column.startsWith("x-") ||
        column.startsWith("_")
      ) {
        if (typeof value === "string" && value.startsWith("__invalid:"))
          problem(column, "must be a string, a number or a list of strings");
        continue;
      }
      // The customer's identity goes into no tier of a passport; a private x- column is never published.
      if (isPersonalColumn(column)) {
        if (!reportedColumns.has(column)) {
          reportedColumns.add(column);
          problem(
            column,
            `personal data of the customer is never part of a passport (in no tier); drop the column, or prefix it "x-" to keep it private`,
          );
        }
        continue;
      }
      // An unknown column is a typo until proven otherwise; reported once, not on every row.
      if (!reportedColumns.has(column)) {
        reportedColumns.add(column);
        problem(
          column,
          `unknown column (known: ${Object.keys(MANIFEST_COLUMNS).join(", ")}, and ${LOCALIZABLE_COLUMNS.join(", ")} with a language suffix such as _fr; prefix private columns with "x-")`,
        );
      }
    }

    if (serial === undefined) {
      problem("serial", "is required");
    } else if (seenSerials.has(normaliseSerial(context.serialRule, serial))) {
      // Under a rule, "MA-1" and "ma 1" are one serial: one certificate.
      problem("serial", `duplicates row ${seenSerials.get(normaliseSerial(context.serialRule, serial))}`);
    } else {
      seenSerials.set(normaliseSerial(context.serialRule, serial), row);
    }

    let chip = ZeroAddress;
    const chipText = text(fields.chip);
    if (chipText !== undefined) {
      if (isAddress(chipText)) chip = getAddress(chipText.toLowerCase());
      else problem("chip", "must be the chip key's 0x address");
    }

    // One tag per piece: a UID twice in a batch would bind one tag to two certificates.
    let tagUid: string | undefined;
    const tagText = text(fields.tagUid);
    if (tagText !== undefined) {
      if (!isTagUid(tagText)) problem("tagUid", "must be the tag's 7-byte UID in hex (14 digits)");
      else {
        tagUid = formatTagUid(Buffer.from(tagText, "hex"));
        const first = seenTags.get(tagUid);
        if (first !== undefined) problem("tagUid", `duplicates row ${first}`);
        else seenTags.set(tagUid, row);
      }
    }

    const materialProblems: string[] = [];
    const materials = materialsOf(fields.materials, materialProblems);
    for (const message of materialProblems) problem("materials", message);
    const attributeProblems: string[] = [];
    const extraAttributes = attributesOf(fields.attributes, attributeProblems);
    for (const message of attributeProblems) problem("attributes", message);

    const imagePaths = list(fields.images);
    const images: { uri: string; mediaType: string; alt?: string }[] = [];
    const alt = text(fields.imageAlt) ?? text(fields.productName);
    let reportedNoFolder = false;
    for (const imagePath of imagePaths) {
      if (isIpfsMediaReference(imagePath)) {
        // Already on IPFS: nothing to upload, but it must be there, or the certificate would show a dead picture.
        let found = storedMedia.get(imagePath);
        if (found === undefined) {
          found =
            context.store === undefined
              ? "an ipfs:// picture needs the IPFS store to check it against"
              : await describeStoredMedia(context.store, imagePath);
          storedMedia.set(imagePath, found);
        }
        if (typeof found === "string") problem("images", found);
        else
          images.push({
            uri: `ipfs://${found.cid.toString()}`,
            mediaType: found.mediaType,
            ...(alt ? { alt } : {}),
          });
        continue;
      }
      if (context.mediaRoot === undefined) {
        if (!reportedNoFolder)
          problem("images", "the manifest names pictures but no media folder was given (--media)");
        reportedNoFolder = true;
        continue;
      }
      let file = media.get(imagePath);
      let failure = mediaProblems.get(imagePath);
      if (file === undefined && failure === undefined) {
        const described = await describeMediaFile(context.mediaRoot, imagePath);
        if (typeof described === "string") mediaProblems.set(imagePath, (failure = described));
        else media.set(imagePath, (file = described));
      }
      if (failure !== undefined) problem("images", failure);
      else if (file !== undefined)
        images.push({
          uri: `ipfs://${file.cid.toString()}`,
          mediaType: file.mediaType,
          ...(alt ? { alt } : {}),
        });
    }

    const productName = text(fields.productName);
    const modelName = text(fields.modelName);
    const localized = localizedTextsOf(fields, (message) => problem("attributes", message));
    const serialHash =
      serial === undefined
        ? undefined
        : serialHashOf(context.brandSalt, normaliseSerial(context.serialRule, serial));
    const document = {
      schema: CERTIFICATE_METADATA_SCHEMA_ID,
      name: text(fields.name) ?? `${productName ?? ""} — ${serial ?? ""}`,
      description:
        text(fields.description) ??
        `Certificate of authenticity for a ${productName ?? "piece"} by ${context.brandName}.`,
      image: images[0]?.uri,
      ...(text(fields.externalUrl) !== undefined ? { external_url: text(fields.externalUrl) } : {}),
      attributes: [{ trait_type: "Model", value: modelName ?? productName ?? "" }, ...extraAttributes],
      passport: {
        brand: { name: context.brandName },
        productName,
        model: {
          ...(modelName !== undefined ? { name: modelName } : {}),
          reference: text(fields.modelReference),
        },
        ...(text(fields.gtin) !== undefined ? { gtin: text(fields.gtin) } : {}),
        serial:
          visibility === "clear" || serialHash === undefined
            ? { kind: "clear", value: serial }
            : { kind: "salted-hash", serialHash },
        materials,
        manufacture: {
          place: {
            ...(text(fields.manufactureCity) !== undefined ? { city: text(fields.manufactureCity) } : {}),
            country: text(fields.manufactureCountry),
            ...(text(fields.manufactureFacility) !== undefined
              ? { facility: text(fields.manufactureFacility) }
              : {}),
          },
          date: text(fields.manufactureDate),
        },
        care: {
          instructions: list(fields.care),
          ...(text(fields.careRepair) !== undefined ? { repair: text(fields.careRepair) } : {}),
        },
        images,
        ...(tagUid !== undefined
          ? { tag: { kind: TAG_KIND_NTAG424, uidCommitment: tagUidCommitment(context.brandSalt, tagUid) } }
          : {}),
      },
      ...(text(fields.language) !== undefined ? { language: text(fields.language) } : {}),
      ...(localized !== undefined ? { localized } : {}),
    };

    // Textile passport data (#19): public columns into passport.sustainability, tier columns sealed.
    const textile = textileDataOf(fields, problem);
    let textileProblems = false;
    const restricted: Partial<Record<(typeof RESTRICTED_TIERS)[number], TextilePassportData>> = {};
    let publicTextile: TextilePassportData | undefined;
    if (textile.public !== undefined) {
      const parsed = TextilePassportData.safeParse(textile.public);
      if (parsed.success) publicTextile = textile.public;
      else {
        textileProblems = true;
        for (const issue of parsed.error.issues) {
          const fieldPath = issue.path.map(String).join(".");
          problem(
            `${textileColumnOfPath("public", fieldPath)} (passport.sustainability.${fieldPath})`,
            issue.message,
          );
        }
      }
    }
    for (const tier of RESTRICTED_TIERS) {
      const section = textile[tier];
      if (section === undefined) continue;
      if (context.passportKeys === undefined) {
        problem(
          `${tier}.*`,
          "restricted passport columns need the brand's passport keystore (--passport-keystore)",
        );
        textileProblems = true;
        continue;
      }
      const parsed = TextilePassportData.safeParse(section);
      if (parsed.success) restricted[tier] = parsed.data;
      else {
        textileProblems = true;
        for (const issue of parsed.error.issues) {
          const fieldPath = issue.path.map(String).join(".");
          problem(`${textileColumnOfPath(tier, fieldPath)} (${tier}.${fieldPath})`, issue.message);
        }
      }
    }
    const hasTextile = publicTextile !== undefined || Object.keys(restricted).length > 0;
    const withTextile = hasTextile
      ? {
          ...document,
          passport: {
            ...document.passport,
            // The raw cells, not the parsed data: the schema's defaults stay out of the published bytes.
            ...(publicTextile !== undefined ? { sustainability: textile.public } : {}),
          },
        }
      : document;

    try {
      if (textileProblems) throw new TextileRowError();
      const encoded = encodeDocument(
        "certificate-metadata",
        !hasTextile
          ? document
          : context.passportKeys === undefined
            ? { ...withTextile, schema: CERTIFICATE_METADATA_SCHEMA_V2_ID }
            : sealRestrictedSections(withTextile, restricted, context.passportKeys),
      );
      if (serial !== undefined && serialHash !== undefined) {
        const tokenId = certificateTokenId(context.brandId, serialHash);
        certificates.push({
          row,
          serial,
          productName: productName ?? "",
          serialHash,
          tokenId,
          chip,
          ...(tagUid !== undefined ? { tagUid } : {}),
          document: encoded.bytes,
          metadataDigest: encoded.digest,
          metadataCid: encoded.cid,
          documentPath: documentPathOf(tokenId),
          media: imagePaths,
        });
      }
    } catch (error) {
      if (error instanceof TextileRowError) {
        // Already reported, column by column.
      } else if (!(error instanceof InvalidDocumentError)) {
        problem("(document)", error instanceof Error ? error.message : String(error));
      } else {
        for (const detail of error.details) {
          const textilePath = /^passport\.sustainability\.(.+)$/.exec(detail.path);
          if (textilePath !== null) {
            problem(`${textileColumnOfPath("public", textilePath[1])} (${detail.path})`, detail.message);
            continue;
          }
          const column = columnOf(detail.path);
          // Problems already reported from the raw column (a bad picture, a malformed list) are not repeated.
          if (column === "images" && imagePaths.length > 0 && images.length < imagePaths.length) continue;
          if (column === "materials" && materialProblems.length > 0) continue;
          if (column === "attributes" && attributeProblems.length > 0) continue;
          const missing = fields[column] === undefined && /required|expected/i.test(detail.message);
          problem(
            column === detail.path ? column : `${column} (${detail.path})`,
            missing ? "is required" : detail.message,
          );
        }
      }
    }
    onProgress?.({ rowsValidated: row, totalRows: rows.length });
  }

  if (problems.length > 0) throw new ManifestError(problems);
  return { certificates, media };
}
