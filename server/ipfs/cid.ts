import { CID } from "multiformats/cid";
import { InvalidInputError } from "../errors.js";

/** Multicodec and multihash codes Hallmark understands. Anything else is refused, not guessed. */
export const RAW_CODEC = 0x55;
export const DAG_PB_CODEC = 0x70;
export const SHA2_256_CODE = 0x12;

/**
 * Parses a CID from user input (a URL segment, a config value). Only CIDs whose blocks can be
 * verified here are accepted: raw or dag-pb, hashed with sha2-256.
 */
export function parseCid(text: string): CID {
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (cause) {
    throw new InvalidInputError(`Malformed CID: ${truncate(text)}`, { cause });
  }
  assertVerifiableCid(cid);
  return cid;
}

export function assertVerifiableCid(cid: CID): void {
  if (cid.code !== RAW_CODEC && cid.code !== DAG_PB_CODEC) {
    throw new InvalidInputError(
      `Unsupported codec 0x${cid.code.toString(16)} in ${cid.toString()}: only raw and dag-pb`,
    );
  }
  if (cid.multihash.code !== SHA2_256_CODE) {
    throw new InvalidInputError(
      `Unsupported hash 0x${cid.multihash.code.toString(16)} in ${cid.toString()}: only sha2-256`,
    );
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
