import { createHash } from "node:crypto";
import type { CID } from "multiformats/cid";
import { IntegrityError } from "../errors.js";
import { assertVerifiableCid } from "./cid.js";
import type { BlockSource } from "./block-source.js";

/**
 * Throws unless `bytes` hash to the multihash inside `cid`. This is the single check every
 * read goes through, whatever the source: a UnixFS file is a Merkle DAG, so verifying each
 * block against the CID its verified parent names verifies the whole file.
 */
export function verifyBlock(cid: CID, bytes: Uint8Array): void {
  assertVerifiableCid(cid);
  const actual = createHash("sha256").update(bytes).digest();
  const expected = cid.multihash.digest;
  if (!actual.equals(expected)) {
    const expectedHex = Buffer.from(expected).toString("hex");
    const actualHex = actual.toString("hex");
    throw new IntegrityError(
      `Block ${cid.toString()} failed verification: expected sha2-256 ${expectedHex}, got ${actualHex}`,
      expectedHex,
      actualHex,
    );
  }
}

/**
 * The read side of a blockstore, as ipfs-unixfs-exporter and fileContent consume it, over an
 * untrusted BlockSource. Each block is verified before it is handed to either.
 */
export class VerifiedBlockstore {
  constructor(private readonly source: BlockSource) {}

  async *get(cid: CID, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    const signal = options.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    const bytes = await untilAborted(this.source.getBlock(cid, { signal }), signal);
    verifyBlock(cid, bytes);
    yield bytes;
  }
}

/** Settles with `work`, or rejects when `signal` fires: a source that ignores its signal can't hold a read. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
