/**
 * `npm start`: the whole stack on one machine.
 *
 * Without HALLMARK_RPC_URL: the in-process Hardhat (EDR) chain, exposed over JSON-RPC on 127.0.0.1:8545
 * (HALLMARK_CHAIN_PORT) for the CLI and wallets; the contracts deployed with Ignition; the embedded IPFS
 * node; a seeded demo collection; then the verifier (indexer + API) on http://127.0.0.1:8080. The chain
 * is journalled to <data dir>/local-chain.jsonl and replayed on the next start (scripts/local/chain-journal.ts),
 * so brands, certificates and keys made against it survive a restart; `npm start -- --fresh` begins again.
 * With HALLMARK_RPC_URL: only the verifier, against that chain, its deployments file and IPFS node.
 */
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";
import pino from "pino";
import { loadConfig } from "../server/config.js";
import type { VerifierConfig } from "../server/config.js";
import { loadDeployments } from "../server/chain/deployments.js";
import type { Deployments } from "../server/chain/deployments.js";
import { HallmarkError } from "../server/errors.js";
import { createMetadataStore } from "../server/ipfs/create-metadata-store.js";
import { claimUrlOf } from "../server/issuer/claim-codes.js";
import { startVerifier } from "../server/main.js";
import { exitOnSignals } from "../server/shutdown.js";
import { demoIssuerKeystores } from "./demo/issuer-keys.js";
import { DEMO_BRAND_SALTS, DEMO_GS1_PREFIXES, seedDemo } from "./demo/seed.js";
import { demoTagKeystores, readDemoTags, tapDemoTag, writeDemoTags } from "./demo/tags.js";
import { demoPassportKeystores } from "./demo/passport-keys.js";
import type { DemoSummary } from "./demo/seed.js";
import { BrandSaltSetting, saltOf, serialRuleOf } from "../server/verification/serial-rule.js";
import { deployHallmark } from "./deploy/deploy-hallmark.js";
import { deployPasskeyAccounts } from "./deploy/deploy-passkey-accounts.js";
import { demoRelayerKeystore } from "./demo/relayer-key.js";
import { writeDeploymentsFile } from "./deploy/deployments-file.js";
import { readChainJournal, replayChainJournal, startChainJournal } from "./local/chain-journal.js";
import type { ChainJournal } from "./local/chain-journal.js";
import { startJsonRpcBridge } from "./local/json-rpc-bridge.js";

const USAGE = `npm start [-- --fresh]
  --fresh   begin a new local chain (and demo) instead of restoring the saved one`;

// `.env` (from .env.example) when there is one; a variable set in the environment wins.
if (existsSync(".env")) process.loadEnvFile(".env");

const localChain = process.env.HALLMARK_RPC_URL === undefined || process.env.HALLMARK_RPC_URL === "";
/** The verifier drains requests for up to 10 s; the rest must close within the remainder. */
const SHUTDOWN_LIMIT_MS = 20_000;

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--fresh");
if (unknown.length > 0) {
  console.error(`npm start: unknown argument ${unknown[0]}\n${USAGE}`);
  process.exit(64);
}

try {
  if (localChain) await startLocalStack(args.includes("--fresh"));
  else {
    const verifier = await startVerifier({ config: loadConfig() });
    console.log(`Hallmark verifier on ${verifier.url} (chain ${verifier.deployments.chainId})`);
  }
} catch (error) {
  // A configuration mistake is a sentence naming the variable, not a stack trace.
  if (error instanceof HallmarkError) console.error(`npm start: ${error.message}`);
  else console.error("npm start failed:", error);
  process.exit(1);
}

/** The demo's summary, kept beside the journal: what the banner names after a restore. */
type SavedDemo = Omit<DemoSummary, "claimCodes">;

async function readSavedDemo(file: string): Promise<SavedDemo | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as SavedDemo;
  } catch {
    return undefined;
  }
}

async function startLocalStack(fresh: boolean): Promise<void> {
  // The local chain automines one block per transaction: nothing to wait for.
  process.env.HALLMARK_CONFIRMATIONS ??= "0";
  process.env.HALLMARK_POLL_INTERVAL_MS ??= "250";
  process.env.HALLMARK_GS1_PREFIXES ??= JSON.stringify(DEMO_GS1_PREFIXES);
  let config = localConfig();

  // npm start needs the contracts compiled, never the test contracts.
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });

  const journalFile = path.join(config.dataDir, "local-chain.jsonl");
  const demoFile = path.join(config.dataDir, "local-demo.json");
  const claimCodesFile = path.join(config.dataDir, "demo-claim-codes.json");

  let journal: ChainJournal | undefined;
  let saved: { demo: SavedDemo; deployments: Deployments } | undefined;
  let notRestored: string | undefined;
  if (fresh) notRestored = "--fresh";
  else {
    journal = await readChainJournal(journalFile).catch((error: unknown) => {
      notRestored = `${journalFile} cannot be read (${(error as Error).message})`;
      return undefined;
    });
    if (journal !== undefined) {
      const demo = await readSavedDemo(demoFile);
      const deployments = await loadDeployments(config.deploymentsFile).catch(() => undefined);
      if (demo === undefined || deployments === undefined) {
        notRestored = "the previous start stopped before its demo was seeded";
        journal = undefined;
      } else saved = { demo, deployments };
    } else notRestored ??= "no saved chain yet";
  }
  let setAside: string | undefined;
  if (journal === undefined) {
    await rm(demoFile, { force: true });
    // The brands of the chain before have no place on a new one: their salts would make `brand add` of a new
    // brand 3 refuse to overwrite the old brand 3's. Kept beside, never deleted (a salt cannot be recovered).
    const saltsFile = path.join(config.dataDir, "brand-salts.json");
    if (process.env.HALLMARK_BRAND_SALTS_FILE === undefined && existsSync(saltsFile)) {
      setAside = path.join(
        config.dataDir,
        `brand-salts.before-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
      );
      await rename(saltsFile, setAside);
      config = localConfig();
    }
  }

  const connection =
    journal === undefined
      ? await hre.network.create()
      : await hre.network.create({
          override: { initialDate: new Date(journal.header.genesisTimestamp * 1000) },
        });
  const { ethers } = connection;
  let chainState: string;
  let deployments: Deployments;
  let demo: SavedDemo;
  const metadataStore = await createMetadataStore(config.ipfs);
  const publicUrl = config.publicUrl!;

  if (journal !== undefined && saved !== undefined) {
    const replay = await replayChainJournal(connection.provider, journal);
    if (!replay.identical && config.databaseUrl === undefined) {
      // Blocks with other hashes: the index on disk describes another chain; it is rebuilt.
      for (const suffix of ["", "-wal", "-shm"]) await rm(config.indexFile + suffix, { force: true });
    }
    chainState =
      `restored from ${journalFile} (${replay.blocks} blocks, ${replay.transactions} transactions` +
      `${replay.identical ? "" : "; replayed blocks differ, the index is rebuilt"}); npm start -- --fresh begins again`;
    ({ deployments, demo } = saved);
  } else {
    const [deployer] = await ethers.getSigners();
    const deployed = await deployHallmark(connection, {
      groupAdmin: deployer.address,
      adminDelaySeconds: 2n * 24n * 3600n,
    });
    deployments = deployed.deployments;
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
    const summary = await seedDemo(ethers, deployed.contracts, metadataStore);
    // The demo pieces' simulated NTAG 424 DNA tags. A tag's counter only goes up, as a real tag's does:
    // the same tags on a new chain carry on from their last tap (the verifier's counters may outlive
    // the chain, in PostgreSQL or tags.sqlite).
    const previousTags = await readDemoTags(config.dataDir).catch(() => undefined);
    await writeDemoTags(config.dataDir, {
      verifierUrl: publicUrl,
      tags: summary.tags.map((tag) => ({
        ...tag,
        lastCounter: previousTags?.tags.find((before) => before.uid === tag.uid)?.lastCounter ?? 0,
      })),
    });
    const { claimCodes, ...rest } = summary;
    demo = rest;
    await writeFile(
      claimCodesFile,
      JSON.stringify(
        claimCodes.map((code) => ({
          ...code,
          claimUrl: claimUrlOf(publicUrl, BigInt(code.tokenId), code.code),
        })),
        null,
        2,
      ) + "\n",
      { mode: 0o600 },
    );
    chainState =
      `new (${notRestored}); saved to ${journalFile} as it runs, restored on the next npm start` +
      (setAside === undefined
        ? ""
        : `\n                  the earlier chain's brand salts were moved to ${setAside}`);
  }
  // Journalled from here on (a fresh chain from its genesis, deploy and demo included).
  const journalWriter = await startChainJournal(connection.provider, journalFile, {
    journal,
    warn: (message) => console.error(message),
  });
  if (journal === undefined) {
    await journalWriter.sync();
    await writeFile(demoFile, JSON.stringify(demo, null, 2) + "\n");
  }

  const bridge = await startJsonRpcBridge(
    connection.provider,
    Number(process.env.HALLMARK_CHAIN_PORT ?? 8545),
  );

  // The demo brands' issuer keys, beside any brand's keystore the operator configured: the issuer API
  // and the claim relay then work for the demo collection too.
  const signers = await ethers.getSigners();
  const demoKeys = await demoIssuerKeystores(
    config.dataDir,
    demo.issuers.map((issuer) => ({
      ...issuer,
      devAccountIndex: signers.findIndex((signer) => signer.address === issuer.address),
    })),
  );
  const issuerKeystores = new Map([...demoKeys, ...config.issuerKeystores]);
  // The demo brand's tag master key (public, demo only), unless the operator configured tag keystores.
  const tagKeystores =
    config.tagKeystores.size > 0 ? config.tagKeystores : await demoTagKeystores(config.dataDir);
  // The demo brands' passport content keys (public, demo only, #19): the demo pieces' restricted sections open with them.
  const passportKeystores =
    config.passportKeystores.size > 0
      ? config.passportKeystores
      : await demoPassportKeystores(config.dataDir);

  // The verifier's JSON logs go to a file (warnings also to stderr), so the banner stays readable.
  const logFile = path.join(config.dataDir, "verifier.log");
  const logger = pino(
    { level: config.logLevel, name: "hallmark-verifier" },
    pino.multistream([
      { level: config.logLevel, stream: pino.destination({ dest: logFile, mkdir: true, sync: false }) },
      { level: "warn", stream: process.stderr },
    ]),
  );
  const verifier = await startVerifier({
    config: {
      ...config,
      issuerKeystores,
      tagKeystores,
      passportKeystores,
      // Passkey accounts' sponsored operations (#17): the operator's relayer key, else a demo one.
      relayerKeystore: config.relayerKeystore ?? (await demoRelayerKeystore(config.dataDir)),
    },
    provider: connection.provider,
    deployments,
    metadataStore,
    logger,
    handleSignals: false,
  });
  // Every part is closed even if one fails; a hung part can't keep the process alive past the limit.
  exitOnSignals(
    [
      { name: "verifier", run: () => verifier.close() },
      { name: "IPFS node", run: () => metadataStore.close() },
      { name: "JSON-RPC bridge", run: () => bridge.close() },
      { name: "chain journal", run: () => journalWriter.close() },
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
  await waitUntilReady(verifier.url);

  const api = verifier.url;
  const { tokens } = demo;
  const brands = await brandsOnChain(verifier.url);
  // The demo pieces' simulated NTAG 424 DNA tags: a fresh link for the banner, `hallmark tags tap` for more.
  const firstTap = await tapDemoTag(config.dataDir, demo.tags[0].serial);
  console.log(`
Hallmark is running.
  verifier        ${api}
  chain JSON-RPC  ${bridge.url}  (chain id ${deployments.chainId})
  chain state     ${chainState}
  contracts       registry ${deployments.contracts.BrandRegistry}
                  certificates ${deployments.contracts.HallmarkCertificate}
                  garments ${deployments.contracts.HallmarkGarments}
  deployments     ${config.deploymentsFile}
  brands          ${brands}
  verifier log    ${logFile}

Demo collection: ${demo.brands} brands, ${demo.certificates} certificates, ${demo.designs} garment designs.
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
NFC tag (NTAG 424 DNA, simulated) on ${demo.tags[0].serial}: open this tap link once, then again to see it caught as copied:
  ${firstTap.url}
  (next taps: npx hallmark tags tap ${demo.tags[0].serial}; the stolen and revoked bags carry tags too: ${demo.tags
    .slice(1, 3)
    .map((tag) => tag.serial)
    .join(", ")})
  ${demo.tags[3].serial} waits in the brand vault with a tag: npx hallmark tags tap ${demo.tags[3].serial}, open the link, and claim it with the tag (the verifier's tag oracle attests the tap, the brand pays the gas)
Unclaimed pieces wait in the brand vault with one-time claim codes and their claim links: ${claimCodesFile}
  (open a claim link; "Claim with this phone" makes a passkey account, which needs the page at localhost:
   replace 127.0.0.1 by localhost in the link; or paste an address; the brand's key relays the claim)
Ctrl-C stops everything (the chain is kept for the next npm start).`);
}

/** The verifier's settings for the local stack: the demo brands' salts and a public URL filled in. */
function localConfig(): VerifierConfig {
  const loaded = loadConfig();
  // The demo brands' salts under whatever the operator configured (a new brand's salts file, say).
  const brandSalts = new Map(loaded.brandSalts);
  const serialRules = new Map(loaded.serialRules);
  for (const [brand, setting] of Object.entries(DEMO_BRAND_SALTS))
    if (!brandSalts.has(Number(brand))) {
      brandSalts.set(Number(brand), saltOf(setting));
      serialRules.set(Number(brand), serialRuleOf(BrandSaltSetting.parse(setting)));
    }
  // Claim links and QR codes name the local verifier unless the operator set a public address.
  return {
    ...loaded,
    brandSalts,
    serialRules,
    publicUrl: loaded.publicUrl ?? `http://${loaded.host}:${loaded.port}`,
  };
}

/** Waits for the index to catch up, so its start-up happens before the banner rather than under it. */
async function waitUntilReady(url: string, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** "1 Maison Aurelle, 2 Volta Milano, 3 …": what the index holds, so a restored brand is visible at once. */
async function brandsOnChain(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/v1/brands`);
    if (!response.ok) return "(see /v1/brands)";
    const body = (await response.json()) as { items?: { id?: number; brandId?: number; name: string }[] };
    return (body.items ?? []).map((b) => `${b.id ?? b.brandId} ${b.name}`).join(", ") || "none";
  } catch {
    return "(see /v1/brands)";
  }
}
