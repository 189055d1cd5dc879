/**
 * `npm start`: the whole stack on one machine.
 *
 * Without HALLMARK_RPC_URL: the in-process Hardhat (EDR) chain, exposed over JSON-RPC on 127.0.0.1:8545
 * (HALLMARK_CHAIN_PORT) for the CLI and wallets; the contracts deployed with Ignition; the embedded IPFS
 * node; a seeded demo collection; then the verifier (indexer + API) on http://127.0.0.1:8080.
 * With HALLMARK_RPC_URL: only the verifier, against that chain, its deployments file and IPFS node.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { loadConfig } from "../server/config.js";
import { createMetadataStore } from "../server/ipfs/create-metadata-store.js";
import { startVerifier } from "../server/main.js";
import { exitOnSignals } from "../server/shutdown.js";
import { demoIssuerKeystores } from "./demo/issuer-keys.js";
import { DEMO_BRAND_SALTS, DEMO_GS1_PREFIXES, seedDemo } from "./demo/seed.js";
import { demoTagKeystores, tapDemoTag, writeDemoTags } from "./demo/tags.js";
import { deployHallmark } from "./deploy/deploy-hallmark.js";
import { deployPasskeyAccounts } from "./deploy/deploy-passkey-accounts.js";
import { writeDeploymentsFile } from "./deploy/deployments-file.js";
import { startJsonRpcBridge } from "./local/json-rpc-bridge.js";

const localChain = process.env.HALLMARK_RPC_URL === undefined || process.env.HALLMARK_RPC_URL === "";
/** The verifier drains requests for up to 10 s; the rest must close within the remainder. */
const SHUTDOWN_LIMIT_MS = 20_000;

if (!localChain) {
  const verifier = await startVerifier({ config: loadConfig() });
  console.log(`Hallmark verifier on ${verifier.url} (chain ${verifier.deployments.chainId})`);
} else {
  // The local chain automines one block per transaction: nothing to wait for, and it starts fresh each time.
  process.env.HALLMARK_CONFIRMATIONS ??= "0";
  process.env.HALLMARK_POLL_INTERVAL_MS ??= "250";
  process.env.HALLMARK_BRAND_SALTS ??= JSON.stringify(DEMO_BRAND_SALTS);
  process.env.HALLMARK_GS1_PREFIXES ??= JSON.stringify(DEMO_GS1_PREFIXES);
  const config = loadConfig();

  const connection = await network.create();
  const { ethers } = connection;
  const bridge = await startJsonRpcBridge(
    connection.provider,
    Number(process.env.HALLMARK_CHAIN_PORT ?? 8545),
  );

  const [deployer] = await ethers.getSigners();
  const {
    deployments,
    contracts: { registry, certificate, garments },
  } = await deployHallmark(connection, { groupAdmin: deployer.address, adminDelaySeconds: 2n * 24n * 3600n });
  // Passkey accounts (#17): EntryPoint, account factory and a paymaster with 100 ETH of sponsoring.
  deployments.contracts = {
    ...deployments.contracts,
    ...(await deployPasskeyAccounts(connection, {
      registry: deployments.contracts.BrandRegistry,
      certificate: deployments.contracts.HallmarkCertificate,
      garments: deployments.contracts.HallmarkGarments,
      depositWei: 100n * 10n ** 18n,
    })),
  };
  await writeDeploymentsFile(config.deploymentsFile, deployments);

  const metadataStore = await createMetadataStore(config.ipfs);
  const summary = await seedDemo(ethers, { registry, certificate, garments }, metadataStore);
  await writeFile(
    path.join(config.dataDir, "demo-claim-codes.json"),
    JSON.stringify(summary.claimCodes, null, 2) + "\n",
    { mode: 0o600 },
  );

  // The demo brands' issuer keys, unless the operator configured keystores: the issuer API and the
  // claim relay then work for the demo collection.
  const signers = await ethers.getSigners();
  const issuerKeystores =
    config.issuerKeystores.size > 0
      ? config.issuerKeystores
      : await demoIssuerKeystores(
          config.dataDir,
          summary.issuers.map((issuer) => ({
            ...issuer,
            devAccountIndex: signers.findIndex((signer) => signer.address === issuer.address),
          })),
        );
  // The demo brand's tag master key (public, demo only), unless the operator configured tag keystores.
  const tagKeystores =
    config.tagKeystores.size > 0 ? config.tagKeystores : await demoTagKeystores(config.dataDir);
  const verifier = await startVerifier({
    config: { ...config, issuerKeystores, tagKeystores },
    provider: connection.provider,
    deployments,
    metadataStore,
    handleSignals: false,
  });
  // Every part is closed even if one fails; a hung part can't keep the process alive past the limit.
  exitOnSignals(
    [
      { name: "verifier", run: () => verifier.close() },
      { name: "IPFS node", run: () => metadataStore.close() },
      { name: "JSON-RPC bridge", run: () => bridge.close() },
      { name: "local chain", run: () => connection.close() },
    ],
    {
      timeoutMs: SHUTDOWN_LIMIT_MS,
      log: {
        info: (message) => console.log(message),
        error: (message, error) => console.error(message, error ?? ""),
      },
    },
  );

  const api = verifier.url;
  const { tokens } = summary;
  // The demo pieces' simulated NTAG 424 DNA tags: a fresh link for the banner, `hallmark tags tap` for more.
  await writeDemoTags(config.dataDir, {
    verifierUrl: config.publicUrl ?? api,
    tags: summary.tags.map((tag) => ({ ...tag, lastCounter: 0 })),
  });
  const firstTap = await tapDemoTag(config.dataDir, summary.tags[0].serial);
  console.log(`
Hallmark is running.
  verifier        ${api}
  chain JSON-RPC  ${bridge.url}  (chain id ${deployments.chainId})
  contracts       registry ${deployments.contracts.BrandRegistry}
                  certificates ${deployments.contracts.HallmarkCertificate}
                  garments ${deployments.contracts.HallmarkGarments}
  deployments     ${config.deploymentsFile}

Demo collection: ${summary.brands} brands, ${summary.certificates} certificates, ${summary.designs} garment designs.
Try:
  ${api}/v/${tokens.resold}                     a genuine bag: sold, repaired, resold through a partner
  ${api}/v/${tokens.stolen}                     reported stolen
  ${api}/v/${tokens.revoked}                    revoked
  ${api}/v1/certificates/${tokens.resold}
  ${api}/v1/certificates/${tokens.resold}/provenance
  ${api}/v1/brands/1/items/MA-2024-0001          resolve a serial
  ${api}/v1/certificates?brand=1&limit=5
  ${api}/v1/garments/1
  ${api}/openapi.json
NFC tag (NTAG 424 DNA, simulated) on ${summary.tags[0].serial}: open this tap link once, then again to see it caught as copied:
  ${firstTap.url}
  (next taps: npx hallmark tags tap ${summary.tags[0].serial}; the stolen and revoked bags carry tags too: ${summary.tags
    .slice(1)
    .map((tag) => tag.serial)
    .join(", ")})
Unclaimed pieces wait in the brand vault with one-time claim codes: ${path.join(config.dataDir, "demo-claim-codes.json")}
  (open a code's claim link; without a wallet, paste an address: the brand's key relays the claim)
Ctrl-C stops everything.`);
}
