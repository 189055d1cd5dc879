/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { ethers as ethersLib } from "ethers";
import { loadConfig } from "../../server/config.js";
import { startVerifier } from "../../server/main.js";
import type { VerifierHandle } from "../../server/main.js";
import { connection } from "../contracts/fixtures.js";
import { runCli } from "../scripts/support/run-cli.js";
import { buildStack, getJson, postJson, SALT_A, SALT_B } from "./api/stack.js";
import type { Stack } from "./api/stack.js";
import { createThrowawayDatabase } from "./store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "./store/postgres/throwaway-database.js";
import { makeTempDir } from "./support/temp-dir.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function signOwnership(
  signer: { signTypedData: ethersLib.Signer["signTypedData"] },
  typedData: Body,
  owner: string,
): Promise<string> {
  const { EIP712Domain: _domain, ...types } = typedData.types as Record<string, ethersLib.TypedDataField[]>;
  return signer.signTypedData(typedData.domain as ethersLib.TypedDataDomain, types, {
    ...typedData.message,
    owner,
  });
}

/**
 * Two verifiers on one chain and one HALLMARK_DATABASE_URL, as a load balancer sees them: whatever
 * one of them hands out (a challenge, an API key), the other honours.
 */
describe("two verifiers sharing HALLMARK_DATABASE_URL", function () {
  let database: ThrowawayDatabase;
  let stack: Stack; // verifier A, with the chain and the contracts
  let verifierB: VerifierHandle;
  let dataDirB: { path: string; remove: () => Promise<void> };
  let sold: bigint; // owned by alice

  before(async function () {
    database = await createThrowawayDatabase({ migrated: false }); // the first verifier migrates it
    stack = await buildStack({ env: { HALLMARK_DATABASE_URL: database.url } });
    dataDirB = await makeTempDir("verifier-b");
    verifierB = await startVerifier({
      config: loadConfig({
        HALLMARK_PORT: "0",
        HALLMARK_DATA_DIR: dataDirB.path,
        HALLMARK_BRAND_SALTS: JSON.stringify({ "1": SALT_A, "2": SALT_B }),
        HALLMARK_CONFIRMATIONS: "0",
        HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000",
        HALLMARK_LOG_LEVEL: "silent",
        HALLMARK_DATABASE_URL: database.url,
      }),
      provider: connection.provider,
      deployments: stack.deployments,
      metadataStore: stack.metadataStore,
      indexLocation: ":memory:",
      handleSignals: false,
      startIndexer: false,
    });
    sold = await stack.issue("FLEET-0001", stack.alice.address);
    await stack.sync(); // A leads and writes the index; B stands by and reads what A wrote
  });

  after(async function () {
    await verifierB?.close();
    await stack?.close();
    await dataDirB?.remove();
    await database?.drop();
  });

  describe("the two-phone ownership check", function () {
    it("proves on B a challenge created on A, and A then reads it proven and refuses its replay", async function () {
      const challenge = await postJson<Body>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: sold.toString(),
      });
      expect(challenge.status).to.equal(201);
      const { challengeId } = challenge.body;

      const pending = await getJson<Body>(`${verifierB.url}/v1/ownership/challenges/${challengeId}`);
      expect(pending.status).to.equal(200);
      expect(pending.body).to.include({ state: "pending", challengeId, tokenId: sold.toString() });

      const signature = await signOwnership(stack.alice, pending.body.typedData, stack.alice.address);
      const proof = await postJson<Body>(`${verifierB.url}/v1/ownership/proofs`, { challengeId, signature });
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: true, address: stack.alice.address, tokenId: sold.toString() });

      const proven = await getJson<Body>(`${stack.url}/v1/ownership/challenges/${challengeId}`);
      expect(proven.body).to.include({
        state: "proven",
        owner: true,
        address: stack.alice.address,
        block: proof.body.block,
      });
      const replay = await postJson<Body>(`${stack.url}/v1/ownership/proofs`, { challengeId, signature });
      expect(replay.status).to.equal(409);
    });

    it("lets only one of two proofs sent at once to A and B decide a challenge", async function () {
      const challenge = await postJson<Body>(`${verifierB.url}/v1/ownership/challenges`, {
        tokenId: sold.toString(),
      });
      const signature = await signOwnership(stack.alice, challenge.body.typedData, stack.alice.address);
      const body = { challengeId: challenge.body.challengeId, signature };
      const answers = await Promise.all([
        postJson<Body>(`${stack.url}/v1/ownership/proofs`, body),
        postJson<Body>(`${verifierB.url}/v1/ownership/proofs`, body),
      ]);
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409]);
    });
  });

  describe("reading your own write (?minBlock)", function () {
    it("answers on B, which does not index, once A has indexed the block: B learns it from A's notification", async function () {
      const moved = await stack.issue("FLEET-0002", stack.alice.address);
      await stack.sync();
      const receipt = await (
        await stack.certificate
          .connect(stack.alice)
          .transferFrom(stack.alice.address, stack.bob.address, moved)
      ).wait();
      const block = receipt!.blockNumber;
      const read = getJson<Body>(`${verifierB.url}/v1/certificates/${moved.toString()}?minBlock=${block}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await stack.sync(); // A writes the block and notifies; B only reads
      const view = await read;
      expect(view.status).to.equal(200);
      expect(view.body.owner).to.equal(stack.bob.address);
      expect((view.body.index as { block: number }).block).to.be.at.least(block);
    });
  });

  describe("issuer API keys", function () {
    it("authenticates on A a key made on B, and refuses it on B once revoked on A", async function () {
      const created = await verifierB.issuer.keys.create({ brandId: 1, scopes: ["events"], label: "fleet" });
      const auth = { authorization: `Bearer ${created.key}` };
      expect((await getJson(`${stack.url}/v1/issuer/audit`, { headers: auth })).status).to.equal(200);
      await stack.verifier.issuer.keys.revoke(created.id);
      const refused = await getJson<Body>(`${verifierB.url}/v1/issuer/audit`, { headers: auth });
      expect(refused.status).to.equal(401);
      expect(refused.body.detail).to.equal("This API key was revoked");
    });

    it("authenticates on both a key made by `hallmark api-key create` with HALLMARK_DATABASE_URL, and keeps one audit trail", async function () {
      const cliDataDir = await makeTempDir("cli");
      try {
        const result = await runCli(["api-key", "create", "--brand", "1", "--scopes", "mint"], {
          HALLMARK_DATA_DIR: cliDataDir.path,
          HALLMARK_DATABASE_URL: database.url,
        });
        expect(result.code, result.stderr).to.equal(0);
        const { key, id } = JSON.parse(result.stdout) as { key: string; id: string };
        const auth = { authorization: `Bearer ${key}` };
        expect((await getJson(`${stack.url}/v1/issuer/audit`, { headers: auth })).status).to.equal(200);
        // B lists the call A answered: the trail is the fleet's, not an instance's. A row is written
        // once its answer has gone out, so it may land a moment after the client has read it.
        let listed = false;
        for (let attempt = 0; attempt < 20 && !listed; attempt++) {
          const trail = await getJson<{ items: Body[] }>(`${verifierB.url}/v1/issuer/audit`, {
            headers: auth,
          });
          expect(trail.status).to.equal(200);
          listed = trail.body.items.some(
            (item) => item.keyId === id && item.action === "audit.read" && item.status === 200,
          );
          if (!listed) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(listed, "A's call in the trail B reads").to.equal(true);
      } finally {
        await cliDataDir.remove();
      }
    });
  });
});

describe("a verifier whose HALLMARK_DATABASE_URL cannot be used", function () {
  for (const [name, url, message] of [
    [
      "unreachable",
      "postgres://u:p@127.0.0.1:1/hallmark",
      "HALLMARK_DATABASE_URL unreachable: ECONNREFUSED 127.0.0.1:1",
    ],
    [
      "not a postgres:// URL",
      "mysql://db/hallmark",
      "Invalid configuration: HALLMARK_DATABASE_URL (expected a postgres:// URL)",
    ],
  ]) {
    it(`refuses to start when it is ${name}, with one line naming the variable and no stack trace`, async function () {
      const dir = await makeTempDir("bad-database");
      try {
        const deployments = path.join(dir.path, "deployments.json");
        const zero = "0x0000000000000000000000000000000000000001";
        await writeFile(
          deployments,
          JSON.stringify({
            chainId: 31337,
            startBlock: 0,
            contracts: { BrandRegistry: zero, HallmarkCertificate: zero, HallmarkGarments: zero },
          }),
        );
        const run = promisify(execFile)("npx", ["tsx", "server/main.ts"], {
          env: {
            ...process.env,
            HALLMARK_DATA_DIR: dir.path,
            HALLMARK_DEPLOYMENTS: deployments,
            HALLMARK_RPC_URL: "http://127.0.0.1:1",
            HALLMARK_PORT: "0",
            HALLMARK_DATABASE_URL: url,
          },
        });
        const failure = (await run.then(
          () => expect.fail("the verifier started"),
          (error: unknown) => error,
        )) as { code: number; stderr: string };
        expect(failure.code).to.equal(1);
        expect(failure.stderr.trim()).to.equal(message);
      } finally {
        await dir.remove();
      }
    });
  }
});
