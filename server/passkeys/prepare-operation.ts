import { getAddress } from "ethers";
import { DependencyUnavailableError, RateLimitedError } from "../errors.js";
import {
  batchCallData,
  packUint128Pair,
  passkeyInitCode,
  paymasterAndData,
  userOperationHash,
} from "../chain/passkey/user-operation.js";
import type { PackedUserOperation } from "../chain/passkey/user-operation.js";
import { challengeOf } from "../chain/passkey/webauthn-signature.js";
import type { PasskeyPublicKey } from "../chain/passkey/webauthn-signature.js";
import { brandOfAction, callsOf, checkAction, refusalOfCall } from "./actions.js";
import type { SponsoredAction } from "./actions.js";
import { OperationNotSponsoredError, OperationRefusedError } from "./errors.js";
import { gasCeiling, operationGas } from "./operation-gas.js";
import type { PasskeyChain } from "./passkey-chain.js";

/**
 * Builds the user operation a passkey owner's phone signs: the verifier writes the calls (Hallmark's
 * contracts only), reads the EntryPoint's nonce, sets the gas limits from estimates at the head, sponsors
 * it by the brand's paymaster, and hands back the operation with the hash the passkey signs (the
 * EntryPoint's getUserOpHash). It refuses first, with the reason, what the chain or the paymaster would
 * refuse: nothing that would fail is prepared.
 */
export interface PrepareRequest {
  account: string;
  /** The account's first passkey; needed when the account is not deployed (its initCode). */
  publicKey?: PasskeyPublicKey;
  action: SponsoredAction;
}

export interface PreparedOperation {
  operation: PackedUserOperation;
  /** EntryPoint.getUserOpHash(operation): what the passkey signs. */
  hash: string;
  /** base64url of the hash: the WebAuthn challenge for navigator.credentials.get(). */
  challenge: string;
  /** Whether the account exists on chain (false: this operation deploys it first). */
  deployed: boolean;
}

export async function prepareOperation(
  chain: PasskeyChain,
  request: PrepareRequest,
): Promise<PreparedOperation> {
  const account = getAddress(request.account);
  const deployed = await chain.isDeployed(account);
  let initCode = "0x";
  if (!deployed) {
    if (request.publicKey === undefined)
      throw new OperationRefusedError(
        `Account ${account} is not deployed yet: send its passkey's publicKey so that this operation deploys it`,
      );
    const predicted = await chain.accountAddress(request.publicKey.qx, request.publicKey.qy);
    if (predicted !== account)
      throw new OperationRefusedError(`This passkey's account is ${predicted}, not ${account}`);
    initCode = passkeyInitCode(chain.addresses.factory, request.publicKey.qx, request.publicKey.qy);
  }
  await checkAction(chain, request.action, account, deployed, request.publicKey);
  const brandId = brandOfAction(request.action);
  await requireSponsorship(chain, account, brandId);

  const calls = callsOf(request.action, account, chain.addresses.certificate);
  const callData = batchCallData(calls);
  let gas;
  try {
    gas = await operationGas(chain, { sender: account, callData, initCode, deployed, calls });
  } catch (error) {
    throw refusalOfCall(error);
  }
  const fees = await chain.fees();
  const { maxCostPerOp } = await chain.limits(brandId);
  const maxCost = gasCeiling(gas) * fees.maxFeePerGas;
  if (maxCost > maxCostPerOp)
    throw new OperationNotSponsoredError(
      `At today's gas price this operation may cost ${maxCost} wei, above the ${maxCostPerOp} wei the brand sponsors per operation: try again when gas is cheaper`,
    );
  if ((await chain.paymasterDeposit()) < maxCost)
    throw new DependencyUnavailableError(
      "The brand's sponsoring deposit is too low to pay for this operation: the brand must top it up",
      300,
    );

  const operation: PackedUserOperation = {
    sender: account,
    nonce: await chain.nonce(account, 0n),
    initCode,
    callData,
    accountGasLimits: packUint128Pair(gas.verificationGasLimit, gas.callGasLimit),
    preVerificationGas: gas.preVerificationGas,
    gasFees: packUint128Pair(fees.maxPriorityFeePerGas, fees.maxFeePerGas),
    paymasterAndData: paymasterAndData(
      chain.addresses.paymaster,
      gas.paymasterVerificationGasLimit,
      gas.paymasterPostOpGasLimit,
    ),
    signature: "0x",
  };
  const hash = userOperationHash(operation, chain.addresses.entryPoint, chain.chainId);
  return { operation, hash, challenge: challengeOf(hash), deployed };
}

/**
 * The paymaster's daily limits (the brand's, which bound the account too), read before anything is signed:
 * an account or brand at its limit gets a 429 with the time until the paymaster's day (block time / 86,400) turns.
 */
export async function requireSponsorship(
  chain: PasskeyChain,
  account: string,
  brandId: number,
): Promise<void> {
  const [limits, accountOps, brandOps] = await Promise.all([
    chain.limits(brandId),
    chain.accountOpsToday(account),
    chain.brandOpsToday(brandId),
  ]);
  if (accountOps < limits.opsPerAccountPerDay && brandOps < limits.opsPerBrandPerDay) return;
  const untilTomorrow = 86_400 - ((await chain.headTime()) % 86_400);
  if (accountOps >= limits.opsPerAccountPerDay)
    throw new RateLimitedError(
      `This account has used its ${limits.opsPerAccountPerDay} sponsored operations of the day`,
      untilTomorrow,
    );
  throw new RateLimitedError(
    brandId === 0
      ? `Account upkeep has used its ${limits.opsPerBrandPerDay} sponsored operations of the day`
      : `Brand ${brandId} has used its ${limits.opsPerBrandPerDay} sponsored operations of the day`,
    untilTomorrow,
  );
}
