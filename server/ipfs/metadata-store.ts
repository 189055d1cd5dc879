import type { CID } from "multiformats/cid";
import type { ReadLimits } from "./read-limits.js";

/**
 * What Hallmark needs from IPFS. Reads are always verified against the CID (and, for metadata
 * documents, against the on-chain digest by readCommittedDocument); a store never returns
 * unverified bytes. Two adapters implement it: EmbeddedMetadataStore (Helia, default) and
 * KuboMetadataStore (remote RPC). GatewayMetadataReader implements the read half only.
 */
export type ContentType = "raw" | "file" | "directory";

export interface ContentStat {
  cid: CID;
  type: ContentType;
  /** Content size in bytes (for a directory, the size of its DAG as reported by UnixFS). */
  size: bigint;
}

export interface ReadOptions extends Partial<ReadLimits> {
  /** Path inside a directory CID, e.g. "images/front.jpg". Never escapes the directory. */
  path?: string;
  signal?: AbortSignal;
}

export interface RangeReadOptions extends ReadOptions {
  offset?: number;
  length?: number;
}

export interface VerifiedContent {
  stat: ContentStat;
  /** Verified bytes, block by block; it throws IntegrityError at the first bad block. */
  body: AsyncIterable<Uint8Array>;
}

export interface DirectoryListing {
  name: string;
  cid: CID;
  size: bigint;
}

export interface MetadataReader {
  stat(cid: CID, options?: ReadOptions): Promise<ContentStat>;
  /** The whole content, verified, refused above `maxBytes`. */
  get(cid: CID, options?: ReadOptions): Promise<Uint8Array>;
  /** A verified stream, for large media and range requests. */
  stream(cid: CID, options?: RangeReadOptions): Promise<VerifiedContent>;
  list(cid: CID, options?: ReadOptions): Promise<DirectoryListing[]>;
  /** One block's bytes, verified: what a trustless gateway serves for `?format=raw`. */
  getBlock(cid: CID, options?: ReadOptions): Promise<Uint8Array>;
  close(): Promise<void>;
}

export type ImportContent = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface DirectoryEntryInput {
  /** Relative path inside the directory, "/"-separated, e.g. "certificates/000123.json". */
  path: string;
  content: ImportContent;
}

export interface BatchProgress {
  /** Files stored so far in this run (already-present files count too: re-runs are idempotent). */
  filesImported: number;
  bytesImported: number;
  path: string;
}

export interface DirectoryImportOptions {
  onProgress?: (progress: BatchProgress) => void;
  signal?: AbortSignal;
}

export interface DirectoryImportResult {
  /** Root of the wrapping directory. */
  cid: CID;
  files: number;
  bytes: number;
  /** CID of every file by its path, so a batch can link each certificate to its document. */
  fileCids: Map<string, CID>;
}

export interface MetadataStore extends MetadataReader {
  /** Adds bytes as a file with Kubo-compatible options; a ≤ 256 KiB input yields a raw CID. */
  addBytes(bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<CID>;
  addFile(content: ImportContent, options?: { signal?: AbortSignal }): Promise<CID>;
  addDirectory(
    entries: Iterable<DirectoryEntryInput> | AsyncIterable<DirectoryEntryInput>,
    options?: DirectoryImportOptions,
  ): Promise<DirectoryImportResult>;
  /** Keeps the DAG under `cid` from garbage collection (recursive pin). Idempotent. */
  pin(cid: CID, options?: { signal?: AbortSignal }): Promise<void>;
  isPinned(cid: CID, options?: { signal?: AbortSignal }): Promise<boolean>;
}
