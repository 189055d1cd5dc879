import type { Messages } from "./i18n/index.js";

/** 0x1234…abcd: enough to recognise a wallet, short enough for a phone. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

const EXTENSIONS: Record<string, string> = {
  "image/svg+xml": "svg",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/gif": "gif",
  "model/gltf-binary": "glb",
  "model/gltf+json": "gltf",
};

/**
 * `ipfs://<cid>[/path]` → this verifier's own verifying gateway (`/ipfs/<cid>[/path]`), or null for
 * anything else (https links are not fetched: only content-addressed bytes are shown). A bare CID
 * carries no file name, so `?filename=` names the declared media type for the gateway.
 */
export function gatewayPath(uri: string, mediaType?: string): string | null {
  const match = /^ipfs:\/\/([A-Za-z0-9]+)(\/[^\s?#]*)?$/.exec(uri);
  if (match === null) return null;
  const [, cid, path] = match;
  const base = `/ipfs/${cid}${path ?? ""}`;
  const extension = mediaType === undefined ? undefined : EXTENSIONS[mediaType];
  if (extension === undefined || (path !== undefined && /\.[a-z0-9]+$/i.test(path))) return base;
  return `${base}?filename=file.${extension}`;
}

/** "2024-03" or "2024-03-15" or an ISO timestamp, in the reader's language (UTC: the chain's clock). */
export function formatDate(t: Messages, value: string): string {
  const monthOnly = /^\d{4}-\d{2}$/.test(value);
  const date = new Date(
    monthOnly ? `${value}-01T00:00:00Z` : value.length === 10 ? `${value}T00:00:00Z` : value,
  );
  if (Number.isNaN(date.getTime())) return value;
  const options: Intl.DateTimeFormatOptions = monthOnly
    ? { year: "numeric", month: "long", timeZone: "UTC" }
    : { dateStyle: "long", timeZone: "UTC" };
  return new Intl.DateTimeFormat(t.lang, options).format(date);
}

export function countryName(t: Messages, code: string): string {
  try {
    return new Intl.DisplayNames([t.lang], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function placeText(
  t: Messages,
  place: { city?: string; country: string; facility?: string } | undefined,
): string | null {
  if (place === undefined) return null;
  return [place.facility, place.city, countryName(t, place.country)]
    .filter((part) => part !== undefined && part !== "")
    .join(", ");
}
