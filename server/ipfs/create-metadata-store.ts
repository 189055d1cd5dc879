import type { Logger } from "pino";
import { EmbeddedMetadataStore } from "./embedded-store.js";
import type { BackupConfig, IpfsConfig } from "./ipfs-config.js";
import { KuboMetadataStore } from "./kubo-store.js";
import type { MetadataStore } from "./metadata-store.js";
import { MAX_METADATA_DOCUMENT_BYTES } from "./import-options.js";
import type { BackupTarget } from "./backup/backup-target.js";
import { BackupReplicator } from "./backup/backup-replicator.js";
import { KuboBackupTarget } from "./backup/kubo-backup.js";
import { PinningServiceBackupTarget } from "./backup/pinning-service-backup.js";
import { ReplicatingMetadataStore } from "./backup/replicating-store.js";
import type { ReplicationRecords } from "./backup/replication-records.js";
import { SqliteReplicationRecords } from "../store/sqlite/replication-records.js";

export interface CreateMetadataStoreOptions {
  /** Where the backup's replication records go; default the sqlite file the config names. */
  replicationRecords?: ReplicationRecords;
  logger?: Logger;
}

/**
 * Builds the configured MetadataStore; the composition root owns it and closes it on shutdown.
 * With a backup configured, the store hands every root it keeps to the backup copy.
 */
export async function createMetadataStore(
  config: IpfsConfig,
  options: CreateMetadataStoreOptions = {},
): Promise<MetadataStore> {
  const limits = {
    maxBytes: MAX_METADATA_DOCUMENT_BYTES,
    timeoutMs: config.readTimeoutMs,
    idleTimeoutMs: config.blockTimeoutMs,
  };
  const primary =
    config.mode === "kubo"
      ? new KuboMetadataStore({ url: config.kuboRpcUrl, limits, fallbackGateways: config.gateways })
      : await EmbeddedMetadataStore.open({
          directory: config.directory,
          limits,
          fallbackGateways: config.gateways,
        });
  if (config.backup === undefined) return primary;
  return withBackup(primary, config.backup, options);
}

export function backupTargetOf(config: BackupConfig): BackupTarget {
  return config.kind === "kubo"
    ? new KuboBackupTarget(config.url)
    : new PinningServiceBackupTarget({ url: config.url, token: config.token, origins: config.origins });
}

/** `primary` with the backup copy of `config`. */
export function withBackup(
  primary: MetadataStore,
  config: BackupConfig,
  options: CreateMetadataStoreOptions = {},
): ReplicatingMetadataStore {
  const replicator = new BackupReplicator({
    target: backupTargetOf(config),
    records: options.replicationRecords ?? new SqliteReplicationRecords(config.recordsFile),
    source: primary,
    logger: options.logger,
  });
  return new ReplicatingMetadataStore(primary, replicator);
}
