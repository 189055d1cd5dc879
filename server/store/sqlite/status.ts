/**
 * What the index knows about itself, kept in `meta`: the identity it describes, the checkpoint
 * (last fully applied block), the last block applied as final, and the head and confirmations
 * the indexer last saw. status() is derived from these.
 */
import { checksumAddress as getAddress } from "../address.js";
import type { Checkpoint, IndexIdentity } from "../IndexStore.js";
import type { IndexStatus } from "../model.js";
import type { SqliteConnection } from "./connection.js";

/** Meta keys of indexed state: cleared with the records (the identity stays). */
export const INDEXED_META_KEYS = ["checkpoint", "final_block", "head_block", "updated_at"] as const;

/** The identity as stored: lower-case genesis hash, checksummed addresses. */
export function normalizeIdentity(identity: IndexIdentity): IndexIdentity {
  return {
    chainId: identity.chainId,
    genesisHash: identity.genesisHash.toLowerCase(),
    startBlock: identity.startBlock,
    contracts: {
      BrandRegistry: getAddress(identity.contracts.BrandRegistry),
      HallmarkCertificate: getAddress(identity.contracts.HallmarkCertificate),
      HallmarkGarments: getAddress(identity.contracts.HallmarkGarments),
    },
  };
}

export function readIdentity(conn: SqliteConnection): IndexIdentity | null {
  const value = conn.getMeta("identity");
  return value === null ? null : (JSON.parse(value) as IndexIdentity);
}

export function writeIdentity(conn: SqliteConnection, identity: IndexIdentity): void {
  conn.setMeta("identity", JSON.stringify(identity));
}

export function readCheckpoint(conn: SqliteConnection): Checkpoint | null {
  const value = conn.getMeta("checkpoint");
  return value === null ? null : (JSON.parse(value) as Checkpoint);
}

export function writeCheckpoint(conn: SqliteConnection, checkpoint: Checkpoint | null): void {
  conn.setMeta("checkpoint", checkpoint === null ? null : JSON.stringify(checkpoint));
}

/** Highest block applied as final (not reversible), or -1. */
export function readFinalBlock(conn: SqliteConnection): number {
  return Number(conn.getMeta("final_block") ?? "-1");
}

export function writeFinalBlock(conn: SqliteConnection, blockNumber: number): void {
  conn.setMeta("final_block", String(blockNumber));
}

/** Records the head the indexer saw, its confirmation depth and when (the last successful poll). */
export function writeHead(
  conn: SqliteConnection,
  headBlock: number,
  confirmations: number,
  at: number,
): void {
  conn.setMeta("head_block", String(headBlock));
  conn.setMeta("confirmations", String(confirmations));
  conn.setMeta("updated_at", String(at));
}

export function readStatus(conn: SqliteConnection): IndexStatus {
  const identity = readIdentity(conn);
  const checkpoint = readCheckpoint(conn);
  const head = conn.getMeta("head_block");
  const confirmations = Number(conn.getMeta("confirmations") ?? "0");
  const updatedAt = conn.getMeta("updated_at");
  const startBlock = identity?.startBlock ?? 0;
  const indexedBlock = checkpoint?.blockNumber ?? startBlock - 1;
  const headBlock = head === null ? null : Number(head);
  const lag = headBlock === null ? 0 : Math.max(0, headBlock - indexedBlock);
  return {
    chainId: identity?.chainId ?? 0,
    indexedBlock,
    indexedBlockHash: checkpoint?.blockHash ?? null,
    headBlock,
    caughtUp: headBlock !== null && indexedBlock >= headBlock - confirmations,
    lag,
    confirmations,
    updatedAt: updatedAt === null ? null : Number(updatedAt),
    rebuilding: false,
  };
}
