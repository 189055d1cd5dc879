import { expect } from "chai";
import { getJson, postJson } from "./stack.js";
import { buildPasskeyStack, PUBLIC_URL, SITE } from "./passkey-stack.js";
import type { PasskeyStack, Registered } from "./passkey-stack.js";
import { SoftAuthenticator } from "../support/soft-authenticator.js";

describe("Passkey accounts over the verifier API (#17)", function () {
  this.timeout(120_000);
  let stack: PasskeyStack;
  let serial = 0;

  before(async function () {
    stack = await buildPasskeyStack();
  });

  after(async function () {
    await stack?.close();
  });

  /** A certificate of brand 1 issued to `owner`. */
  async function issueTo(owner: string): Promise<bigint> {
    return stack.issue(`PK-API-${++serial}`, owner);
  }

  /** Prepares `action` for `who`'s account, signs it with their passkey (bent as asked) and relays it. */
  async function act(who: Registered & { authenticator: SoftAuthenticator }, action: unknown, bend = {}) {
    const prepared = await stack.prepare({ account: who.account, publicKey: who.publicKey, action });
    expect(prepared.status, JSON.stringify(prepared.body)).to.equal(200);
    return stack.relay(prepared.body, who.authenticator.assert(prepared.body.challenge, bend));
  }

  describe("GET /v1/passkeys/config", function () {
    it("names the relying party from HALLMARK_PUBLIC_URL, the chain and the contracts", async function () {
      const { status, body } = await getJson(`${stack.url}/v1/passkeys/config`);
      expect(status).to.equal(200);
      expect(body).to.include({
        rpId: "hallmark.example",
        origin: PUBLIC_URL,
        entryPoint: await stack.entryPoint.getAddress(),
        factory: await stack.factory.getAddress(),
        paymaster: await stack.paymaster.getAddress(),
        certificate: await stack.certificate.getAddress(),
        relaying: true,
      });
    });
  });

  describe("registration", function () {
    it("registers a passkey and answers its account's address, not yet deployed; the credential is found again", async function () {
      const seller = await stack.register();
      expect(seller.account).to.equal(
        await stack.factory.accountAddress(seller.publicKey.x, seller.publicKey.y),
      );
      expect(seller.deployed).to.equal(false);
      expect(seller.publicKey).to.deep.equal(seller.authenticator.publicKey);
      const found = await getJson(`${stack.url}/v1/passkeys/credentials/${seller.credentialId}`);
      expect(found.status).to.equal(200);
      expect(found.body).to.include({
        credentialId: seller.credentialId,
        account: seller.account,
        deployed: false,
      });
      const unknown = await getJson(`${stack.url}/v1/passkeys/credentials/bm90LWEtY3JlZGVudGlhbA`);
      expect(unknown.status).to.equal(404);
    });

    it("asks for ES256 only, a discoverable credential and user verification", async function () {
      const { status, body } = await postJson<Record<string, unknown>>(
        `${stack.url}/v1/passkeys/registration-options`,
        { label: "My bag" },
      );
      expect(status).to.equal(201);
      expect(body.pubKeyCredParams).to.deep.equal([{ alg: -7, type: "public-key" }]);
      expect(body.authenticatorSelection).to.deep.include({
        residentKey: "required",
        userVerification: "required",
      });
      expect(body.rp).to.deep.equal({ name: "Hallmark", id: "hallmark.example" });
    });

    for (const [what, bend] of [
      ["a page of another origin", { origin: "https://evil.example" }],
      ["another RP id (a passkey made for another site)", { rpId: "evil.example" }],
      ["no user verification (UV flag unset)", { flags: 0x41 }],
    ] as const) {
      it(`refuses a registration from ${what}`, async function () {
        const options = await postJson<{ challenge: string; rp: { id: string } }>(
          `${stack.url}/v1/passkeys/registration-options`,
          {},
        );
        const refused = await postJson(`${stack.url}/v1/passkeys/registrations`, {
          response: new SoftAuthenticator(SITE).register(options.body, bend),
        });
        expect(refused.status).to.equal(422);
        expect(refused.body.type).to.match(/passkey-registration-refused$/);
      });
    }

    it("takes each registration challenge once", async function () {
      const options = await postJson<{ challenge: string; rp: { id: string } }>(
        `${stack.url}/v1/passkeys/registration-options`,
        {},
      );
      const response = new SoftAuthenticator(SITE).register(options.body);
      expect((await postJson(`${stack.url}/v1/passkeys/registrations`, { response })).status).to.equal(201);
      expect((await postJson(`${stack.url}/v1/passkeys/registrations`, { response })).status).to.equal(409);
    });
  });

  describe("sponsored operations", function () {
    it("transfers a piece from a counterfactual account to a buyer's, then the buyer reports it stolen from a new account", async function () {
      const seller = await stack.register();
      const buyer = await stack.register();
      const tokenId = await issueTo(seller.account);

      const transfer = await act(seller, {
        type: "transfer",
        certificateId: tokenId.toString(),
        to: buyer.account,
      });
      expect(transfer.status, JSON.stringify(transfer.body)).to.equal(200);
      expect(transfer.body.success).to.equal(true);
      expect(transfer.body.blockNumber).to.be.a("number");
      expect(await stack.certificate.ownerOf(tokenId)).to.equal(buyer.account);
      expect(await stack.verifier.chain.hasCode(seller.account)).to.equal(true);
      const receipt = await stack.entryPoint.runner!.provider!.getTransactionReceipt(
        transfer.body.transactionHash,
      );
      expect(receipt?.from).to.equal(stack.relayer);

      const report = await act(buyer, { type: "reportStolen", certificateId: tokenId.toString() });
      expect(report.status, JSON.stringify(report.body)).to.equal(200);
      expect(report.body.success).to.equal(true);
      expect(await stack.certificate.statusOf(tokenId)).to.equal(1n);
    });

    it("transfers from an account already deployed, without its public key", async function () {
      const seller = await stack.register();
      const first = await issueTo(seller.account);
      const second = await issueTo(seller.account);
      const buyer = await stack.register();
      expect(
        (await act(seller, { type: "transfer", certificateId: first.toString(), to: buyer.account })).status,
      ).to.equal(200);
      const prepared = await stack.prepare({
        account: seller.account,
        action: { type: "transfer", certificateId: second.toString(), to: buyer.account },
      });
      expect(prepared.status).to.equal(200);
      expect(prepared.body.deployed).to.equal(true);
      expect(prepared.body.operation.initCode).to.equal("0x");
      const relayed = await stack.relay(prepared.body, seller.authenticator.assert(prepared.body.challenge));
      expect(relayed.status, JSON.stringify(relayed.body)).to.equal(200);
      expect(relayed.body.success).to.equal(true);
      expect(await stack.certificate.ownerOf(second)).to.equal(buyer.account);
    });
  });
});
