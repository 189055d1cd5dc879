import { z } from "zod";

/**
 * Indexer settings from the environment; unset values take the Indexer's defaults (which depend
 * on whether the chain is the local one).
 *   HALLMARK_CONFIRMATIONS       blocks below the head left unindexed
 *   HALLMARK_FINALITY_DEPTH      blocks below the head within which reorgs are rolled back
 *   HALLMARK_LOG_RANGE           largest eth_getLogs block range (default 2000)
 *   HALLMARK_POLL_INTERVAL_MS    polling interval
 */
const IndexerEnv = z.object({
  confirmations: z.coerce.number().int().nonnegative().optional(),
  finalityDepth: z.coerce.number().int().nonnegative().optional(),
  maxRange: z.coerce.number().int().positive().optional(),
  pollIntervalMs: z.coerce.number().int().positive().optional(),
});

export type IndexerSettings = z.output<typeof IndexerEnv>;

export function indexerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  const value = (key: string): string | undefined =>
    env[key] === undefined || env[key] === "" ? undefined : env[key];
  return IndexerEnv.parse({
    confirmations: value("HALLMARK_CONFIRMATIONS"),
    finalityDepth: value("HALLMARK_FINALITY_DEPTH"),
    maxRange: value("HALLMARK_LOG_RANGE"),
    pollIntervalMs: value("HALLMARK_POLL_INTERVAL_MS"),
  });
}
