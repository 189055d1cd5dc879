import type { CID } from "multiformats/cid";
import { IntegrityError, InvalidDocumentError, InvalidInputError } from "../errors.js";
import { digestToCid, sha256Hex, verifyAgainstCommitment } from "../ipfs/commitment.js";
import type { Bytes32Hex } from "../ipfs/commitment.js";
import { MAX_METADATA_DOCUMENT_BYTES } from "../ipfs/import-options.js";
import type { MetadataReader, MetadataStore } from "../ipfs/metadata-store.js";
import type { MetadataDocument, MetadataKind } from "./document-kinds.js";
import { validateDocument } from "./validate-document.js";

/** A metadata document as it is committed: exact bytes, their sha256 and the matching CID. */
export interface EncodedDocument {
  bytes: Uint8Array;
  digest: Bytes32Hex;
  cid: CID;
}

export interface CommittedDocument<K extends MetadataKind> extends EncodedDocument {
  document: MetadataDocument<K>;
}

/**
 * Validates and serialises a document. The digest is over these exact bytes, so the encoding
 * is fixed here (compact JSON, UTF-8) and never re-derived from a parsed value later.
 */
export function encodeDocument<K extends MetadataKind>(kind: K, value: unknown): EncodedDocument {
  validateDocument(kind, value);
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  if (bytes.byteLength > MAX_METADATA_DOCUMENT_BYTES) {
    throw new InvalidInputError(
      `A ${kind} document is ${bytes.byteLength} bytes; the limit is ${MAX_METADATA_DOCUMENT_BYTES} (one raw block). Link large media instead of embedding it.`,
    );
  }
  const digest = sha256Hex(bytes);
  return { bytes, digest, cid: digestToCid(digest) };
}

/** Validates, encodes and stores a document; returns the digest to commit on-chain. */
export async function publishDocument<K extends MetadataKind>(
  store: MetadataStore,
  kind: K,
  value: unknown,
): Promise<EncodedDocument> {
  const encoded = encodeDocument(kind, value);
  const cid = await store.addBytes(encoded.bytes);
  const expected = encoded.cid.toString();
  if (cid.toString() !== expected) {
    // Only possible if the store imports with other options than the pinned ones.
    throw new IntegrityError(
      `Store returned ${cid.toString()} for a document whose digest gives ${expected}`,
      expected,
      cid.toString(),
    );
  }
  return encoded;
}

/**
 * Reads the document a certificate, design or event committed to on-chain, and refuses it
 * unless its bytes hash to that digest and it passes its schema. This is the only way the
 * verifier turns a digest into something it shows.
 */
export async function readCommittedDocument<K extends MetadataKind>(
  reader: MetadataReader,
  kind: K,
  committedDigest: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<CommittedDocument<K>> {
  const cid = digestToCid(committedDigest);
  const bytes = await reader.get(cid, { ...options, maxBytes: MAX_METADATA_DOCUMENT_BYTES });
  // The reader verified the block against its CID; checking the digest again costs one hash
  // and keeps this function correct whatever reader it is given.
  const digest = verifyAgainstCommitment(bytes, committedDigest);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidDocumentError(`The ${kind} document committed as ${digest} is not UTF-8 JSON`, {
      cause,
    });
  }
  return { bytes, digest, cid, document: validateDocument(kind, value) };
}
