import { create as createKuboClient } from "kubo-rpc-client";
import type { KuboRPCClient } from "kubo-rpc-client";
import * as dagPb from "@ipld/dag-pb";
import type { CID } from "multiformats/cid";
import type { MetadataReader } from "../metadata-store.js";
import type { BackupTarget, ReplicationOutcome } from "./backup-target.js";
import { dagBlocks } from "./dag-blocks.js";

/**
 * A Kubo node as the backup copy, over its RPC API (kubo-rpc-client): each block goes with
 * `block/put` under its own codec (the node recomputes the CID, which must be the same), then the
 * root is pinned recursively with `pin/add`, which succeeds only when the node holds every block.
 * Blocks are pushed rather than fetched: the embedded store is offline, nobody could fetch them.
 */
export class KuboBackupTarget implements BackupTarget {
  readonly description: string;
  private readonly client: KuboRPCClient;

  constructor(url: string) {
    this.client = createKuboClient({ url });
    this.description = `kubo ${new URL(url).origin}`;
  }

  async replicate(
    cid: CID,
    source: MetadataReader,
    options: { signal: AbortSignal },
  ): Promise<ReplicationOutcome> {
    for await (const block of dagBlocks(cid, source, options)) {
      const stored = await this.client.block.put(block.bytes, {
        signal: options.signal,
        // The client spreads searchParams into the query as a plain object (a URLSearchParams would be lost).
        searchParams: {
          "cid-codec": block.cid.code === dagPb.code ? "dag-pb" : "raw",
          mhtype: "sha2-256",
        } as unknown as URLSearchParams,
      });
      // Kubo answers CIDv1 for raw, v0 for dag-pb by default: the multihash is what must match.
      if (!equalBytes(stored.multihash.bytes, block.cid.multihash.bytes))
        throw new Error(`Kubo stored ${block.cid.toString()} as ${stored.toString()}`);
    }
    const pinned = await this.client.pin.add(cid, { recursive: true, signal: options.signal });
    if (!equalBytes(pinned.multihash.bytes, cid.multihash.bytes))
      throw new Error(`Kubo pinned ${pinned.toString()}, not ${cid.toString()}`);
    return { state: "replicated" };
  }

  /** Kubo answers synchronously: nothing is ever pending. */
  check(cid: CID, _requestId: string, options: { signal: AbortSignal }): Promise<ReplicationOutcome> {
    return this.isPinned(cid, options.signal).then((pinned) => {
      if (!pinned) throw new Error(`Kubo does not pin ${cid.toString()}`);
      return { state: "replicated" };
    });
  }

  private async isPinned(cid: CID, signal: AbortSignal): Promise<boolean> {
    for await (const pin of this.client.pin.ls({ paths: [cid], type: "recursive", signal }))
      if (equalBytes(pin.cid.multihash.bytes, cid.multihash.bytes)) return true;
    return false;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
