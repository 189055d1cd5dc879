import { ReplicatingMetadataStore } from "../../server/ipfs/backup/replicating-store.js";
import type { ReplicationSummary } from "../../server/ipfs/backup/replication-records.js";
import { backupTargetOf } from "../../server/ipfs/create-metadata-store.js";
import { SqliteReplicationRecords } from "../../server/store/sqlite/replication-records.js";
import type { CliRuntime } from "./runtime.js";

/**
 * The backup copy's part of `hallmark status` (#19): how many of the roots this machine's store
 * kept are replicated to HALLMARK_BACKUP_IPFS, and which are missing, from the records in
 * `<data dir>/backup.sqlite`. With --retry the missing ones are tried again first (that opens
 * the IPFS store, which the plain report does not need).
 */
export interface BackupReport extends ReplicationSummary {
  store: string;
}

/** Missing roots listed (the counts cover all of them). */
const LISTED = 100;

export async function backupReport(
  r: CliRuntime,
  options: { retry?: boolean },
): Promise<BackupReport | null> {
  const backup = r.ipfsConfig().backup;
  if (backup === undefined) return null;
  if (options.retry === true) {
    const store = await r.metadataStore();
    if (!(store instanceof ReplicatingMetadataStore)) return null;
    return { store: store.replicator.description, ...(await store.replicator.retryMissing(LISTED)) };
  }
  const records = new SqliteReplicationRecords(backup.recordsFile);
  try {
    return { store: backupTargetOf(backup).description, ...(await records.summary(LISTED)) };
  } finally {
    await records.close();
  }
}

/** The report's lines for a person (stderr); stdout keeps the JSON. */
export function describeBackup(report: BackupReport): string[] {
  const lines = [`backup ${report.store}: ${report.replicated} replicated, ${report.missing} missing`];
  for (const item of report.missingItems)
    lines.push(
      `  missing ${item.cid} (${item.attempts} attempts${item.lastError === null ? "" : `: ${item.lastError}`})`,
    );
  return lines;
}
