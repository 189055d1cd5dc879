import { PICC_DATA_BYTES, SDM_MAC_BYTES } from "./sun.js";
import type { SunMessage } from "./sun.js";

/**
 * The link a Hallmark tag writes on each tap: `<verifier>/t/<token id>?picc_data=<32 hex>&cmac=<16 hex>`.
 * The path names the certificate the tag was personalised for (static NDEF text, not covered by the
 * MAC: the certificate's own commitment to the UID is what binds them); the query is the SUN
 * mirror, which the tag rewrites on every tap.
 */
export const TAP_PATH = "/t";
export const PICC_DATA_PARAMETER = "picc_data";
export const CMAC_PARAMETER = "cmac";

const PICC_PLACEHOLDER = "0".repeat(2 * PICC_DATA_BYTES);
const MAC_PLACEHOLDER = "0".repeat(2 * SDM_MAC_BYTES);

/** The URL as written at personalisation: zeros where the tag mirrors its PICC data and MAC. */
export function sunUrlTemplate(verifierUrl: string, tokenId: bigint | string): string {
  const base = verifierUrl.replace(/\/+$/, "");
  return `${base}${TAP_PATH}/${tokenId.toString()}?${PICC_DATA_PARAMETER}=${PICC_PLACEHOLDER}&${CMAC_PARAMETER}=${MAC_PLACEHOLDER}`;
}

/** The URL of one tap (what a phone opens). */
export function sunUrl(
  verifierUrl: string,
  tokenId: bigint | string,
  message: Extract<SunMessage, { variant: "encrypted" }>,
): string {
  return sunUrlTemplate(verifierUrl, tokenId)
    .replace(PICC_PLACEHOLDER, message.piccData.toString("hex").toUpperCase())
    .replace(MAC_PLACEHOLDER, message.cmac.toString("hex").toUpperCase());
}

/** NDEF URI prefix codes (NFC Forum URI RTD) the template may start with. */
const URI_PREFIXES: readonly [string, number][] = [
  ["https://www.", 0x02],
  ["http://www.", 0x01],
  ["https://", 0x04],
  ["http://", 0x03],
];

export interface NdefLayout {
  /** The NDEF file's bytes as written (NLEN, one short URI record). */
  file: Buffer;
  /** SDM offsets in the file, as NTAG 424 DNA's ChangeFileSettings takes them. */
  piccDataOffset: number;
  sdmMacInputOffset: number;
  sdmMacOffset: number;
}

/**
 * The NDEF file an encoder writes for a template URL, and where the tag must mirror: PICC data at
 * the `picc_data` placeholder, the MAC at the `cmac` one, MAC input empty (input offset = MAC offset).
 */
export function ndefLayout(templateUrl: string): NdefLayout {
  const prefix = URI_PREFIXES.find(([text]) => templateUrl.startsWith(text)) ?? ["", 0x00];
  const rest = Buffer.from(templateUrl.slice(prefix[0].length), "utf8");
  const payloadLength = 1 + rest.length;
  if (payloadLength > 255) throw new RangeError("The tap URL is too long for a short NDEF record");
  const record = Buffer.concat([Buffer.of(0xd1, 0x01, payloadLength, 0x55, prefix[1]), rest]);
  const file = Buffer.concat([Buffer.of(record.length >> 8, record.length & 0xff), record]);
  const restStart = 2 + 5;
  const piccAt = templateUrl.indexOf(`${PICC_DATA_PARAMETER}=`) + PICC_DATA_PARAMETER.length + 1;
  const macAt = templateUrl.indexOf(`${CMAC_PARAMETER}=`, piccAt) + CMAC_PARAMETER.length + 1;
  const offsetOf = (index: number) =>
    restStart + Buffer.byteLength(templateUrl.slice(prefix[0].length, index));
  return {
    file,
    piccDataOffset: offsetOf(piccAt),
    sdmMacInputOffset: offsetOf(macAt),
    sdmMacOffset: offsetOf(macAt),
  };
}
