/**
 * What keeps `npm start`'s in-process chain across restarts. EDR has no state dump (no
 * hardhat_dumpState), so the journal records the chain itself: its genesis timestamp, then each block's
 * timestamp, hash and raw signed transactions, appended as blocks are mined. On the next start a new
 * chain with the same genesis (same accounts, same `initialDate`) replays each block with
 * eth_sendRawTransaction and `evm_mine(timestamp)`; the replayed blocks get the very same hashes, so the
 * verifier's index and the IPFS blockstore on disk stay consistent with the restored chain.
 *
 * What a journal cannot hold: state changed without a transaction (hardhat_setBalance, hardhat_setCode,
 * evm_revert) and impersonated transactions, whose signatures are fake. The writer reports the first one
 * it meets and stops journalling rather than write a journal that replays into another chain.
 */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { keccak256, Transaction } from "ethers";
import type { TransactionLike } from "ethers";

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export const CHAIN_JOURNAL_FORMAT = "hallmark.local-chain.v1";

export interface ChainJournalHeader {
  format: typeof CHAIN_JOURNAL_FORMAT;
  chainId: number;
  genesisHash: string;
  /** Unix seconds of block 0: the restored chain's `initialDate`. */
  genesisTimestamp: number;
}

export interface JournalBlock {
  number: number;
  hash: string;
  timestamp: number;
  /** Raw signed transactions, in block order. */
  transactions: string[];
}

export interface ChainJournal {
  header: ChainJournalHeader;
  blocks: JournalBlock[];
}

interface RpcTransaction {
  hash: string;
  type: string;
  chainId?: string;
  nonce: string;
  to: string | null;
  value: string;
  input: string;
  gas: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  accessList?: TransactionLike["accessList"];
  authorizationList?: unknown;
  r: string;
  s: string;
  v: string;
  yParity?: string;
}

interface RpcBlock {
  number: string;
  hash: string;
  timestamp: string;
  transactions: RpcTransaction[];
}

/** The journal in `file`, or undefined when there is none. A truncated last line (a kill mid-write) is dropped. */
export async function readChainJournal(file: string): Promise<ChainJournal | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) return undefined;
  const header = JSON.parse(lines[0]) as ChainJournalHeader;
  if (header.format !== CHAIN_JOURNAL_FORMAT)
    throw new Error(`${file} is not a Hallmark chain journal (format ${String(header.format)})`);
  const blocks: JournalBlock[] = [];
  for (const [index, line] of lines.slice(1).entries()) {
    try {
      blocks.push(JSON.parse(line) as JournalBlock);
    } catch (error) {
      if (index === lines.length - 2) break; // the last line, cut short by a kill
      throw error;
    }
  }
  return { header, blocks };
}

async function blockAt(provider: Eip1193, number: number | "latest"): Promise<RpcBlock> {
  const tag = number === "latest" ? number : `0x${number.toString(16)}`;
  const block = (await provider.request({ method: "eth_getBlockByNumber", params: [tag, true] })) as RpcBlock;
  if (block === null) throw new Error(`The chain has no block ${number}`);
  return block;
}

/** The raw signed form of a mined transaction, checked against its hash. */
export function rawTransactionOf(tx: RpcTransaction): string {
  if (tx.authorizationList !== undefined)
    throw new Error(`transaction ${tx.hash} carries an EIP-7702 authorization list`);
  const type = Number(tx.type);
  const rebuilt = Transaction.from({
    type,
    chainId: tx.chainId === undefined ? undefined : BigInt(tx.chainId),
    nonce: Number(tx.nonce),
    to: tx.to,
    value: BigInt(tx.value),
    data: tx.input,
    gasLimit: BigInt(tx.gas),
    ...(type === 2
      ? { maxFeePerGas: BigInt(tx.maxFeePerGas!), maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas!) }
      : { gasPrice: BigInt(tx.gasPrice!) }),
    ...(type >= 1 ? { accessList: tx.accessList ?? [] } : {}),
    signature: {
      r: tx.r,
      s: tx.s,
      ...(type >= 1 ? { yParity: Number(tx.yParity ?? tx.v) as 0 | 1 } : { v: Number(tx.v) }),
    },
  });
  const raw = rebuilt.serialized;
  if (keccak256(raw) !== tx.hash)
    throw new Error(`transaction ${tx.hash} does not re-serialise to its hash (an impersonated sender?)`);
  return raw;
}

export function journalBlockOf(block: RpcBlock): JournalBlock {
  return {
    number: Number(block.number),
    hash: block.hash,
    timestamp: Number(block.timestamp),
    transactions: block.transactions.map(rawTransactionOf),
  };
}

/** The header of a new journal: the chain's genesis. */
export async function journalHeaderOf(provider: Eip1193): Promise<ChainJournalHeader> {
  const genesis = await blockAt(provider, 0);
  const chainId = Number(await provider.request({ method: "eth_chainId", params: [] }));
  return {
    format: CHAIN_JOURNAL_FORMAT,
    chainId,
    genesisHash: genesis.hash,
    genesisTimestamp: Number(genesis.timestamp),
  };
}

export interface ReplayResult {
  blocks: number;
  transactions: number;
  /** Whether every replayed block has the hash the journal recorded (the index on disk still fits). */
  identical: boolean;
}

/**
 * Replays `journal` onto `provider`, a new chain created with the journal's genesis timestamp. Blocks are
 * mined one by one at their recorded timestamps; afterwards the chain's clock is moved to the wall clock
 * (never back), so deadlines computed from Date.now() hold as on a chain that kept running.
 */
export async function replayChainJournal(provider: Eip1193, journal: ChainJournal): Promise<ReplayResult> {
  const genesis = await blockAt(provider, 0);
  let identical = genesis.hash === journal.header.genesisHash;
  let transactions = 0;
  await provider.request({ method: "evm_setAutomine", params: [false] });
  try {
    for (const block of journal.blocks) {
      for (const raw of block.transactions) {
        await provider.request({ method: "eth_sendRawTransaction", params: [raw] });
        transactions += 1;
      }
      await provider.request({ method: "evm_mine", params: [block.timestamp] });
      const mined = await blockAt(provider, "latest");
      if (Number(mined.number) !== block.number)
        throw new Error(`replaying block ${block.number} mined block ${Number(mined.number)}`);
      if (mined.hash !== block.hash) identical = false;
    }
  } finally {
    await provider.request({ method: "evm_setAutomine", params: [true] });
  }
  const last = journal.blocks.at(-1)?.timestamp ?? journal.header.genesisTimestamp;
  const behind = Math.floor(Date.now() / 1000) - last;
  if (behind > 0) await provider.request({ method: "evm_increaseTime", params: [behind] });
  return { blocks: journal.blocks.length, transactions, identical };
}

export interface ChainJournalWriter {
  /** Appends every block mined since the last sync. */
  sync(): Promise<void>;
  /** A last sync, then no more. */
  close(): Promise<void>;
}

/**
 * Appends each new block of `provider` to `file` every `intervalMs` and on close. `journal` is what the
 * file holds already (a restored chain); without it the file is started afresh with the genesis header.
 * A block the journal cannot record (see above) stops the writer with one warning.
 */
export async function startChainJournal(
  provider: Eip1193,
  file: string,
  options: {
    journal?: ChainJournal;
    intervalMs?: number;
    warn?: (message: string) => void;
  } = {},
): Promise<ChainJournalWriter> {
  let last: { number: number; hash: string };
  if (options.journal === undefined) {
    const header = await journalHeaderOf(provider);
    await writeFile(file, JSON.stringify(header) + "\n");
    last = { number: 0, hash: header.genesisHash };
  } else {
    // Written again whole: a line cut short by a kill must not sit before the next block's.
    await writeFile(
      file,
      [options.journal.header, ...options.journal.blocks].map((line) => JSON.stringify(line) + "\n").join(""),
    );
    const tail = options.journal.blocks.at(-1);
    last = tail ?? { number: 0, hash: options.journal.header.genesisHash };
    // The replay re-mined the recorded blocks: their hashes on this chain are what follows.
    last = { number: last.number, hash: (await blockAt(provider, last.number)).hash };
  }
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const syncOnce = async (): Promise<void> => {
    if (stopped) return;
    const head = Number(await provider.request({ method: "eth_blockNumber", params: [] }));
    if (head <= last.number) return;
    const lines: string[] = [];
    try {
      for (let n = last.number + 1; n <= head; n++) {
        const block = await blockAt(provider, n);
        if (n === last.number + 1 && lines.length === 0) {
          const parent = (block as unknown as { parentHash: string }).parentHash;
          if (parent !== last.hash) throw new Error(`block ${n} does not follow the journal (a revert?)`);
        }
        lines.push(JSON.stringify(journalBlockOf(block)));
        last = { number: n, hash: block.hash };
      }
    } catch (error) {
      stopped = true;
      options.warn?.(
        `The local chain journal stopped at block ${last.number}: ${(error as Error).message}. ` +
          "Later blocks will not survive a restart (npm start -- --fresh begins again).",
      );
    }
    if (lines.length > 0) await appendFile(file, lines.join("\n") + "\n");
  };
  const sync = (): Promise<void> => {
    running = running.then(syncOnce, syncOnce);
    return running;
  };
  const timer = setInterval(() => {
    sync().catch((error: unknown) => options.warn?.(`chain journal: ${(error as Error).message}`));
  }, options.intervalMs ?? 1_000);
  timer.unref();
  return {
    sync,
    async close() {
      clearInterval(timer);
      await sync();
      stopped = true;
    },
  };
}
