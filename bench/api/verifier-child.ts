/**
 * The verifier under load, in its own process (spawned by bench/api.ts with `node --import tsx`):
 * the real composition root, configured by the environment the parent sets (HALLMARK_DATA_DIR with
 * the index and IPFS blocks it built, HALLMARK_RPC_URL to its chain's JSON-RPC bridge). Tells the
 * parent its URL over IPC; stops on SIGTERM (startVerifier's handler) or when the parent goes away.
 */
import { loadConfig } from "../../server/config.js";
import { startVerifier } from "../../server/main.js";

const verifier = await startVerifier({
  config: loadConfig(),
  startIndexer: process.env.BENCH_START_INDEXER === "1",
  handleSignals: true,
});
process.send?.({ url: verifier.url });
process.once("disconnect", () => {
  void verifier.close().finally(() => process.exit(0));
});
