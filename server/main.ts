/**
 * The composition root of the verifier: builds every part from the configuration (index store,
 * indexer, metadata store, chain reads, HTTP app), starts them, and stops them cleanly. Nothing
 * else constructs these parts; tests and scripts/start.ts call `startVerifier` as well.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import type { Express } from "express";
import { BrowserProvider, Network } from "ethers";
import type pg from "pg";
import { pino } from "pino";
import type { Logger } from "pino";
import { createVerifierHttp } from "./app.js";
import { EventStreams } from "./api/routes/events.js";
import type { V1Dependencies } from "./api/routes/v1-dependencies.js";
import { CertificateChain } from "./chain/contracts.js";
import type { Deployments } from "./chain/deployments.js";
import { loadDeployments } from "./chain/deployments.js";
import type { Eip1193 } from "./chain/eip1193.js";
import { HttpJsonRpcProvider } from "./chain/http.js";
import { loadConfig } from "./config.js";
import { InvalidInputError } from "./errors.js";
import type { VerifierConfig } from "./config.js";
import { Indexer } from "./indexer/Indexer.js";
import type { WriterLease } from "./indexer/leadership.js";
import { LeadingIndexer } from "./indexer/leading-indexer.js";
import { startIndexerRole } from "./indexer-role.js";
import type { MetadataStore } from "./ipfs/metadata-store.js";
import type { IndexStore } from "./store/IndexStore.js";
import { PostgresIndexStore } from "./store/postgres/PostgresIndexStore.js";
import { SqliteIndexStore } from "./store/sqlite/SqliteIndexStore.js";
import { MemoryChallengeStore } from "./verification/memory-challenge-store.js";
import type { ChallengeStore } from "./verification/challenge-store.js";
import type { ChipChallengePayload } from "./verification/chip.js";
import { DocumentCache } from "./verification/committed-document.js";
import { freshnessOf } from "./verification/freshness.js";
import { ChainClaimStateReader } from "./web/claim-state.js";
import { startIssuer } from "./issuer/api/start-issuer.js";
import { openSqliteIssuerDatabase } from "./issuer/auth/issuer-database.js";
import type { IssuerDatabase } from "./issuer/auth/issuer-database.js";
import type { ClaimRelayLocks } from "./issuer/claim-relay-locks.js";
import type { MintJobRecords } from "./issuer/jobs/mint-job-records.js";
import { PostgresChallengeStore } from "./store/postgres/challenge-store.js";
import { PostgresClaimRelayLocks } from "./store/postgres/claim-relay-locks.js";
import {
  DatabaseSetupError,
  migrate,
  openDatabase,
  requireSchemaVersion,
} from "./store/postgres/database.js";
import { prepareSchema } from "./store/postgres/migrations.js";
import { postgresIssuerDatabase } from "./store/postgres/issuer-records.js";
import { PostgresMintJobRecords } from "./store/postgres/mint-job-records.js";
import { exitOnSignals } from "./shutdown.js";
import { loadTagKeyring } from "./tags/keyring.js";
import { loadPassportKeyring } from "./passport/passport-keyring.js";
import { passportDomain, RegistryRoleReader } from "./passport/tier-credential.js";
import { LazyTapCounters } from "./tags/tap-counters.js";
import type { TapCounters } from "./tags/tap-counters.js";
import { SqliteTapCounters } from "./store/sqlite/tap-counters.js";
import { PostgresTapCounters } from "./store/postgres/tap-counters.js";
import type { IssuerHandle } from "./issuer/api/start-issuer.js";
import { ReplicatingMetadataStore } from "./ipfs/backup/replicating-store.js";
import type { ReplicationRecords } from "./ipfs/backup/replication-records.js";
import { PostgresReplicationRecords } from "./store/postgres/replication-records.js";
import type {
  OwnershipChallengePayload,
  OwnershipChallenges,
  OwnershipProofResult,
} from "./verification/ownership.js";
import { LazyPasskeyCredentials } from "./passkeys/credentials.js";
import type { PasskeyCredentials } from "./passkeys/credentials.js";
import { MemoryOperationLocks } from "./passkeys/operation-locks.js";
import type { OperationLocks } from "./passkeys/operation-locks.js";
import { PasskeyChain } from "./passkeys/passkey-chain.js";
import type { RegistrationChallengePayload, RegistrationChallenges } from "./passkeys/registration.js";
import { OperationRelayer } from "./passkeys/relayer.js";
import { relyingPartyOf } from "./passkeys/relying-party.js";
import type { PasskeyServices } from "./passkeys/services.js";
import { decryptKeystore } from "./issuer/keystore.js";
import { SqlitePasskeyCredentials } from "./store/sqlite/passkey-credentials.js";
import { PostgresPasskeyCredentials } from "./store/postgres/passkey-credentials.js";
import { PostgresOperationLocks } from "./store/postgres/operation-locks.js";

export interface StartVerifierOptions {
  config: VerifierConfig;
  /** The chain; default an HTTP JSON-RPC transport to config.rpcUrl. scripts/start.ts passes the in-process Hardhat provider. */
  provider?: Eip1193;
  /** Default: read config.deploymentsFile. */
  deployments?: Deployments;
  /** A store the caller owns (and closes); default one built from config.ipfs, closed by close(). */
  metadataStore?: MetadataStore;
  /** sqlite index location (when config.databaseUrl is unset); default config.indexFile (":memory:" in tests). */
  indexLocation?: string;
  logger?: Logger;
  /** Install SIGTERM/SIGINT handlers that close() (default true; tests pass false). */
  handleSignals?: boolean;
  /** Longest wait for in-flight requests on close before connections are cut (default 10 s). */
  drainTimeoutMs?: number;
  /** Start the indexer's polling loop (default true). */
  startIndexer?: boolean;
  /** Overrides for tests: challenge lifetime, SSE heartbeat. */
  challengeTtlMs?: number;
  heartbeatMs?: number;
  /** Issuer database location; default config.issuerDatabaseFile (":memory:" allowed in tests). */
  issuerDatabaseLocation?: string;
  /** NTAG 424 tap counters' sqlite file (no database URL); default `<data dir>/tags.sqlite`. */
  tagCountersLocation?: string;
}

export interface VerifierHandle {
  url: string;
  port: number;
  app: Express;
  server: Server;
  store: IndexStore;
  /** The indexer of an `all` process on sqlite; null in an `api` process, which never writes the index. */
  indexer: Indexer | null;
  /** An `all` process on PostgreSQL: its indexer, which runs while it holds the writer lock. */
  leadingIndexer: LeadingIndexer | null;
  metadataStore: MetadataStore;
  chain: CertificateChain;
  deployments: Deployments;
  issuer: IssuerHandle;
  /** Drains requests, ends event streams, stops the indexer, closes the index and the IPFS node. Idempotent. */
  close(): Promise<void>;
}

/**
 * A verifier that answers: role `all` (it indexes too, the one-machine default) or `api` (it only
 * reads the index an `indexer` process writes into PostgreSQL). The `indexer` role has its own
 * composition (startIndexerRole: no public API); startNode picks by role.
 */
export async function startVerifier(options: StartVerifierOptions): Promise<VerifierHandle> {
  const { config } = options;
  if (config.role === "indexer")
    throw new Error("HALLMARK_ROLE=indexer serves no API: start it with startNode");
  const logger = options.logger ?? pino({ level: config.logLevel, name: "hallmark-verifier" });
  const deployments = options.deployments ?? (await loadDeployments(config.deploymentsFile));
  const provider = options.provider ?? httpProvider(config);

  const challengeTtlMs = options.challengeTtlMs ?? 5 * 60_000;
  // The brands' tag master keys (#18): a missing or wrong password stops the start, as for issuer keys.
  const tagKeyring = await loadTagKeyring(config.tagKeystores, logger);
  // The brands' passport content keys (#19): restricted passport sections open with them.
  const passportKeyring = await loadPassportKeyring(config.passportKeystores, logger);
  const shared = await openSharedState(config, {
    challengeTtlMs,
    issuerDatabaseLocation: options.issuerDatabaseLocation,
    tagCountersLocation: options.tagCountersLocation,
    logger,
  });
  let store: IndexStore;
  try {
    store = await openIndexStore(config, options.indexLocation);
  } catch (error) {
    await shared.close();
    throw error;
  }
  const ownsMetadataStore = options.metadataStore === undefined;
  let metadataStore: MetadataStore;
  try {
    // Loaded here, not at the top: Helia takes seconds to load, and an indexer process never needs it.
    metadataStore =
      options.metadataStore ??
      (await (
        await import("./ipfs/create-metadata-store.js")
      ).createMetadataStore(config.ipfs, { replicationRecords: shared.replicationRecords, logger }));
  } catch (error) {
    await store.close();
    await shared.close();
    throw error;
  }

  // An api process never writes the index: no indexer, not even an idle one. An all process on
  // PostgreSQL indexes only while it holds the writer lock (another may lead: it then stands by).
  const createIndexer = (writeTo: IndexStore) =>
    new Indexer({
      provider,
      store: writeTo,
      deployments,
      confirmations: config.confirmations,
      finalityDepth: config.finalityDepth,
      maxRange: config.logRange,
      pollIntervalMs: config.pollIntervalMs,
      logger,
    });
  const indexer = config.role === "all" && !indexInDatabase(config) ? createIndexer(store) : null;
  const leadingIndexer =
    config.role === "all" && indexInDatabase(config)
      ? new LeadingIndexer({
          databaseUrl: config.databaseUrl,
          logger,
          openStore: (lease) => openWriterStore(config, lease),
          createIndexer,
          poll: options.startIndexer ?? true,
        })
      : null;
  const chain = new CertificateChain(provider, deployments.contracts.HallmarkCertificate, {
    timeoutMs: config.rpcTimeoutMs,
  });
  const staleAfterMs = Math.max(30_000, 10 * config.pollIntervalMs);
  const freshness = () =>
    freshnessOf({
      index: store,
      chainFailingSince: () => chain.failingSince(),
      indexerFailingSince: () => indexer?.failingSince() ?? leadingIndexer?.failingSince() ?? null,
      staleAfterMs,
    });
  const events = new EventStreams(store, { heartbeatMs: options.heartbeatMs });
  const ethersProvider = ethersProviderOf(provider, deployments.chainId, config.pollIntervalMs);
  let passkeys: PasskeyServices;
  try {
    passkeys = await passkeyServices(config, deployments, ethersProvider, shared, logger);
  } catch (error) {
    await store.close();
    await shared.close();
    if (ownsMetadataStore) await metadataStore.close();
    throw error;
  }
  const v1: V1Dependencies = {
    verifier: {
      index: store,
      documents: {
        reader: metadataStore,
        cache: new DocumentCache(),
        timeoutMs: Math.min(config.ipfs.readTimeoutMs, 3_000),
      },
      chain,
      identity: {
        chainId: deployments.chainId,
        certificateAddress: deployments.contracts.HallmarkCertificate,
      },
    },
    ownershipChallenges: shared.ownershipChallenges,
    chipChallenges: shared.chipChallenges,
    brandSalts: config.brandSalts,
    serialRules: config.serialRules,
    gs1Prefixes: config.gs1Prefixes,
    freshness,
    events,
    tags: { keyring: tagKeyring, counters: shared.tapCounters, brandSalts: config.brandSalts },
    passkeys,
  };
  let issuer: IssuerHandle;
  try {
    issuer = await startIssuer({
      config,
      deployments,
      provider: ethersProvider,
      metadataStore,
      database: shared.issuerDatabase,
      claimLocks: shared.claimLocks,
      mintJobRecords: shared.mintJobRecords,
      publicUrl:
        config.publicUrl ??
        `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`,
      logger,
      freshness,
    });
  } catch (error) {
    await store.close();
    await shared.close();
    if (ownsMetadataStore) await metadataStore.close();
    throw error;
  }
  // The backup copy (#19): missing copies are retried on a timer; /readyz reports the records.
  const backup = metadataStore instanceof ReplicatingMetadataStore ? metadataStore.replicator : null;
  backup?.startRetrying(config.ipfs.backup?.retryMs ?? 60_000);
  if (backup !== null) v1.backup = backup;
  // Passport credentials (#19) are signed with the brand keys the issuer holds.
  v1.credentialKeys = issuer.credentialKeys;
  v1.publicUrl = config.publicUrl;
  const { app, listener } = createVerifierHttp({
    ipfs: metadataStore,
    logger,
    v1,
    rateLimitPerMinute: config.rateLimitPerMinute,
    partnerRateLimitPerMinute: config.partnerRateLimitPerMinute,
    answerCacheBytes: config.answerCacheBytes,
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    maxGatewayResponseBytes: config.ipfs.maxGatewayResponseBytes,
    // The share QR codes name the configured public address, never the request's Host header.
    web: {
      claims: new ChainClaimStateReader(
        provider,
        deployments.contracts.HallmarkCertificate,
        config.rpcTimeoutMs,
      ),
      publicUrl: config.publicUrl,
    },
    issuer: issuer.api,
    claimRelay: issuer.relay,
    passport: {
      keyring: passportKeyring,
      roles: new RegistryRoleReader(provider, deployments.contracts.BrandRegistry, config.rpcTimeoutMs),
      domain: passportDomain(deployments.chainId, deployments.contracts.BrandRegistry),
    },
  });

  if (options.startIndexer ?? true) indexer?.start();
  // Without polling (tests drive runOnce), it still takes the lock when free: whenLeading() answers the indexer.
  await leadingIndexer?.start();
  const server = createServer(listener);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    events.close();
    await indexer?.stop();
    await leadingIndexer?.stop();
    await issuer.close();
    await store.close();
    await shared.close();
    if (ownsMetadataStore) await metadataStore.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  // Without HALLMARK_PUBLIC_URL the passkeys' RP is this address (as localhost for a loopback one).
  if (config.publicUrl === undefined)
    passkeys.party = relyingPartyOf(`http://${isLoopback(config.host) ? "localhost" : host}:${port}`);
  logger.info(
    { url, role: config.role, chainId: deployments.chainId, ipfs: config.ipfs.mode },
    "verifier listening",
  );
  if (config.publicUrl === undefined)
    logger.warn("HALLMARK_PUBLIC_URL is not set: share links and QR codes use each request's Host header");

  let closing: Promise<void> | null = null;
  let removeSignalHandlers = (): void => undefined;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info("verifier shutting down");
      removeSignalHandlers();
      events.close(); // Long-lived streams would keep the server open for ever.
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection that finishes its response while we drain would otherwise idle
      // until keepAliveTimeout: close idle ones as they appear.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const timer = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
      await drained;
      clearTimeout(timer);
      clearInterval(sweep);
      await indexer?.stop();
      await leadingIndexer?.stop();
      await issuer.close(); // Mint jobs stop at their next batch; minting resumes from the chain.
      await backup?.close(); // Its copies in flight record their outcome before the database closes.
      await store.close();
      await shared.close();
      if (ownsMetadataStore) await metadataStore.close();
      logger.info("verifier stopped");
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    // Past the drain limit connections are cut; 10 s more closes the rest or exits with 1 anyway.
    removeSignalHandlers = exitOnSignals([{ name: "verifier", run: close }], {
      timeoutMs: drainTimeoutMs + 10_000,
      log: {
        info: (message) => logger.info(message),
        error: (message, error) => logger.error({ err: error }, message),
      },
    });
  }

  return {
    url,
    port,
    app,
    server,
    store,
    indexer,
    leadingIndexer,
    metadataStore,
    chain,
    deployments,
    issuer,
    close,
  };
}

/**
 * Whether the index lives in PostgreSQL: whenever a database is configured (HALLMARK_DATABASE_URL),
 * for every role. Then one process at a time writes it (the writer lease), the rest read it.
 */
function indexInDatabase(config: VerifierConfig): config is VerifierConfig & { databaseUrl: string } {
  return config.databaseUrl !== undefined;
}

/**
 * The index an answering process reads: the sqlite file without a database. With one, the
 * PostgreSQL index store, read from HALLMARK_DATABASE_READ_URL when set (a hot standby; the view
 * then LISTENs on the primary and polls the standby until it has replayed each commit). An `all`
 * process migrates the schema; an `api` process refuses one that is not this build's. This store
 * never writes: an `all` process writes through openWriterStore while it holds the lease.
 */
async function openIndexStore(config: VerifierConfig, location?: string): Promise<IndexStore> {
  if (!indexInDatabase(config)) return SqliteIndexStore.open(location ?? config.indexFile);
  const primary = await openDatabase(config.databaseUrl, { variable: "HALLMARK_DATABASE_URL" });
  try {
    await prepareSchema(primary, { migrate: config.role === "all" });
    if (config.databaseReadUrl === undefined) {
      return await PostgresIndexStore.open({ pool: primary, ownsPool: true, readOnly: true });
    }
    const replica = await openDatabase(config.databaseReadUrl, { variable: "HALLMARK_DATABASE_READ_URL" });
    try {
      return await PostgresIndexStore.open({
        pool: replica,
        ownsPool: true,
        readOnly: true,
        listenPool: primary,
        ownsListenPool: true,
      });
    } catch (error) {
      await replica.end().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    await primary.end().catch(() => undefined);
    throw error;
  }
}

/**
 * The index a leading indexer writes: the sqlite file without a database; with one, the PostgreSQL
 * index store writing through the lease's connection only (migrated first), so a process that lost
 * the lock cannot write.
 */
async function openWriterStore(config: VerifierConfig, lease: WriterLease | null): Promise<IndexStore> {
  if (lease === null || !indexInDatabase(config)) return SqliteIndexStore.open(config.indexFile);
  const pool = await openDatabase(config.databaseUrl, { variable: "HALLMARK_DATABASE_URL", max: 4 });
  try {
    await prepareSchema(pool, { migrate: true });
    return await PostgresIndexStore.open({ pool, ownsPool: true, writer: lease.client });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/**
 * The index writer's store for an `indexer` process, made ready while it stands by: with a database,
 * the pool is opened and the schema migrated at once, so that a takeover (the leader killed) does
 * not wait for connections, the migration lock and the version checks before its first range; at
 * the takeover only the version is read again (a newer build may have migrated meanwhile). The pool
 * outlives each leadership (a lost lease closes the store, not the pool) and ends with `close`.
 */
function preparedWriterStores(
  config: VerifierConfig,
  logger: Logger,
): {
  open(lease: WriterLease | null): Promise<IndexStore>;
  close(): Promise<void>;
} {
  if (!indexInDatabase(config))
    return { open: (lease) => openWriterStore(config, lease), close: async () => {} };
  const url = config.databaseUrl;
  const prepare = async (): Promise<pg.Pool> => {
    const pool = await openDatabase(url, { variable: "HALLMARK_DATABASE_URL", max: 4 });
    try {
      await prepareSchema(pool, { migrate: true });
      return pool;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  };
  let prepared: Promise<pg.Pool> | null = prepare();
  // A failure is met again (and the preparation made again) at the takeover.
  prepared.catch((error: unknown) =>
    logger.warn({ err: error }, "preparing the index writer's store failed: trying again when leading"),
  );
  let closed = false;
  return {
    open: async (lease) => {
      if (lease === null) return openWriterStore(config, lease);
      let pool: pg.Pool;
      try {
        pool = await (prepared ??= prepare());
      } catch (error) {
        prepared = null;
        throw error;
      }
      if (closed) throw new Error("the index writer's store is closed");
      await requireSchemaVersion(pool);
      return PostgresIndexStore.open({ pool, writer: lease.client });
    },
    close: async () => {
      closed = true;
      const pool = await prepared?.catch(() => null);
      await pool?.end().catch(() => undefined);
    },
  };
}

export interface NodeHandle {
  url: string;
  role: VerifierConfig["role"];
  close(): Promise<void>;
}

/**
 * Starts what HALLMARK_ROLE asks for, against HALLMARK_RPC_URL and an existing deployment:
 * `server/main.ts` run alone, and every process of `npm run fleet`.
 */
export async function startNode(
  config: VerifierConfig,
  options: {
    logger?: Logger;
    /** Each time an indexer process starts leading. */ onLeading?: () => void;
  } = {},
): Promise<NodeHandle> {
  const logger = options.logger ?? pino({ level: config.logLevel, name: `hallmark-${config.role}` });
  if (config.role !== "indexer") {
    const verifier = await startVerifier({ config, logger });
    return { url: verifier.url, role: config.role, close: () => verifier.close() };
  }
  const writerStores = preparedWriterStores(config, logger);
  let indexerRole: Awaited<ReturnType<typeof startIndexerRole>>;
  try {
    indexerRole = await startIndexerRole({
      config,
      logger,
      provider: httpProvider(config),
      deployments: await loadDeployments(config.deploymentsFile),
      openStore: (lease) => writerStores.open(lease),
    });
  } catch (error) {
    await writerStores.close();
    throw error;
  }
  const close = async () => {
    await indexerRole.close();
    await writerStores.close();
  };
  if (options.onLeading !== undefined) {
    indexerRole.onLeading(options.onLeading);
    if (indexerRole.leading()) options.onLeading();
  }
  exitOnSignals([{ name: "indexer", run: close }], {
    timeoutMs: 20_000,
    log: {
      info: (message) => logger.info(message),
      error: (message, error) => logger.error({ err: error }, message),
    },
  });
  return { url: indexerRole.url, role: "indexer", close };
}

/**
 * What the verifiers of one deployment must agree on besides the index: challenges, claim relay
 * locks, issuer API keys and audit, mint jobs. With HALLMARK_DATABASE_URL they live in PostgreSQL
 * (migrated at start), so any verifier answers for any other; without it, in this process's memory
 * and in issuer.sqlite, exactly as one machine needs. Rate budgets stay per process either way
 * (docs/scaling.md says why).
 */
interface SharedState {
  ownershipChallenges: OwnershipChallenges;
  /** Passkey accounts (#17): registration challenges, registered passkeys, relay locks. */
  registrationChallenges: RegistrationChallenges;
  passkeyCredentials: PasskeyCredentials;
  operationLocks: OperationLocks;
  chipChallenges: ChallengeStore<ChipChallengePayload>;
  /** Closed by the issuer (startIssuer owns it). */
  issuerDatabase: IssuerDatabase;
  claimLocks?: ClaimRelayLocks;
  mintJobRecords?: MintJobRecords;
  /** NTAG 424 tap counters: PostgreSQL with a database, else a sqlite file of their own. */
  tapCounters: TapCounters;
  /** The backup copy's replication records in PostgreSQL; absent: the sqlite file the IPFS config names. */
  replicationRecords?: ReplicationRecords;
  /** Ends the database pool, if any. Idempotent. */
  close(): Promise<void>;
}

async function openSharedState(
  config: VerifierConfig,
  options: {
    challengeTtlMs: number;
    issuerDatabaseLocation?: string;
    tagCountersLocation?: string;
    logger: Logger;
  },
): Promise<SharedState> {
  const { challengeTtlMs, logger } = options;
  if (config.databaseUrl === undefined) {
    const tapCounters = new LazyTapCounters(
      () => new SqliteTapCounters(options.tagCountersLocation ?? config.tagCountersFile),
    );
    const passkeyCredentials = new LazyPasskeyCredentials(
      () => new SqlitePasskeyCredentials(config.passkeyCredentialsFile),
    );
    return {
      tapCounters,
      registrationChallenges: new MemoryChallengeStore<RegistrationChallengePayload>({
        ttlMs: challengeTtlMs,
      }),
      passkeyCredentials,
      operationLocks: new MemoryOperationLocks(),
      ownershipChallenges: new MemoryChallengeStore<OwnershipChallengePayload, OwnershipProofResult>({
        ttlMs: challengeTtlMs,
      }),
      chipChallenges: new MemoryChallengeStore<ChipChallengePayload>({ ttlMs: challengeTtlMs }),
      issuerDatabase: openSqliteIssuerDatabase(options.issuerDatabaseLocation ?? config.issuerDatabaseFile),
      close: async () => {
        await tapCounters.close();
        await passkeyCredentials.close();
      },
    };
  }
  const pool = await openDatabase(config.databaseUrl, {
    variable: "HALLMARK_DATABASE_URL",
    onIdleError: (error) =>
      logger.warn({ err: error }, "a PostgreSQL connection dropped (it is replaced on the next query)"),
  });
  try {
    // An api process does not guess: it refuses a schema that is not this build's (npm run db:migrate).
    if (config.role === "api") await requireSchemaVersion(pool);
    else {
      const applied = await migrate(pool);
      if (applied.length > 0) logger.info({ applied }, "database migrated");
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  let ended: Promise<void> | null = null;
  return {
    ownershipChallenges: new PostgresChallengeStore<OwnershipChallengePayload, OwnershipProofResult>(pool, {
      kind: "ownership",
      ttlMs: challengeTtlMs,
    }),
    chipChallenges: new PostgresChallengeStore<ChipChallengePayload>(pool, {
      kind: "chip",
      ttlMs: challengeTtlMs,
    }),
    issuerDatabase: postgresIssuerDatabase(pool),
    claimLocks: new PostgresClaimRelayLocks(pool),
    mintJobRecords: new PostgresMintJobRecords(pool),
    tapCounters: new PostgresTapCounters(pool),
    registrationChallenges: new PostgresChallengeStore<RegistrationChallengePayload>(pool, {
      kind: "passkey-registration",
      ttlMs: challengeTtlMs,
    }),
    passkeyCredentials: new PostgresPasskeyCredentials(pool),
    operationLocks: new PostgresOperationLocks(pool),
    replicationRecords: new PostgresReplicationRecords(pool),
    close: () => (ended ??= pool.end()),
  };
}

/**
 * Passkey accounts (#17): the chain reads when the deployment has the EntryPoint, factory and paymaster,
 * and the relayer key when HALLMARK_RELAYER_KEYSTORE names one (a wrong password stops the start, as for
 * issuer keys). The relying party is HALLMARK_PUBLIC_URL's; without it, set once the server listens.
 */
async function passkeyServices(
  config: VerifierConfig,
  deployments: Deployments,
  provider: BrowserProvider,
  shared: SharedState,
  logger: Logger,
): Promise<PasskeyServices> {
  const { EntryPoint, HallmarkPasskeyAccountFactory, HallmarkPaymaster } = deployments.contracts;
  const chain =
    EntryPoint === undefined || HallmarkPasskeyAccountFactory === undefined || HallmarkPaymaster === undefined
      ? null
      : new PasskeyChain(
          provider,
          {
            entryPoint: EntryPoint,
            factory: HallmarkPasskeyAccountFactory,
            paymaster: HallmarkPaymaster,
            certificate: deployments.contracts.HallmarkCertificate,
            garments: deployments.contracts.HallmarkGarments,
          },
          BigInt(deployments.chainId),
          config.relayFees,
        );
  let relayer: OperationRelayer | null = null;
  const setting = config.relayerKeystore;
  if (setting !== undefined) {
    const password = setting.password();
    if (password === undefined)
      throw new InvalidInputError(
        `HALLMARK_RELAYER_KEYSTORE names ${setting.keystore}, but ${setting.passwordEnv} (its password) is not set`,
      );
    const wallet = (await decryptKeystore(setting.keystore, password)).connect(provider);
    relayer = new OperationRelayer(wallet);
    logger.info({ relayer: wallet.address }, "passkey operations relayed by this key");
  }
  return {
    party: relyingPartyOf(config.publicUrl ?? `http://localhost:${config.port}`),
    chain,
    credentials: shared.passkeyCredentials,
    registrationChallenges: shared.registrationChallenges,
    locks: shared.operationLocks,
    relayer,
    logger,
  };
}

function isLoopback(host: string): boolean {
  return (
    host === "127.0.0.1" || host === "::1" || host === "localhost" || host === "0.0.0.0" || host === "::"
  );
}

/** ethers over the same EIP-1193 chain, for the issuer's signers (no call cache: nonces must be fresh). */
function ethersProviderOf(provider: Eip1193, chainId: number, pollingInterval: number): BrowserProvider {
  const eip1193 = {
    request: (args: { method: string; params?: unknown[] | Record<string, unknown> }) =>
      provider.request({ method: args.method, params: args.params as unknown[] | undefined }),
  };
  return new BrowserProvider(eip1193, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval,
  });
}

function httpProvider(config: VerifierConfig): Eip1193 {
  if (config.rpcUrl === undefined) {
    throw new Error(
      "HALLMARK_RPC_URL is not set and no provider was given (npm start passes the local chain's)",
    );
  }
  return new HttpJsonRpcProvider(config.rpcUrl, { timeoutMs: config.rpcTimeoutMs });
}

// `tsx server/main.ts`: one process of the role HALLMARK_ROLE names, against HALLMARK_RPC_URL and an existing deployment.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let node: NodeHandle;
  try {
    node = await startNode(loadConfig(), { onLeading: () => process.send?.({ leading: true }) });
  } catch (error) {
    // A configuration or database the operator must fix: the message names it, a stack adds nothing.
    if (error instanceof InvalidInputError || error instanceof DatabaseSetupError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Started by a parent over IPC (npm run fleet, the fleet tests and benchmarks): say where we
  // listen, and stop when the parent goes away, so no process outlives the fleet that started it.
  if (process.send !== undefined) {
    process.send({ url: node.url, role: node.role });
    process.once("disconnect", () => void node.close().finally(() => process.exit(0)));
  }
}
