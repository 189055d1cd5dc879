/**
 * An NTAG 424 DNA's UID: 7 bytes, written in hex (upper case) wherever Hallmark shows or stores it.
 * NXP's UIDs start with the manufacturer byte 0x04.
 */
export const UID_BYTES = 7;

const UID_HEX = /^[0-9a-fA-F]{14}$/;

export function isTagUid(text: string): boolean {
  return UID_HEX.test(text);
}

/** Parses 14 hex digits; throws RangeError on anything else. */
export function parseTagUid(text: string): Buffer {
  if (!isTagUid(text)) throw new RangeError("A tag UID is 14 hex digits (7 bytes)");
  return Buffer.from(text, "hex");
}

export function formatTagUid(uid: Uint8Array): string {
  return Buffer.from(uid).toString("hex").toUpperCase();
}
