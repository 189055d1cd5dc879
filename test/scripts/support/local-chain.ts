import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import type { Signer } from "ethers";
import { network } from "hardhat";
import { BRAND_ROLES, connectHallmark } from "../../../server/issuer/contracts.js";
import type { HallmarkContracts } from "../../../server/issuer/contracts.js";
import { hardhatDevAccount, writeKeystore } from "../../../server/issuer/keystore.js";
import { BrandRegistry__factory } from "../../../types/ethers-contracts/factories/contracts/registry/BrandRegistry__factory.js";
import { HallmarkCertificate__factory } from "../../../types/ethers-contracts/factories/contracts/certificate/HallmarkCertificate__factory.js";
import { HallmarkGarments__factory } from "../../../types/ethers-contracts/factories/contracts/garments/HallmarkGarments__factory.js";

/**
 * A real JSON-RPC chain (Hardhat's EDR behind an HTTP server on 127.0.0.1) with the Hallmark
 * contracts deployed and one brand registered: what the CLI meets on `npm start`, for tests and
 * the mint benchmark that run the CLI as a separate process.
 */
export const DEV_ACCOUNTS = {
  groupAdmin: 0,
  brandAdmin: 1,
  issuer: 2,
  vault: 3,
  partner: 4,
  buyer: 5,
} as const;

export interface LocalChain {
  url: string;
  provider: JsonRpcProvider;
  contracts: HallmarkContracts;
  deploymentsFile: string;
  brandId: number;
  brandSalt: string;
  signer(account: keyof typeof DEV_ACCOUNTS): Signer;
  address(account: keyof typeof DEV_ACCOUNTS): string;
  /** Writes an encrypted keystore for a dev account (cheap scrypt: the key is public anyway). */
  keystore(account: keyof typeof DEV_ACCOUNTS, file: string, password: string): Promise<string>;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function startLocalChain(directory: string): Promise<LocalChain> {
  const server = await network.createServer("default", "127.0.0.1", 0);
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  // No call cache: back-to-back transactions must each read the fresh "pending" nonce.
  const provider = new JsonRpcProvider(url, undefined, { pollingInterval: 100, cacheTimeout: -1 });
  const signers = new Map<string, Signer>();
  const signer = (account: keyof typeof DEV_ACCOUNTS): Signer => {
    let s = signers.get(account);
    if (s === undefined)
      signers.set(account, (s = hardhatDevAccount(DEV_ACCOUNTS[account]).connect(provider)));
    return s;
  };
  const address = (account: keyof typeof DEV_ACCOUNTS) => hardhatDevAccount(DEV_ACCOUNTS[account]).address;

  const startBlock = await provider.getBlockNumber();
  const admin = signer("groupAdmin");
  const registry = await (
    await new BrandRegistry__factory(admin).deploy(0, address("groupAdmin"))
  ).waitForDeployment();
  const certificate = await (
    await new HallmarkCertificate__factory(admin).deploy(await registry.getAddress())
  ).waitForDeployment();
  const garments = await (
    await new HallmarkGarments__factory(admin).deploy(
      await registry.getAddress(),
      await certificate.getAddress(),
    )
  ).waitForDeployment();
  await (await certificate.setTwinContract(await garments.getAddress())).wait();
  const { chainId } = await provider.getNetwork();
  const deployments = {
    chainId: Number(chainId),
    startBlock,
    contracts: {
      BrandRegistry: await registry.getAddress(),
      HallmarkCertificate: await certificate.getAddress(),
      HallmarkGarments: await garments.getAddress(),
    },
  };
  const deploymentsFile = path.join(directory, "deployments.json");
  await mkdir(directory, { recursive: true });
  await writeFile(deploymentsFile, JSON.stringify(deployments, null, 2));
  const contracts = connectHallmark({ ...deployments, contracts: { ...deployments.contracts } }, provider);

  await (
    await contracts.registry
      .connect(admin)
      .registerBrand("Maison Test", "", address("brandAdmin"), address("vault"), address("brandAdmin"), 500)
  ).wait();
  const brandId = 1;
  const brandAdmin = signer("brandAdmin");
  await (
    await contracts.registry
      .connect(brandAdmin)
      .grantBrandRole(brandId, BRAND_ROLES.issuer, address("issuer"))
  ).wait();
  await (
    await contracts.registry
      .connect(brandAdmin)
      .grantBrandRole(brandId, BRAND_ROLES["resale-partner"], address("partner"))
  ).wait();
  const brandSalt = "0x" + "5a".repeat(32);
  await writeFile(path.join(directory, "brand-salts.json"), JSON.stringify({ [brandId]: brandSalt }));

  return {
    url,
    provider,
    contracts,
    deploymentsFile,
    brandId,
    brandSalt,
    signer,
    address,
    keystore: (account, file, password) =>
      writeKeystore(file, hardhatDevAccount(DEV_ACCOUNTS[account]), password, {
        scryptN: 1 << 10,
        overwrite: true,
      }),
    rpc: (method, params = []) => provider.send(method, params) as Promise<unknown>,
    async close() {
      provider.destroy();
      await server.close();
    },
  };
}
