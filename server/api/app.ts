import express from "express";
import type { Express } from "express";
import type { Logger } from "pino";
import type { MetadataReader } from "../ipfs/metadata-store.js";
import { notFoundHandler, problemHandler } from "./problem.js";
import { ipfsRouter } from "./routes/ipfs.js";

/**
 * Everything the HTTP app depends on, built by the composition root. Add a field per part
 * (chain, index store, …) as routes arrive; routes take only what they use.
 */
export interface AppDependencies {
  ipfs: MetadataReader;
  logger?: Logger;
  /** Largest file the /ipfs route serves (3D models are large). Default 256 MiB. */
  maxGatewayResponseBytes?: number;
}

/** Builds the verifier's Express app without listening, so tests and main mount it alike. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // ETags are CIDs, set by the routes; Express's weak hashes would clash.
  app.use(ipfsRouter({ reader: deps.ipfs, maxResponseBytes: deps.maxGatewayResponseBytes }));
  app.use(notFoundHandler);
  app.use(problemHandler(deps.logger));
  return app;
}
