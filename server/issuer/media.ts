import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { CID } from "multiformats/cid";
import {
  ContentTooLargeError,
  InvalidInputError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from "../errors.js";
import { importFile } from "../ipfs/import-dag.js";
import type { ImportContent, MetadataStore } from "../ipfs/metadata-store.js";

/**
 * Product pictures referenced by a manifest, relative to the brand's media folder. Their CIDs are
 * computed before anything is stored, because each certificate document names its pictures by
 * CID and the document's own digest is what the chain commits to.
 */
export interface MediaFile {
  /** Path as the manifest names it, "/"-separated, relative to the media folder. */
  relativePath: string;
  absolutePath: string;
  size: number;
  mediaType: string;
  cid: CID;
}

const MEDIA_TYPES: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".avif": "image/avif",
  ".svg": "image/svg+xml",
  ".glb": "model/gltf-binary",
  ".mp4": "video/mp4",
};

export const MEDIA_EXTENSIONS = Object.keys(MEDIA_TYPES);

/** The media types a manifest's pictures may have: those of the extensions above, and no others. */
export const MEDIA_TYPE_NAMES: readonly string[] = [...new Set(Object.values(MEDIA_TYPES))];

/** How much of a file sniffMediaType looks at. */
export const SNIFF_BYTES = 1_024;

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  Buffer.from(bytes.subarray(start, end)).toString("latin1");

/**
 * The media type the first bytes of a file show (magic numbers; SVG by its root element), or
 * undefined for anything else. An upload has no file name, so its declared Content-Type is checked
 * against its bytes, and a picture referenced by CID gets its type from them.
 */
export function sniffMediaType(head: Uint8Array): string | undefined {
  if (
    head.length >= 8 &&
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => head[i] === byte)
  )
    return "image/png";
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return "image/gif";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image/webp";
  if (ascii(head, 0, 4) === "glTF") return "model/gltf-binary";
  if (ascii(head, 4, 8) === "ftyp") {
    // ISO BMFF: the major brand, then the compatible brands up to the end of the ftyp box.
    const boxEnd = Math.min(head.length, Buffer.from(head.subarray(0, 4)).readUInt32BE(0));
    const brands = [ascii(head, 8, 12)];
    for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(head, at, at + 4));
    return brands.includes("avif") || brands.includes("avis") ? "image/avif" : "video/mp4";
  }
  const text = Buffer.from(head)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  if (
    /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(
      text,
    )
  )
    return "image/svg+xml";
  return undefined;
}

/** "image/png; charset=…" → "image/png"; refused (415) unless it is a manifest picture type. */
export function acceptedMediaType(contentType: string | undefined): string {
  const mediaType = contentType?.split(";")[0].trim().toLowerCase();
  if (mediaType === undefined || mediaType === "")
    throw new UnsupportedMediaTypeError(
      `Send the file with its Content-Type (one of ${MEDIA_TYPE_NAMES.join(", ")})`,
    );
  if (!MEDIA_TYPE_NAMES.includes(mediaType))
    throw new UnsupportedMediaTypeError(
      `${mediaType} is not a picture or model type a manifest takes (one of ${MEDIA_TYPE_NAMES.join(", ")})`,
    );
  return mediaType;
}

/** Bytes that are not what their Content-Type says (a JPEG sent as image/png, a text file as SVG). */
export class MediaContentMismatchError extends UnprocessableError {
  override readonly type = "media-content-mismatch";
}

export interface ImportedMedia {
  cid: CID;
  size: number;
  mediaType: string;
  /** Whether the same bytes were already pinned here (a repeated upload). */
  alreadyPinned: boolean;
}

/**
 * Streams one picture into the store with the same Kubo-compatible import as the CLI's
 * describeMediaFile (so both give the same CID), refusing it on the way, before it is pinned,
 * when it passes `maxBytes` (413) or its first bytes are not of `mediaType` (422). A refused
 * upload leaves at most unpinned blocks, which the store's garbage collection may drop.
 */
export async function importMedia(
  store: Pick<MetadataStore, "addFile" | "isPinned" | "pin">,
  content: AsyncIterable<Uint8Array>,
  options: { mediaType: string; maxBytes: number; signal?: AbortSignal },
): Promise<ImportedMedia> {
  let size = 0;
  async function* checked(): AsyncGenerator<Uint8Array> {
    let head: Uint8Array[] | null = [];
    let headBytes = 0;
    const release = function* (): Generator<Uint8Array> {
      const sniffed = sniffMediaType(Buffer.concat(head!));
      if (sniffed !== options.mediaType) {
        throw new MediaContentMismatchError(
          `The file's bytes are ${sniffed === undefined ? "not a supported picture or model" : sniffed}, not ${options.mediaType} as its Content-Type says`,
        );
      }
      yield* head!;
      head = null;
    };
    for await (const chunk of content) {
      size += chunk.byteLength;
      if (size > options.maxBytes) throw new ContentTooLargeError(`Media above ${options.maxBytes} bytes`);
      if (head === null) {
        yield chunk;
        continue;
      }
      head.push(chunk);
      headBytes += chunk.byteLength;
      if (headBytes >= SNIFF_BYTES) yield* release();
    }
    if (size === 0) throw new InvalidInputError("The request body is empty: send the file's bytes");
    if (head !== null) yield* release();
  }
  const cid = await store.addFile(checked() as ImportContent, { signal: options.signal });
  const alreadyPinned = await store.isPinned(cid, { signal: options.signal });
  if (!alreadyPinned) await store.pin(cid, { signal: options.signal });
  return { cid, size, mediaType: options.mediaType, alreadyPinned };
}

export interface StoredMedia {
  cid: CID;
  mediaType: string;
}

/** How long checking one picture referenced by CID may take (pin lookup and its first bytes). */
export const STORED_MEDIA_TIMEOUT_MS = 10_000;

/** Whether a manifest's images entry names a picture by CID rather than by path in the media folder. */
export function isIpfsMediaReference(entry: string): boolean {
  return entry.startsWith("ipfs://");
}

/**
 * A picture a manifest names as `ipfs://<cid>`: it must be on this store, and its first bytes give its
 * media type. One the store serves but has not pinned (added by another tool, or a file of a directory
 * pinned as a whole) is pinned here, since the minted certificate needs it to stay. Bounded: a store
 * that does not answer in time counts as not holding it.
 */
export async function describeStoredMedia(
  store: Pick<MetadataStore, "isPinned" | "stream" | "pin">,
  uri: string,
  options: { timeoutMs?: number } = {},
): Promise<StoredMedia | string> {
  let cid: CID;
  try {
    const text = uri.slice("ipfs://".length);
    if (text.includes("/") || text.includes("?") || text.includes("#")) throw new RangeError("a path");
    cid = CID.parse(text);
  } catch {
    return `"${uri}" is not ipfs://<cid> (a bare CID, no path)`;
  }
  const signal = AbortSignal.timeout(options.timeoutMs ?? STORED_MEDIA_TIMEOUT_MS);
  const notHere = `"${uri}" is not on this verifier's IPFS store (upload it first: POST /v1/issuer/brands/{brand}/media)`;
  try {
    const pinned = await store.isPinned(cid, { signal });
    const { body } = await store.stream(cid, { offset: 0, length: SNIFF_BYTES, signal });
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const mediaType = sniffMediaType(Buffer.concat(chunks));
    if (mediaType === undefined)
      return `"${uri}" is not a picture or model of a supported type (${MEDIA_TYPE_NAMES.join(", ")})`;
    if (!pinned) await store.pin(cid, { signal });
    return { cid, mediaType };
  } catch {
    return notHere;
  }
}

export function mediaTypeOf(fileName: string): string | undefined {
  return MEDIA_TYPES[path.extname(fileName).toLowerCase()];
}

/** The file a manifest names, or the reason it may not be used (a path that leaves the media folder). */
export function resolveMediaPath(
  mediaRoot: string,
  relativePath: string,
): { path: string } | { problem: string } {
  const normalised = relativePath.replaceAll("\\", "/").trim();
  if (
    normalised === "" ||
    normalised.startsWith("/") ||
    normalised.split("/").some((part) => part === ".." || part === "")
  ) {
    return { problem: `"${relativePath}" must be a relative path inside the media folder` };
  }
  return { path: path.join(mediaRoot, ...normalised.split("/")) };
}

/** Discards blocks: importing into it only computes the CID the real store will give the file. */
const cidOnlyBlockstore = {
  put: (cid: CID) => Promise.resolve(cid),
  has: () => Promise.resolve(false),
};

export async function describeMediaFile(
  mediaRoot: string,
  relativePath: string,
): Promise<MediaFile | string> {
  const resolved = resolveMediaPath(mediaRoot, relativePath);
  if ("problem" in resolved) return resolved.problem;
  const absolutePath = resolved.path;
  const mediaType = mediaTypeOf(absolutePath);
  if (mediaType === undefined)
    return `"${relativePath}" has an unsupported extension (use ${MEDIA_EXTENSIONS.join(", ")})`;
  let size: number;
  try {
    const info = await stat(absolutePath);
    if (!info.isFile()) return `"${relativePath}" is not a file`;
    size = info.size;
  } catch {
    return `"${relativePath}" was not found in the media folder`;
  }
  // Streamed, so a catalogue of large photographs never sits in memory.
  const cid = await importFile(
    createReadStream(absolutePath) as AsyncIterable<Uint8Array>,
    cidOnlyBlockstore,
  );
  return { relativePath: relativePath.replaceAll("\\", "/").trim(), absolutePath, size, mediaType, cid };
}

export function openMedia(file: MediaFile): AsyncIterable<Uint8Array> {
  return createReadStream(file.absolutePath) as AsyncIterable<Uint8Array>;
}
