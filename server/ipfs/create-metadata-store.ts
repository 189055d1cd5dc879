import { EmbeddedMetadataStore } from "./embedded-store.js";
import type { IpfsConfig } from "./ipfs-config.js";
import { KuboMetadataStore } from "./kubo-store.js";
import type { MetadataStore } from "./metadata-store.js";
import { MAX_METADATA_DOCUMENT_BYTES } from "./import-options.js";

/** Builds the configured MetadataStore; the composition root owns it and closes it on shutdown. */
export async function createMetadataStore(config: IpfsConfig): Promise<MetadataStore> {
  const limits = {
    maxBytes: MAX_METADATA_DOCUMENT_BYTES,
    timeoutMs: config.readTimeoutMs,
    idleTimeoutMs: config.blockTimeoutMs,
  };
  if (config.mode === "kubo") {
    return new KuboMetadataStore({ url: config.kuboRpcUrl, limits, fallbackGateways: config.gateways });
  }
  return EmbeddedMetadataStore.open({
    directory: config.directory,
    limits,
    fallbackGateways: config.gateways,
  });
}
