/**
 * What the backup copy holds, CID by CID (#19 item 5): every root the store pins (a certificate
 * document, a mint batch's directory, an uploaded picture) gets a record, `missing` until the
 * second store confirms it holds the whole DAG, then `replicated`. Kept beside the shared state
 * (a sqlite file of its own, or PostgreSQL in a fleet, migration 015), never in the index: no
 * chain holds this fact, and a rebuild of the index must not forget it.
 */
export type ReplicationState = "replicated" | "missing";

export interface ReplicationRecord {
  cid: string;
  state: ReplicationState;
  /** Attempts so far (the first included). */
  attempts: number;
  /** Why the last attempt failed, or that the service is still fetching; null once replicated. */
  lastError: string | null;
  /** A pinning service's request id, polled until it reports the pin (null for Kubo). */
  requestId: string | null;
  /** Milliseconds since the epoch. */
  firstSeenAt: number;
  lastAttemptAt: number | null;
  replicatedAt: number | null;
}

export interface ReplicationSummary {
  replicated: number;
  missing: number;
  /** The missing ones, oldest first, up to the limit asked for. */
  missingItems: Pick<ReplicationRecord, "cid" | "attempts" | "lastError" | "lastAttemptAt">[];
}

export interface ReplicationRecords {
  /** Records `cid` as missing unless it is known already (a re-pin changes nothing). */
  track(cid: string, at?: number): Promise<void>;
  /** The outcome of an attempt. */
  recordAttempt(
    cid: string,
    outcome: { state: ReplicationState; error?: string | null; requestId?: string | null },
    at?: number,
  ): Promise<void>;
  get(cid: string): Promise<ReplicationRecord | null>;
  /** Missing records, least recently attempted first. */
  missing(limit: number): Promise<ReplicationRecord[]>;
  summary(limit: number): Promise<ReplicationSummary>;
  close(): Promise<void>;
}
