/**
 * `npm run deploy -- --network <name>` (hardhat run scripts/deploy.ts): deploys the Hallmark contracts to a
 * chain with the Ignition module and writes the deployments file the verifier reads (HALLMARK_DEPLOYMENTS, by
 * default .hallmark/deployments.json), with the block of the first contract creation as the indexer's start.
 *
 * The `remote` network of hardhat.config.ts takes its endpoint and key from HALLMARK_RPC_URL and
 * HALLMARK_DEPLOYER_KEY (environment or `npx hardhat keystore set`). Optional settings:
 *   HALLMARK_GROUP_ADMIN          first group admin (default: the deployer); a multisig on a real chain
 *   HALLMARK_ADMIN_DELAY_SECONDS  delay of a group-admin hand-over (default: two days)
 *   HALLMARK_DEPLOYMENT_ID        Ignition deployment id (default: chain-<chain id>); the same id resumes
 */
import { getAddress } from "ethers";
import { network } from "hardhat";
import { z } from "zod";
import { loadConfig } from "../server/config.js";
import { deployHallmark } from "./deploy/deploy-hallmark.js";
import { deployPasskeyAccounts } from "./deploy/deploy-passkey-accounts.js";
import { writeDeploymentsFile } from "./deploy/deployments-file.js";

const DeployEnv = z.object({
  HALLMARK_GROUP_ADMIN: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "an address")
    .transform((value) => getAddress(value.toLowerCase()))
    .optional(),
  HALLMARK_ADMIN_DELAY_SECONDS: z
    .string()
    .regex(/^[0-9]+$/, "whole seconds")
    .transform((value) => BigInt(value))
    .optional(),
  HALLMARK_DEPLOYMENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _")
    .optional(),
});

const env = DeployEnv.parse(process.env);
const { deploymentsFile } = loadConfig();
const connection = await network.create();
try {
  const { deployments } = await deployHallmark(connection, {
    groupAdmin: env.HALLMARK_GROUP_ADMIN,
    adminDelaySeconds: env.HALLMARK_ADMIN_DELAY_SECONDS,
    deploymentId: env.HALLMARK_DEPLOYMENT_ID,
    displayUi: process.stdout.isTTY,
  });
  // Passkey accounts: the EntryPoint where none exists, the factory and the paymaster (funded separately).
  const passkeys = await deployPasskeyAccounts(connection, {
    registry: deployments.contracts.BrandRegistry,
    certificate: deployments.contracts.HallmarkCertificate,
    garments: deployments.contracts.HallmarkGarments,
    deploymentId: env.HALLMARK_DEPLOYMENT_ID,
    displayUi: process.stdout.isTTY,
  });
  deployments.contracts = { ...deployments.contracts, ...passkeys };
  await writeDeploymentsFile(deploymentsFile, deployments);
  const { contracts } = deployments;
  console.log(`Hallmark deployed on chain ${deployments.chainId} (network ${connection.networkName}) from block ${deployments.startBlock}
  registry      ${contracts.BrandRegistry}
  certificates  ${contracts.HallmarkCertificate}
  garments      ${contracts.HallmarkGarments}
  entry point   ${passkeys.EntryPoint}
  account factory ${passkeys.HallmarkPasskeyAccountFactory}
  paymaster     ${passkeys.HallmarkPaymaster} (fund it: paymaster.deposit{value})
  deployments   ${deploymentsFile}`);
} finally {
  await connection.close();
}
