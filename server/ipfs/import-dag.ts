import { importer } from "ipfs-unixfs-importer";
import type { FileCandidate } from "ipfs-unixfs-importer";
import type { Blockstore } from "interface-blockstore";
import type { CID } from "multiformats/cid";
import { InvalidInputError } from "../errors.js";
import { normaliseContentPath } from "./content-path.js";
import { kuboCompatibleImporterOptions } from "./import-options.js";
import type {
  DirectoryEntryInput,
  DirectoryImportOptions,
  DirectoryImportResult,
  ImportContent,
} from "./metadata-store.js";

type WritableBlocks = Pick<Blockstore, "put" | "has">;

/**
 * Builds a UnixFS DAG into a blockstore with the pinned Kubo-compatible options. Used by the
 * embedded store to add content, and usable on a memory blockstore to compute a CID offline.
 */
export async function importFile(content: ImportContent, blockstore: WritableBlocks): Promise<CID> {
  let root: CID | undefined;
  for await (const entry of importer([{ content }], blockstore, kuboCompatibleImporterOptions())) {
    root = entry.cid;
  }
  if (root === undefined) throw new Error("importer yielded nothing for a file");
  return root;
}

/**
 * Imports many files as one directory (HAMT-sharded by the importer when its links pass the
 * threshold). Everything is content-addressed, so re-running a failed batch rewrites the same
 * blocks under the same CIDs: nothing is duplicated and the root comes out identical.
 */
export async function importDirectory(
  entries: Iterable<DirectoryEntryInput> | AsyncIterable<DirectoryEntryInput>,
  blockstore: WritableBlocks,
  options: DirectoryImportOptions = {},
): Promise<DirectoryImportResult> {
  const filePaths = new Set<string>();
  const sizes = new Map<string, number>();
  async function* candidates(): AsyncGenerator<FileCandidate> {
    for await (const entry of entries) {
      options.signal?.throwIfAborted();
      const path = normaliseContentPath(entry.path).join("/");
      if (path === "") throw new InvalidInputError("A directory entry needs a non-empty path");
      if (filePaths.has(path)) throw new InvalidInputError(`Duplicate path in batch: ${path}`);
      filePaths.add(path);
      yield { path, content: measured(entry.content, path, sizes) };
    }
  }

  const fileCids = new Map<string, CID>();
  let root: CID | undefined;
  let bytes = 0;
  for await (const entry of importer(candidates(), blockstore, {
    ...kuboCompatibleImporterOptions(),
    wrapWithDirectory: true,
  })) {
    options.signal?.throwIfAborted();
    const path = entry.path ?? "";
    if (filePaths.has(path)) {
      fileCids.set(path, entry.cid);
      bytes += sizes.get(path) ?? 0;
      options.onProgress?.({ filesImported: fileCids.size, bytesImported: bytes, path });
    } else if (path === "") {
      root = entry.cid;
    }
  }
  if (root === undefined) throw new InvalidInputError("A directory import needs at least one file");
  return { cid: root, files: fileCids.size, bytes, fileCids };
}

async function* measured(
  content: ImportContent,
  path: string,
  sizes: Map<string, number>,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  const chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array> =
    content instanceof Uint8Array ? [content] : content;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    yield chunk;
  }
  sizes.set(path, size);
}
