import { InvalidInputError } from "../errors.js";

/**
 * Normalises a path inside a directory CID. UnixFS resolves names one link at a time, so ".."
 * cannot climb out of the DAG anyway; refusing it (and empty, "." and NUL segments) up front
 * makes the guarantee explicit and keeps one spelling per resource for caching.
 */
export function normaliseContentPath(path: string | readonly string[] | undefined): string[] {
  if (path === undefined) return [];
  const segments = typeof path === "string" ? path.split("/") : [...path];
  const trimmed =
    typeof path === "string"
      ? segments.filter((s, i) => !(s === "" && (i === 0 || i === segments.length - 1)))
      : segments;
  for (const segment of trimmed) {
    if (segment === "" || segment === "." || segment === ".." || /[\0\\/]/.test(segment)) {
      throw new InvalidInputError(`Invalid path segment ${JSON.stringify(segment)}`);
    }
  }
  return trimmed;
}
