import { z } from "zod";
import { InvalidInputError } from "../errors.js";

/** An optional integer variable; unset or empty leaves the Indexer's default. */
function optionalInt(min: number, max: number) {
  return z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(min).max(max).optional(),
  );
}

/**
 * The indexer's environment variables, validated the same way by loadConfig (server/config.ts)
 * and by indexerSettingsFromEnv. Unset values take the Indexer's defaults, which depend on
 * whether the chain is the local one.
 */
export const INDEXER_ENV = {
  /** Blocks below the head left unindexed. */
  HALLMARK_CONFIRMATIONS: optionalInt(0, 1_000),
  /** Blocks below the head within which block hashes are kept to roll back a reorg (default 12; 0 locally). */
  HALLMARK_FINALITY_DEPTH: optionalInt(0, 10_000),
  /** Largest eth_getLogs block range (default 2,000); it halves on "too many results". */
  HALLMARK_LOG_RANGE: optionalInt(1, 1_000_000),
  /** Polling interval in ms. */
  HALLMARK_POLL_INTERVAL_MS: optionalInt(50, 3_600_000),
};

const IndexerEnv = z.object(INDEXER_ENV);

export interface IndexerSettings {
  confirmations?: number;
  finalityDepth?: number;
  maxRange?: number;
  pollIntervalMs?: number;
}

/** The indexer settings alone (the verifier reads them through loadConfig); throws InvalidInputError naming each bad variable. */
export function indexerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  const result = IndexerEnv.safeParse(env);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    throw new InvalidInputError(
      `Invalid configuration: ${details.map((d) => `${d.path} (${d.message})`).join(", ")}`,
      { details },
    );
  }
  const e = result.data;
  return {
    confirmations: e.HALLMARK_CONFIRMATIONS,
    finalityDepth: e.HALLMARK_FINALITY_DEPTH,
    maxRange: e.HALLMARK_LOG_RANGE,
    pollIntervalMs: e.HALLMARK_POLL_INTERVAL_MS,
  };
}
