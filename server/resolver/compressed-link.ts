import { createRequire } from "node:module";
import type { ItemDigitalLink } from "./digital-link-path.js";
import { parseItemPath, GTIN_QUALIFIERS } from "./digital-link-path.js";

/**
 * The compressed form of a GS1 Digital Link URI (GS1 Digital Link: Compression; the resolver standard
 * says a conformant resolver SHALL decompress it). The binary decoding is GS1's own reference code,
 * GS1DigitalLinkToolkit.js (Apache-2.0, shipped in the `digital-link.js` package), not a copy: the
 * toolkit decodes, then the result goes through the same checks as an uncompressed path
 * (./digital-link-path.ts), so a compressed link is accepted exactly when its uncompressed form is.
 */

interface Gs1Toolkit {
  extractFromCompressedGS1digitalLink(uri: string): {
    GS1: Record<string, string>;
    other: Record<string, string>;
  };
}

const require = createRequire(import.meta.url);
const Toolkit =
  require("digital-link.js/lib/GS1DigitalLinkCompressionPrototype/GS1DigitalLinkToolkit.js") as new () => Gs1Toolkit;
const toolkit = new Toolkit();

/**
 * A single path segment that may be a compressed link: base64url, at least as long as the shortest
 * compressed GTIN (a 7-bit header and a 47-bit GTIN-14 take 10 characters). Route names (/check,
 * /claim) are shorter or are matched before this is tried.
 */
const COMPRESSED_SEGMENT = /^\/[A-Za-z0-9_-]{10,}$/;

/**
 * The item a compressed path names, or null when the segment does not decode to a GTIN link at all
 * (any other path that happens to be base64url: the caller answers 404 as for any unknown path).
 * A segment that decodes to a GTIN but breaks a rule (a wrong check digit, a qualifier outside set
 * 82) is an InvalidInputError, as its uncompressed form would be.
 */
export function decompressItemPath(rawPath: string): ItemDigitalLink | null {
  if (!COMPRESSED_SEGMENT.test(rawPath)) return null;
  let elements: Record<string, string>;
  try {
    // The toolkit reads a whole URI; the host is not part of the compressed data.
    elements = toolkit.extractFromCompressedGS1digitalLink(`https://resolver.invalid${rawPath}`).GS1;
  } catch {
    return null;
  }
  const gtin = elements["01"];
  const keys = Object.keys(elements);
  if (gtin === undefined || keys.some((key) => key !== "01" && !GTIN_QUALIFIERS.includes(key as never)))
    return null;
  // Rebuilt as an uncompressed path (values percent-encoded), then parsed by the one set of rules.
  let path = `/01/${encodeURIComponent(gtin)}`;
  for (const qualifier of GTIN_QUALIFIERS) {
    const value = elements[qualifier];
    if (value !== undefined) path += `/${qualifier}/${encodeURIComponent(value)}`;
  }
  return parseItemPath(path);
}
