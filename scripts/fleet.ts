/**
 * `npm run fleet [-- --verifiers N]`: the fleet on one machine, as docs/scaling.md maps it onto many.
 *
 * - the local chain and demo collection as `npm start` makes them (JSON-RPC on 127.0.0.1:8545,
 *   deployments file written);
 * - PostgreSQL: the primary from HALLMARK_DATABASE_URL (default the test role's `hallmark_fleet`
 *   database, created when missing; `npm run test:services` brings the server up), and one
 *   streaming hot standby made with pg_basebackup into a temporary directory, on another port;
 * - one indexer and one standby indexer (HALLMARK_ROLE=indexer): one writes, the other takes over
 *   within a quarter of a second if it dies;
 * - N verifiers (HALLMARK_ROLE=api, default 3) on consecutive ports, reading the index from the
 *   standby, sharing challenges, relay locks and API keys through the primary;
 * - nginx (Debian's nginx-light) in front of them on HALLMARK_PORT (default 8080).
 * Ctrl-C (or SIGTERM) stops everything, and the standby's data directory is removed.
 */
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { loadConfig } from "../server/config.js";
import { createMetadataStore } from "../server/ipfs/create-metadata-store.js";
import { exitOnSignals } from "../server/shutdown.js";
import type { ShutdownStep } from "../server/shutdown.js";
import { demoIssuerKeystores } from "./demo/issuer-keys.js";
import { DEMO_BRAND_SALTS, seedDemo } from "./demo/seed.js";
import { deployHallmark } from "./deploy/deploy-hallmark.js";
import { writeDeploymentsFile } from "./deploy/deployments-file.js";
import { DEFAULT_FLEET_DATABASE_URL, prepareFleetDatabase } from "./fleet/database.js";
import { startHotStandby } from "./fleet/hot-standby.js";
import { ensureNginx, startLoadBalancer } from "./fleet/load-balancer.js";
import { spawnNode } from "./fleet/node-process.js";
import type { NodeProcess } from "./fleet/node-process.js";
import { freePortRange, portIsFree } from "./fleet/ports.js";
import { startJsonRpcBridge } from "./local/json-rpc-bridge.js";

const { values: args } = parseArgs({
  options: { verifiers: { type: "string", default: "3" }, help: { type: "boolean", default: false } },
  strict: true,
});
if (args.help) {
  console.log(
    "npm run fleet [-- --verifiers N]   (N verifiers behind nginx, default 3; see docs/scaling.md)",
  );
  process.exit(0);
}
const verifierCount = Number(args.verifiers);
if (!Number.isInteger(verifierCount) || verifierCount < 1 || verifierCount > 32) {
  console.error("fleet: --verifiers takes a whole number from 1 to 32");
  process.exit(2);
}

const steps: ShutdownStep[] = [];
const stopAll = async () => {
  // Reverse start order: nobody loses what it depends on before it has stopped.
  for (const step of steps.reverse()) {
    try {
      await step.run();
    } catch (error) {
      console.error(`fleet: stopping the ${step.name} failed`, error);
    }
  }
};
exitOnSignals([{ name: "fleet", run: stopAll }], {
  timeoutMs: 40_000,
  log: {
    info: (message) => console.log(message),
    error: (message, error) => console.error(message, error ?? ""),
  },
});

try {
  await startFleet();
} catch (error) {
  console.error(`fleet: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
}

async function startFleet(): Promise<void> {
  process.env.HALLMARK_BRAND_SALTS ??= JSON.stringify(DEMO_BRAND_SALTS);
  const config = loadConfig({ ...process.env, HALLMARK_DATABASE_URL: undefined, HALLMARK_ROLE: "all" });
  const databaseUrl = process.env.HALLMARK_DATABASE_URL || DEFAULT_FLEET_DATABASE_URL;
  const fleetDir = path.join(config.dataDir, "fleet");
  await rm(fleetDir, { recursive: true, force: true }); // The local chain starts fresh: so does the fleet.
  await mkdir(fleetDir, { recursive: true });

  console.log(`fleet: PostgreSQL primary ${redact(databaseUrl)}`);
  await prepareFleetDatabase(databaseUrl);

  // --- the chain and the demo collection, as npm start makes them
  const connection = await network.create();
  steps.push({ name: "local chain", run: () => connection.close() });
  const bridge = await startJsonRpcBridge(
    connection.provider,
    Number(process.env.HALLMARK_CHAIN_PORT ?? 8545),
  );
  steps.push({ name: "JSON-RPC bridge", run: () => bridge.close() });
  const { ethers } = connection;
  const [deployer] = await ethers.getSigners();
  const { deployments, contracts } = await deployHallmark(connection, {
    groupAdmin: deployer.address,
    adminDelaySeconds: 2n * 24n * 3600n,
  });
  const deploymentsFile = path.join(fleetDir, "deployments.json");
  await writeDeploymentsFile(deploymentsFile, deployments);
  const seedDir = path.join(fleetDir, "seed");
  // With a Kubo node (HALLMARK_IPFS=<url>) every process shares it, as in production; embedded, each
  // verifier gets a copy of the seeded blocks (uploads through one verifier then stay on it).
  const sharedIpfs = config.ipfs.mode === "kubo";
  const seedIpfs = await createMetadataStore(
    config.ipfs.mode === "kubo" ? config.ipfs : { ...config.ipfs, directory: path.join(seedDir, "ipfs") },
  );
  const summary = await seedDemo(ethers, contracts, seedIpfs);
  await seedIpfs.close();
  await writeFile(
    path.join(fleetDir, "demo-claim-codes.json"),
    JSON.stringify(summary.claimCodes, null, 2) + "\n",
    {
      mode: 0o600,
    },
  );
  const signers = await ethers.getSigners();
  const keystores = await demoIssuerKeystores(
    fleetDir,
    summary.issuers.map((issuer) => ({
      ...issuer,
      devAccountIndex: signers.findIndex((signer) => signer.address === issuer.address),
    })),
  );
  const issuerPassword = [...keystores.values()][0]?.password() ?? "";

  // --- the hot standby
  const standby = await startHotStandby({ primaryUrl: databaseUrl });
  steps.push({ name: "hot standby", run: () => standby.stop() });
  console.log(`fleet: hot standby on port ${standby.port} (${standby.dataDirectory})`);

  const common: Record<string, string> = {
    HALLMARK_RPC_URL: bridge.url,
    HALLMARK_DEPLOYMENTS: deploymentsFile,
    HALLMARK_DATABASE_URL: databaseUrl,
    HALLMARK_CONFIRMATIONS: process.env.HALLMARK_CONFIRMATIONS ?? "0",
    HALLMARK_POLL_INTERVAL_MS: process.env.HALLMARK_POLL_INTERVAL_MS ?? "250",
    HALLMARK_BRAND_SALTS: process.env.HALLMARK_BRAND_SALTS,
    HALLMARK_LOG_LEVEL: process.env.HALLMARK_LOG_LEVEL ?? "warn",
  };
  const children: NodeProcess[] = [];
  steps.push({
    name: "fleet processes",
    run: () => Promise.all(children.map((child) => child.stop())).then(() => undefined),
  });

  // --- indexers: the first leads, the second stands by
  const balancerPort = config.port;
  const indexerPorts = await freePortRange(balancerPort + 100, 2);
  for (let i = 0; i < 2; i++) {
    const indexer = await spawnNode(`indexer ${i + 1}`, {
      env: {
        ...common,
        HALLMARK_ROLE: "indexer",
        HALLMARK_PORT: String(indexerPorts + i),
        HALLMARK_DATA_DIR: path.join(fleetDir, `indexer-${i + 1}`),
      },
    });
    children.push(indexer);
    if (i === 0 && !indexer.leading()) {
      const led = await Promise.race([
        indexer.nextLeading().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
      ]);
      if (!led)
        throw new Error(
          "the first indexer did not take the index writer lock within 60 s: see its log above",
        );
    }
  }

  // --- verifiers, each with a copy of the demo's IPFS blocks (a real fleet shares a Kubo node)
  const firstVerifierPort = await freePortRange(balancerPort + 1, verifierCount);
  const publicUrl = process.env.HALLMARK_PUBLIC_URL ?? `http://127.0.0.1:${balancerPort}`;
  const issuerKeystores = Object.fromEntries(
    [...keystores].map(([brand, setting]) => [
      brand,
      { keystore: setting.keystore, passwordEnv: "HALLMARK_FLEET_ISSUER_PASSWORD" },
    ]),
  );
  const verifiers: NodeProcess[] = [];
  await Promise.all(
    Array.from({ length: verifierCount }, async (_, i) => {
      const dataDir = path.join(fleetDir, `verifier-${i + 1}`);
      if (sharedIpfs) await mkdir(dataDir, { recursive: true });
      else await cp(seedDir, dataDir, { recursive: true });
      const verifier = await spawnNode(`verifier ${i + 1}`, {
        env: {
          ...common,
          HALLMARK_ROLE: "api",
          HALLMARK_PORT: String(firstVerifierPort + i),
          HALLMARK_DATA_DIR: dataDir,
          HALLMARK_DATABASE_READ_URL: standby.url,
          HALLMARK_TRUST_PROXY: "true",
          HALLMARK_PUBLIC_URL: publicUrl,
          HALLMARK_ISSUER_KEYSTORES: JSON.stringify(issuerKeystores),
          HALLMARK_FLEET_ISSUER_PASSWORD: issuerPassword,
        },
      });
      children.push(verifier);
      verifiers[i] = verifier;
    }),
  );

  // --- the load balancer
  let front = verifiers[0].url;
  let balancerConfig = "";
  const nginx = ensureNginx((line) => console.log(`fleet: ${line}`));
  if (nginx !== null) {
    if (!(await portIsFree(balancerPort)))
      throw new Error(`port ${balancerPort} is taken: set HALLMARK_PORT for the load balancer`);
    const perMinute = Number(process.env.HALLMARK_RATE_LIMIT_PER_MINUTE ?? 600);
    const balancer = await startLoadBalancer(nginx, {
      port: balancerPort,
      upstreams: verifiers.map((verifier) => verifier.url),
      perClientPerSecond: Math.max(1, Math.ceil((perMinute * verifierCount) / 60)),
    });
    steps.push({ name: "load balancer", run: () => balancer.stop() });
    front = balancer.url;
    balancerConfig = balancer.configFile;
  }

  const { tokens } = summary;
  console.log(`
The Hallmark fleet is running.
  load balancer     ${nginx === null ? "(none: nginx is not installed)" : `${front}  (nginx, ${balancerConfig})`}
  verifiers (api)   ${verifiers.map((verifier) => verifier.url).join("  ")}
  indexers          ${children
    .filter((child) => child.name.startsWith("indexer"))
    .map((child) => `${child.url} (${child.leading() ? "leading" : "standby"})`)
    .join("  ")}
  PostgreSQL        primary ${redact(databaseUrl)}
                    hot standby ${redact(standby.url)}
  chain JSON-RPC    ${bridge.url}  (chain id ${deployments.chainId})
  deployments       ${deploymentsFile}

Demo collection: ${summary.brands} brands, ${summary.certificates} certificates, ${summary.designs} garment designs.
Try:
  ${front}/v1/certificates/${tokens.resold}
  ${front}/v/${tokens.stolen}
  ${front}/v1/events                     (SSE: resume on any verifier with Last-Event-ID)
  curl -s ${verifiers[0].url}/readyz; curl -s ${verifiers.at(-1)!.url}/readyz
Every answer's "index" names the block the standby holds for.
Ctrl-C stops everything.`);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}
