import { exporter } from "ipfs-unixfs-exporter";
import type { UnixFSEntry } from "ipfs-unixfs-exporter";
import type { CID } from "multiformats/cid";
import { DependencyUnavailableError, HallmarkError, InvalidInputError, NotFoundError } from "../errors.js";
import type { BlockSource } from "./block-source.js";
import { normaliseContentPath } from "./content-path.js";
import { fileContent } from "./file-content.js";
import type {
  ContentStat,
  DirectoryListing,
  MetadataReader,
  RangeReadOptions,
  ReadOptions,
  VerifiedContent,
} from "./metadata-store.js";
import { DEFAULT_READ_LIMITS, assertWithinLimit, deadlineSignal, toReadError } from "./read-limits.js";
import type { ReadLimits } from "./read-limits.js";
import { VerifiedBlockstore } from "./verified-blockstore.js";

/** Directory listings are for humans and the gateway route, not for walking a whole batch. */
const MAX_LISTING_ENTRIES = 10_000;

/**
 * The read half shared by every adapter: UnixFS traversal over a VerifiedBlockstore (paths and
 * directories by ipfs-unixfs-exporter, file bytes by fileContent, which bounds read-ahead), with
 * size limits, deadlines and one error mapping. Adapters only differ in their BlockSource.
 */
export class UnixfsReader implements MetadataReader {
  private readonly blocks: VerifiedBlockstore;

  constructor(
    source: BlockSource,
    private readonly limits: ReadLimits = DEFAULT_READ_LIMITS,
  ) {
    this.blocks = new VerifiedBlockstore(source);
  }

  async stat(cid: CID, options: ReadOptions = {}): Promise<ContentStat> {
    const signal = deadlineSignal(options.timeoutMs ?? this.limits.timeoutMs, options.signal);
    const entry = await this.resolve(cid, options.path, signal);
    return statOf(entry);
  }

  async get(cid: CID, options: ReadOptions = {}): Promise<Uint8Array> {
    const maxBytes = options.maxBytes ?? this.limits.maxBytes;
    // A whole read (a metadata document) is bounded as a whole: an answer waits on it.
    const deadline = deadlineSignal(options.timeoutMs ?? this.limits.timeoutMs, options.signal);
    const { stat, body } = await this.open(cid, { ...options, maxBytes }, deadline, deadline);
    if (stat.type === "directory") {
      throw new InvalidInputError(`${describe(cid, options.path)} is a directory, not a file`);
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of body) {
      length += chunk.byteLength;
      // The declared size was checked already; this guards against a DAG that lies about it.
      assertWithinLimit(length, maxBytes, describe(cid, options.path));
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /**
   * The deadline covers resolving the path and the first chunk; after that the body runs as long
   * as blocks keep coming, each within the idle timeout, so a 20 MiB model reaches a slow client
   * while a source that stalls mid-file is still given up on.
   */
  async stream(cid: CID, options: RangeReadOptions = {}): Promise<VerifiedContent> {
    const deadline = deadlineSignal(options.timeoutMs ?? this.limits.timeoutMs, options.signal);
    const firstChunk = new AbortController();
    const expire = (): void => firstChunk.abort(deadline.reason);
    if (deadline.aborted) expire();
    else deadline.addEventListener("abort", expire, { once: true });
    const release = (): void => deadline.removeEventListener("abort", expire);
    const bodySignal =
      options.signal === undefined ? firstChunk.signal : AbortSignal.any([firstChunk.signal, options.signal]);
    let content: VerifiedContent;
    try {
      content = await this.open(cid, options, deadline, bodySignal);
    } catch (error) {
      release();
      throw error;
    }
    return { stat: content.stat, body: releasingAfterFirstChunk(content.body, release) };
  }

  private async open(
    cid: CID,
    options: RangeReadOptions,
    resolveSignal: AbortSignal,
    bodySignal: AbortSignal,
  ): Promise<VerifiedContent> {
    const what = describe(cid, options.path);
    const idleTimeoutMs =
      options.idleTimeoutMs ?? this.limits.idleTimeoutMs ?? options.timeoutMs ?? this.limits.timeoutMs;
    const blocks = withBlockTimeout(this.blocks, idleTimeoutMs, what);
    const entry = await this.resolve(cid, options.path, resolveSignal, blocks);
    const stat = statOf(entry);
    if (entry.type === "directory") return { stat, body: emptyBody() };
    if (entry.type !== "file" && entry.type !== "raw") {
      throw new InvalidInputError(`${what} is not UnixFS file content`);
    }
    const offset = options.offset ?? 0;
    const length = options.length ?? Number(stat.size) - offset;
    if (
      !Number.isSafeInteger(offset) ||
      offset < 0 ||
      offset > Number(stat.size) ||
      !Number.isSafeInteger(length) ||
      length < 0
    ) {
      throw new InvalidInputError(`Invalid byte range of ${what}: offset ${offset}, length ${length}`);
    }
    assertWithinLimit(length, options.maxBytes ?? this.limits.maxBytes, what);
    // A raw block is one block, already fetched and verified. A UnixFS file goes through our own
    // walk: the exporter's file reader queues a whole DAG layer, however slow the consumer.
    const content =
      entry.type === "raw"
        ? entry.content({ offset, length, signal: bodySignal })
        : fileContent(entry.node, blocks, {
            offset: BigInt(offset),
            length: BigInt(length),
            signal: bodySignal,
          });
    return { stat, body: mapErrors(content, bodySignal, what) };
  }

  async list(cid: CID, options: ReadOptions = {}): Promise<DirectoryListing[]> {
    const what = describe(cid, options.path);
    const signal = deadlineSignal(options.timeoutMs ?? this.limits.timeoutMs, options.signal);
    const entry = await this.resolve(cid, options.path, signal);
    if (entry.type !== "directory") throw new InvalidInputError(`${what} is not a directory`);
    const listing: DirectoryListing[] = [];
    try {
      for await (const child of entry.entries({ signal })) {
        if (listing.length >= MAX_LISTING_ENTRIES) break;
        listing.push({ name: child.name, cid: child.cid, size: child.size });
      }
    } catch (error) {
      throw mapError(error, signal, what);
    }
    return listing;
  }

  async getBlock(cid: CID, options: ReadOptions = {}): Promise<Uint8Array> {
    const signal = deadlineSignal(options.timeoutMs ?? this.limits.timeoutMs, options.signal);
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of this.blocks.get(cid, { signal })) chunks.push(chunk);
      return Buffer.concat(chunks);
    } catch (error) {
      throw mapError(error, signal, cid.toString());
    }
  }

  async close(): Promise<void> {
    // Nothing to release: the adapter that owns the BlockSource closes it.
  }

  private async resolve(
    cid: CID,
    path: string | undefined,
    signal: AbortSignal,
    blocks: BlockReader = this.blocks,
  ): Promise<UnixFSEntry> {
    const segments = normaliseContentPath(path);
    const target = segments.length === 0 ? cid : `${cid.toString()}/${segments.join("/")}`;
    try {
      return await exporter(target, blocks, { signal });
    } catch (error) {
      throw mapError(error, signal, describe(cid, path));
    }
  }
}

function statOf(entry: UnixFSEntry): ContentStat {
  const type = entry.type === "directory" ? "directory" : entry.type === "raw" ? "raw" : "file";
  return { cid: entry.cid, type, size: entry.size };
}

function describe(cid: CID, path: string | undefined): string {
  return path === undefined || path === "" ? cid.toString() : `${cid.toString()}/${path}`;
}

function mapError(error: unknown, signal: AbortSignal, what: string): HallmarkError {
  if (error instanceof HallmarkError) return error;
  if (error instanceof Error && !signal.aborted) {
    // ipfs-unixfs-exporter's own error names: a missing path, or a CID that is not UnixFS.
    if (error.name === "NotFoundError") return new NotFoundError(`Not found: ${what}`, { cause: error });
    if (
      error.name === "NotUnixFSError" ||
      error.name === "NoResolverError" ||
      error.name === "BadPathError"
    ) {
      return new InvalidInputError(`Not UnixFS content: ${what}`, { cause: error });
    }
  }
  return toReadError(error, signal, what);
}

async function* mapErrors(
  source: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
  what: string,
): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (error) {
    throw mapError(error, signal, what);
  }
}

/** The blockstore as the exporter reads it. */
type BlockReader = Pick<VerifiedBlockstore, "get">;

/**
 * The idle timeout of a read: while blocks are being fetched for `what`, one must arrive at
 * least every `timeoutMs`, or every pending fetch is aborted with an error naming its block.
 * The clock runs on progress rather than per request, because several blocks are requested at
 * once (a file's read-ahead, a directory's links) and a slow link answers them one by one; and
 * it stops while nothing is pending, so a slow consumer is never mistaken for a stalled source.
 */
function withBlockTimeout(blocks: BlockReader, timeoutMs: number, what: string): BlockReader {
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;
  let idle = new AbortController();
  const rearm = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === 0) return;
    timer = setTimeout(() => {
      idle.abort(new DOMException(`no block for ${timeoutMs} ms`, "TimeoutError"));
      idle = new AbortController();
    }, timeoutMs);
    timer.unref();
  };
  return {
    async *get(cid: CID, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
      const stalled = idle.signal;
      const signal = options.signal === undefined ? stalled : AbortSignal.any([options.signal, stalled]);
      pending++;
      if (pending === 1) rearm();
      let bytes: Uint8Array[];
      try {
        bytes = [];
        for await (const chunk of blocks.get(cid, { signal })) bytes.push(chunk);
      } catch (error) {
        if (stalled.aborted && options.signal?.aborted !== true) {
          throw new DependencyUnavailableError(
            `Timed out after ${timeoutMs} ms waiting for block ${cid.toString()} of ${what}`,
            5,
            { cause: error },
          );
        }
        throw error;
      } finally {
        pending--;
        rearm(); // A block arrived (or failed): the source is alive, the clock starts again.
      }
      yield* bytes;
    },
  };
}

/** Passes `body` through, calling `release` once its first chunk (or its end, or an error) arrives. */
async function* releasingAfterFirstChunk(
  body: AsyncIterable<Uint8Array>,
  release: () => void,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) {
      release();
      yield chunk;
    }
  } finally {
    release();
  }
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {
  // A directory has no byte content; callers list it instead.
}
