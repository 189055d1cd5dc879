import { Router } from "express";
import { DependencyUnavailableError } from "../../errors.js";
import { NoQuery, parseInput } from "../../http/input.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import { sendJson } from "./v1-dependencies.js";

/** `/healthz`: the process answers. `/readyz`: the index is caught up within the confirmation depth. */
export function healthRouter(freshness: () => IndexFreshness): Router {
  const router = Router();
  router.get("/healthz", (request, response) => {
    parseInput(NoQuery, request.query, "query");
    response.setHeader("Cache-Control", "no-store");
    sendJson(response, freshness(), { status: "ok" });
  });
  router.get("/readyz", (request, response) => {
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
    sendJson(response, index, { status: "ready" });
  });
  return router;
}
