import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight } from "helia";
import type { Helia } from "helia";
import type { CID } from "multiformats/cid";
import { NotFoundError } from "../errors.js";
import type { BlockSource } from "./block-source.js";
import { GatewayBlockSource } from "./gateway-block-source.js";
import { importDirectory, importFile } from "./import-dag.js";
import type {
  DirectoryEntryInput,
  DirectoryImportOptions,
  DirectoryImportResult,
  ImportContent,
  MetadataStore,
} from "./metadata-store.js";
import { DEFAULT_READ_LIMITS } from "./read-limits.js";
import type { ReadLimits } from "./read-limits.js";
import { UnixfsReader } from "./unixfs-reader.js";
import { VerifyingReader } from "./verifying-reader.js";

export interface EmbeddedStoreOptions {
  /** Directory that holds `blocks/` and `datastore/`; content survives restarts. */
  directory: string;
  limits?: ReadLimits;
  /**
   * Trustless gateways to read blocks from when this node does not hold them (the node stays
   * offline otherwise). Fetched blocks are verified, then kept locally.
   */
  fallbackGateways?: readonly string[];
}

/**
 * The default MetadataStore: a Helia node with an on-disk blockstore and datastore, built
 * without libp2p or block brokers, so it never touches the network. Reads of blocks it does
 * not hold fail fast with NotFoundError instead of waiting on peers.
 */
export class EmbeddedMetadataStore extends VerifyingReader implements MetadataStore {
  private constructor(
    private readonly helia: Helia,
    limits: ReadLimits,
    fallbackGateways: readonly string[],
  ) {
    const gateway = fallbackGateways.length > 0 ? new GatewayBlockSource(fallbackGateways) : undefined;
    const local: BlockSource = {
      getBlock: async (cid, { signal }) => {
        try {
          const chunks: Uint8Array[] = [];
          for await (const chunk of helia.blockstore.get(cid, { offline: true, signal })) chunks.push(chunk);
          return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        } catch (error) {
          if (
            error instanceof Error &&
            (error.name === "BlockNotFoundWhileOfflineError" || error.name === "NotFoundError")
          ) {
            throw new NotFoundError(`Block ${cid.toString()} is not held by this node`, { cause: error });
          }
          throw error;
        }
      },
    };
    const source: BlockSource = {
      getBlock: async (cid, options) => {
        try {
          return await local.getBlock(cid, options);
        } catch (error) {
          if (gateway === undefined || !(error instanceof NotFoundError)) throw error;
          const bytes = await gateway.getBlock(cid, options); // verified by GatewayBlockSource
          await helia.blockstore.put(cid, bytes, options);
          return bytes;
        }
      },
    };
    super(new UnixfsReader(source, limits));
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedMetadataStore> {
    const blocks = join(options.directory, "blocks");
    const datastore = join(options.directory, "datastore");
    await mkdir(blocks, { recursive: true });
    await mkdir(datastore, { recursive: true });
    const helia = createHeliaLight({
      blockstore: new FsBlockstore(blocks),
      datastore: new FsDatastore(datastore),
    });
    await helia.start();
    return new EmbeddedMetadataStore(
      helia,
      options.limits ?? DEFAULT_READ_LIMITS,
      options.fallbackGateways ?? [],
    );
  }

  /** Path of the block files, exposed for operators and tamper tests. */
  static blocksDirectory(directory: string): string {
    return join(directory, "blocks");
  }

  addBytes(bytes: Uint8Array): Promise<CID> {
    return importFile(bytes, this.helia.blockstore);
  }

  addFile(content: ImportContent): Promise<CID> {
    return importFile(content, this.helia.blockstore);
  }

  addDirectory(
    entries: Iterable<DirectoryEntryInput> | AsyncIterable<DirectoryEntryInput>,
    options?: DirectoryImportOptions,
  ): Promise<DirectoryImportResult> {
    return importDirectory(entries, this.helia.blockstore, options);
  }

  async pin(cid: CID, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (await this.helia.pins.isPinned(cid, options)) return;
    for await (const _pinned of this.helia.pins.add(cid, options)) {
      // Draining the generator walks the DAG; a missing block aborts the pin.
    }
  }

  isPinned(cid: CID, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return this.helia.pins.isPinned(cid, options);
  }

  /** The Helia node's state: "stopped" once close() has resolved. */
  get nodeStatus(): Helia["status"] {
    return this.helia.status;
  }

  async close(): Promise<void> {
    await this.helia.stop();
  }
}
