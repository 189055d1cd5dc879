import type { CID } from "multiformats/cid";
import { GatewayBlockSource } from "./gateway-block-source.js";
import type {
  ContentStat,
  DirectoryListing,
  MetadataReader,
  RangeReadOptions,
  ReadOptions,
  VerifiedContent,
} from "./metadata-store.js";
import { DEFAULT_READ_LIMITS } from "./read-limits.js";
import type { ReadLimits } from "./read-limits.js";
import { UnixfsReader } from "./unixfs-reader.js";

export interface GatewayReaderOptions {
  gateways: readonly (string | URL)[];
  limits?: ReadLimits;
  fetch?: typeof fetch;
}

/**
 * A read-only MetadataReader over trustless gateways. Files are walked block by block
 * (`?format=raw`), each block verified against the CID its parent names, so a gateway that
 * tampers with any byte is caught.
 */
export class GatewayMetadataReader implements MetadataReader {
  private readonly reader: UnixfsReader;

  constructor(options: GatewayReaderOptions) {
    this.reader = new UnixfsReader(new GatewayBlockSource(options.gateways, options.fetch), options.limits ?? DEFAULT_READ_LIMITS);
  }

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

  close(): Promise<void> {
    return this.reader.close();
  }
}
