import type { BaseContract, ContractTransactionReceipt, Provider, Signer, TransactionRequest } from "ethers";
import { decodeHallmarkError, describeHallmarkError } from "./contracts.js";
import { TransactionRefusedError } from "./errors.js";

/**
 * Sends one contract call, or with `dryRun` only estimates it: gas × the current fee per gas
 * gives what the call would cost now. Reverts surface as TransactionRefusedError named after the
 * contract's custom error, so an operator reads "HallmarkMissingBrandRole", not a hex blob.
 */
export interface GasEstimate {
  gas: bigint;
  /** maxFeePerGas (EIP-1559) or gasPrice: the most a unit of gas would cost now. */
  feePerGas: bigint;
  cost: bigint;
}

export interface ConfirmedTransaction {
  hash: string;
  block: number;
  gasUsed: bigint;
  receipt: ContractTransactionReceipt;
}

export interface CallOptions {
  dryRun?: boolean;
  confirmations?: number;
  /** Called once the transaction is broadcast, before it is confirmed. */
  onSent?: (hash: string) => void;
  gasLimit?: bigint;
  value?: bigint;
}

export type CallOutcome =
  { dryRun: true; estimate: GasEstimate } | { dryRun: false; transaction: ConfirmedTransaction };

export async function currentFeePerGas(provider: Provider): Promise<bigint> {
  const fee = await provider.getFeeData();
  return fee.maxFeePerGas ?? fee.gasPrice ?? 0n;
}

/** Turns an ethers error into TransactionRefusedError when it carries revert data; rethrows anything else. */
export function refusal(error: unknown, action: string): unknown {
  const revert = findRevert(error);
  if (revert === null) return error;
  const name = revert.name;
  return new TransactionRefusedError(
    name === null
      ? `${action} was refused by the contract`
      : `${action} was refused: ${describeHallmarkError(name, revert.args)}`,
    name,
    revert.args,
    { cause: error },
  );
}

function findRevert(error: unknown): { name: string | null; args: unknown[] } | null {
  const e = error as {
    revert?: { name: string; args: unknown[] };
    data?: unknown;
    info?: { error?: { data?: unknown } };
    error?: unknown;
    code?: string;
  };
  if (e === null || typeof e !== "object") return null;
  if (e.revert && typeof e.revert.name === "string") return { name: e.revert.name, args: [...e.revert.args] };
  const data =
    typeof e.data === "string" ? e.data : typeof e.info?.error?.data === "string" ? e.info.error.data : null;
  if (data !== null && data.startsWith("0x") && data.length >= 10) {
    const decoded = decodeHallmarkError(data);
    return decoded === null ? { name: null, args: [] } : { name: decoded.name, args: [...decoded.args] };
  }
  if (e.code === "CALL_EXCEPTION") return { name: null, args: [] };
  return e.error !== undefined ? findRevert(e.error) : null;
}

/** Calls `method` of `contract` (connected to a signer) with `args`. */
export async function callContract(
  contract: BaseContract,
  method: string,
  args: readonly unknown[],
  options: CallOptions = {},
): Promise<CallOutcome> {
  const fn = contract.getFunction(method);
  const overrides: TransactionRequest = {};
  if (options.value !== undefined) overrides.value = options.value;
  const action = `${method}`;
  const runner = contract.runner as Signer | null;
  if (runner?.provider == null)
    throw new TypeError("The contract must be connected to a signer with a provider");

  if (options.dryRun) {
    let gas: bigint;
    try {
      gas = await fn.estimateGas(...args, overrides);
    } catch (error) {
      throw refusal(error, action);
    }
    const feePerGas = await currentFeePerGas(runner.provider);
    return { dryRun: true, estimate: { gas, feePerGas, cost: gas * feePerGas } };
  }

  if (options.gasLimit !== undefined) overrides.gasLimit = options.gasLimit;
  let response;
  try {
    response = await fn.send(...args, overrides);
  } catch (error) {
    throw refusal(error, action);
  }
  options.onSent?.(response.hash);
  const receipt = await response.wait(options.confirmations ?? 1);
  if (receipt === null || receipt.status !== 1)
    throw new TransactionRefusedError(`${action} (${response.hash}) failed on-chain`, null, []);
  return {
    dryRun: false,
    transaction: { hash: receipt.hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed, receipt },
  };
}
