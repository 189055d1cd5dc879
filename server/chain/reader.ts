/**
 * Typed reads of chain data the indexer needs, over any EIP-1193 provider: chain id, head, block
 * headers and logs. Answers are validated and normalised (numbers, lowercase hashes).
 */
import type { Eip1193 } from "./eip1193.js";
import { isRangeTooLarge, JsonRpcError, LogRangeTooLargeError } from "./rpc-errors.js";

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
    const raw = await this.provider.request({
      method: "eth_getBlockByNumber",
      params: [n === "latest" ? "latest" : toHex(n), false],
    });
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
