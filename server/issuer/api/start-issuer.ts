import { rm } from "node:fs/promises";
import path from "node:path";
import type { BrowserProvider } from "ethers";
import type { Logger } from "pino";
import type { Deployments } from "../../chain/deployments.js";
import type { VerifierConfig } from "../../config.js";
import { HallmarkError } from "../../errors.js";
import type { MetadataStore } from "../../ipfs/metadata-store.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { ApiKeyStore } from "../auth/api-keys.js";
import type { AuditLog } from "../auth/audit-log.js";
import type { IssuerDatabase } from "../auth/issuer-database.js";
import { ClaimRelay } from "../claim-relay.js";
import type { ClaimRelayLocks } from "../claim-relay-locks.js";
import type { MintJobRecords } from "../jobs/mint-job-records.js";
import { connectHallmark } from "../contracts.js";
import { loadBrandSigners } from "../service/brand-signers.js";
import { credentialKeysOf } from "../../credentials/issuer-keys.js";
import type { CredentialKeys } from "../../credentials/issuer-keys.js";
import { IssuerService } from "../service/issuer-service.js";
import type { IssuerApiDependencies } from "./issuer-router.js";

/**
 * Builds the issuer side of the server from its settings (called by server/main.ts): the issuer
 * database, each brand's signing key (decrypted now, so a wrong password stops the start-up),
 * the workflow service and the HTTP adapter's dependencies.
 */
export interface StartIssuerOptions {
  config: VerifierConfig;
  deployments: Deployments;
  provider: BrowserProvider;
  metadataStore: MetadataStore;
  /** API keys and the audit trail (issuer.sqlite, or PostgreSQL in a fleet); closed by close(). */
  database: IssuerDatabase;
  /** The claim relay's in-flight locks; default this process's memory. */
  claimLocks?: ClaimRelayLocks;
  /** Mint jobs and their Idempotency-Keys; default this process's memory. */
  mintJobRecords?: MintJobRecords;
  publicUrl: string;
  logger?: Logger;
  freshness?: () => IndexFreshness;
}

export interface IssuerHandle {
  api: IssuerApiDependencies;
  service: IssuerService;
  /** Customers' claims, sent from their brand's key through the service's queue. */
  relay: ClaimRelay;
  keys: ApiKeyStore;
  audit: AuditLog;
  /** The same brand keys, for the passport credentials the verifier signs (#19). */
  credentialKeys: CredentialKeys;
  /** Stops mint jobs at their next batch, waits for the brand queues, closes the database. */
  close(): Promise<void>;
}

export async function startIssuer(options: StartIssuerOptions): Promise<IssuerHandle> {
  const { config, logger } = options;
  const workDir = path.join(config.dataDir, "issuer-jobs");
  // Jobs do not survive a restart; their scratch files (uploaded pictures, receipts) go too.
  await rm(workDir, { recursive: true, force: true });
  const signers = await loadBrandSigners(config.issuerKeystores, options.provider, logger);
  const { database } = options;
  const { keys, audit } = database;
  const contracts = connectHallmark(options.deployments, options.provider);
  const service = new IssuerService({
    contracts,
    signers,
    brandSalts: config.brandSalts,
    serialRules: config.serialRules,
    store: options.metadataStore,
    publicUrl: options.publicUrl,
    workDir,
    confirmations: config.issuerConfirmations,
    logger,
    mintJobRecords: options.mintJobRecords,
    onMintJobFinished: (job) =>
      void audit
        .record({
          keyId: job.createdBy,
          brandId: job.brand,
          action: "mint-job.finish",
          target: `${job.id} (${job.rows} rows)`,
          status: job.status === "succeeded" ? 200 : 500,
          outcome: job.status,
          detail:
            job.status === "succeeded"
              ? `${job.summary?.minted ?? 0} minted, ${job.summary?.alreadyOnChain ?? 0} already on-chain`
              : failureType(job.error),
        })
        .catch((error: unknown) => logger?.error({ err: error, job: job.id }, "audit write failed")),
  });
  const relay = new ClaimRelay({
    contracts,
    signerOf: (brandId) => service.signerOf(brandId),
    queue: service.queue,
    confirmations: config.issuerConfirmations,
    logger,
    locks: options.claimLocks,
  });
  let closed = false;
  return {
    api: {
      service,
      keys,
      audit,
      maxBodyBytes: config.issuerMaxBodyBytes,
      maxMediaBytes: config.issuerMaxMediaBytes,
      logger,
      freshness: options.freshness,
    },
    service,
    relay,
    keys,
    audit,
    credentialKeys: credentialKeysOf(signers),
    async close() {
      if (closed) return;
      closed = true;
      await service.close();
      await database.close();
      options.provider.destroy();
    },
  };
}

/** The audit detail of a failed job: its error's problem type slug, as auditProblem notes refusals. */
function failureType(error: Error | null): string | null {
  if (error === null) return null;
  return error instanceof HallmarkError ? error.type : "internal-error";
}
