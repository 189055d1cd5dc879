import { getAddress, Interface, ZeroAddress } from "ethers";
import { NotFoundError, ConflictError } from "../errors.js";
import type { AccountCall } from "../chain/passkey/user-operation.js";
import { passkeyAccountInterface } from "../chain/passkey/user-operation.js";
import type { PasskeyPublicKey } from "../chain/passkey/webauthn-signature.js";
import { NotOwnerError, OperationRefusedError } from "./errors.js";
import type { PasskeyChain } from "./passkey-chain.js";
import { ChainRefusal } from "./passkey-chain.js";

/**
 * What a passkey owner may ask the verifier to sponsor, as the calls of the account's ERC-7821 batch. The
 * verifier writes every call itself, to Hallmark's contracts or the account's own upkeep only; the page
 * names the action, never a target or calldata.
 */
export type SponsoredAction =
  | { type: "transfer"; certificateId: bigint; to: string }
  | { type: "reportStolen"; certificateId: bigint; reason?: string }
  | { type: "addPasskey"; publicKey: PasskeyPublicKey }
  | { type: "removePasskey"; publicKey: PasskeyPublicKey }
  | { type: "setRecovery"; recoverer: string; delay: number }
  | { type: "cancelRecovery" };

/** The account's recovery delay must be at least this (HallmarkPasskeyAccount.MIN_RECOVERY_DELAY). */
export const MIN_RECOVERY_DELAY_SECONDS = 2 * 24 * 3600;
/** SignerPasskeys.MAX_PASSKEYS. */
export const MAX_PASSKEYS = 8;

const certificateCalls = new Interface([
  "function transferFrom(address from, address to, uint256 tokenId)",
  "function reportStolen(uint256 tokenId, string reason)",
]);

/** The reason written on-chain when the owner gives none (the event carries it; short is cheap). */
export const DEFAULT_STOLEN_REASON = "reported stolen by its owner";

/** The brand whose daily budget an action spends: a token id's top 32 bits; 0 for account upkeep. */
export function brandOfAction(action: SponsoredAction): number {
  return "certificateId" in action ? Number(action.certificateId >> 224n) : 0;
}

export function callsOf(action: SponsoredAction, account: string, certificate: string): AccountCall[] {
  const call = (target: string, data: string): AccountCall => ({ target, value: 0n, data });
  switch (action.type) {
    case "transfer":
      // transferFrom, not safeTransferFrom: a buyer's passkey account is usually not deployed yet (no hook
      // to call), and the certificate's transfer rules (stolen, revoked) sit in its _update either way.
      return [
        call(
          certificate,
          certificateCalls.encodeFunctionData("transferFrom", [account, action.to, action.certificateId]),
        ),
      ];
    case "reportStolen":
      return [
        call(
          certificate,
          certificateCalls.encodeFunctionData("reportStolen", [
            action.certificateId,
            action.reason ?? DEFAULT_STOLEN_REASON,
          ]),
        ),
      ];
    case "addPasskey":
    case "removePasskey":
      return [
        call(
          account,
          passkeyAccountInterface.encodeFunctionData(action.type, [action.publicKey.qx, action.publicKey.qy]),
        ),
      ];
    case "setRecovery":
      return [
        call(
          account,
          passkeyAccountInterface.encodeFunctionData("setRecovery", [action.recoverer, action.delay]),
        ),
      ];
    case "cancelRecovery":
      return [call(account, passkeyAccountInterface.encodeFunctionData("cancelRecovery", []))];
  }
}

/**
 * Refuses, with the reason, what the chain would refuse: a piece the account does not own, a stolen or
 * revoked piece, a passkey already there or the last one, a recovery delay too short, no recovery to
 * cancel. `deployed` false: the account is counterfactual and holds exactly `initialKey`.
 */
export async function checkAction(
  chain: PasskeyChain,
  action: SponsoredAction,
  account: string,
  deployed: boolean,
  initialKey: PasskeyPublicKey | undefined,
): Promise<void> {
  switch (action.type) {
    case "transfer":
    case "reportStolen": {
      const owner = await chain.ownerOf(action.certificateId);
      if (owner === null) throw new NotFoundError(`No certificate ${action.certificateId.toString()}`);
      if (owner !== getAddress(account))
        throw new NotOwnerError(
          `Certificate ${action.certificateId.toString()} is not held by ${getAddress(account)}: its owner is ${owner}`,
        );
      const status = await chain.statusOf(action.certificateId);
      if (status !== "active")
        throw new OperationRefusedError(
          `Certificate ${action.certificateId.toString()} is ${status}: it can be neither moved nor reported again`,
        );
      if (action.type === "transfer") {
        if (action.to === ZeroAddress)
          throw new OperationRefusedError("A certificate cannot go to the zero address");
        if (getAddress(action.to) === owner)
          throw new OperationRefusedError("The certificate is already held by this account");
      }
      return;
    }
    case "addPasskey": {
      const present = deployed
        ? await chain.isPasskey(account, action.publicKey.qx, action.publicKey.qy)
        : sameKey(action.publicKey, initialKey);
      if (present) throw new ConflictError("This passkey is already one of the account's");
      if (deployed && (await chain.passkeyCount(account)) >= MAX_PASSKEYS)
        throw new OperationRefusedError(
          `An account holds at most ${MAX_PASSKEYS} passkeys: remove one first`,
        );
      return;
    }
    case "removePasskey": {
      if (!deployed) throw new OperationRefusedError("The account's only passkey cannot be removed");
      if (!(await chain.isPasskey(account, action.publicKey.qx, action.publicKey.qy)))
        throw new OperationRefusedError("This passkey is not one of the account's");
      if ((await chain.passkeyCount(account)) <= 1)
        throw new OperationRefusedError("The account's last passkey cannot be removed");
      return;
    }
    case "setRecovery":
      if (action.recoverer !== ZeroAddress && action.delay < MIN_RECOVERY_DELAY_SECONDS)
        throw new OperationRefusedError(
          `A recovery delay must be at least ${MIN_RECOVERY_DELAY_SECONDS} seconds (2 days), so that the owner has time to cancel`,
        );
      if (getAddress(action.recoverer) === getAddress(account))
        throw new OperationRefusedError("An account cannot be its own recoverer");
      return;
    case "cancelRecovery":
      if (!deployed || !(await chain.hasPendingRecovery(account)))
        throw new OperationRefusedError("No recovery is pending on this account");
      return;
  }
}

function sameKey(a: PasskeyPublicKey, b: PasskeyPublicKey | undefined): boolean {
  return b !== undefined && BigInt(a.qx) === BigInt(b.qx) && BigInt(a.qy) === BigInt(b.qy);
}

/**
 * A refusal met while simulating an operation's calls, as the problem a page shows: not the owner (403),
 * a stolen or revoked piece (422), or the chain's own reason.
 */
export function refusalOfCall(error: unknown): unknown {
  if (!(error instanceof ChainRefusal)) return error;
  switch (error.errorName) {
    case "ERC721IncorrectOwner":
    case "ERC721InsufficientApproval":
    case "HallmarkUnauthorizedStatusChange":
      return new NotOwnerError(`The account does not own this piece (${error.describe()})`);
    case "ERC721NonexistentToken":
      return new NotFoundError(`No such certificate (${error.describe()})`);
    case "HallmarkCertificateLocked":
    case "HallmarkInvalidStatusChange":
      return new OperationRefusedError(`The piece is stolen or revoked: ${error.describe()}`);
    default:
      return new OperationRefusedError(`The chain would refuse this operation: ${error.describe()}`);
  }
}
