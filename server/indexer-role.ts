/**
 * The `indexer` role's composition (HALLMARK_ROLE=indexer; server/main.ts starts it): a process that only writes the index and answers
 * only /healthz and /readyz, for the orchestrator or load balancer that watches it. No public API,
 * no IPFS node, no issuer keys: those belong to `api` processes.
 *
 * With PostgreSQL it leads or stands by (server/indexer/leadership.ts): the leader writes the index
 * through the lease's connection; when that connection is lost the indexer stops and the process
 * stands by again, so it never writes without the lock. With sqlite it simply indexes its file.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Logger } from "pino";
import { notFoundHandler, problemHandler } from "./http/problem.js";
import type { Deployments } from "./chain/deployments.js";
import type { Eip1193 } from "./chain/eip1193.js";
import type { VerifierConfig } from "./config.js";
import { DependencyUnavailableError } from "./errors.js";
import { Indexer } from "./indexer/Indexer.js";
import { LeadingIndexer } from "./indexer/leading-indexer.js";
import type { WriterLease } from "./indexer/leadership.js";
import type { IndexStore } from "./store/IndexStore.js";
import { freshnessOf } from "./verification/freshness.js";
import type { IndexFreshness } from "./verification/freshness.js";

export interface StartIndexerRoleOptions {
  config: VerifierConfig;
  provider: Eip1193;
  deployments: Deployments;
  logger: Logger;
  /**
   * Opens the index this process writes. With a database it is given the lease and must write
   * through `lease.client` only; without one (sqlite) it is called once with no lease.
   */
  openStore(lease: WriterLease | null): Promise<IndexStore>;
  /** A standby's interval between two attempts at the lock (default 250 ms). */
  leaseRetryMs?: number;
}

export interface IndexerRoleHandle {
  url: string;
  port: number;
  server: Server;
  /** Whether this process writes the index now (always true on sqlite once started). */
  leading(): boolean;
  /** The running indexer while leading, else null. */
  indexer(): Indexer | null;
  /** Resolves each time this process starts leading (tests and benchmarks wait on it). */
  onLeading(listener: () => void): void;
  /** Stops indexing (the range in flight is committed or abandoned), releases the lock, closes the listener. */
  close(): Promise<void>;
}

export async function startIndexerRole(options: StartIndexerRoleOptions): Promise<IndexerRoleHandle> {
  const { config, logger } = options;
  const leading = new LeadingIndexer({
    databaseUrl: config.databaseUrl,
    retryMs: options.leaseRetryMs,
    logger,
    openStore: (lease) => options.openStore(lease),
    createIndexer: (store) =>
      new Indexer({
        provider: options.provider,
        store,
        deployments: options.deployments,
        confirmations: config.confirmations,
        finalityDepth: config.finalityDepth,
        maxRange: config.logRange,
        pollIntervalMs: config.pollIntervalMs,
        logger,
      }),
  });
  await leading.start();

  const freshness = (): IndexFreshness | null => {
    const leadership = leading.leadership();
    if (leadership === null) return null;
    const staleAfterMs = Math.max(30_000, 10 * config.pollIntervalMs);
    return freshnessOf({
      index: leadership.store,
      indexerFailingSince: () => leadership.indexer.failingSince(),
      staleAfterMs,
    });
  };
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_request, response) => {
    response.setHeader("Cache-Control", "no-store");
    const index = freshness();
    if (index === null) {
      response.json({ status: "ok", role: "indexer", leading: false });
      return;
    }
    response.json({ status: "ok", role: "indexer", leading: true, index });
  });
  app.get("/readyz", (_request, response) => {
    response.setHeader("Cache-Control", "no-store");
    const index = freshness();
    // A standby is ready for what it is there for: taking over.
    if (index === null) {
      response.json({ status: "standby", role: "indexer", leading: false });
      return;
    }
    if (!index.caughtUp || index.stale === true) {
      throw new DependencyUnavailableError(
        index.stale === true
          ? "The index cannot reach the chain or has not polled recently"
          : `The index is catching up (block ${index.block} of ${index.head ?? "?"})`,
        5,
      );
    }
    response.json({ status: "ready", role: "indexer", leading: true, index });
  });
  app.use(notFoundHandler);
  app.use(problemHandler(logger));

  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await leading.stop();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, role: "indexer" }, "indexer listening (health only)");

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    server,
    leading: () => leading.leading(),
    indexer: () => leading.leadership()?.indexer ?? null,
    onLeading: (listener) => leading.onLeading(listener),
    close: () =>
      (closing ??= (async () => {
        await leading.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        logger.info("indexer stopped");
      })()),
  };
}
