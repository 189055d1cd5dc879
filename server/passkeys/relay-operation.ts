import { AbiCoder, dataSlice, getAddress, getBytes, id } from "ethers";
import type { Logger } from "pino";
import { ConflictError, DependencyUnavailableError, NotFoundError, RateLimitedError } from "../errors.js";
import {
  BATCH_MODE,
  createAccountCallData,
  entryPointInterface,
  passkeyAccountInterface,
  userOperationHash,
  userOperationTuple,
} from "../chain/passkey/user-operation.js";
import type { AccountCall, PackedUserOperation } from "../chain/passkey/user-operation.js";
import { encodePasskeySignature } from "../chain/passkey/webauthn-signature.js";
import { refusalOfCall } from "./actions.js";
import type { PasskeyCredentials } from "./credentials.js";
import {
  OperationNotSponsoredError,
  OperationRefusedError,
  PasskeyAssertionError,
  PasskeysUnavailableError,
} from "./errors.js";
import type { OperationLocks } from "./operation-locks.js";
import { ChainRefusal, decodeOperationError } from "./passkey-chain.js";
import type { PasskeyChain } from "./passkey-chain.js";
import type { OperationRelayer } from "./relayer.js";
import type { RelyingParty } from "./relying-party.js";
import { checkAssertion } from "./webauthn-assertion.js";
import type { AssertionJson } from "./webauthn-assertion.js";

/**
 * Relays a passkey-signed user operation: checks that it is one the brand sponsors (Hallmark's calls
 * only, its paymaster, our factory), that the passkey's answer is for this site, user-verified and over
 * this operation's hash, that it was not relayed before (nonce, and a lock while in flight), simulates it
 * (validation through handleOps, execution through the account's calls), then sends handleOps from the
 * relayer key and waits for the receipt. Whatever would fail on-chain is a 4xx before anything is sent.
 */
export interface RelayDependencies {
  chain: PasskeyChain;
  party: RelyingParty;
  credentials: PasskeyCredentials;
  locks: OperationLocks;
  relayer: OperationRelayer | null;
  logger?: Logger;
}

export interface RelayedOperation {
  userOpHash: string;
  transactionHash: string;
  /** Null when the receipt did not come within the relay's wait (the transaction is sent). */
  blockNumber: number | null;
  /** Whether the account's calls succeeded (the EntryPoint's UserOperationEvent); null when not yet mined. */
  success: boolean | null;
}

const certificateSelectors = new Set(
  [
    "transferFrom(address,address,uint256)",
    "safeTransferFrom(address,address,uint256)",
    "safeTransferFrom(address,address,uint256,bytes)",
    "reportStolen(uint256,string)",
    "claimWithCode(uint256,address,uint256,bytes)",
    "claimWithChip(uint256,address,uint256,bytes)",
    "setClaimKey(uint256,address)",
  ].map(selectorOf),
);
const garmentsSelectors = new Set(
  [
    "safeTransferFrom(address,address,uint256,uint256,bytes)",
    "claimTwin(uint256,uint256,uint256,bytes32[])",
  ].map(selectorOf),
);
const upkeepSelectors = new Set(
  ["addPasskey", "removePasskey", "setRecovery", "cancelRecovery"].map(
    (name) => passkeyAccountInterface.getFunction(name)!.selector,
  ),
);

function selectorOf(signature: string): string {
  return id(signature).slice(0, 10);
}

export async function relayOperation(
  deps: RelayDependencies,
  request: { operation: PackedUserOperation; assertion: AssertionJson },
): Promise<RelayedOperation> {
  const { chain } = deps;
  if (deps.relayer === null)
    throw new PasskeysUnavailableError(
      "This verifier has no relayer key (HALLMARK_RELAYER_KEYSTORE): it relays no operations",
    );
  const op = { ...request.operation, sender: getAddress(request.operation.sender) };
  const calls = sponsoredCalls(op, chain.addresses);

  const credential = await deps.credentials.find(request.assertion.credentialId);
  if (credential === null)
    throw new NotFoundError("No passkey is registered here with this credential id: register it first");
  const key = { qx: credential.qx, qy: credential.qy };
  const hash = userOperationHash(op, chain.addresses.entryPoint, chain.chainId);
  const assertion = checkAssertion(request.assertion, { party: deps.party, hash, key });

  // Before the account's checks: once relayed, a first operation's account exists and its initCode is stale.
  const nonceKey = op.nonce >> 64n;
  const next = await chain.nonce(op.sender, nonceKey);
  if (next > op.nonce)
    throw new ConflictError("This operation was relayed already (its nonce is used): prepare a new one");
  if (next < op.nonce)
    throw new OperationRefusedError("This operation's nonce is ahead of the account's: prepare a new one");

  const deployed = await chain.isDeployed(op.sender);
  if (!deployed) {
    const initCode = getBytes(op.initCode);
    if (initCode.length === 0)
      throw new OperationRefusedError(
        `Account ${op.sender} is not deployed: the operation needs its initCode`,
      );
    if (
      op.initCode.toLowerCase() !==
        (chain.addresses.factory + createAccountCallData(key.qx, key.qy).slice(2)).toLowerCase() ||
      (await chain.accountAddress(key.qx, key.qy)) !== op.sender
    )
      throw new PasskeyAssertionError("This passkey is not the one the account is made from");
  } else if (getBytes(op.initCode).length > 0) {
    throw new OperationRefusedError(
      `Account ${op.sender} is deployed already: send the operation without initCode`,
    );
  } else if (!(await chain.isPasskey(op.sender, key.qx, key.qy))) {
    throw new PasskeyAssertionError("This passkey is not one of the account's");
  }

  const lock = await deps.locks.acquire(hash);
  if (lock === null) throw new ConflictError("This operation is being relayed already");
  let pending = false;
  try {
    const signed: PackedUserOperation = { ...op, signature: encodePasskeySignature(key, assertion) };
    await simulateCalls(chain, signed, deployed, calls);
    const relayer = await deps.relayer.address();
    const data = entryPointInterface.encodeFunctionData("handleOps", [[userOperationTuple(signed)], relayer]);
    let gas: bigint;
    try {
      gas = await chain.estimateGas({ from: relayer, to: chain.addresses.entryPoint, data });
    } catch (error) {
      throw await refusalOfHandleOps(chain, error, op.sender);
    }
    const sent = await deps.relayer.send(chain.addresses.entryPoint, data, (gas * 6n) / 5n);
    deps.logger?.info({ userOpHash: hash, sender: op.sender, txHash: sent.hash }, "user operation relayed");
    const receipt = await sent.wait().catch(() => null);
    if (receipt === null) {
      // Sent, not mined yet: its nonce is not used yet, so the lock stays until it expires and answers
      // a second send of the same operation meanwhile.
      pending = true;
      return { userOpHash: hash, transactionHash: sent.hash, blockNumber: null, success: null };
    }
    return {
      userOpHash: hash,
      transactionHash: sent.hash,
      blockNumber: receipt.blockNumber,
      success: receipt.status === 1 && operationSucceeded(receipt.logs, hash),
    };
  } finally {
    if (!pending)
      await lock
        .release()
        .catch((error: unknown) =>
          deps.logger?.warn({ err: error, userOpHash: hash }, "operation lock not released (it expires)"),
        );
  }
}

/** The ERC-7821 batch's calls, each one the paymaster sponsors; anything else is refused before a signature is checked. */
export function sponsoredCalls(
  op: PackedUserOperation,
  addresses: { paymaster: string; certificate: string; garments: string; factory: string },
): AccountCall[] {
  const paymasterAndData = getBytes(op.paymasterAndData);
  if (
    paymasterAndData.length < 52 ||
    getAddress(dataSlice(op.paymasterAndData, 0, 20)) !== addresses.paymaster
  )
    throw new OperationNotSponsoredError("Only operations paid by the brand's paymaster are relayed");
  const initCode = getBytes(op.initCode);
  if (initCode.length > 0 && getAddress(dataSlice(op.initCode, 0, 20)) !== addresses.factory)
    throw new OperationNotSponsoredError("Only accounts made by Hallmark's factory are relayed");
  let calls: AccountCall[];
  try {
    const [mode, executionData] = passkeyAccountInterface.decodeFunctionData(
      "execute",
      op.callData,
    ) as unknown as [string, string];
    if (mode !== BATCH_MODE) throw new Error("not a batch");
    const [batch] = AbiCoder.defaultAbiCoder().decode(
      ["tuple(address target, uint256 value, bytes callData)[]"],
      executionData,
    ) as unknown as [[string, bigint, string][]];
    calls = batch.map(([target, value, data]) => ({ target: getAddress(target), value, data }));
  } catch {
    throw new OperationNotSponsoredError("The operation's callData is not a batch of the account's execute");
  }
  if (calls.length === 0) throw new OperationNotSponsoredError("The operation's batch is empty");
  for (const call of calls) {
    const selector = call.data.slice(0, 10).toLowerCase();
    const allowed =
      (call.target === addresses.certificate && certificateSelectors.has(selector)) ||
      (call.target === addresses.garments && garmentsSelectors.has(selector)) ||
      (call.target === getAddress(op.sender) && upkeepSelectors.has(selector));
    if (!allowed)
      throw new OperationNotSponsoredError(
        `Only calls to Hallmark's contracts are relayed: ${call.target} ${selector} is not one`,
      );
    if (call.value !== 0n) throw new OperationNotSponsoredError("Calls carrying ether are not relayed");
  }
  return calls;
}

/** Runs the account's calls at the head as the EntryPoint would (a counterfactual account's, one by one). */
async function simulateCalls(
  chain: PasskeyChain,
  op: PackedUserOperation,
  deployed: boolean,
  calls: readonly AccountCall[],
): Promise<void> {
  try {
    if (deployed) {
      await chain.call({ from: chain.addresses.entryPoint, to: op.sender, data: op.callData });
      return;
    }
    for (const call of calls) {
      // A new account's own upkeep needs its code: the handleOps simulation covers it.
      if (call.target === op.sender) continue;
      await chain.call({ from: op.sender, to: call.target, data: call.data });
    }
  } catch (error) {
    throw refusalOfCall(error);
  }
}

/** The EntryPoint's FailedOp reasons (AAnn codes) and the paymaster's errors, as problems. */
async function refusalOfHandleOps(chain: PasskeyChain, error: unknown, sender: string): Promise<unknown> {
  if (!(error instanceof ChainRefusal)) return error;
  if (error.errorName !== "FailedOp" && error.errorName !== "FailedOpWithRevert")
    return new OperationRefusedError(`The EntryPoint refused the operation: ${error.describe()}`);
  const reason = String(error.args[1]);
  const inner = error.errorName === "FailedOpWithRevert" ? decodeOperationError(String(error.args[2])) : null;
  if (reason.startsWith("AA25"))
    return new ConflictError("This operation's nonce is used: prepare a new one");
  if (reason.startsWith("AA24") || reason.startsWith("AA23"))
    return new PasskeyAssertionError(`The account refused the passkey's signature (${reason})`);
  if (reason.startsWith("AA31"))
    return new DependencyUnavailableError(
      "The brand's sponsoring deposit is too low to pay for this operation: the brand must top it up",
      300,
    );
  if (reason.startsWith("AA33") || reason.startsWith("AA34")) {
    if (inner?.name === "HallmarkAccountDailyLimit" || inner?.name === "HallmarkBrandDailyLimit") {
      const untilTomorrow = 86_400 - ((await chain.headTime()) % 86_400);
      return new RateLimitedError(
        inner.name === "HallmarkAccountDailyLimit"
          ? `Account ${sender} has used its sponsored operations of the day`
          : `Brand ${String(inner.args[0])} has used its sponsored operations of the day`,
        untilTomorrow,
      );
    }
    return new OperationNotSponsoredError(
      `The brand's paymaster refused the operation${inner === null ? ` (${reason})` : `: ${inner.name}`}`,
    );
  }
  return new OperationRefusedError(`The EntryPoint refused the operation: ${reason}`);
}

const USER_OPERATION_EVENT = entryPointInterface.getEvent("UserOperationEvent")!;

function operationSucceeded(
  logs: readonly { topics: readonly string[]; data: string }[],
  hash: string,
): boolean {
  for (const log of logs) {
    if (
      log.topics[0] !== USER_OPERATION_EVENT.topicHash ||
      log.topics[1]?.toLowerCase() !== hash.toLowerCase()
    )
      continue;
    const parsed = entryPointInterface.parseLog({ topics: [...log.topics], data: log.data });
    return parsed?.args.success === true;
  }
  return false;
}
