import { AbiCoder, concat, getAddress, Interface, toBeHex, TypedDataEncoder } from "ethers";

/**
 * ERC-4337 v0.8 user operations for Hallmark's passkey accounts: the packed form the EntryPoint takes, and
 * the call data, init code and paymaster fields the verifier builds. The hash a passkey signs is the
 * EntryPoint's own getUserOpHash (an EIP-712 hash over every field, the chain id and the EntryPoint's
 * address), so a relay can change nothing and an operation cannot be replayed on another chain or EntryPoint.
 */

export interface PackedUserOperation {
  sender: string;
  nonce: bigint;
  initCode: string;
  callData: string;
  /** verificationGasLimit (high 16 bytes) ‖ callGasLimit (low 16 bytes). */
  accountGasLimits: string;
  preVerificationGas: bigint;
  /** maxPriorityFeePerGas (high) ‖ maxFeePerGas (low). */
  gasFees: string;
  /** paymaster ‖ paymasterVerificationGasLimit (16 bytes) ‖ paymasterPostOpGasLimit (16 bytes) ‖ data. */
  paymasterAndData: string;
  signature: string;
}

/** One call of an ERC-7821 batch. */
export interface AccountCall {
  target: string;
  value: bigint;
  data: string;
}

const USER_OPERATION_TUPLE =
  "tuple(address sender, uint256 nonce, bytes initCode, bytes callData, bytes32 accountGasLimits, uint256 preVerificationGas, bytes32 gasFees, bytes paymasterAndData, bytes signature)";

export const entryPointInterface = new Interface([
  `function handleOps(${USER_OPERATION_TUPLE}[] ops, address beneficiary)`,
  `function getUserOpHash(${USER_OPERATION_TUPLE} userOp) view returns (bytes32)`,
  "function getNonce(address sender, uint192 key) view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
  "function depositTo(address account) payable",
  "event UserOperationEvent(bytes32 indexed userOpHash, address indexed sender, address indexed paymaster, uint256 nonce, bool success, uint256 actualGasCost, uint256 actualGasUsed)",
  "event UserOperationRevertReason(bytes32 indexed userOpHash, address indexed sender, uint256 nonce, bytes revertReason)",
  "error FailedOp(uint256 opIndex, string reason)",
  "error FailedOpWithRevert(uint256 opIndex, string reason, bytes inner)",
]);

export const passkeyAccountInterface = new Interface([
  "function execute(bytes32 mode, bytes executionData) payable",
  "function addPasskey(bytes32 qx, bytes32 qy)",
  "function removePasskey(bytes32 qx, bytes32 qy)",
  "function setRecovery(address recoverer, uint48 delay)",
  "function cancelRecovery()",
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);

export const passkeyFactoryInterface = new Interface([
  "function createAccount(bytes32 qx, bytes32 qy) returns (address)",
  "function accountAddress(bytes32 qx, bytes32 qy) view returns (address)",
]);

/** ERC-7821 mode: a batch that reverts as a whole when a call fails, without opData. */
export const BATCH_MODE = `0x01${"00".repeat(31)}`;

/** Two 128-bit values in one word, the first in the high half: the v0.8 packed gas fields. */
export function packUint128Pair(high: bigint, low: bigint): string {
  return concat([toBeHex(high, 16), toBeHex(low, 16)]);
}

/** The call data of an ERC-7821 batch on a passkey account. */
export function batchCallData(calls: readonly AccountCall[]): string {
  const executionData = AbiCoder.defaultAbiCoder().encode(
    ["tuple(address target, uint256 value, bytes callData)[]"],
    [calls.map((call) => [call.target, call.value, call.data])],
  );
  return passkeyAccountInterface.encodeFunctionData("execute", [BATCH_MODE, executionData]);
}

/** The factory call that deploys the account of passkey (qx, qy). */
export function createAccountCallData(qx: string, qy: string): string {
  return passkeyFactoryInterface.encodeFunctionData("createAccount", [qx, qy]);
}

/** initCode of an account not yet deployed: factory ‖ createAccount(qx, qy). */
export function passkeyInitCode(factory: string, qx: string, qy: string): string {
  return concat([getAddress(factory), createAccountCallData(qx, qy)]);
}

/** paymasterAndData for a paymaster that needs no data of its own. */
export function paymasterAndData(
  paymaster: string,
  verificationGasLimit: bigint,
  postOpGasLimit: bigint,
): string {
  return concat([getAddress(paymaster), packUint128Pair(verificationGasLimit, postOpGasLimit)]);
}

/** The operation as the ABI encoder takes it. */
export function userOperationTuple(op: PackedUserOperation): unknown[] {
  return [
    op.sender,
    op.nonce,
    op.initCode,
    op.callData,
    op.accountGasLimits,
    op.preVerificationGas,
    op.gasFees,
    op.paymasterAndData,
    op.signature,
  ];
}

const PACKED_USER_OPERATION_TYPES = {
  PackedUserOperation: [
    { name: "sender", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "initCode", type: "bytes" },
    { name: "callData", type: "bytes" },
    { name: "accountGasLimits", type: "bytes32" },
    { name: "preVerificationGas", type: "uint256" },
    { name: "gasFees", type: "bytes32" },
    { name: "paymasterAndData", type: "bytes" },
  ],
};

/**
 * The hash the EntryPoint v0.8 gives an operation (getUserOpHash): EIP-712 under the domain ("ERC4337", "1",
 * chainId, entryPoint), so it names the chain and the EntryPoint the passkey agreed to.
 */
export function userOperationHash(op: PackedUserOperation, entryPoint: string, chainId: bigint): string {
  const { signature: _signature, ...signed } = op;
  return TypedDataEncoder.hash(
    { name: "ERC4337", version: "1", chainId, verifyingContract: entryPoint },
    PACKED_USER_OPERATION_TYPES,
    signed,
  );
}
