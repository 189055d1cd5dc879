/**
 * Deploys passkey accounts' contracts beside a deployed brand group (issue #17): the EntryPoint v0.8 where the
 * chain has none at its canonical address, then the account factory and the paymaster (Ignition modules
 * EntryPoint and PasskeyAccounts). Returns the addresses the deployments file carries.
 */
import { getAddress } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import EntryPointModule from "../../ignition/modules/EntryPoint.js";
import PasskeyAccountsModule from "../../ignition/modules/PasskeyAccounts.js";

/** Where the EntryPoint v0.8 lives on chains that have it (its deterministic deployment). */
export const CANONICAL_ENTRY_POINT_V08 = getAddress("0x4337084d9e255ff0702461cf8895ce9e3b5ff108");

export interface PasskeyAccountsOptions {
  registry: string;
  certificate: string;
  garments: string;
  /** Wei put on the paymaster's EntryPoint deposit; default none. */
  depositWei?: bigint;
  deploymentId?: string;
  displayUi?: boolean;
}

export interface PasskeyAccountsAddresses {
  EntryPoint: string;
  HallmarkPasskeyAccountFactory: string;
  HallmarkPaymaster: string;
}

export async function deployPasskeyAccounts(
  connection: NetworkConnection,
  options: PasskeyAccountsOptions,
): Promise<PasskeyAccountsAddresses> {
  const { ethers, ignition } = connection;
  const common = { deploymentId: options.deploymentId, displayUi: options.displayUi ?? false };
  let entryPoint = CANONICAL_ENTRY_POINT_V08;
  if ((await ethers.provider.getCode(entryPoint)) === "0x") {
    const deployed = await ignition.deploy(EntryPointModule, common);
    entryPoint = getAddress(await deployed.entryPoint.getAddress());
  }
  const { factory, paymaster } = await ignition.deploy(PasskeyAccountsModule, {
    ...common,
    parameters: {
      PasskeyAccounts: {
        entryPoint,
        registry: options.registry,
        certificate: options.certificate,
        garments: options.garments,
        deposit: options.depositWei ?? 0n,
      },
    },
  });
  return {
    EntryPoint: entryPoint,
    HallmarkPasskeyAccountFactory: getAddress(await factory.getAddress()),
    HallmarkPaymaster: getAddress(await paymaster.getAddress()),
  };
}
