/**
 * The event indexer: the only writer of the index. Reads the deployment's contract logs in block
 * ranges, checks every log against the header of its block, decodes each event (handlers/*) and
 * applies each range atomically with its checkpoint. Detects reorganisations (a kept block hash
 * that changed, a parent hash that does not match) and rolls back to the fork point; when it
 * cannot, rebuilds from the start block beside the served index and swaps it in once caught up.
 */
import type { Logger } from "pino";
import type { Deployments } from "../chain/deployments.js";
import type { Eip1193 } from "../chain/eip1193.js";
import type { BlockHeader, ChainLog } from "../chain/reader.js";
import { ChainReader } from "../chain/reader.js";
import { isTransient, LogRangeTooLargeError } from "../chain/rpc-errors.js";
import type { BlockRef, IndexIdentity, IndexStore, IndexWriteTx } from "../store/IndexStore.js";
import { ReorgTooDeepError } from "../store/IndexStore.js";
import { BrandRegistry__factory } from "../../types/ethers-contracts/factories/contracts/registry/BrandRegistry__factory.js";
import { HallmarkCertificate__factory } from "../../types/ethers-contracts/factories/contracts/certificate/HallmarkCertificate__factory.js";
import { HallmarkGarments__factory } from "../../types/ethers-contracts/factories/contracts/garments/HallmarkGarments__factory.js";
import { EventDecoder } from "./decoder.js";
import { certificateHandlers } from "./handlers/certificate.js";
import { garmentHandlers } from "./handlers/garments.js";
import { registryHandlers } from "./handlers/registry.js";
import type { HandlerTable, TxState } from "./handlers/types.js";
import { newTxState } from "./handlers/types.js";
import type { DecodedLog } from "./range-keys.js";
import { rangeKeys } from "./range-keys.js";

/** The chain id of Hardhat's local network. */
export const LOCAL_CHAIN_ID = 31337;
/** Headers per JSON-RPC batch (providers commonly cap batches at 100-1,000 calls). */
const HEADER_BATCH = 100;
const HEADER_BATCHES_IN_FLIGHT = 4;
/** Longest wait between failed polls: an RPC outage costs one attempt every 15 s at most. */
const MAX_POLL_BACKOFF_MS = 15_000;

export interface IndexerOptions {
  provider: Eip1193;
  /** The index (the indexer writes; the API reads the same store). */
  store: IndexStore;
  deployments: Deployments;
  /** Blocks below the head left unindexed (HALLMARK_CONFIRMATIONS). Default 0 on the local chain, 2 elsewhere. */
  confirmations?: number;
  /**
   * Depth below the head after which blocks are taken as final: within it block hashes and undo
   * images are kept to roll back a reorg. Default 0 on the local chain (a reorg there rebuilds), 12 elsewhere.
   */
  finalityDepth?: number;
  /** Largest eth_getLogs range (default 2,000 blocks); halves on "too many results", grows back slowly. */
  maxRange?: number;
  /** Poll interval of start() in ms (default 1,000 locally, 4,000 elsewhere). */
  pollIntervalMs?: number;
  /** Parallel eth_getBlockByNumber calls per range (default 8). */
  headerConcurrency?: number;
  logger?: Logger;
}

export interface IndexerStats {
  /** Events decoded and applied since construction. */
  eventsApplied: number;
  logsRead: number;
  rangesApplied: number;
  /** Ranges refused as too large (each halved the range). */
  rangeSplits: number;
  reorgs: number;
  rebuilds: number;
  /** Time spent inside runOnce (ms). */
  elapsedMs: number;
  /** Current eth_getLogs range size. */
  rangeSize: number;
  lastError: string | null;
}

export interface RunResult {
  fromBlock: number;
  toBlock: number;
  headBlock: number;
  ranges: number;
  events: number;
}

/** What a range reads from the chain before it is applied. */
interface RangeReads {
  logs: ChainLog[];
  headers: Map<number, BlockHeader>;
}

/** The next range's reads, started while the current range is being applied. */
interface ReadAhead {
  from: number;
  to: number;
  reads: Promise<RangeReads>;
}

/** A log whose block hash does not match the block's header: the chain moved under us. */
class ChainMovedError extends Error {}

interface Source {
  decoder: EventDecoder;
  handlers: HandlerTable;
}

export class Indexer {
  readonly stats: IndexerStats;
  private readonly reader: ChainReader;
  private readonly store: IndexStore;
  private readonly deployments: Deployments;
  private readonly maxRange: number;
  private readonly headerConcurrency: number;
  private readonly logger?: Logger;
  private readonly sources: Map<string, Source>;
  private readonly addresses: string[];
  private confirmations: number;
  private finalityDepth: number;
  private pollIntervalMs: number;
  private rangeSize: number;
  private successesSinceSplit = 0;
  private identityChecked = false;
  private inFlight: Promise<RunResult> | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private failingSinceMs: number | null = null;
  /** The head's header as this run read it (a range ending there needs no header read). */
  private latest: BlockHeader | null = null;
  /** Hash of the head at which an idle run last found the checkpoint on the chain; null after any write. */
  private checkedAtHead: string | null = null;

  constructor(private readonly options: IndexerOptions) {
    this.reader = new ChainReader(options.provider);
    this.store = options.store;
    this.deployments = options.deployments;
    const local = options.deployments.chainId === LOCAL_CHAIN_ID;
    this.confirmations = options.confirmations ?? (local ? 0 : 2);
    this.finalityDepth = options.finalityDepth ?? (local ? 0 : 12);
    this.pollIntervalMs = options.pollIntervalMs ?? (local ? 1_000 : 4_000);
    this.maxRange = Math.max(1, options.maxRange ?? 2_000);
    this.headerConcurrency = Math.max(1, options.headerConcurrency ?? 8);
    this.logger = options.logger;
    this.rangeSize = this.maxRange;
    const c = options.deployments.contracts;
    this.sources = new Map([
      [
        c.BrandRegistry.toLowerCase(),
        { decoder: new EventDecoder(BrandRegistry__factory.createInterface()), handlers: registryHandlers },
      ],
      [
        c.HallmarkCertificate.toLowerCase(),
        {
          decoder: new EventDecoder(HallmarkCertificate__factory.createInterface()),
          handlers: certificateHandlers,
        },
      ],
      [
        c.HallmarkGarments.toLowerCase(),
        { decoder: new EventDecoder(HallmarkGarments__factory.createInterface()), handlers: garmentHandlers },
      ],
    ]);
    this.addresses = [...this.sources.keys()];
    this.stats = {
      eventsApplied: 0,
      logsRead: 0,
      rangesApplied: 0,
      rangeSplits: 0,
      reorgs: 0,
      rebuilds: 0,
      elapsedMs: 0,
      rangeSize: this.rangeSize,
      lastError: null,
    };
  }

  /** Events applied per second of indexing time (catch-up speed). */
  get eventsPerSecond(): number {
    return this.stats.elapsedMs === 0 ? 0 : (this.stats.eventsApplied * 1000) / this.stats.elapsedMs;
  }

  get settings(): { confirmations: number; finalityDepth: number; pollIntervalMs: number; maxRange: number } {
    return {
      confirmations: this.confirmations,
      finalityDepth: this.finalityDepth,
      pollIntervalMs: this.pollIntervalMs,
      maxRange: this.maxRange,
    };
  }

  /**
   * Unix ms of the first failed run since the last successful one, or null while runs succeed:
   * the index cannot follow the chain (the RPC is down or answers nonsense), so answers say stale.
   */
  failingSince(): number | null {
    return this.failingSinceMs;
  }

  /**
   * Indexes from the checkpoint up to the head minus the confirmations, then returns. One run at a
   * time: a call while a run is in flight joins it.
   */
  runOnce(): Promise<RunResult> {
    if (this.inFlight === null) {
      this.inFlight = this.run().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** Starts polling (runOnce every pollIntervalMs; failures are logged and retried with backoff). */
  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    this.loop = this.poll();
  }

  /** Stops polling; resolves once the range in flight (if any) has been applied or abandoned. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const loop = this.loop;
    this.loop = null;
    await loop;
    await this.inFlight?.catch(() => undefined);
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delay = this.pollIntervalMs;
      try {
        await this.runOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.stats.lastError = error instanceof Error ? error.message : String(error);
        // Capped low: answers say stale until a poll succeeds again, so recovery must be prompt.
        delay = Math.min(MAX_POLL_BACKOFF_MS, this.pollIntervalMs * 2 ** Math.min(failures, 6));
        this.logger?.warn({ err: error, failures, retryInMs: delay }, "indexer run failed");
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async checkIdentity(): Promise<void> {
    if (this.identityChecked) return;
    const chainId = await this.reader.chainId();
    if (chainId !== this.deployments.chainId) {
      throw new Error(
        `the RPC endpoint serves chain ${chainId} but the deployments are for chain ${this.deployments.chainId}`,
      );
    }
    const genesis = await this.reader.getBlock(0);
    if (genesis === null) throw new Error("the RPC endpoint has no genesis block");
    const identity: IndexIdentity = {
      chainId,
      genesisHash: genesis.hash,
      startBlock: this.deployments.startBlock,
      contracts: this.deployments.contracts,
    };
    const { rebuilt } = await this.store.ensureIdentity(identity);
    if (rebuilt) {
      this.stats.rebuilds += 1;
      this.logger?.info(
        { chainId, startBlock: identity.startBlock },
        "index identity changed or new: indexing from the start",
      );
    }
    this.identityChecked = true;
  }

  private async run(): Promise<RunResult> {
    const started = performance.now();
    let events = 0;
    let ranges = 0;
    try {
      await this.checkIdentity();
      // The head's header, not only its number: one request tells an idle poll whether anything
      // changed, and a new block's range at the head needs no header read of its own.
      const latest = await this.reader.getBlock("latest");
      if (latest === null) throw new Error("the RPC endpoint has no latest block");
      const head = latest.number;
      this.latest = latest;
      const target = head - this.confirmations;
      const ahead: { next: ReadAhead | null } = { next: null };
      // The head's write and the first range's reads go out together: a new block waits for one
      // round trip, not one to the database and then one to the chain.
      const headWritten = this.store.setHead(head, this.confirmations);
      headWritten.catch(() => undefined); // Awaited just below; a failure there fails the run.
      const firstBlock = await this.nextBlock().catch(async (error: unknown) => {
        await headWritten.catch(() => undefined);
        throw error;
      });
      if (firstBlock <= target) {
        const to = Math.min(target, firstBlock + this.rangeSize - 1);
        const reads = this.readRange(firstBlock, to);
        reads.catch(() => undefined); // Awaited (and its failure handled) by the range that uses it.
        ahead.next = { from: firstBlock, to, reads };
      }
      await headWritten;
      if (firstBlock > target) {
        // Nothing new to index: a reorg is the only change left to look for. A range to index checks
        // its own descent from the checkpoint (its first block's parent hash) and rolls back first
        // when it does not descend, so only an idle run asks the chain for the checkpoint's block.
        await this.checkIdleChain(latest);
      }
      let chainMoves = 0;
      while (!this.stopping) {
        const from = await this.nextBlock();
        if (from > target) break;
        const to = Math.min(target, from + this.rangeSize - 1);
        // Reads started during the previous range's apply serve only the very range they read; they
        // are checked against the checkpoint and the headers exactly as reads made now would be.
        const next = ahead.next;
        const prefetched = next !== null && next.from === from && next.to === to ? next.reads : null;
        ahead.next = null;
        const readAhead = (): void => {
          const nextFrom = to + 1;
          if (nextFrom > target || this.stopping) return;
          const nextTo = Math.min(target, nextFrom + this.rangeSize - 1);
          const reads = this.readRange(nextFrom, nextTo);
          reads.catch(() => undefined); // Awaited (and its failure handled) by the range that uses it, if any.
          ahead.next = { from: nextFrom, to: nextTo, reads };
        };
        try {
          events += await this.indexRange(from, to, head, prefetched, readAhead);
          ranges += 1;
        } catch (error) {
          ahead.next = null;
          if (error instanceof LogRangeTooLargeError) {
            this.stats.rangeSplits += 1;
            this.successesSinceSplit = 0;
            if (this.rangeSize === 1) throw error;
            this.rangeSize = Math.max(1, Math.floor((to - from + 1) / 2));
            this.stats.rangeSize = this.rangeSize;
            this.logger?.debug({ from, to, rangeSize: this.rangeSize }, "log range too large: halving");
            continue;
          }
          if (error instanceof ChainMovedError) {
            // A node behind a load balancer may answer from another fork for a while: give up after a few.
            if (++chainMoves > 5) throw error;
            this.logger?.info(
              { from, to, reason: error.message },
              "chain moved during a range: checking for a reorg",
            );
            await this.checkForReorg();
            continue;
          }
          throw error;
        }
      }
      if (!this.stopping && (await this.store.rebuilding()) && (await this.nextBlock()) > target) {
        await this.store.completeRebuild();
        this.logger?.info(
          { indexedBlock: (await this.nextBlock()) - 1 },
          "rebuilt index caught up: now serving it",
        );
      }
      this.stats.lastError = null;
      this.failingSinceMs = null;
      return {
        fromBlock: firstBlock,
        toBlock: (await this.nextBlock()) - 1,
        headBlock: head,
        ranges,
        events,
      };
    } catch (error) {
      this.stats.lastError = error instanceof Error ? error.message : String(error);
      this.failingSinceMs ??= Date.now();
      throw error;
    } finally {
      this.stats.elapsedMs += performance.now() - started;
    }
  }

  /**
   * An idle run's reorg check, by the cheapest evidence first: the checkpoint is the head itself (at
   * 0 confirmations, after every range), or the head is the very block at which the last full check
   * found the checkpoint on the chain (no block since, so no reorg); otherwise checkForReorg.
   */
  private async checkIdleChain(latest: BlockHeader): Promise<void> {
    const checkpoint = await this.store.checkpoint();
    if (checkpoint === null) return;
    if (checkpoint.blockNumber === latest.number && checkpoint.blockHash === latest.hash) return;
    if (this.checkedAtHead === latest.hash) return;
    this.checkedAtHead = null;
    await this.checkForReorg();
    if ((await this.store.checkpoint())?.blockHash === checkpoint.blockHash) this.checkedAtHead = latest.hash;
  }

  private async nextBlock(): Promise<number> {
    const checkpoint = await this.store.checkpoint();
    return checkpoint === null ? this.deployments.startBlock : checkpoint.blockNumber + 1;
  }

  /**
   * Compares the checkpoint's kept hash with the chain; on a mismatch walks back through the kept
   * headers to the newest one still on the chain and rolls back to it (or rebuilds from the start
   * when none is kept deep enough).
   */
  private async checkForReorg(): Promise<void> {
    const checkpoint = await this.store.checkpoint();
    if (checkpoint === null) return;
    const onChain = await this.reader.getBlock(checkpoint.blockNumber);
    if (onChain !== null && onChain.hash === checkpoint.blockHash) return;
    this.checkedAtHead = null;
    this.stats.reorgs += 1;
    let forkPoint: number | null = null;
    let below = checkpoint.blockNumber;
    search: while (below >= 0) {
      const kept = await this.store.blocksAtOrBelow(below, 32);
      if (kept.length === 0) break;
      for (const block of kept) {
        const current = await this.reader.getBlock(block.number);
        if (current !== null && current.hash === block.hash) {
          forkPoint = block.number;
          break search;
        }
      }
      below = kept[kept.length - 1].number - 1;
    }
    try {
      if (forkPoint === null) throw new ReorgTooDeepError(-1, checkpoint.blockNumber);
      this.logger?.warn({ from: checkpoint.blockNumber, forkPoint }, "chain reorganisation: rolling back");
      await this.store.rollbackTo(forkPoint);
    } catch (error) {
      if (!(error instanceof ReorgTooDeepError)) throw error;
      this.logger?.warn(
        { from: checkpoint.blockNumber },
        "chain reorganisation deeper than the kept history: rebuilding the index beside the served one",
      );
      this.stats.rebuilds += 1;
      // Not reset(): answers keep coming from the last complete index (marked rebuilding) until
      // the new one has caught up, so a genuine certificate is never answered unknown meanwhile.
      await this.store.beginRebuild();
    }
  }

  /**
   * Headers of the blocks a range touches. Over a transport that batches (HTTP JSON-RPC), in
   * batches of HEADER_BATCH, a few in flight: one round trip per hundred blocks instead of one per
   * block (docs/benchmarks/api.md); otherwise one request per block, `headerConcurrency` at a time.
   */
  private async headers(wanted: readonly number[]): Promise<Map<number, BlockHeader>> {
    const out = new Map<number, BlockHeader>();
    // The head's header, read by this run: a range at the head (a new block, the freshness path)
    // then costs eth_getLogs alone. A log of another fork fails its block hash check as it would
    // against a header read now.
    const latest = this.latest;
    if (latest !== null && wanted.includes(latest.number)) out.set(latest.number, latest);
    const numbers = wanted.filter((n) => !out.has(n));
    const batched = this.reader.batches;
    const chunkSize = batched ? HEADER_BATCH : 1;
    const chunks: number[][] = [];
    for (let i = 0; i < numbers.length; i += chunkSize) chunks.push(numbers.slice(i, i + chunkSize));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        const headers = await this.withRetry(() => this.reader.getBlocks(chunk, this.headerConcurrency));
        chunk.forEach((n, i) => {
          const header = headers[i];
          if (header === null) throw new ChainMovedError(`block ${n} is no longer available`);
          out.set(n, header);
        });
      }
    };
    const workers = batched
      ? Math.min(HEADER_BATCHES_IN_FLIGHT, chunks.length)
      : Math.min(this.headerConcurrency, chunks.length);
    await Promise.all(Array.from({ length: workers }, () => worker()));
    return out;
  }

  /** Retries a read a few times on transient failures (the provider retries HTTP errors itself). */
  private async withRetry<T>(read: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (attempt >= attempts || !isTransient(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  /** A range's logs (in chain order) and the headers of the blocks they and the range's ends are in. */
  private async readRange(from: number, to: number): Promise<RangeReads> {
    const logs = await this.withRetry(() =>
      this.reader.getLogs({ address: this.addresses, fromBlock: from, toBlock: to }),
    );
    logs.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    const numbers = [...new Set([from, ...logs.map((l) => l.blockNumber), to])];
    return { logs, headers: await this.headers(numbers) };
  }

  /**
   * Reads (or takes the reads made ahead), checks and applies one range. `readAhead` starts the
   * next range's reads once this one's are done, so the JSON-RPC round trips overlap the store's
   * write of this range (during a catch-up, the two largest costs).
   */
  private async indexRange(
    from: number,
    to: number,
    head: number,
    prefetched: Promise<RangeReads> | null,
    readAhead: () => void,
  ): Promise<number> {
    const { logs, headers } = await (prefetched ?? this.readRange(from, to));
    this.stats.logsRead += logs.length;
    const checkpoint = await this.store.checkpoint();
    const first = headers.get(from)!;
    if (checkpoint !== null && first.parentHash !== checkpoint.blockHash) {
      throw new ChainMovedError(
        `block ${from} does not descend from the checkpoint ${checkpoint.blockNumber}`,
      );
    }
    for (const log of logs) {
      if (log.removed || headers.get(log.blockNumber)?.hash !== log.blockHash) {
        throw new ChainMovedError(`log ${log.blockNumber}/${log.logIndex} is not on the block fetched`);
      }
    }
    const toHeader = headers.get(to)!;
    const kept: BlockRef[] =
      logs.length === 0 ? [] : [...new Set(logs.map((l) => l.blockNumber))].map((n) => headers.get(n)!);
    const reversible = this.finalityDepth > 0 && to > head - this.finalityDepth;
    const events = this.decode(logs);
    readAhead();
    await this.store.applyBlockRange(
      {
        fromBlock: from,
        toBlock: to,
        toBlockHeader: toHeader,
        blocks: kept,
        reversible,
        keys: rangeKeys(events),
      },
      (tx) => this.applyEvents(tx, events, headers),
    );
    this.checkedAtHead = null;
    const applied = events.length;
    this.stats.eventsApplied += applied;
    this.stats.rangesApplied += 1;
    this.successesSinceSplit += 1;
    if (this.rangeSize < this.maxRange && this.successesSinceSplit >= 4) {
      // Grow back slowly: a quarter more every four ranges accepted.
      this.rangeSize = Math.min(this.maxRange, Math.ceil(this.rangeSize * 1.25));
      this.stats.rangeSize = this.rangeSize;
      this.successesSinceSplit = 0;
    }
    // Below the finality depth, hashes and undo images are no longer needed.
    const finalBelow = head - this.finalityDepth;
    if (finalBelow > 0 && (this.stats.rangesApplied % 16 === 0 || to >= head - this.confirmations)) {
      await this.store.pruneBlocksBelow(Math.min(finalBelow, to));
    }
    return applied;
  }

  /** The logs of a range this indexer has a handler for, decoded (once, before the store runs the handlers). */
  private decode(logs: readonly ChainLog[]): DecodedLog[] {
    const out: DecodedLog[] = [];
    for (const log of logs) {
      const source = this.sources.get(log.address);
      if (source === undefined) continue;
      const event = source.decoder.decode(log.topics, log.data);
      if (event === null) continue;
      const handler = source.handlers[event.name];
      if (handler === undefined) continue;
      out.push({ log, event, handler });
    }
    return out;
  }

  /**
   * Runs the handlers of a range's events in chain order. Deterministic and writing only through
   * `tx`: a store may run it more than once for the same range (see IndexWriter.applyBlockRange).
   */
  private applyEvents(
    tx: IndexWriteTx,
    events: readonly DecodedLog[],
    headers: Map<number, BlockHeader>,
  ): void {
    let txHash = "";
    let txState: TxState = newTxState();
    let block = -1;
    for (const { log, event, handler } of events) {
      if (log.blockNumber !== block) {
        block = log.blockNumber;
        tx.beginBlock(block);
      }
      if (log.transactionHash !== txHash) {
        txHash = log.transactionHash;
        txState = newTxState();
      }
      handler({
        tx,
        log,
        event,
        txState,
        ref: {
          blockNumber: log.blockNumber,
          blockHash: log.blockHash,
          txHash: log.transactionHash,
          logIndex: log.logIndex,
          timestamp: headers.get(log.blockNumber)!.timestamp,
        },
      });
    }
  }
}
