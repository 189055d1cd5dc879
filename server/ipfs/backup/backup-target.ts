import type { CID } from "multiformats/cid";
import type { MetadataReader } from "../metadata-store.js";

/**
 * The second IPFS store that holds a copy of everything Hallmark publishes: a Kubo node (its RPC
 * API) or a pinning service (the IPFS Pinning Service API). Its adapter is told a root CID and
 * reads the blocks it needs from the primary store.
 */
export type ReplicationOutcome =
  | { state: "replicated" }
  /** A pinning service accepted the request and is fetching: poll `requestId` until it pins. */
  | { state: "pending"; requestId: string; status: string };

export interface BackupTarget {
  /** What an operator sees ("kubo http://backup:5001", "pinning service https://…"); no secret. */
  readonly description: string;
  /** Copies the DAG under `cid` (read from `source`) and pins it there. */
  replicate(cid: CID, source: MetadataReader, options: { signal: AbortSignal }): Promise<ReplicationOutcome>;
  /** The outcome of an earlier pending request. */
  check(cid: CID, requestId: string, options: { signal: AbortSignal }): Promise<ReplicationOutcome>;
}
