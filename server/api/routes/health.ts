import { Router } from "express";
import { DependencyUnavailableError } from "../../errors.js";
import { NoQuery, parseInput } from "../../http/input.js";
import type { ReplicationSummary } from "../../ipfs/backup/replication-records.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import { sendJson } from "./v1-dependencies.js";

/** The backup copy as /readyz reports it (server/ipfs/backup/backup-replicator.ts). */
export interface BackupStatusSource {
  readonly description: string;
  summary(limit?: number): Promise<ReplicationSummary>;
}

/** Missing copies /readyz names (the counts cover all of them). */
const MISSING_LISTED = 20;

/**
 * `/healthz`: the process answers. `/readyz`: the index is caught up within the confirmation depth;
 * with a backup copy configured, it also says how many roots are replicated and which are missing
 * (a missing copy does not make the verifier unready: it serves from its primary store).
 */
export function healthRouter(freshness: () => IndexFreshness, backup?: BackupStatusSource): Router {
  const router = Router();
  router.get("/healthz", (request, response) => {
    parseInput(NoQuery, request.query, "query");
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, freshness(), { status: "ok" });
  });
  router.get("/readyz", async (request, response) => {
    parseInput(NoQuery, request.query, "query");
    const index = freshness();
    response.setHeader("Cache-Control", "no-store");
    if (!index.caughtUp || index.stale === true) {
      throw new DependencyUnavailableError(
        index.stale === true
          ? "The index cannot reach the chain or has not polled recently"
          : `The index is catching up (block ${index.block} of ${index.head ?? "?"})`,
        5,
      );
    }
    if (backup === undefined) return sendJson(response, index, { status: "ready" });
    const summary = await backup.summary(MISSING_LISTED);
    sendJson(response, index, {
      status: "ready",
      backup: {
        store: backup.description,
        replicated: summary.replicated,
        missing: summary.missing,
        missingItems: summary.missingItems,
      },
    });
  });
  return router;
}
