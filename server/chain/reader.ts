/**
 * Typed reads of chain data the indexer needs, over any EIP-1193 provider: chain id, head, block
 * headers and logs. Answers are validated and normalised (numbers, lowercase hashes).
 */
import type { BatchOutcome, Eip1193, RequestArguments } from "./eip1193.js";
import { canBatch } from "./eip1193.js";
import { isRangeTooLarge, isTransient, JsonRpcError, LogRangeTooLargeError } from "./rpc-errors.js";

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface LogFilter {
  address: string | readonly string[];
  fromBlock: number;
  toBlock: number;
  topics?: readonly (string | readonly string[] | null)[];
}

export interface ChainLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
  logIndex: number;
  removed: boolean;
}

const toHex = (n: number): string => "0x" + n.toString(16);

function quantity(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^0x[0-9a-fA-F]+$/.test(value)) {
    const n = Number.parseInt(value, 16);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new JsonRpcError(`malformed ${what} in RPC answer`, -32603);
}

function hash(value: unknown, what: string): string {
  if (typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  throw new JsonRpcError(`malformed ${what} in RPC answer`, -32603);
}

function blockCall(n: number | "latest"): RequestArguments {
  return { method: "eth_getBlockByNumber", params: [n === "latest" ? "latest" : toHex(n), false] };
}

function headerOf(raw: unknown): BlockHeader | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== "object") throw new JsonRpcError("malformed block in RPC answer", -32603);
  const b = raw as Record<string, unknown>;
  return {
    number: quantity(b.number, "block number"),
    hash: hash(b.hash, "block hash"),
    parentHash: hash(b.parentHash, "parent hash"),
    timestamp: quantity(b.timestamp, "block timestamp"),
  };
}

/**
 * Whether a failed batch means "this node takes no batches": an HTTP 4xx, or one error object for
 * the whole batch (requestBatch answers per-call errors as outcomes, so any JSON-RPC error it
 * throws is about the batch: invalid request, parse error, method not found, batch too large).
 */
function isBatchRefusal(error: unknown): boolean {
  if (error instanceof JsonRpcError) return true;
  return (
    typeof error === "object" &&
    error !== null &&
    "httpStatus" in error &&
    typeof error.httpStatus === "number" &&
    error.httpStatus >= 400 &&
    error.httpStatus < 500
  );
}

export class ChainReader {
  constructor(readonly provider: Eip1193) {}

  async chainId(): Promise<number> {
    return quantity(await this.provider.request({ method: "eth_chainId" }), "chain id");
  }

  async blockNumber(): Promise<number> {
    return quantity(await this.provider.request({ method: "eth_blockNumber" }), "block number");
  }

  /** The header of block `n` (or the latest), or null when the node does not have it (yet). */
  async getBlock(n: number | "latest"): Promise<BlockHeader | null> {
    return headerOf(await this.provider.request(blockCall(n)));
  }

  /** False once the node refused a batch: headers are then read one request each. */
  get batches(): boolean {
    return canBatch(this.provider) && !this.batchesRefused;
  }
  private batchesRefused = false;

  /**
   * The headers of blocks `numbers`, in their order (null for a block the node does not have), in
   * one JSON-RPC batch when the transport and the node allow it, else one request each, at most
   * `concurrency` at a time. A refused batch (an HTTP 4xx, an error object for the whole batch) is
   * not tried again; a transient failure (429, 5xx, a timeout) is thrown for the caller to retry.
   */
  async getBlocks(numbers: readonly number[], concurrency = 8): Promise<(BlockHeader | null)[]> {
    const provider = this.provider;
    if (numbers.length > 1 && canBatch(provider) && !this.batchesRefused) {
      let outcomes: BatchOutcome[] | null = null;
      try {
        outcomes = await provider.requestBatch(numbers.map((n) => blockCall(n)));
      } catch (error) {
        if (isTransient(error) || !isBatchRefusal(error)) throw error;
        this.batchesRefused = true;
      }
      if (outcomes !== null)
        return outcomes.map((outcome, i) => {
          if ("error" in outcome) throw outcome.error;
          const header = headerOf(outcome.result);
          if (header !== null && header.number !== numbers[i])
            throw new JsonRpcError(`RPC answered block ${header.number} for block ${numbers[i]}`, -32603);
          return header;
        });
    }
    const out: (BlockHeader | null)[] = new Array<BlockHeader | null>(numbers.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < numbers.length) {
        const i = next++;
        out[i] = await this.getBlock(numbers[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, numbers.length) }, () => worker()));
    return out;
  }

  /**
   * One eth_getLogs call for [fromBlock, toBlock]. Throws LogRangeTooLargeError when the provider
   * refuses the range as too large (the caller halves it).
   */
  async getLogs(filter: LogFilter): Promise<ChainLog[]> {
    if (filter.toBlock < filter.fromBlock) return [];
    let raw: unknown;
    try {
      raw = await this.provider.request({
        method: "eth_getLogs",
        params: [
          {
            address: filter.address,
            fromBlock: toHex(filter.fromBlock),
            toBlock: toHex(filter.toBlock),
            ...(filter.topics === undefined ? {} : { topics: filter.topics }),
          },
        ],
      });
    } catch (error) {
      if (isRangeTooLarge(error))
        throw new LogRangeTooLargeError(filter.fromBlock, filter.toBlock, { cause: error });
      throw error;
    }
    if (!Array.isArray(raw)) throw new JsonRpcError("malformed eth_getLogs answer", -32603);
    return raw.map((entry: unknown) => {
      const l = entry as Record<string, unknown>;
      if (typeof l.address !== "string" || !Array.isArray(l.topics) || typeof l.data !== "string") {
        throw new JsonRpcError("malformed log in eth_getLogs answer", -32603);
      }
      return {
        address: l.address.toLowerCase(),
        topics: (l.topics as unknown[]).map((t) => hash(t, "log topic")),
        data: l.data,
        blockNumber: quantity(l.blockNumber, "log block number"),
        blockHash: hash(l.blockHash, "log block hash"),
        transactionHash: hash(l.transactionHash, "log transaction hash"),
        transactionIndex: quantity(l.transactionIndex, "log transaction index"),
        logIndex: quantity(l.logIndex, "log index"),
        removed: l.removed === true,
      };
    });
  }
}
