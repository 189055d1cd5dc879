import { writeFile } from "node:fs/promises";
import { ConflictError } from "../errors.js";
import { ndefLayout, sunUrlTemplate } from "./sun-url.js";
import { KEY_SDM_FILE_READ, KEY_SDM_META_READ, tagKeySet } from "./tag-keys.js";
import type { TagMasterKey } from "./tag-keystore.js";
import { parseTagUid } from "./uid.js";

/**
 * What an encoding station needs to personalise each tag: its five AES keys (diversified from the
 * brand's master key, ./tag-keys.ts), the NDEF URL with its SDM offsets, and the SDM access
 * rights, one record per tag. Written to a file readable by its owner only, never to a terminal.
 *
 * The fields follow the names of NXP's NTAG 424 DNA datasheet (ChangeKey, ChangeFileSettings);
 * SDM options: UID and counter mirrored, encrypted PICC data, no encrypted file data.
 */
export interface TagToPersonalise {
  uid: string;
  serial: string;
  tokenId: bigint;
}

export interface PersonalisationRecord {
  uid: string;
  serial: string;
  tokenId: string;
  brandId: number;
  /** The brand master key the keys derive from (a verifier needs the same key to read the tag). */
  masterKeyId: number;
  key0: string;
  key1: string;
  key2: string;
  key3: string;
  key4: string;
  url: string;
  /** NDEF file 02 content in hex (NLEN + record), for stations that write raw files. */
  ndefFile: string;
  piccDataOffset: number;
  sdmMacInputOffset: number;
  sdmMacOffset: number;
  sdmMetaReadKey: number;
  sdmFileReadKey: number;
  sdmCounterRetrievalKey: number;
}

export const PERSONALISATION_COLUMNS: readonly (keyof PersonalisationRecord)[] = [
  "uid",
  "serial",
  "tokenId",
  "brandId",
  "masterKeyId",
  "key0",
  "key1",
  "key2",
  "key3",
  "key4",
  "url",
  "ndefFile",
  "piccDataOffset",
  "sdmMacInputOffset",
  "sdmMacOffset",
  "sdmMetaReadKey",
  "sdmFileReadKey",
  "sdmCounterRetrievalKey",
];

export function personalisationRecords(
  brandId: number,
  masterKey: TagMasterKey,
  verifierUrl: string,
  tags: readonly TagToPersonalise[],
): PersonalisationRecord[] {
  return tags.map((tag) => {
    const uid = parseTagUid(tag.uid);
    const { keys } = tagKeySet(masterKey.bytes(), uid);
    const url = sunUrlTemplate(verifierUrl, tag.tokenId);
    const layout = ndefLayout(url);
    const hex = (key: Buffer) => key.toString("hex").toUpperCase();
    return {
      uid: uid.toString("hex").toUpperCase(),
      serial: tag.serial,
      tokenId: tag.tokenId.toString(),
      brandId,
      masterKeyId: masterKey.id,
      key0: hex(keys[0]),
      key1: hex(keys[1]),
      key2: hex(keys[2]),
      key3: hex(keys[3]),
      key4: hex(keys[4]),
      url,
      ndefFile: layout.file.toString("hex").toUpperCase(),
      piccDataOffset: layout.piccDataOffset,
      sdmMacInputOffset: layout.sdmMacInputOffset,
      sdmMacOffset: layout.sdmMacOffset,
      sdmMetaReadKey: KEY_SDM_META_READ,
      sdmFileReadKey: KEY_SDM_FILE_READ,
      sdmCounterRetrievalKey: KEY_SDM_FILE_READ,
    };
  });
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function personalisationCsv(records: readonly PersonalisationRecord[]): string {
  const lines = [PERSONALISATION_COLUMNS.join(",")];
  for (const record of records) lines.push(PERSONALISATION_COLUMNS.map((c) => csvField(record[c])).join(","));
  return lines.join("\n") + "\n";
}

/** Writes the file (CSV or JSON by its extension) with mode 0600; refuses to overwrite one. */
export async function writePersonalisationFile(
  file: string,
  records: readonly PersonalisationRecord[],
): Promise<"csv" | "json"> {
  const format = file.toLowerCase().endsWith(".json") ? "json" : "csv";
  const text = format === "json" ? JSON.stringify(records, null, 2) + "\n" : personalisationCsv(records);
  try {
    await writeFile(file, text, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new ConflictError(`${file} exists already; refusing to overwrite a file of keys`);
    throw error;
  }
  return format;
}
