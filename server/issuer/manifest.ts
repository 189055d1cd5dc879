import { parse } from "csv-parse/sync";
import { InvalidInputError } from "../errors.js";

/**
 * A brand's catalogue export, one row per piece. CSV (RFC 4180, a header row naming the columns)
 * or a JSON array of objects with the same keys; column names are documented in docs/brands.md.
 */
export type ManifestFormat = "csv" | "json";

export type ManifestValue = string | number | readonly string[];

export interface ManifestRow {
  /** 1-based data row (the header is not counted). */
  row: number;
  /** Line where the row starts in a CSV file. */
  line?: number;
  fields: Readonly<Record<string, ManifestValue>>;
}

export function manifestFormatOf(fileName: string): ManifestFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".csv")) return "csv";
  throw new InvalidInputError(`Cannot tell the manifest format of ${fileName}: name it .csv or .json`);
}

export function parseManifest(text: string, format: ManifestFormat): ManifestRow[] {
  return format === "csv" ? parseCsvManifest(text) : parseJsonManifest(text);
}

function parseCsvManifest(text: string): ManifestRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (cause) {
    throw new InvalidInputError(
      `The CSV manifest cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return records.map(({ record, info }, index) => ({
    row: index + 1,
    // csv-parse reports the line where the record ends; a record usually spans one line.
    line: info.lines,
    fields: Object.fromEntries(Object.entries(record).filter(([, value]) => value !== "")),
  }));
}

function parseJsonManifest(text: string): ManifestRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError("The JSON manifest is not valid JSON", { cause });
  }
  if (!Array.isArray(value))
    throw new InvalidInputError("A JSON manifest must be an array of objects, one per piece");
  return value.map((item: unknown, index) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      return { row: index + 1, fields: { __invalid: "not an object" } };
    }
    const fields: Record<string, ManifestValue> = {};
    for (const [key, field] of Object.entries(item as Record<string, unknown>)) {
      if (typeof field === "string" || typeof field === "number") fields[key] = field;
      else if (Array.isArray(field) && field.every((x) => typeof x === "string")) fields[key] = field;
      else if (field !== null && field !== undefined) fields[key] = `__invalid:${typeof field}`;
    }
    return { row: index + 1, fields };
  });
}
