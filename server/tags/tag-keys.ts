import type { Cmac } from "./cmac.js";
import { diversifyAes128 } from "./diversify.js";
import { UID_BYTES } from "./uid.js";

/**
 * Hallmark's key schedule for NTAG 424 DNA tags: a brand keeps one 16-byte tag master key and
 * every key written into a tag is diversified from it (AN10922), so a tag read out in a lab yields
 * that tag's keys and nothing about its siblings.
 *
 * The five application keys of an NTAG 424 DNA:
 * - key 0, the application master key: per tag; changes every other key (kept for re-encoding);
 * - key 1, SDM meta read: brand-wide, because the verifier needs it before it knows the UID (it
 *   decrypts the PICC data that carries the UID). It only hides the UID and counter from onlookers;
 *   authenticity rests on key 2;
 * - key 2, SDM file read: per tag; derives the session keys of the CMAC and of the encrypted file data;
 * - keys 3 and 4: per tag, unused by SUN, changed so that no key of a personalised tag is the factory's zero key.
 *
 * M = UID (7) ‖ key number (1) ‖ "Hallmark" for per-tag keys, and "Hallmark" ‖ key number for the
 * brand-wide one, so no two keys of the schedule share a diversification input.
 */
export const SYSTEM_IDENTIFIER = Buffer.from("Hallmark", "ascii");

export const KEY_APP_MASTER = 0;
export const KEY_SDM_META_READ = 1;
export const KEY_SDM_FILE_READ = 2;

export interface TagKeySet {
  /** Keys 0 to 4, in key-number order, as written by ChangeKey at personalisation. */
  readonly keys: readonly [Buffer, Buffer, Buffer, Buffer, Buffer];
}

/** The brand-wide SDM meta read key (key 1): decrypts the PICC data of every tag of the brand. */
export function metaReadKey(masterKey: Uint8Array | Cmac): Buffer {
  return diversifyAes128(masterKey, Buffer.concat([SYSTEM_IDENTIFIER, Buffer.of(KEY_SDM_META_READ)]));
}

/** A per-tag key: `keyNumber` of the tag with this UID. */
export function tagKey(masterKey: Uint8Array | Cmac, uid: Uint8Array, keyNumber: number): Buffer {
  if (uid.length !== UID_BYTES) throw new RangeError("An NTAG 424 DNA UID is 7 bytes");
  if (!Number.isInteger(keyNumber) || keyNumber < 0 || keyNumber > 4)
    throw new RangeError("NTAG 424 DNA key numbers are 0 to 4");
  return diversifyAes128(masterKey, Buffer.concat([uid, Buffer.of(keyNumber), SYSTEM_IDENTIFIER]));
}

/** The SDM file read key (key 2) of one tag: what its CMACs are checked with. */
export function fileReadKey(masterKey: Uint8Array | Cmac, uid: Uint8Array): Buffer {
  return tagKey(masterKey, uid, KEY_SDM_FILE_READ);
}

/** Every key an encoding station writes into the tag with this UID. */
export function tagKeySet(masterKey: Uint8Array, uid: Uint8Array): TagKeySet {
  return {
    keys: [
      tagKey(masterKey, uid, 0),
      metaReadKey(masterKey),
      tagKey(masterKey, uid, 2),
      tagKey(masterKey, uid, 3),
      tagKey(masterKey, uid, 4),
    ],
  };
}
