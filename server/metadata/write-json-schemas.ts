/**
 * Regenerates docs/schemas/*.schema.json from the zod schemas.
 * Run from the repository root: `npx tsx server/metadata/write-json-schemas.ts`.
 */
import { writeFile } from "node:fs/promises";
import { jsonSchemaPath, renderAllJsonSchemas } from "./json-schemas.js";

for (const [kind, text] of renderAllJsonSchemas()) {
  await writeFile(jsonSchemaPath(kind), text);
  console.log(`wrote ${jsonSchemaPath(kind)}`);
}
