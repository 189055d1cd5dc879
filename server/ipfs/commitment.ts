import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { IntegrityError, InvalidInputError } from "../errors.js";
import { RAW_CODEC, SHA2_256_CODE } from "./cid.js";

/**
 * The bridge between on-chain commitments and IPFS. A certificate, a garment design and a
 * provenance event each commit on-chain to `sha256(document bytes)` as a bytes32. Because a
 * metadata document is always a single raw block, its CID is CIDv1(raw, sha2-256, digest):
 * the digest and the CID are two spellings of the same commitment, so no CID is stored on-chain.
 */

/** A 0x-prefixed, 64-hex-digit bytes32 value as the contracts emit it. */
export type Bytes32Hex = `0x${string}`;

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

export function isBytes32Hex(value: string): value is Bytes32Hex {
  return BYTES32.test(value);
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

export function sha256Hex(bytes: Uint8Array): Bytes32Hex {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The CID of the single raw block whose sha256 is `digest`. */
export function digestToCid(digest: string): CID {
  if (!isBytes32Hex(digest)) {
    throw new InvalidInputError(`Not a bytes32 digest: ${digest.slice(0, 80)}`);
  }
  const multihash = createDigest(SHA2_256_CODE, Buffer.from(digest.slice(2), "hex"));
  return CID.createV1(RAW_CODEC, multihash);
}

/**
 * The on-chain digest a CID stands for. Only raw sha2-256 CIDs have one: a dag-pb root hashes
 * a UnixFS node, not the document bytes, so it could never match a committed digest.
 */
export function cidToDigest(cid: CID): Bytes32Hex {
  if (cid.code !== RAW_CODEC || cid.multihash.code !== SHA2_256_CODE || cid.multihash.digest.length !== 32) {
    throw new InvalidInputError(
      `CID ${cid.toString()} is not a raw sha2-256 block, so it has no on-chain digest (metadata must be one raw block)`,
    );
  }
  return `0x${Buffer.from(cid.multihash.digest).toString("hex")}`;
}

/**
 * Throws unless `bytes` are exactly the document committed on-chain. The error names both the
 * committed and the computed digest so that an operator can tell which side is wrong.
 */
export function verifyAgainstCommitment(bytes: Uint8Array, committedDigest: string): Bytes32Hex {
  if (!isBytes32Hex(committedDigest)) {
    throw new InvalidInputError(`Not a bytes32 digest: ${committedDigest.slice(0, 80)}`);
  }
  const actual = sha256Hex(bytes);
  const expected = committedDigest.toLowerCase();
  if (actual !== expected) {
    throw new IntegrityError(
      `Document does not match its on-chain commitment: committed ${expected}, got ${actual}`,
      expected,
      actual,
    );
  }
  return actual;
}
