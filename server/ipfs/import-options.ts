import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import type { ImporterOptions } from "ipfs-unixfs-importer";

/**
 * The one place where UnixFS import parameters are pinned. They reproduce
 * `ipfs add --cid-version 1 --raw-leaves` on Kubo (chunker size-262144, balanced layout with
 * 174 links per node, HAMT directories above 256 KiB of links), so a file added here and on a
 * Kubo node gets the same CID. Helia's own defaults (1 MiB chunks, 1,024 links) would not.
 */
export const KUBO_CHUNK_SIZE = 262_144;
export const KUBO_MAX_LINKS_PER_NODE = 174;
export const KUBO_SHARD_SPLIT_THRESHOLD_BYTES = 262_144;
export const KUBO_SHARD_FANOUT_BITS = 8;

/** The largest metadata document: one chunk, hence one raw block whose CID is `bafkrei…`. */
export const MAX_METADATA_DOCUMENT_BYTES = KUBO_CHUNK_SIZE;

export function kuboCompatibleImporterOptions(): ImporterOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: KUBO_CHUNK_SIZE }),
    layout: balanced({ maxChildrenPerNode: KUBO_MAX_LINKS_PER_NODE }),
    shardSplitThresholdBytes: KUBO_SHARD_SPLIT_THRESHOLD_BYTES,
    shardSplitStrategy: "links-bytes",
    shardFanoutBits: KUBO_SHARD_FANOUT_BITS,
    fieldOrder: "links-first",
  };
}

/** The same parameters spelled as Kubo RPC `add` options, for the remote adapter. */
export const KUBO_ADD_OPTIONS = {
  cidVersion: 1,
  rawLeaves: true,
  chunker: `size-${KUBO_CHUNK_SIZE}`,
  hashAlg: "sha2-256",
  trickle: false,
} as const;
