import { RESTRICTED_TIERS } from "../metadata/textile-passport.js";
import type { RestrictedTier } from "../metadata/textile-passport.js";
import type { ManifestValue } from "./manifest.js";

/**
 * The catalogue manifest's textile passport columns (#19, docs/brands.md). Each fills one field of
 * the textile data; a column prefixed with a tier (`interest.substancesOfConcern`,
 * `authority.facility`) goes into that tier's section, which is encrypted before it leaves the
 * machine. Values are text, so a CSV cell and a JSON string read the same:
 *
 *   environmentalFootprint  "12.4 µPt B"            value, unit (Pt, mPt, µPt), optional class A-E
 *   carbonFootprint         "18.7 kg CO2e C"         value, unit (kg CO2e, g CO2e), optional class
 *   recyclabilityScore      "62/100 C" or "62"       value[/scale max, default 100], optional class
 *   durabilityScore         "8.5/10 A"
 *   recycledContent         "Cotton:12:post-consumer;Brass:4:pre-consumer"  material:% by weight:origin
 *   substancesOfConcern     "DEHP|117-81-7|204-211-0|0.04 % w/w|Handle edge paint;…"  name|CAS|EC|concentration|location
 *   economicOperator        "EORI:FR12345678901" (GLN, EORI, LEI or VAT), economicOperatorName
 *   facility                "GLN:8012345000012", facilityName
 *   commodityCode           "CN:42022100" or "HS:420221"
 *   professionalInstructions "Remove the hardware first;Lining is cotton"
 */
export const TEXTILE_COLUMNS = [
  "environmentalFootprint",
  "carbonFootprint",
  "recyclabilityScore",
  "durabilityScore",
  "recycledContent",
  "substancesOfConcern",
  "economicOperator",
  "economicOperatorName",
  "facility",
  "facilityName",
  "commodityCode",
  "professionalInstructions",
] as const;
type TextileColumn = (typeof TEXTILE_COLUMNS)[number];

/** The textile data field a column fills (the name columns complete their identifier's field). */
const FIELD_OF: Record<TextileColumn, string> = {
  environmentalFootprint: "environmentalFootprint",
  carbonFootprint: "carbonFootprint",
  recyclabilityScore: "recyclabilityScore",
  durabilityScore: "durabilityScore",
  recycledContent: "recycledContent",
  substancesOfConcern: "substancesOfConcern",
  economicOperator: "economicOperator",
  economicOperatorName: "economicOperator",
  facility: "facility",
  facilityName: "facility",
  commodityCode: "commodityCode",
  professionalInstructions: "professionalInstructions",
};

export type TextileSection = "public" | RestrictedTier;

export function textileColumnOf(column: string): { section: TextileSection; column: TextileColumn } | null {
  const [prefix, rest] = column.includes(".") ? column.split(/\.(.*)/s) : [undefined, column];
  const section: TextileSection | undefined =
    prefix === undefined
      ? "public"
      : (RESTRICTED_TIERS as readonly string[]).includes(prefix)
        ? (prefix as RestrictedTier)
        : undefined;
  if (section === undefined || !(TEXTILE_COLUMNS as readonly string[]).includes(rest)) return null;
  return { section, column: rest as TextileColumn };
}

/**
 * Columns that would carry the customer's identity. A passport names the product, never its buyer:
 * such a column is refused with that reason (a private `x-` column, never published, may hold them).
 */
const PERSONAL =
  /(customer|client|buyer|purchaser|owner|consumer|person|e?mail|phone|mobile|firstname|lastname|fullname|surname|birth|postcode|zipcode|address)/i;

export function isPersonalColumn(column: string): boolean {
  return PERSONAL.test(column.replaceAll(/[\s_-]/g, ""));
}

const list = (value: string, separator = ";") =>
  value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** "18.7 kg CO2e C" → { value, unit, class }. */
function footprintOf(text: string, problem: (message: string) => void): object {
  const match = /^(\d+(?:\.\d+)?)\s+(.+?)(?:\s+([A-E]))?$/.exec(text);
  if (match === null) {
    problem(`"${text}" is not "<value> <unit> [class A-E]"`);
    return {};
  }
  return { value: Number(match[1]), unit: match[2], ...(match[3] === undefined ? {} : { class: match[3] }) };
}

/** "62/100 C" → { value: 62, scaleMax: 100, class: "C" }. */
function scoreOf(text: string, problem: (message: string) => void): object {
  const match = /^(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?(?:\s+([A-Za-z]+))?$/.exec(text);
  if (match === null) {
    problem(`"${text}" is not "<value>[/<scale max>] [class A-E]"`);
    return {};
  }
  return {
    value: Number(match[1]),
    ...(match[2] === undefined ? {} : { scaleMax: Number(match[2]) }),
    ...(match[3] === undefined ? {} : { class: match[3] }),
  };
}

/** "EORI:FR123" → { scheme, value }. */
function identifierOf(text: string, problem: (message: string) => void): { scheme: string; value: string } {
  const at = text.indexOf(":");
  if (at <= 0) problem(`"${text}" is not "<scheme>:<identifier>" (e.g. GLN:8012345000012)`);
  return { scheme: text.slice(0, Math.max(at, 0)).trim().toUpperCase(), value: text.slice(at + 1).trim() };
}

function textOf(value: ManifestValue): string {
  return Array.isArray(value) ? value.join(";") : String(value).trim();
}

/**
 * The textile data of one row, by section, from its textile columns. Malformed cells are reported
 * through `problem(column, message)`; schema rules (check digits, classes, totals) are the schema's,
 * reported by the caller under the column that filled the field.
 */
export function textileDataOf(
  fields: Readonly<Record<string, ManifestValue>>,
  problem: (column: string, message: string) => void,
): Partial<Record<TextileSection, Record<string, unknown>>> {
  const sections: Partial<Record<TextileSection, Record<string, unknown>>> = {};
  for (const [name, raw] of Object.entries(fields)) {
    const target = textileColumnOf(name);
    if (target === null) continue;
    const text = textOf(raw);
    if (text === "") continue;
    const data = (sections[target.section] ??= {});
    const report = (message: string) => problem(name, message);
    switch (target.column) {
      case "environmentalFootprint":
      case "carbonFootprint":
        data[target.column] = footprintOf(text, report);
        break;
      case "recyclabilityScore":
      case "durabilityScore":
        data[target.column] = scoreOf(text, report);
        break;
      case "recycledContent":
        data.recycledContent = list(text).map((entry) => {
          const [material, share, origin] = entry.split(":").map((part) => part.trim());
          if (!material || share === undefined || origin === undefined || !Number.isFinite(Number(share)))
            report(`"${entry}" is not material:percentage by weight:origin (pre-consumer or post-consumer)`);
          return { material, percentageByWeight: Number(share), origin };
        });
        break;
      case "substancesOfConcern":
        data.substancesOfConcern = list(text).map((entry) => {
          const [substance, cas, ec, concentration, location] = entry.split("|").map((part) => part.trim());
          const amount = /^(\d+(?:\.\d+)?)\s*(% w\/w|mg\/kg)$/.exec(concentration ?? "");
          if (!substance || location === undefined || amount === null)
            report(`"${entry}" is not name|CAS|EC|concentration (e.g. 0.04 % w/w or 12 mg/kg)|location`);
          return {
            name: substance,
            ...(cas ? { casNumber: cas } : {}),
            ...(ec ? { ecNumber: ec } : {}),
            concentration: amount === null ? undefined : { value: Number(amount[1]), unit: amount[2] },
            location,
          };
        });
        break;
      case "economicOperator":
      case "facility":
        data[target.column] = { ...(data[target.column] as object), identifier: identifierOf(text, report) };
        break;
      case "economicOperatorName":
      case "facilityName": {
        const field = FIELD_OF[target.column];
        data[field] = { ...(data[field] as object), name: text };
        break;
      }
      case "commodityCode": {
        const { scheme, value } = identifierOf(text, report);
        data.commodityCode = { scheme, code: value.replaceAll(/[\s.]/g, "") };
        break;
      }
      case "professionalInstructions":
        data.professionalInstructions = list(text);
        break;
    }
  }
  return sections;
}

/** The column a textile schema error belongs to: `passport.sustainability.facility.identifier.value` → `facility`. */
export function textileColumnOfPath(section: TextileSection, fieldPath: string): string {
  const column = fieldPath.split(".")[0];
  return section === "public" ? column : `${section}.${column}`;
}
