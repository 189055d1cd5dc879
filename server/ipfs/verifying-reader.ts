import type { CID } from "multiformats/cid";
import type {
  ContentStat,
  DirectoryListing,
  MetadataReader,
  RangeReadOptions,
  ReadOptions,
  VerifiedContent,
} from "./metadata-store.js";
import type { UnixfsReader } from "./unixfs-reader.js";

/**
 * The read half every adapter shares. Whatever holds the blocks (the embedded node, Kubo, a
 * gateway), reads walk them through one UnixfsReader that hashes each block against its CID.
 */
export abstract class VerifyingReader implements Omit<MetadataReader, "close"> {
  protected constructor(protected readonly reader: UnixfsReader) {}

  stat(cid: CID, options?: ReadOptions): Promise<ContentStat> {
    return this.reader.stat(cid, options);
  }

  get(cid: CID, options?: ReadOptions): Promise<Uint8Array> {
    return this.reader.get(cid, options);
  }

  stream(cid: CID, options?: RangeReadOptions): Promise<VerifiedContent> {
    return this.reader.stream(cid, options);
  }

  list(cid: CID, options?: ReadOptions): Promise<DirectoryListing[]> {
    return this.reader.list(cid, options);
  }

  getBlock(cid: CID, options?: ReadOptions): Promise<Uint8Array> {
    return this.reader.getBlock(cid, options);
  }
}
