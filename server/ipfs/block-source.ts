import type { CID } from "multiformats/cid";

/**
 * Where raw block bytes come from: the local blockstore, a Kubo node, a trustless gateway.
 * A BlockSource is NOT trusted: its bytes are checked by VerifiedBlockstore before anyone reads
 * them. Implementations throw NotFoundError for a block they do not have and
 * DependencyUnavailableError when they cannot answer.
 */
export interface BlockSource {
  getBlock(cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array>;
}
