/**
 * Content type for bytes served from IPFS. UnixFS stores no media type, so it comes from the
 * path's extension when there is one, else from the leading bytes. Unknown stays
 * application/octet-stream: a guess must never turn bytes into active content.
 */
const BY_EXTENSION: Record<string, string> = {
  json: "application/json",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
  svg: "image/svg+xml",
  glb: "model/gltf-binary",
  gltf: "model/gltf+json",
  usdz: "model/vnd.usdz+zip",
  mp4: "video/mp4",
  webm: "video/webm",
  pdf: "application/pdf",
  txt: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

export function contentTypeFor(path: string | undefined, head: Uint8Array): string {
  const extension = path?.split("/").pop()?.split(".").slice(1).pop()?.toLowerCase();
  if (extension !== undefined && extension in BY_EXTENSION) return BY_EXTENSION[extension];
  return sniff(head);
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function sniff(head: Uint8Array): string {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return "image/png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8))
    return "image/webp";
  if (startsWith(head, [0x67, 0x6c, 0x54, 0x46])) return "model/gltf-binary"; // "glTF"
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return "application/pdf"; // "%PDF"
  const firstText = new TextDecoder().decode(head.subarray(0, 64)).trimStart();
  if (firstText.startsWith("{") || firstText.startsWith("[")) return "application/json";
  return "application/octet-stream";
}
