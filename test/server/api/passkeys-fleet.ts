import path from "node:path";
import { expect } from "chai";
import { loadConfig } from "../../../server/config.js";
import { importDevKeystore, LOCAL_CHAIN_ID } from "../../../server/issuer/keystore.js";
import { startVerifier } from "../../../server/main.js";
import type { VerifierHandle } from "../../../server/main.js";
import { connection } from "../../contracts/fixtures.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import { SoftAuthenticator } from "../support/soft-authenticator.js";
import { makeTempDir } from "../support/temp-dir.js";
import { buildPasskeyStack, PUBLIC_URL, SITE } from "./passkey-stack.js";
import type { PasskeyStack, Relayed } from "./passkey-stack.js";
import { getJson, postJson, SALT_A, SALT_B } from "./stack.js";

/**
 * Two verifiers behind one public address sharing HALLMARK_DATABASE_URL (migration 012): a registration
 * challenge handed out by one is answered on the other, a passkey registered on one is found on the
 * other, and the same signed operation sent to both at once is relayed once.
 */
describe("Passkey accounts on two verifiers sharing PostgreSQL (#17)", function () {
  this.timeout(120_000);
  let database: ThrowawayDatabase;
  let stack: PasskeyStack; // verifier A
  let verifierB: VerifierHandle;
  let dataDirB: { path: string; remove: () => Promise<void> };

  before(async function () {
    database = await createThrowawayDatabase({ migrated: false }); // A migrates it
    stack = await buildPasskeyStack({ env: { HALLMARK_DATABASE_URL: database.url } });
    dataDirB = await makeTempDir("verifier-b");
    // Each verifier that relays has a key of its own: one key's nonces are one sequence.
    const keystoreB = path.join(dataDirB.path, "relayer-b.json");
    await importDevKeystore(keystoreB, "relayer-b-password", 16, LOCAL_CHAIN_ID);
    verifierB = await startVerifier({
      config: loadConfig({
        HALLMARK_PORT: "0",
        HALLMARK_DATA_DIR: dataDirB.path,
        HALLMARK_BRAND_SALTS: JSON.stringify({ "1": SALT_A, "2": SALT_B }),
        HALLMARK_CONFIRMATIONS: "0",
        HALLMARK_RATE_LIMIT_PER_MINUTE: "1000000",
        HALLMARK_LOG_LEVEL: "silent",
        HALLMARK_DATABASE_URL: database.url,
        HALLMARK_PUBLIC_URL: PUBLIC_URL,
        HALLMARK_RELAYER_KEYSTORE: JSON.stringify({ keystore: keystoreB, passwordEnv: "RELAYER_B_PASSWORD" }),
        RELAYER_B_PASSWORD: "relayer-b-password",
      }),
      provider: connection.provider,
      deployments: stack.deployments,
      metadataStore: stack.metadataStore,
      indexLocation: ":memory:",
      handleSignals: false,
      startIndexer: false,
    });
  });

  after(async function () {
    await verifierB?.close();
    await stack?.close();
    await dataDirB?.remove();
    await database?.drop();
  });

  it("answers on B a registration challenge A handed out, and A finds the passkey B registered", async function () {
    const authenticator = new SoftAuthenticator(SITE);
    const options = await postJson<{ challenge: string; rp: { id: string } }>(
      `${stack.url}/v1/passkeys/registration-options`,
      {},
    );
    const response = authenticator.register(options.body);
    const registered = await postJson<{ account: string }>(`${verifierB.url}/v1/passkeys/registrations`, {
      response,
    });
    expect(registered.status).to.equal(201);
    const found = await getJson<{ account: string }>(
      `${stack.url}/v1/passkeys/credentials/${authenticator.credentialId}`,
    );
    expect(found.status).to.equal(200);
    expect(found.body.account).to.equal(registered.body.account);
    // The challenge was taken on B: A refuses it as used.
    expect((await postJson(`${stack.url}/v1/passkeys/registrations`, { response })).status).to.equal(409);
  });

  it("relays once the same operation sent to both verifiers at once; the other answers 409", async function () {
    const owner = await stack.register();
    const tokenId = await stack.issue("PK-FLEET-1", owner.account);
    const prepared = await stack.prepare({
      account: owner.account,
      publicKey: owner.publicKey,
      action: { type: "reportStolen", certificateId: tokenId.toString() },
    });
    expect(prepared.status).to.equal(200);
    const body = {
      operation: prepared.body.operation,
      assertion: owner.authenticator.assert(prepared.body.challenge),
    };
    const answers = await Promise.all(
      [stack.url, verifierB.url].map((url) => postJson<Relayed>(`${url}/v1/operations`, body)),
    );
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409]);
    const events = await stack.entryPoint.queryFilter(
      stack.entryPoint.filters.UserOperationEvent(prepared.body.hash),
    );
    expect(events).to.have.length(1);
    expect(await stack.certificate.statusOf(tokenId)).to.equal(1n);
  });
});
