import { create as createKuboClient } from "kubo-rpc-client";
import type { KuboRPCClient } from "kubo-rpc-client";
import { CID } from "multiformats/cid";
import { DependencyUnavailableError, InvalidInputError, NotFoundError } from "../errors.js";
import type { BlockSource } from "./block-source.js";
import { GatewayBlockSource } from "./gateway-block-source.js";
import { normaliseContentPath } from "./content-path.js";
import { KUBO_ADD_OPTIONS } from "./import-options.js";
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

export interface KuboStoreOptions {
  /** Kubo RPC API base, e.g. http://127.0.0.1:5001 (never expose it publicly: it is admin). */
  url: string;
  limits?: ReadLimits;
  /**
   * Trustless gateways to read a block from when Kubo does not have it or does not answer.
   * Their bytes are verified like Kubo's; nothing is written back to the node.
   */
  fallbackGateways?: readonly string[];
}

/**
 * A MetadataStore backed by a remote Kubo node over its RPC API. Deliberately thin: writes use
 * Kubo's own importer with the pinned options (so CIDs match the embedded store), and reads
 * fetch raw blocks (`block/get`) and walk them with the same verifying reader as every other
 * adapter — Kubo is not trusted to have returned the right bytes.
 */
export class KuboMetadataStore extends VerifyingReader implements MetadataStore {
  private readonly client: KuboRPCClient;

  constructor(options: KuboStoreOptions) {
    const client = createKuboClient({ url: options.url });
    const kubo: BlockSource = {
      getBlock: async (cid, { signal }) => {
        try {
          return await client.block.get(cid, { signal });
        } catch (error) {
          throw kuboError(error, `block ${cid.toString()}`);
        }
      },
    };
    const gateways = options.fallbackGateways ?? [];
    const gateway = gateways.length > 0 ? new GatewayBlockSource(gateways) : undefined;
    const source: BlockSource =
      gateway === undefined
        ? kubo
        : {
            getBlock: async (cid, options) => {
              try {
                return await kubo.getBlock(cid, options);
              } catch (error) {
                const fallBack =
                  error instanceof NotFoundError || error instanceof DependencyUnavailableError;
                if (!fallBack || options.signal.aborted) throw error;
                return gateway.getBlock(cid, options); // verified like every block, by VerifiedBlockstore
              }
            },
          };
    super(new UnixfsReader(source, options.limits ?? DEFAULT_READ_LIMITS));
    this.client = client;
  }

  addBytes(bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<CID> {
    return this.addFile(bytes, options);
  }

  async addFile(content: ImportContent, options: { signal?: AbortSignal } = {}): Promise<CID> {
    try {
      const result = await this.client.add(
        { content },
        { ...KUBO_ADD_OPTIONS, pin: false, signal: options.signal },
      );
      return CID.asCID(result.cid) ?? CID.parse(result.cid.toString());
    } catch (error) {
      throw kuboError(error, "add");
    }
  }

  async addDirectory(
    entries: Iterable<DirectoryEntryInput> | AsyncIterable<DirectoryEntryInput>,
    options: DirectoryImportOptions = {},
  ): Promise<DirectoryImportResult> {
    const paths = new Set<string>();
    async function* candidates() {
      for await (const entry of entries) {
        const path = normaliseContentPath(entry.path).join("/");
        if (paths.has(path)) throw new InvalidInputError(`Duplicate path in batch: ${path}`);
        paths.add(path);
        yield { path, content: entry.content };
      }
    }
    const fileCids = new Map<string, CID>();
    let root: CID | undefined;
    let bytes = 0;
    try {
      for await (const added of this.client.addAll(candidates(), {
        ...KUBO_ADD_OPTIONS,
        wrapWithDirectory: true,
        pin: false,
        signal: options.signal,
      })) {
        const cid = CID.parse(added.cid.toString());
        if (paths.has(added.path)) {
          fileCids.set(added.path, cid);
          bytes += added.size;
          options.onProgress?.({ filesImported: fileCids.size, bytesImported: bytes, path: added.path });
        } else if (added.path === "") {
          root = cid;
        }
      }
    } catch (error) {
      throw kuboError(error, "add");
    }
    if (root === undefined) throw new DependencyUnavailableError("Kubo returned no directory root");
    return { cid: root, files: fileCids.size, bytes, fileCids };
  }

  async pin(cid: CID, options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await this.client.pin.add(cid, { signal: options.signal });
    } catch (error) {
      throw kuboError(error, `pin ${cid.toString()}`);
    }
  }

  async isPinned(cid: CID, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      for await (const pin of this.client.pin.ls({ paths: [cid], signal: options.signal })) {
        if (pin.cid.equals(cid)) return true;
      }
      return false;
    } catch (error) {
      if (error instanceof Error && /not pinned/i.test(error.message)) return false;
      throw kuboError(error, `pin ls ${cid.toString()}`);
    }
  }

  close(): Promise<void> {
    // The RPC client holds no connection that outlives a request.
    return Promise.resolve();
  }
}

/** Kubo reports errors as HTTP 500 with a message; "not found" ones are the caller's 404. */
function kuboError(error: unknown, what: string): Error {
  if (error instanceof Error && error.name === "AbortError") return error;
  if (error instanceof Error && /not found|no link named/i.test(error.message)) {
    return new NotFoundError(`Kubo has no ${what}`, { cause: error });
  }
  return new DependencyUnavailableError(`Kubo RPC failed for ${what}`, 5, { cause: error });
}
