import { readFileSync } from "node:fs";
import type { MetadataKind } from "./document-kinds.js";

/**
 * The example documents in ./examples, each with its kind. Tests validate every one and docs
 * quote them, so an example that stops matching its schema fails the build.
 */
export const METADATA_EXAMPLES: readonly { kind: MetadataKind; file: string }[] = [
  { kind: "certificate-metadata", file: "certificate-metadata.json" },
  { kind: "certificate-metadata", file: "certificate-metadata-clear-serial.json" },
  { kind: "certificate-metadata", file: "certificate-metadata-textile.json" },
  { kind: "garment-metadata", file: "garment-metadata.json" },
  { kind: "provenance-details", file: "provenance-authenticated-resale.json" },
  { kind: "provenance-details", file: "provenance-repair.json" },
  { kind: "brand-profile", file: "brand-profile.json" },
  { kind: "provenance-details", file: "provenance-sale.json" },
];

export function loadExample(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`./examples/${file}`, import.meta.url), "utf8"));
}
