/**
 * The whole verifier in-process for browser tests: an EDR chain (Hardhat), the contracts
 * deployed with Ignition and the demo collection seeded through them, Helia on disk in a temp
 * dir, the SQLite index (in memory) fed by the real indexer, and the HTTP app on an ephemeral port.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import HallmarkModule from "../../ignition/modules/Hallmark.js";
import { createMetadataStore } from "../../server/ipfs/create-metadata-store.js";
import type { MetadataStore } from "../../server/ipfs/metadata-store.js";
import { loadConfig } from "../../server/config.js";
import type { Deployments } from "../../server/chain/deployments.js";
import { startVerifier } from "../../server/main.js";
import type { VerifierHandle } from "../../server/main.js";
import { DEMO_BRAND_SALTS, DEMO_GS1_PREFIXES, seedDemo } from "../../scripts/demo/seed.js";
import { demoTagKeystores } from "../../scripts/demo/tags.js";
import type { DemoSummary } from "../../scripts/demo/seed.js";
import { makeTempDir } from "../server/support/temp-dir.js";
import { hardhatDevAccount, writeKeystore } from "../../server/issuer/keystore.js";
import { deployPasskeyAccounts } from "../../scripts/deploy/deploy-passkey-accounts.js";

/** Maison Aurelle (brand 1) sponsors its customers' claims from this key: POST /v1/claims sends from it. */
const RELAY_ACCOUNT = 12;
const RELAY_PASSWORD = "e2e-relay-password";
/** With `passkeys`: the verifier relays passkey accounts' user operations from this key (#17). */
const PASSKEY_RELAYER_ACCOUNT = 13;

export interface E2eStack {
  url: string;
  /**
   * HALLMARK_PUBLIC_URL: the same server under another name (localhost instead of 127.0.0.1), so a
   * test can tell a link built from the configuration from one built from the request.
   */
  publicUrl: string;
  ethers: HardhatEthers;
  demo: DemoSummary;
  deployments: Deployments;
  verifier: VerifierHandle;
  /** Resolves once the index has applied every block up to the current head. */
  indexed(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `env`: settings over the stack's own (the API doc scenes run with the default rate limit).
 * `passkeys`: also the passkey accounts' contracts (EntryPoint, factory, a paymaster with a deposit)
 * and a relayer key, so the verifier serves its passkey routes (#17).
 */
export async function startE2eStack(
  options: { env?: Record<string, string>; passkeys?: boolean } = {},
): Promise<E2eStack> {
  const connection = await network.create();
  const { ethers, ignition } = connection;
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
  const deployments: Deployments = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    startBlock,
    contracts: {
      BrandRegistry: await registry.getAddress(),
      HallmarkCertificate: await certificate.getAddress(),
      HallmarkGarments: await garments.getAddress(),
    },
  };
  if (options.passkeys === true)
    deployments.contracts = {
      ...deployments.contracts,
      ...(await deployPasskeyAccounts(connection, {
        registry: deployments.contracts.BrandRegistry,
        certificate: deployments.contracts.HallmarkCertificate,
        garments: deployments.contracts.HallmarkGarments,
        depositWei: 10n ** 18n,
      })),
    };

  const dir = await makeTempDir("e2e");
  let metadataStore: MetadataStore | undefined;
  let verifier: VerifierHandle | undefined;
  try {
    metadataStore = await createMetadataStore({
      mode: "embedded",
      directory: `${dir.path}/ipfs`,
      gateways: [],
      readTimeoutMs: 5_000,
      maxGatewayResponseBytes: 64 * 1024 * 1024,
    });
    const demo = await seedDemo(ethers, { registry, certificate, garments }, metadataStore);
    const keystore = `${dir.path}/keys/brand-1-issuer.json`;
    await writeKeystore(keystore, hardhatDevAccount(RELAY_ACCOUNT), RELAY_PASSWORD, { scryptN: 1 << 12 });
    const relayer = `${dir.path}/keys/passkey-relayer.json`;
    if (options.passkeys === true)
      await writeKeystore(relayer, hardhatDevAccount(PASSKEY_RELAYER_ACCOUNT), RELAY_PASSWORD, {
        scryptN: 1 << 12,
      });
    // The demo brand's tag keystore (master key and tag oracle, as npm start loads them).
    const tagKeystore = (await demoTagKeystores(dir.path)).get(1)!;
    const port = await freePort();
    const publicUrl = `http://localhost:${port}`;
    const config = loadConfig({
      HALLMARK_PORT: String(port),
      HALLMARK_PUBLIC_URL: publicUrl,
      HALLMARK_HOST: "127.0.0.1",
      HALLMARK_DATA_DIR: dir.path,
      HALLMARK_CONFIRMATIONS: "0",
      HALLMARK_POLL_INTERVAL_MS: "100",
      HALLMARK_BRAND_SALTS: JSON.stringify(DEMO_BRAND_SALTS),
      HALLMARK_GS1_PREFIXES: JSON.stringify(DEMO_GS1_PREFIXES),
      HALLMARK_LOG_LEVEL: "silent",
      HALLMARK_RATE_LIMIT_PER_MINUTE: "100000",
      HALLMARK_ISSUER_KEYSTORES: JSON.stringify({ "1": { keystore, passwordEnv: "E2E_RELAY_PASSWORD" } }),
      E2E_RELAY_PASSWORD: RELAY_PASSWORD,
      ...(options.passkeys === true
        ? {
            HALLMARK_RELAYER_KEYSTORE: JSON.stringify({
              keystore: relayer,
              passwordEnv: "E2E_RELAY_PASSWORD",
            }),
          }
        : {}),
      HALLMARK_TAG_KEYSTORES: JSON.stringify({
        "1": { keystore: tagKeystore.keystore, passwordEnv: "E2E_TAG_PASSWORD" },
      }),
      E2E_TAG_PASSWORD: tagKeystore.password() ?? "",
      ...options.env,
    });
    const started = await startVerifier({
      config,
      provider: connection.provider,
      deployments,
      metadataStore,
      indexLocation: ":memory:",
      handleSignals: false,
      drainTimeoutMs: 1_000,
    });
    verifier = started;
    const store = metadataStore;
    const indexed = async (): Promise<void> => {
      const head = await ethers.provider.getBlockNumber();
      for (let i = 0; i < 300; i++) {
        if (started.store.status().indexedBlock >= head) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`index stuck below block ${head}`);
    };
    await indexed();
    return {
      url: started.url,
      publicUrl,
      ethers,
      demo,
      deployments,
      verifier: started,
      indexed,
      close: async () => {
        await started.close();
        await store.close();
        await connection.close();
        await dir.remove();
      },
    };
  } catch (error) {
    await verifier?.close();
    await metadataStore?.close();
    await connection.close();
    await dir.remove();
    throw error;
  }
}

/** A port free on 127.0.0.1 right now (the public URL must name the port before the server listens). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type { HardhatEthersSigner };
