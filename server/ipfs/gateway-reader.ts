import { GatewayBlockSource } from "./gateway-block-source.js";
import type { MetadataReader } from "./metadata-store.js";
import { DEFAULT_READ_LIMITS } from "./read-limits.js";
import type { ReadLimits } from "./read-limits.js";
import { UnixfsReader } from "./unixfs-reader.js";
import { VerifyingReader } from "./verifying-reader.js";

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
export class GatewayMetadataReader extends VerifyingReader implements MetadataReader {
  constructor(options: GatewayReaderOptions) {
    super(
      new UnixfsReader(
        new GatewayBlockSource(options.gateways, options.fetch),
        options.limits ?? DEFAULT_READ_LIMITS,
      ),
    );
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
