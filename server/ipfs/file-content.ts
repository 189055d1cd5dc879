import * as dagPb from "@ipld/dag-pb";
import type { PBLink, PBNode } from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { NotUnixFSError, OverReadError, UnderReadError } from "ipfs-unixfs-exporter";
import type { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";

/**
 * How many leaf blocks a file read requests ahead of the one its consumer holds. 8 × 256 KiB
 * (Kubo's chunk) is 2 MiB per stream, enough to keep a remote link busy.
 */
export const FILE_READ_AHEAD_BLOCKS = 8;

/** Where blocks come from: verified against their CIDs (VerifiedBlockstore, with its timeouts). */
export interface FileBlockReader {
  get(cid: CID, options: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;
}

export interface FileContentOptions {
  /** First byte (default 0). */
  offset?: bigint;
  /** Bytes to read from `offset` (default: to the end of the file). */
  length?: bigint;
  signal: AbortSignal;
  /** Leaf blocks requested ahead of the consumer (default FILE_READ_AHEAD_BLOCKS). */
  readAhead?: number;
}

/**
 * The bytes `[offset, offset + length)` of the UnixFS file whose (already fetched and verified)
 * root node is `root`, in order, with bounded read-ahead.
 *
 * ipfs-unixfs-exporter's file content pushes every child of a DAG layer into an unbounded queue
 * without waiting for its reader (`blockReadConcurrency` only limits how many are in flight),
 * so a slow client of a 256 MiB model ends up holding the whole model. Here the walk runs at
 * most `readAhead` leaf blocks ahead of the consumer, plus the internal nodes on the current
 * path (a few KiB each), and stops when the consumer does. Semantics follow the exporter:
 * dag-pb UnixFS `file`/`raw` nodes with data and/or links, raw leaves, any depth and fan-out;
 * only children overlapping the range are fetched; the exporter's error names are kept so the
 * reader's error mapping applies unchanged. Unlike the exporter, each child must hold exactly
 * the bytes its parent's `blockSizes` declares, so a DAG that lies about sizes cannot shift a
 * range read.
 */
export async function* fileContent(
  root: PBNode,
  blocks: FileBlockReader,
  options: FileContentOptions,
): AsyncGenerator<Uint8Array> {
  const rootNode = unixfsOf(root);
  const fileSize = rootNode.fileSize();
  const start = options.offset ?? 0n;
  const end = options.length === undefined ? fileSize : min(start + options.length, fileSize);
  if (start < 0n || start > fileSize || end < start) {
    throw new RangeError(
      `Invalid range: offset ${start}, length ${options.length ?? "-"} of a ${fileSize}-byte file`,
    );
  }
  if (end === start) return;

  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const wanted = end - start;
  let read = 0n;
  try {
    const reads = leafReads(root, rootNode, start, end, blocks, signal);
    for await (const chunk of prefetchOrdered(reads, options.readAhead ?? FILE_READ_AHEAD_BLOCKS)) {
      if (chunk.byteLength === 0) continue;
      read += BigInt(chunk.byteLength);
      if (read > wanted) throw new OverReadError("Read more bytes than the file's root node declares");
      yield chunk;
    }
    if (read < wanted) throw new UnderReadError("Walked the whole DAG but read fewer bytes than declared");
  } finally {
    // The consumer finished, failed or went away: cancel every fetch still running for it.
    stop.abort(new DOMException("file read stopped", "AbortError"));
  }
}

/** Starts a read when called; its result is one in-order slice of the file. */
type Read = () => Promise<Uint8Array>;

interface Frame {
  links: PBLink[];
  sizes: bigint[];
  next: number;
  /** File offset where the child `next` starts. */
  position: bigint;
}

/**
 * The file's leaf slices in order, depth first with an explicit stack (a hostile DAG can be
 * deep). Raw leaves come out as deferred reads for the prefetcher to start; dag-pb children are
 * fetched here, when the walk reaches them, because only their bytes tell a leaf from an
 * internal node. The walk only advances when the prefetcher pulls, i.e. when it has room.
 */
async function* leafReads(
  root: PBNode,
  rootNode: UnixFS,
  start: bigint,
  end: bigint,
  blocks: FileBlockReader,
  signal: AbortSignal,
): AsyncGenerator<Read> {
  const stack: Frame[] = [];
  const enter = (node: PBNode, file: UnixFS, position: bigint): Read | undefined => {
    let data: Uint8Array | undefined;
    if (file.data !== undefined && file.data.byteLength > 0) {
      data = slice(file.data, position, start, end);
      position += BigInt(file.data.byteLength);
    }
    if (node.Links.length > 0) stack.push({ links: node.Links, sizes: file.blockSizes, next: 0, position });
    return data === undefined || data.byteLength === 0 ? undefined : () => Promise.resolve(data);
  };

  const first = enter(root, rootNode, 0n);
  if (first !== undefined) yield first;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.links.length || frame.position >= end) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    const link = frame.links[index];
    const childStart = frame.position;
    const declared = frame.sizes[index];
    const childEnd = childStart + declared;
    frame.position = childEnd;
    if (childEnd <= start || childStart >= end) continue; // outside the range: never fetched

    if (link.Hash.code === raw.code) {
      yield async () => {
        const bytes = await fetchBlock(blocks, link.Hash, signal);
        if (BigInt(bytes.byteLength) !== declared) throw sizeMismatch(link.Hash, declared, bytes.byteLength);
        return slice(bytes, childStart, start, end);
      };
    } else if (link.Hash.code === dagPb.code) {
      const bytes = await fetchBlock(blocks, link.Hash, signal);
      let node: PBNode;
      try {
        node = dagPb.decode(bytes);
      } catch (error) {
        throw new NotUnixFSError(`Block ${link.Hash.toString()} is not dag-pb: ${(error as Error).message}`);
      }
      const file = unixfsOf(node);
      const size = file.fileSize();
      if (size !== declared) throw sizeMismatch(link.Hash, declared, size);
      const data = enter(node, file, childStart);
      if (data !== undefined) yield data;
    } else {
      throw new NotUnixFSError(`Unsupported codec in a UnixFS file: 0x${link.Hash.code.toString(16)}`);
    }
  }
}

/**
 * Runs `reads` in order with at most `depth` of them started ahead of the consumer: a pump pulls
 * (and so walks) only while there is room, the consumer takes results in order. When the
 * consumer stops, the pump stops at its next step; the caller aborts what is in flight.
 */
async function* prefetchOrdered(reads: AsyncGenerator<Read>, depth: number): AsyncGenerator<Uint8Array> {
  const window: Promise<Uint8Array>[] = [];
  let pumpDone = false;
  let stopped = false;
  let wakePump: (() => void) | undefined;
  let wakeConsumer: (() => void) | undefined;
  const signalPump = (): void => {
    wakePump?.();
    wakePump = undefined;
  };
  const signalConsumer = (): void => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };
  const enqueue = (result: Promise<Uint8Array>): void => {
    result.catch(() => undefined); // Consumed in order below; never an unhandled rejection.
    window.push(result);
    signalConsumer();
  };

  const pump = async (): Promise<void> => {
    try {
      for (;;) {
        while (window.length >= depth && !stopped) await new Promise<void>((resolve) => (wakePump = resolve));
        if (stopped) return;
        const next = await reads.next();
        if (next.done === true || stopped) return;
        enqueue(next.value());
      }
    } catch (error) {
      // The walk failed (a node could not be fetched or is not UnixFS): fail at this position.
      enqueue(Promise.reject(error instanceof Error ? error : new Error(String(error))));
    } finally {
      pumpDone = true;
      signalConsumer();
      await reads.return(undefined).catch(() => undefined);
    }
  };
  void pump();

  try {
    for (;;) {
      const head = window.shift();
      if (head === undefined) {
        if (pumpDone) return;
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
        continue;
      }
      signalPump(); // A slot is free: the next read starts while this one is consumed.
      yield await head;
    }
  } finally {
    stopped = true;
    signalPump();
  }
}

function unixfsOf(node: PBNode): UnixFS {
  if (node.Data === undefined) throw new NotUnixFSError("no data in PBNode");
  let file: UnixFS;
  try {
    file = UnixFS.unmarshal(node.Data);
  } catch (error) {
    throw new NotUnixFSError((error as Error).message);
  }
  if (file.type !== "file" && file.type !== "raw") {
    throw new NotUnixFSError(`A UnixFS file holds a ${file.type} node`);
  }
  if (node.Links.length !== file.blockSizes.length) {
    throw new NotUnixFSError("Inconsistent block sizes and dag links");
  }
  return file;
}

async function fetchBlock(blocks: FileBlockReader, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of blocks.get(cid, { signal })) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** The part of `bytes` (starting at file offset `position`) inside `[start, end)`. */
function slice(bytes: Uint8Array, position: bigint, start: bigint, end: bigint): Uint8Array {
  const from = start > position ? Number(start - position) : 0;
  const to = Number(min(end - position, BigInt(bytes.byteLength)));
  return from >= to ? new Uint8Array(0) : bytes.subarray(from, to);
}

function sizeMismatch(cid: CID, declared: bigint, actual: bigint | number): NotUnixFSError {
  return new NotUnixFSError(
    `Block ${cid.toString()} holds ${actual.toString()} bytes of the file, its parent declares ${declared.toString()}`,
  );
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
