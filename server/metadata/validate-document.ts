import { InvalidDocumentError } from "../errors.js";
import type { ProblemDetail } from "../errors.js";
import { metadataSchemas } from "./document-kinds.js";
import type { MetadataDocument, MetadataKind } from "./document-kinds.js";

/**
 * Validates a parsed JSON value as a metadata document of `kind`. A refusal lists every
 * offending field by its path ("passport.materials.0.percentage") so a brand can fix a batch.
 */
export function validateDocument<K extends MetadataKind>(kind: K, value: unknown): MetadataDocument<K> {
  const result = metadataSchemas[kind].safeParse(value);
  if (result.success) return result.data as MetadataDocument<K>;
  const details: ProblemDetail[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(document)",
    message: issue.message,
  }));
  const fields = details.map((detail) => detail.path).join(", ");
  throw new InvalidDocumentError(`Invalid ${kind} document: ${fields}`, { details });
}
