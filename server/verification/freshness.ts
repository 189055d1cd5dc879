import type { IndexReader } from "../store/IndexStore.js";
import type { IndexFreshness } from "./answers/freshness.js";

/** How fresh an answer is: part of every response (its schema: ./answers/freshness.ts). */
export type { IndexFreshness } from "./answers/freshness.js";

export interface FreshnessSource {
  index: IndexReader;
  /** Unix ms since which chain reads fail, or null (from CertificateChainReader.failingSince). */
  chainFailingSince?: () => number | null;
  /** Unix ms since which the indexer's polls fail, or null (from Indexer.failingSince). */
  indexerFailingSince?: () => number | null;
  /** After this long without a successful indexer poll the index is stale. Default 30 s. */
  staleAfterMs?: number;
  now?: () => number;
}

export function freshnessOf(source: FreshnessSource): IndexFreshness {
  const status = source.index.status();
  const now = source.now?.() ?? Date.now();
  const staleAfterMs = source.staleAfterMs ?? 30_000;
  const pollTooOld = status.updatedAt === null || now - status.updatedAt > staleAfterMs;
  // Either reader losing the RPC means the head may have moved on without the index.
  const chainFailing =
    (source.chainFailingSince?.() ?? null) !== null || (source.indexerFailingSince?.() ?? null) !== null;
  const freshness: IndexFreshness = {
    block: status.indexedBlock,
    caughtUp: status.caughtUp && !chainFailing,
    head: status.headBlock,
  };
  if (pollTooOld || chainFailing || status.rebuilding) freshness.stale = true;
  if (status.rebuilding) freshness.rebuilding = true;
  return freshness;
}
