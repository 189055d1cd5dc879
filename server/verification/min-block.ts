import { DependencyUnavailableError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";

/**
 * Reading your own write across a fleet: a client that has just changed something on chain (the
 * claim relay answers with the claim's block) asks for an answer that holds for at least that
 * block (`?minBlock=N`). Whatever index this process reads from (sqlite, the PostgreSQL primary, a
 * hot standby that replays it a little later), an answer it gives is never older than N: the
 * read waits briefly for the index to reach N, then refuses with 503 and the block it does hold
 * (every problem carries the index's freshness), so the client retries rather than being shown
 * an older state as current.
 *
 * Only `status()` is consulted: it is synchronous and kept current by every store (sqlite from its
 * own writes, PostgreSQL from LISTEN/NOTIFY plus a short poll), so waiting costs no query.
 */
export interface MinBlockWait {
  /** How long a read waits for the index to reach the block. Default 2 s. */
  waitMs?: number;
  /** How often the index's status is looked at while waiting. Default 25 ms. */
  pollMs?: number;
}

export const DEFAULT_MIN_BLOCK_WAIT_MS = 2_000;

/** The index is behind the block a read asked for: 503, retry shortly. */
export class IndexBehindError extends DependencyUnavailableError {}

/** Resolves once `index` holds block `minBlock`; throws IndexBehindError after the wait. */
export async function awaitIndexedBlock(
  index: Pick<IndexReader, "status">,
  minBlock: number,
  options: MinBlockWait = {},
): Promise<void> {
  const waitMs = options.waitMs ?? DEFAULT_MIN_BLOCK_WAIT_MS;
  const pollMs = options.pollMs ?? 25;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const held = heldBlock(index);
    if (held !== null && held >= minBlock) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      const holds = held === null ? "no block (the index is unreadable)" : `block ${held}`;
      throw new IndexBehindError(`The index holds ${holds}, not yet block ${minBlock}: retry shortly`, 1);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}

/** The block answers hold for (during a rebuild, the served index's: its answers say so); null when unknown. */
function heldBlock(index: Pick<IndexReader, "status">): number | null {
  try {
    return index.status().indexedBlock;
  } catch {
    return null;
  }
}
