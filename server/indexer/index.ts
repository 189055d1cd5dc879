export { Indexer, LOCAL_CHAIN_ID } from "./Indexer.js";
export type { IndexerOptions, IndexerStats, RunResult } from "./Indexer.js";
export { indexerSettingsFromEnv } from "./config.js";
export type { IndexerSettings } from "./config.js";
