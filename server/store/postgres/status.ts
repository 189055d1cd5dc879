/**
 * What the index knows about itself, kept in its `meta` table as in sqlite (status.ts there): the
 * identity, the checkpoint, the last block applied as final, the head and confirmations seen, and
 * two facts readers in other processes need: the content version (moved in the same transaction
 * as the rows it describes) and whether a rebuild is in progress.
 */
import type { Checkpoint, IndexIdentity } from "../IndexStore.js";
import type { IndexStatus } from "../model.js";
import type { Queryable } from "./connection.js";

export { normalizeIdentity } from "../sqlite/status.js";

/** Meta keys of indexed state: cleared with the records (the identity and content version stay). */
export const INDEXED_META_KEYS = ["checkpoint", "final_block", "head_block", "updated_at"] as const;

export type Meta = ReadonlyMap<string, string>;

export async function readMeta(db: Queryable, schema: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ key: string; value: string }>(`SELECT key, value FROM ${schema}.meta`);
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function setMeta(
  db: Queryable,
  schema: string,
  entries: Record<string, string | null>,
): Promise<void> {
  const keys = Object.keys(entries);
  const remove = keys.filter((k) => entries[k] === null);
  const upsert = keys.filter((k) => entries[k] !== null);
  if (remove.length > 0) await db.query(`DELETE FROM ${schema}.meta WHERE key = ANY($1::text[])`, [remove]);
  if (upsert.length > 0)
    await db.query(
      `INSERT INTO ${schema}.meta (key, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [upsert, upsert.map((k) => entries[k])],
    );
}

/**
 * `setMeta`'s upsert as one statement without parameters, to send with others in one message (the
 * writer's hot path). Values are quoted as SQL string literals (standard_conforming_strings, on
 * since PostgreSQL 9.1, so only the quote needs doubling).
 */
/**
 * `value` as an SQL string literal, for statements sent without parameters (several in one
 * message). An escape string (E'...') with its backslashes and quotes doubled: it means the same
 * whatever the session's standard_conforming_strings, which a SET in the same message could not
 * fix (PostgreSQL parses a whole message before it runs any of it).
 */
export function sqlText(value: string): string {
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

export function setMetaStatement(schema: string, entries: Record<string, string>): string {
  const rows = Object.entries(entries).map(([key, value]) => `(${sqlText(key)}, ${sqlText(value)})`);
  return `INSERT INTO ${schema}.meta (key, value) VALUES ${rows.join(", ")} ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
}

export const identityOf = (meta: Meta): IndexIdentity | null => {
  const value = meta.get("identity");
  return value === undefined ? null : (JSON.parse(value) as IndexIdentity);
};

export const checkpointOf = (meta: Meta): Checkpoint | null => {
  const value = meta.get("checkpoint");
  return value === undefined ? null : (JSON.parse(value) as Checkpoint);
};

export const finalBlockOf = (meta: Meta): number => Number(meta.get("final_block") ?? "-1");

export const contentVersionOf = (meta: Meta): number => Number(meta.get("content_version") ?? "0");

/** The status as readers see it (sqlite's readStatus over the same keys). */
export function statusOf(meta: Meta): IndexStatus {
  const identity = identityOf(meta);
  const checkpoint = checkpointOf(meta);
  const head = meta.get("head_block");
  const confirmations = Number(meta.get("confirmations") ?? "0");
  const updatedAt = meta.get("updated_at");
  const startBlock = identity?.startBlock ?? 0;
  const indexedBlock = checkpoint?.blockNumber ?? startBlock - 1;
  const headBlock = head === undefined ? null : Number(head);
  const lag = headBlock === null ? 0 : Math.max(0, headBlock - indexedBlock);
  const rebuilding = meta.get("rebuilding") === "1";
  return {
    chainId: identity?.chainId ?? 0,
    indexedBlock,
    indexedBlockHash: checkpoint?.blockHash ?? null,
    headBlock,
    caughtUp: !rebuilding && headBlock !== null && indexedBlock >= headBlock - confirmations,
    lag,
    confirmations,
    updatedAt: updatedAt === undefined ? null : Number(updatedAt),
    rebuilding,
  };
}
