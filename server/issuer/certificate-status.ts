import type { Signer } from "ethers";
import { InvalidInputError } from "../errors.js";
import type { HallmarkContracts } from "./contracts.js";
import { callContract } from "./transactions.js";
import type { CallOutcome } from "./transactions.js";

/** Containment: report stolen (owner or brand admin), revoke and restore (brand admin). */
export const STATUS_ACTIONS = { stolen: "reportStolen", revoke: "revoke", restore: "restore" } as const;

export type StatusAction = keyof typeof STATUS_ACTIONS;

export async function changeCertificateStatus(options: {
  contracts: HallmarkContracts;
  signer: Signer;
  tokenId: bigint;
  action: StatusAction;
  reason: string;
  dryRun?: boolean;
  confirmations?: number;
}): Promise<CallOutcome> {
  const method = STATUS_ACTIONS[options.action];
  if (method === undefined)
    throw new InvalidInputError(`Unknown status action "${options.action}" (stolen, revoke or restore)`);
  if (options.reason.trim() === "")
    throw new InvalidInputError("A status change needs a reason: it is public and audited");
  return callContract(
    options.contracts.certificate.connect(options.signer),
    method,
    [options.tokenId, options.reason],
    options,
  );
}
