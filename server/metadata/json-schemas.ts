import { z } from "zod";
import { metadataSchemas, METADATA_KINDS } from "./document-kinds.js";
import type { MetadataKind } from "./document-kinds.js";

/** Where the published JSON Schema of each kind lives, relative to the repository root. */
export function jsonSchemaPath(kind: MetadataKind): string {
  return `docs/schemas/${kind}.schema.json`;
}

/**
 * The JSON Schema (draft 2020-12) of each document kind, generated from the zod schemas so the
 * two cannot drift; a test checks the files in docs/schemas/ equal this output. Cross-field
 * rules (material shares add up to 100%, a repair event has a repair) exist only in zod.
 */
export function renderJsonSchema(kind: MetadataKind): string {
  const schema = z.toJSONSchema(metadataSchemas[kind], {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  });
  const published = { $id: `https://hallmark.dev/schemas/${kind}.schema.json`, ...schema };
  return `${JSON.stringify(published, null, 2)}\n`;
}

export function renderAllJsonSchemas(): Map<MetadataKind, string> {
  return new Map(METADATA_KINDS.map((kind) => [kind, renderJsonSchema(kind)]));
}
