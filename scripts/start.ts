/**
 * `npm start`: the whole stack on one machine. Today: the in-process Hardhat (EDR) chain, the contracts
 * deployed with Ignition, a seeded demo collection and the deployments file the verifier reads.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import HallmarkModule from "../ignition/modules/Hallmark.js";
import { createMetadataStore } from "../server/ipfs/create-metadata-store.js";
import { ipfsConfigFromEnv } from "../server/ipfs/ipfs-config.js";
import { seedDemo } from "./demo/seed.js";

const dataDir = path.resolve(process.env.HALLMARK_DATA_DIR ?? ".hallmark");
const deploymentsFile = path.resolve(
  process.env.HALLMARK_DEPLOYMENTS ?? path.join(dataDir, "deployments.json"),
);

const { ignition, ethers } = await network.create();
const [deployer] = await ethers.getSigners();
const startBlock = await ethers.provider.getBlockNumber();
const deployed = await ignition.deploy(HallmarkModule, {
  parameters: { Hallmark: { groupAdmin: deployer.address, adminDelay: 2n * 24n * 3600n } },
  displayUi: false,
});
const registry = await ethers.getContractAt("BrandRegistry", await deployed.registry.getAddress());
const certificate = await ethers.getContractAt(
  "HallmarkCertificate",
  await deployed.certificate.getAddress(),
);
const garments = await ethers.getContractAt("HallmarkGarments", await deployed.garments.getAddress());

const { chainId } = await ethers.provider.getNetwork();
const deployments = {
  chainId: Number(chainId),
  startBlock,
  contracts: {
    BrandRegistry: await registry.getAddress(),
    HallmarkCertificate: await certificate.getAddress(),
    HallmarkGarments: await garments.getAddress(),
  },
};
await mkdir(path.dirname(deploymentsFile), { recursive: true });
await writeFile(deploymentsFile, JSON.stringify(deployments, null, 2) + "\n");

const metadataStore = await createMetadataStore(ipfsConfigFromEnv());
const summary = await seedDemo(ethers, { registry, certificate, garments }, metadataStore);
await metadataStore.close();
console.log(`Hallmark local stack on chain ${deployments.chainId}`);
console.log(`  BrandRegistry        ${deployments.contracts.BrandRegistry}`);
console.log(`  HallmarkCertificate  ${deployments.contracts.HallmarkCertificate}`);
console.log(`  HallmarkGarments     ${deployments.contracts.HallmarkGarments}`);
console.log(`  deployments file     ${deploymentsFile}`);
console.log(
  `Demo collection: ${summary.brands} brands, ${summary.certificates} certificates, ${summary.designs} garment designs`,
);
for (const line of summary.highlights) console.log(`  ${line}`);
