import { timingSafeEqual } from "node:crypto";
import {
  AES_BLOCK,
  AesBlockDecipher,
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  aesEcbEncrypt,
  Cmac,
} from "./cmac.js";
import { UID_BYTES } from "./uid.js";

/**
 * Secure Unique NFC (SUN) messages of the NTAG 424 DNA, as NXP AN12196 specifies them. On each tap
 * the tag writes into its URL the PICC data (UID and tap counter, AES-encrypted under the SDM meta
 * read key, or mirrored in clear), optionally some file data encrypted under a session key, and a
 * truncated CMAC under a session key derived from the SDM file read key, the UID and the counter.
 *
 * Pure functions of bytes: no URL parsing (./sun-params.ts), no keys at rest (./keyring.ts).
 */

/** PICCDataTag (AN12196 §3.3): UID mirrored (bit 7), counter mirrored (bit 6), UID length 7 (bits 3-0). */
export const PICC_DATA_TAG_UID_AND_COUNTER = 0xc7;
export const PICC_DATA_BYTES = 16;
export const SDM_MAC_BYTES = 8;
export const COUNTER_BYTES = 3;
/** The SDM read counter is 24 bits; at this value the tag stops counting. */
export const MAX_SDM_READ_COUNTER = 0xffffff;

/** The counter as the tag stores it in its session vectors and PICC data: 3 bytes, least significant first. */
export function counterBytes(counter: number): Buffer {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_SDM_READ_COUNTER)
    throw new RangeError("An SDM read counter is 0 to 16,777,215");
  const bytes = Buffer.alloc(COUNTER_BYTES);
  bytes.writeUIntLE(counter, 0, COUNTER_BYTES);
  return bytes;
}

export interface PiccData {
  uid: Buffer;
  counter: number;
}

/**
 * Decrypts 16 bytes of encrypted PICC data (AES-128-CBC, zero IV, under the SDM meta read key).
 * Null when the plaintext does not start with the tag byte of a UID-and-counter mirror: the
 * message was made under another key (another brand, a rotated key) or is not a SUN message.
 */
export function decryptPiccData(
  metaReadKey: Uint8Array | AesBlockDecipher,
  encrypted: Uint8Array,
): PiccData | null {
  if (encrypted.length !== PICC_DATA_BYTES) throw new RangeError("Encrypted PICC data is 16 bytes");
  // One block of CBC under a zero IV is one block of ECB.
  const decipher = metaReadKey instanceof AesBlockDecipher ? metaReadKey : new AesBlockDecipher(metaReadKey);
  const plain = decipher.decrypt(encrypted);
  if (plain[0] !== PICC_DATA_TAG_UID_AND_COUNTER) return null;
  return {
    uid: Buffer.from(plain.subarray(1, 1 + UID_BYTES)),
    counter: plain.readUIntLE(1 + UID_BYTES, COUNTER_BYTES),
  };
}

/** SV1 (encryption) and SV2 (MAC) session vectors of AN12196 §3.4.4: label ‖ 00 01 00 80 ‖ UID ‖ counter. */
function sessionVector(label: readonly [number, number], uid: Uint8Array, counter: number): Buffer {
  if (uid.length !== UID_BYTES) throw new RangeError("An NTAG 424 DNA UID is 7 bytes");
  return Buffer.concat([Buffer.of(label[0], label[1], 0x00, 0x01, 0x00, 0x80), uid, counterBytes(counter)]);
}

/** A key, or its CMAC prepared once (a verifier keeps the file read keys of the tags it sees often). */
export type CmacKey = Uint8Array | Cmac;

function cmacUnder(key: CmacKey, message: Uint8Array): Buffer {
  return key instanceof Cmac ? key.mac(message) : aesCmac(key, message);
}

/** KSesSDMFileReadMAC = CMAC(KSDMFileRead, SV2). */
export function sessionMacKey(fileReadKey: CmacKey, uid: Uint8Array, counter: number): Buffer {
  return cmacUnder(fileReadKey, sessionVector([0x3c, 0xc3], uid, counter));
}

/** KSesSDMFileReadENC = CMAC(KSDMFileRead, SV1). */
export function sessionEncKey(fileReadKey: CmacKey, uid: Uint8Array, counter: number): Buffer {
  return cmacUnder(fileReadKey, sessionVector([0xc3, 0x3c], uid, counter));
}

/** NXP's MAC truncation: the bytes at odd positions (1, 3, …, 15) of the full CMAC. */
export function truncateMac(fullMac: Uint8Array): Buffer {
  const truncated = Buffer.alloc(SDM_MAC_BYTES);
  for (let i = 0; i < SDM_MAC_BYTES; i++) truncated[i] = fullMac[2 * i + 1];
  return truncated;
}

/** SDMMAC: the truncated CMAC, under the session MAC key, of the file bytes from SDMMACInputOffset to the MAC. */
export function sdmMac(sessionKey: Uint8Array, macInput: Uint8Array): Buffer {
  return truncateMac(aesCmac(sessionKey, macInput));
}

/** The IV of SDMENCFileData: E(KSesSDMFileReadENC, counter ‖ 0^13). */
function fileDataIv(sessionKey: Uint8Array, counter: number): Buffer {
  const block = Buffer.alloc(AES_BLOCK);
  counterBytes(counter).copy(block);
  return aesEcbEncrypt(sessionKey, block);
}

export function decryptFileData(sessionKey: Uint8Array, counter: number, encrypted: Uint8Array): Buffer {
  if (encrypted.length === 0 || encrypted.length % AES_BLOCK !== 0)
    throw new RangeError("Encrypted file data is a whole number of 16-byte blocks");
  return aesCbcDecrypt(sessionKey, fileDataIv(sessionKey, counter), encrypted);
}

export function encryptFileData(sessionKey: Uint8Array, counter: number, plain: Uint8Array): Buffer {
  if (plain.length === 0 || plain.length % AES_BLOCK !== 0)
    throw new RangeError("File data is a whole number of 16-byte blocks");
  return aesCbcEncrypt(sessionKey, fileDataIv(sessionKey, counter), plain);
}

/**
 * The bytes a tag MACs when the URL carries encrypted file data right before the MAC, as in
 * `…&enc=<hex>&cmac=<mac>`: the ASCII of the hex and the separator up to the MAC (AN12196 Table 5).
 */
export function encFileDataMacInput(encFileData: Uint8Array, macParameter = "cmac"): Buffer {
  return Buffer.from(`${Buffer.from(encFileData).toString("hex").toUpperCase()}&${macParameter}=`, "ascii");
}

/** A SUN message as the URL carries it, its hex already decoded. */
export type SunMessage =
  | {
      /** UID and counter encrypted in `picc_data` (the privacy-preserving mirror Hallmark writes). */
      variant: "encrypted";
      piccData: Buffer;
      /** SDMENCFileData, when the tag mirrors encrypted file data; the MAC then covers its hex. */
      encFileData?: Buffer;
      cmac: Buffer;
    }
  | {
      /** UID and counter mirrored in clear (`uid`, `ctr`), the MAC over nothing. */
      variant: "plain";
      uid: Buffer;
      counter: number;
      cmac: Buffer;
    };

/** The keys a verifier tries: the brand-wide meta read key and the per-tag file read key. */
export interface SunKeys {
  /** The key, or a decipher prepared with it (a verifier keeps one per brand key). */
  metaReadKey: Uint8Array | AesBlockDecipher;
  fileReadKey(uid: Buffer): CmacKey;
}

export type SunVerification =
  | { ok: true; uid: Buffer; counter: number; fileData: Buffer | null }
  /** picc-data: the PICC data does not decrypt under these keys; cmac: the MAC does not match. */
  | { ok: false; failure: "picc-data" | "cmac" };

/**
 * Verifies a SUN message under one set of keys: decrypts the PICC data, derives the session keys
 * from the tag's own file read key, compares the truncated CMAC in constant time and, when the
 * MAC holds, decrypts the file data.
 */
export function verifySunMessage(message: SunMessage, keys: SunKeys): SunVerification {
  let uid: Buffer;
  let counter: number;
  if (message.variant === "encrypted") {
    const picc = decryptPiccData(keys.metaReadKey, message.piccData);
    if (picc === null) return { ok: false, failure: "picc-data" };
    ({ uid, counter } = picc);
  } else {
    ({ uid, counter } = message);
  }
  if (message.cmac.length !== SDM_MAC_BYTES) throw new RangeError("An SDM MAC is 8 bytes");
  const fileReadKey = keys.fileReadKey(uid);
  const encFileData = message.variant === "encrypted" ? message.encFileData : undefined;
  const macInput = encFileData === undefined ? Buffer.alloc(0) : encFileDataMacInput(encFileData);
  const expected = sdmMac(sessionMacKey(fileReadKey, uid, counter), macInput);
  if (!timingSafeEqual(expected, message.cmac)) return { ok: false, failure: "cmac" };
  const fileData =
    encFileData === undefined
      ? null
      : decryptFileData(sessionEncKey(fileReadKey, uid, counter), counter, encFileData);
  return { ok: true, uid, counter, fileData };
}
