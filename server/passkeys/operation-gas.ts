import { getBytes } from "ethers";
import type { AccountCall } from "../chain/passkey/user-operation.js";
import { passkeyAccountInterface } from "../chain/passkey/user-operation.js";
import type { PasskeyChain } from "./passkey-chain.js";

/**
 * Gas limits of a sponsored operation. EntryPoint v0.8 charges 10% of the execution gas left unused above
 * 40,000, and the paymaster's cost cap is checked against the sum of every limit at the maximum fee, so the
 * limits follow the chain rather than a generous constant: the call's gas is estimated at the head (the
 * estimate's 21,000 of intrinsic gas stays in as headroom, below the penalty's threshold); the account's
 * validation is the one part that cannot be estimated before it is signed, and is bounded by what the P-256
 * check costs on this chain (precompile or not); a first operation adds the factory's deployment, estimated.
 */
export const VALIDATION_GAS = {
  /** WebAuthn checks, the precompile's 6,900 and the signature's decoding, with headroom for long clientDataJSON. */
  precompile: 70_000n,
  /** OpenZeppelin's Solidity P-256 (about 200,000 to 330,000 by the key and signature). */
  solidity: 420_000n,
};
/** The paymaster's rules, its two daily counters (fresh slots on a new day) and a garments design read. */
export const PAYMASTER_VERIFICATION_GAS = 75_000n;
/** The clone's delegatecall and the batch's decoding, around the calls estimated one by one. */
export const BATCH_OVERHEAD_GAS = 12_000n;
/** A counterfactual account's own upkeep cannot be estimated (no code yet): what each costs, with headroom. */
const UPKEEP_GAS: Record<string, bigint> = {
  addPasskey: 80_000n,
  setRecovery: 60_000n,
};
/** The part of handleOps no operation is metered for (its loop, the beneficiary's payment), per operation. */
const BUNDLE_OVERHEAD_GAS = 12_000n;
/**
 * A passkey signature's usual length, packed: key, r and s (128), a uint16, authenticator data (37) and the
 * client data JSON after its challenge (about 55 bytes for a short origin, 180 with a long one and the member
 * Chrome sometimes adds).
 */
const SIGNATURE_BYTES_GUESS = 370;

export interface OperationGas {
  verificationGasLimit: bigint;
  callGasLimit: bigint;
  paymasterVerificationGasLimit: bigint;
  paymasterPostOpGasLimit: bigint;
  preVerificationGas: bigint;
}

export async function operationGas(
  chain: PasskeyChain,
  op: {
    sender: string;
    callData: string;
    initCode: string;
    deployed: boolean;
    calls: readonly AccountCall[];
  },
): Promise<OperationGas> {
  const precompile = await chain.hasP256Precompile();
  let verificationGasLimit = precompile ? VALIDATION_GAS.precompile : VALIDATION_GAS.solidity;
  let callGasLimit: bigint;
  if (op.deployed) {
    callGasLimit = await chain.estimateGas({
      from: chain.addresses.entryPoint,
      to: op.sender,
      data: op.callData,
    });
  } else {
    const factoryData = "0x" + op.initCode.slice(42);
    verificationGasLimit += await chain.estimateGas({ to: chain.addresses.factory, data: factoryData });
    callGasLimit = BATCH_OVERHEAD_GAS;
    for (const call of op.calls) {
      if (call.target.toLowerCase() === op.sender.toLowerCase()) {
        callGasLimit += UPKEEP_GAS[selectorName(call.data)] ?? 60_000n;
      } else {
        callGasLimit += await chain.estimateGas({ from: op.sender, to: call.target, data: call.data });
      }
    }
  }
  // The operation's bytes in handleOps' calldata: its fields, its call data and init code, the paymaster's
  // 52 bytes and a signature of the usual length (mostly non-zero bytes).
  const calldataGas =
    calldataCost(op.callData) +
    calldataCost(op.initCode) +
    52n * 16n +
    9n * 32n * 4n +
    32n * 16n * 2n +
    BigInt(SIGNATURE_BYTES_GUESS) * 14n;
  return {
    verificationGasLimit,
    callGasLimit,
    paymasterVerificationGasLimit: PAYMASTER_VERIFICATION_GAS,
    paymasterPostOpGasLimit: 0n,
    // The bundle's own transaction (21,000), the operation's calldata, the unmetered loop and payment.
    preVerificationGas: 21_000n + calldataGas + BUNDLE_OVERHEAD_GAS,
  };
}

/** Total gas the paymaster may be charged for: what its cost cap is checked against (times the max fee). */
export function gasCeiling(gas: OperationGas): bigint {
  return (
    gas.verificationGasLimit +
    gas.callGasLimit +
    gas.paymasterVerificationGasLimit +
    gas.paymasterPostOpGasLimit +
    gas.preVerificationGas
  );
}

/** EIP-2028 calldata gas: 16 per non-zero byte, 4 per zero byte. */
function calldataCost(hex: string): bigint {
  let gas = 0n;
  for (const byte of getBytes(hex)) gas += byte === 0 ? 4n : 16n;
  return gas;
}

function selectorName(data: string): string {
  return UPKEEP_SELECTORS.get(data.slice(0, 10)) ?? "";
}

const UPKEEP_SELECTORS = new Map(
  ["addPasskey", "setRecovery", "removePasskey", "cancelRecovery"].map((name) => [
    passkeyAccountInterface.getFunction(name)!.selector,
    name,
  ]),
);
