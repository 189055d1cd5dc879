import { InvalidInputError } from "../errors.js";
import { checkDigit } from "../verification/gs1.js";

/**
 * The path of a GS1 Digital Link URI that names a trade item (GS1 Digital Link 1.2, §4; GS1-Conformant
 * Resolver 1.2.0, "SHALL extract and syntactically validate the URI … and report errors with 400").
 * Pure: no lookup, no HTTP. What it accepts:
 *
 * - `/01/{gtin}` then the GTIN's key qualifiers, each at most once and in the order the standard sets
 *   (22 consumer product variant, 10 batch/lot, 21 serial): `/01/…/22/…/10/…/21/…`;
 * - a GTIN-8, -12, -13 or -14 with a valid check digit, normalised to GTIN-14;
 * - qualifier values of GS1 AI encodable character set 82, 1 to 20 characters (AIs 10, 21 and 22 are
 *   all X..20), percent-encoded where a URI needs it (`%2F` for `/`, `%25` for `%`, …);
 * - one trailing slash (the resolver standard asks that it be tolerated).
 *
 * Everything else is an InvalidInputError whose message says what is wrong and where: a GTIN with
 * letters, 15 digits or a wrong check digit, an AI that is not a GTIN qualifier, qualifiers out of
 * order or repeated, a value outside set 82, a malformed percent-encoding. Data attributes (AI 17,
 * 3103, …) belong in the query string, never in the path.
 */

/** The key qualifiers of AI 01, in the order they must appear in a path. */
export const GTIN_QUALIFIERS = ["22", "10", "21"] as const;
export type GtinQualifier = (typeof GTIN_QUALIFIERS)[number];

const QUALIFIER_NAMES: Record<GtinQualifier, string> = {
  "22": "consumer product variant",
  "10": "batch/lot number",
  "21": "serial number",
};

/** Longest value of each qualifier (all three are X..20 in the GS1 General Specifications). */
const MAX_QUALIFIER_LENGTH = 20;

/**
 * GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1): `! " % & ' ( ) * + ,
 * - . / 0-9 : ; < = > ? A-Z _ a-z`. No space, no `#`, `$`, `@`, `[`, `\`, `]`, `^`, backquote, `{`,
 * `|`, `}`, `~`, nothing outside ASCII.
 */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

export interface ItemDigitalLink {
  /** GTIN-14 (check digit verified). */
  gtin: string;
  /** AI 22, AI 10 and AI 21 as decoded, when the path carries them. */
  cpv?: string;
  lot?: string;
  serial?: string;
}

/** The GTIN of a path segment as GTIN-14, or an error saying why it is not one. */
export function parseGtinStrict(text: string): string {
  if (!/^[0-9]+$/.test(text))
    throw invalid(`GTIN "${text}" must be digits only (a GTIN-8, -12, -13 or -14)`, "path.01");
  if (![8, 12, 13, 14].includes(text.length))
    throw invalid(`GTIN "${text}" has ${text.length} digits; a GTIN has 8, 12, 13 or 14 digits`, "path.01");
  const gtin14 = text.padStart(14, "0");
  const expected = checkDigit(gtin14.slice(0, 13));
  if (expected !== Number(gtin14[13]))
    throw invalid(`GTIN ${text} has a wrong check digit: its last digit should be ${expected}`, "path.01");
  return gtin14;
}

/** Decodes a percent-encoded path segment, refusing a malformed escape (`%zz`, a lone `%`). */
function decodeSegment(raw: string, path: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) throw invalid(`Malformed percent-encoding in "${raw}"`, path);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalid(`Malformed percent-encoding in "${raw}"`, path);
  }
}

function qualifierValue(ai: GtinQualifier, raw: string): string {
  const path = `path.${ai}`;
  const value = decodeSegment(raw, path);
  if (value.length === 0) throw invalid(`AI ${ai} (${QUALIFIER_NAMES[ai]}) is empty`, path);
  if (value.length > MAX_QUALIFIER_LENGTH)
    throw invalid(
      `AI ${ai} (${QUALIFIER_NAMES[ai]}) has ${value.length} characters; at most ${MAX_QUALIFIER_LENGTH} are allowed`,
      path,
    );
  if (!CSET82.test(value))
    throw invalid(
      `AI ${ai} (${QUALIFIER_NAMES[ai]}) "${value}" has characters outside GS1 AI encodable character set 82`,
      path,
    );
  return value;
}

/**
 * Parses the path after the resolver's root (`/01/09506000134352/21/ABC%2F1`), raw as it arrived
 * (still percent-encoded), into the item it names.
 */
export function parseItemPath(rawPath: string): ItemDigitalLink {
  const segments = rawPath.split("/").slice(1); // the path starts with "/"
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop(); // a trailing slash
  if (segments.some((segment) => segment === ""))
    throw invalid("A GS1 Digital Link path has no empty segments (//)", "path");
  if (segments[0] !== "01")
    throw invalid(
      `This resolver answers GTINs (AI 01): the path starts with /01/, not /${segments[0] ?? ""}`,
      "path",
    );
  if (segments.length % 2 !== 0)
    throw invalid(
      `Path segment "${decodeSegment(segments[segments.length - 1] ?? "", "path")}" has no value: a GS1 Digital Link path is /{AI}/{value} pairs`,
      "path",
    );
  const link: ItemDigitalLink = { gtin: parseGtinStrict(decodeSegment(segments[1] ?? "", "path.01")) };
  let position = -1; // index in GTIN_QUALIFIERS of the last qualifier read
  for (let i = 2; i < segments.length; i += 2) {
    const ai = segments[i] ?? "";
    const order = GTIN_QUALIFIERS.indexOf(ai as GtinQualifier);
    if (order === -1) {
      throw invalid(
        /^[0-9]{2,4}$/.test(ai)
          ? `AI ${ai} is not a key qualifier of a GTIN (only 22, 10 and 21 may follow /01/ in a path; data attributes go in the query string, as ?${ai}=…)`
          : `Unknown application identifier "${decodeSegment(ai, "path")}": only 22, 10 and 21 may follow /01/ in a path`,
        "path",
      );
    }
    const qualifier = GTIN_QUALIFIERS[order];
    if (order === position)
      throw invalid(
        `AI ${qualifier} (${QUALIFIER_NAMES[qualifier]}) appears twice in the path`,
        `path.${qualifier}`,
      );
    if (order < position) {
      const previous = GTIN_QUALIFIERS[position];
      throw invalid(
        `AIs out of order: ${qualifier} (${QUALIFIER_NAMES[qualifier]}) comes after ${previous}; a GTIN's qualifiers come in the order 22, 10, 21`,
        `path.${qualifier}`,
      );
    }
    position = order;
    const value = qualifierValue(qualifier, segments[i + 1] ?? "");
    if (qualifier === "22") link.cpv = value;
    else if (qualifier === "10") link.lot = value;
    else link.serial = value;
  }
  return link;
}

/** The percent-encoding of a qualifier value in a canonical URI: set 82 characters a path cannot carry as they are. */
export function encodeQualifier(value: string): string {
  // encodeURIComponent leaves ! ' ( ) * - . _ and alphanumerics; the rest of set 82 is encoded, which
  // is what GS1 Digital Link asks for the characters that are reserved or unsafe in a path.
  return encodeURIComponent(value);
}

/** The canonical path of an item: GTIN-14, qualifiers in the standard's order, values percent-encoded. */
export function canonicalItemPath(link: ItemDigitalLink): string {
  let path = `/01/${link.gtin}`;
  if (link.cpv !== undefined) path += `/22/${encodeQualifier(link.cpv)}`;
  if (link.lot !== undefined) path += `/10/${encodeQualifier(link.lot)}`;
  if (link.serial !== undefined) path += `/21/${encodeQualifier(link.serial)}`;
  return path;
}

function invalid(message: string, path: string): InvalidInputError {
  return new InvalidInputError(message, { details: [{ path, message }] });
}
