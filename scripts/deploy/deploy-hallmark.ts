/**
 * Deploys the Hallmark contracts with the Ignition module and describes the deployment as the verifier's
 * deployments file does: chain id, the block to start indexing from, the three addresses.
 */
import path from "node:path";
import { listTransactions, TransactionStatus } from "@nomicfoundation/ignition-core";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import HallmarkModule from "../../ignition/modules/Hallmark.js";
import type { Deployments } from "../../server/chain/deployments.js";

export interface DeployHallmarkOptions {
  /** The first group admin; the module's default is the deployer (account 0). */
  groupAdmin?: string;
  /** Seconds a new group admin waits before accepting the role; the module's default is two days. */
  adminDelaySeconds?: bigint;
  /**
   * Ignition deployment id (its journal under ignition/deployments/ on a real chain); default `chain-<id>`.
   * Running again with the same id resumes or reuses that deployment.
   */
  deploymentId?: string;
  /** Ignition's progress display (for a person at a terminal). */
  displayUi?: boolean;
}

type Ethers = NetworkConnection["ethers"];

export async function deployHallmark(connection: NetworkConnection, options: DeployHallmarkOptions = {}) {
  const { ethers, ignition } = connection;
  const headBefore = await ethers.provider.getBlockNumber();
  const parameters: Record<string, string | bigint> = {};
  if (options.groupAdmin !== undefined) parameters.groupAdmin = options.groupAdmin;
  if (options.adminDelaySeconds !== undefined) parameters.adminDelay = options.adminDelaySeconds;
  const deployed = await ignition.deploy(HallmarkModule, {
    parameters: { Hallmark: parameters },
    deploymentId: options.deploymentId,
    displayUi: options.displayUi ?? false,
  });
  const registry = await ethers.getContractAt("BrandRegistry", await deployed.registry.getAddress());
  const certificate = await ethers.getContractAt(
    "HallmarkCertificate",
    await deployed.certificate.getAddress(),
  );
  const garments = await ethers.getContractAt("HallmarkGarments", await deployed.garments.getAddress());
  const contracts = {
    BrandRegistry: await registry.getAddress(),
    HallmarkCertificate: await certificate.getAddress(),
    HallmarkGarments: await garments.getAddress(),
  };

  const { chainId } = await ethers.provider.getNetwork();
  // Ignition keeps a journal of a real chain's deployment (which may have started in an earlier run), none of
  // an in-process chain's, where this run deployed everything.
  const creations =
    connection.networkConfig.type === "edr-simulated"
      ? await creationsMinedAfter(ethers, headBefore)
      : await creationsInJournal(
          path.join(hre.config.paths.ignition, "deployments", options.deploymentId ?? `chain-${chainId}`),
        );
  const deployments: Deployments = {
    chainId: Number(chainId),
    startBlock: await firstCreationBlock(ethers, creations, Object.values(contracts)),
    contracts,
  };
  return { deployments, contracts: { registry, certificate, garments } };
}

/** Transaction hashes of every contract creation mined after `block`. */
async function creationsMinedAfter(ethers: Ethers, block: number): Promise<string[]> {
  const head = await ethers.provider.getBlockNumber();
  const hashes: string[] = [];
  for (let n = block + 1; n <= head; n++) {
    const mined = await ethers.provider.getBlock(n);
    if (mined !== null) hashes.push(...mined.transactions);
  }
  return hashes;
}

/** Transaction hashes of the successful contract creations an Ignition deployment's journal records. */
async function creationsInJournal(deploymentDir: string): Promise<string[]> {
  // listTransactions does not use its artifact resolver; it takes one for future use.
  const unusedResolver = { loadArtifact: () => Promise.reject(new Error("not needed")) };
  const transactions = await listTransactions(deploymentDir, unusedResolver);
  return transactions
    .filter((tx) => tx.address !== undefined && tx.status === TransactionStatus.SUCCESS)
    .map((tx) => tx.txHash);
}

/**
 * The earliest block among the receipts that created `addresses`: where the indexer starts. Every address must
 * have its creation receipt among `hashes`.
 */
async function firstCreationBlock(ethers: Ethers, hashes: string[], addresses: string[]): Promise<number> {
  const blocks = new Map<string, number>();
  for (const hash of hashes) {
    const receipt = await ethers.provider.getTransactionReceipt(hash);
    if (receipt?.status === 1 && receipt.contractAddress !== null) {
      blocks.set(receipt.contractAddress.toLowerCase(), receipt.blockNumber);
    }
  }
  const missing = addresses.filter((address) => !blocks.has(address.toLowerCase()));
  if (missing.length > 0) throw new Error(`no creation receipt found for ${missing.join(", ")}`);
  return Math.min(...addresses.map((address) => blocks.get(address.toLowerCase()) ?? Infinity));
}
