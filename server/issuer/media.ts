import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { CID } from "multiformats/cid";
import { importFile } from "../ipfs/import-dag.js";

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

export function mediaTypeOf(fileName: string): string | undefined {
  return MEDIA_TYPES[path.extname(fileName).toLowerCase()];
}

/** The file a manifest names, or the reason it may not be used (a path that leaves the media folder). */
export function resolveMediaPath(mediaRoot: string, relativePath: string): { path: string } | { problem: string } {
  const normalised = relativePath.replaceAll("\\", "/").trim();
  if (normalised === "" || normalised.startsWith("/") || normalised.split("/").some((part) => part === ".." || part === "")) {
    return { problem: `"${relativePath}" must be a relative path inside the media folder` };
  }
  return { path: path.join(mediaRoot, ...normalised.split("/")) };
}

/** Discards blocks: importing into it only computes the CID the real store will give the file. */
const cidOnlyBlockstore = {
  put: (cid: CID) => Promise.resolve(cid),
  has: () => Promise.resolve(false),
};

export async function describeMediaFile(mediaRoot: string, relativePath: string): Promise<MediaFile | string> {
  const resolved = resolveMediaPath(mediaRoot, relativePath);
  if ("problem" in resolved) return resolved.problem;
  const absolutePath = resolved.path;
  const mediaType = mediaTypeOf(absolutePath);
  if (mediaType === undefined) return `"${relativePath}" has an unsupported extension (use ${MEDIA_EXTENSIONS.join(", ")})`;
  let size: number;
  try {
    const info = await stat(absolutePath);
    if (!info.isFile()) return `"${relativePath}" is not a file`;
    size = info.size;
  } catch {
    return `"${relativePath}" was not found in the media folder`;
  }
  // Streamed, so a catalogue of large photographs never sits in memory.
  const cid = await importFile(createReadStream(absolutePath) as AsyncIterable<Uint8Array>, cidOnlyBlockstore);
  return { relativePath: relativePath.replaceAll("\\", "/").trim(), absolutePath, size, mediaType, cid };
}

export function openMedia(file: MediaFile): AsyncIterable<Uint8Array> {
  return createReadStream(file.absolutePath) as AsyncIterable<Uint8Array>;
}
