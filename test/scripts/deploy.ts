import { spawn } from "node:child_process";
import { rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import hre, { network } from "hardhat";
import { deployHallmark } from "../../scripts/deploy/deploy-hallmark.js";
import { writeDeploymentsFile } from "../../scripts/deploy/deployments-file.js";
import { loadDeployments } from "../../server/chain/deployments.js";
import { hardhatDevAccount } from "../../server/issuer/keystore.js";
import { makeTempDir } from "../server/support/temp-dir.js";

const HARDHAT_CLI = path.resolve("node_modules/hardhat/dist/src/cli.js");

/** `hardhat run scripts/deploy.ts` as a real subprocess, on the default (in-process) network. */
function runDeployScript(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "run", "--no-compile", "scripts/deploy.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("scripts/deploy.ts (npm run deploy)", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async function () {
    temp = await makeTempDir("deploy");
  });
  afterEach(async function () {
    await temp.remove();
  });

  it("deploys with the Ignition module and writes the deployments file the verifier loads", async function () {
    const file = path.join(temp.path, "deployments.json");
    const groupAdmin = hardhatDevAccount(7).address;
    const run = await runDeployScript({
      HALLMARK_DEPLOYMENTS: file,
      HALLMARK_GROUP_ADMIN: groupAdmin,
      HALLMARK_ADMIN_DELAY_SECONDS: "86400",
    });
    expect(run.code, run.stderr).to.equal(0);
    const deployments = await loadDeployments(file);
    // A fresh in-process chain: the registry's creation is the first transaction, in block 1.
    expect(deployments.chainId).to.equal(31337);
    expect(deployments.startBlock).to.equal(1);
    // The group's three contracts, and the passkey accounts' EntryPoint, factory and paymaster.
    expect(new Set(Object.values(deployments.contracts)).size).to.equal(6);
    expect(deployments.contracts.HallmarkPaymaster).to.be.a("string");
    expect(run.stdout).to.include(deployments.contracts.HallmarkCertificate).and.include(file);
  });

  describe("deployHallmark", function () {
    describe("on an in-process chain", function () {
      it("takes the start block from the creation receipts and wires the contracts", async function () {
        const connection = await network.create();
        try {
          const { ethers } = connection;
          await connection.networkHelpers.mine(5); // the chain has history before the deployment
          const [deployer, groupAdmin] = await ethers.getSigners();
          const { deployments, contracts } = await deployHallmark(connection, {
            groupAdmin: groupAdmin.address,
            adminDelaySeconds: 3600n,
          });
          expect(deployments.startBlock).to.equal(6);

          const file = path.join(temp.path, "nested", "deployments.json");
          await writeDeploymentsFile(file, deployments);
          expect(await loadDeployments(file)).to.deep.equal(deployments);

          expect(await contracts.registry.defaultAdmin()).to.equal(groupAdmin.address);
          expect(await contracts.registry.defaultAdminDelay()).to.equal(3600n);
          expect(await contracts.certificate.twinContract()).to.equal(deployments.contracts.HallmarkGarments);
          expect(await contracts.garments.certificates()).to.equal(deployments.contracts.HallmarkCertificate);
          expect(await contracts.certificate.registry()).to.equal(deployments.contracts.BrandRegistry);
          expect(deployer.address).to.not.equal(groupAdmin.address);
        } finally {
          await connection.close();
        }
      });
    });

    describe("on a chain reached over JSON-RPC, where Ignition keeps a journal", function () {
      const deploymentId = `test-deploy-${process.pid}-${Date.now()}`;
      const journal = path.join(hre.config.paths.ignition, "deployments", deploymentId);
      after(async function () {
        await rm(journal, { recursive: true, force: true });
        await rmdir(path.dirname(journal)).catch(() => undefined); // only if no other deployment lives there
      });

      it("reads the creations from the journal, so a second run resumes with the same start block", async function () {
        const server = await network.createServer("default", "127.0.0.1", 0);
        const { port } = await server.listen();
        try {
          const connection = await network.create({
            network: "remote",
            override: { url: `http://127.0.0.1:${port}`, accounts: [hardhatDevAccount(0).privateKey] },
          });
          try {
            await connection.networkHelpers.mine(3);
            const first = await deployHallmark(connection, { deploymentId });
            expect(first.deployments.startBlock).to.equal(4);
            await connection.networkHelpers.mine(2);
            // Nothing left to deploy: no transaction in this run, the start block comes from the journal.
            const again = await deployHallmark(connection, { deploymentId });
            expect(again.deployments).to.deep.equal(first.deployments);
          } finally {
            await connection.close();
          }
        } finally {
          await server.close();
        }
      });
    });
  });
});
