import type { CID } from "multiformats/cid";
import type {
  ContentStat,
  DirectoryEntryInput,
  DirectoryImportOptions,
  DirectoryImportResult,
  DirectoryListing,
  ImportContent,
  MetadataStore,
  RangeReadOptions,
  ReadOptions,
  VerifiedContent,
} from "../metadata-store.js";
import type { BackupReplicator } from "./backup-replicator.js";

/**
 * The configured store with a backup copy. What the issuer and the CLI keep reaches the store two
 * ways: a document alone (a brand profile, a garment design, an event's details: addBytes) or a
 * pinned root (a mint batch's directory, an uploaded picture: pin). Both hand the root to the
 * replicator. Reads are the primary store's.
 */
export class ReplicatingMetadataStore implements MetadataStore {
  constructor(
    private readonly primary: MetadataStore,
    readonly replicator: BackupReplicator,
  ) {}

  async pin(cid: CID, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.primary.pin(cid, options);
    await this.replicator.track(cid);
  }

  isPinned(cid: CID, options?: { signal?: AbortSignal }): Promise<boolean> {
    return this.primary.isPinned(cid, options);
  }

  async addBytes(bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<CID> {
    const cid = await this.primary.addBytes(bytes, options);
    await this.replicator.track(cid);
    return cid;
  }

  addFile(content: ImportContent, options?: { signal?: AbortSignal }): Promise<CID> {
    return this.primary.addFile(content, options);
  }

  addDirectory(
    entries: Iterable<DirectoryEntryInput> | AsyncIterable<DirectoryEntryInput>,
    options?: DirectoryImportOptions,
  ): Promise<DirectoryImportResult> {
    return this.primary.addDirectory(entries, options);
  }

  stat(cid: CID, options?: ReadOptions): Promise<ContentStat> {
    return this.primary.stat(cid, options);
  }

  get(cid: CID, options?: ReadOptions): Promise<Uint8Array> {
    return this.primary.get(cid, options);
  }

  stream(cid: CID, options?: RangeReadOptions): Promise<VerifiedContent> {
    return this.primary.stream(cid, options);
  }

  list(cid: CID, options?: ReadOptions): Promise<DirectoryListing[]> {
    return this.primary.list(cid, options);
  }

  getBlock(cid: CID, options?: ReadOptions): Promise<Uint8Array> {
    return this.primary.getBlock(cid, options);
  }

  /** Lets the copies in flight finish (and be recorded) before the primary store closes. */
  async close(): Promise<void> {
    await this.replicator.close();
    await this.primary.close();
  }
}
