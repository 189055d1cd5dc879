import { expect } from "chai";
import { getJson, postJson } from "./stack.js";
import { buildPasskeyStack, LIMITS, PUBLIC_URL, SITE } from "./passkey-stack.js";
import { ethers } from "../../contracts/fixtures.js";
import type { PasskeyStack, Registered } from "./passkey-stack.js";
import { SoftAuthenticator } from "../support/soft-authenticator.js";

const ethersSigners = () => ethers.getSigners();

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

    it("relays at a zero fee by default (HALLMARK_RELAY_FEES=none): the paymaster's deposit does not move, the relayer pays the transaction's gas", async function () {
      const seller = await stack.register();
      const buyer = await stack.register();
      const tokenId = await issueTo(seller.account);
      const provider = stack.entryPoint.runner!.provider!;
      const paymaster = await stack.paymaster.getAddress();
      const deposit = await stack.entryPoint.balanceOf(paymaster);
      const relayerBefore = await provider.getBalance(stack.relayer);
      const prepared = await stack.prepare({
        account: seller.account,
        publicKey: seller.publicKey,
        action: { type: "transfer", certificateId: tokenId.toString(), to: buyer.account },
      });
      expect(prepared.status).to.equal(200);
      expect(BigInt(prepared.body.operation.gasFees)).to.equal(0n);
      const relayed = await stack.relay(prepared.body, seller.authenticator.assert(prepared.body.challenge));
      expect(relayed.status, JSON.stringify(relayed.body)).to.equal(200);
      expect(await stack.certificate.ownerOf(tokenId)).to.equal(buyer.account);
      expect(await stack.entryPoint.balanceOf(paymaster)).to.equal(deposit);
      const receipt = await provider.getTransactionReceipt(relayed.body.transactionHash);
      expect(await provider.getBalance(stack.relayer)).to.equal(
        relayerBefore - receipt!.gasUsed * receipt!.gasPrice,
      );
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

    it("refuses the same operation sent twice with a 409, and sends one transaction", async function () {
      const seller = await stack.register();
      const buyer = await stack.register();
      const tokenId = await issueTo(seller.account);
      const prepared = await stack.prepare({
        account: seller.account,
        publicKey: seller.publicKey,
        action: { type: "transfer", certificateId: tokenId.toString(), to: buyer.account },
      });
      const assertion = seller.authenticator.assert(prepared.body.challenge);
      // At once (a double tap, two verifiers): one relays, the other is told it is being relayed.
      const [first, second] = await Promise.all([
        stack.relay(prepared.body, assertion),
        stack.relay(prepared.body, assertion),
      ]);
      expect([first.status, second.status].sort()).to.deep.equal([200, 409]);
      // Later: the nonce is used.
      const again = await stack.relay(prepared.body, assertion);
      expect(again.status).to.equal(409);
      expect(again.body.detail).to.match(/relayed already/);
      const events = await stack.entryPoint.queryFilter(
        stack.entryPoint.filters.UserOperationEvent(prepared.body.hash),
      );
      expect(events).to.have.length(1);
    });

    for (const [what, bend, detail] of [
      ["a passkey made for another site (another RP id)", { rpId: "evil.example" }, /RP id/],
      ["a page of another origin", { origin: "https://evil.example" }, /evil\.example/],
      ["no user verification (UV flag unset)", { flags: 0x01 }, /UV flag/],
      ["a registration ceremony (webauthn.create)", { type: "webauthn.create" }, /webauthn\.get/],
      // The account rebuilds the client data's first bytes from the hash: another order could not verify.
      ["a browser writing the challenge before the type", { challengeFirst: true }, /does not start with/],
    ] as const) {
      it(`refuses an assertion from ${what}, and sends nothing`, async function () {
        const owner = await stack.register();
        const tokenId = await issueTo(owner.account);
        const relayed = await act(owner, { type: "reportStolen", certificateId: tokenId.toString() }, bend);
        expect(relayed.status).to.equal(422);
        expect(relayed.body.type).to.match(/passkey-assertion-refused$/);
        expect(relayed.body.detail).to.match(detail);
        expect(await stack.verifier.chain.hasCode(owner.account)).to.equal(false);
        expect(await stack.certificate.statusOf(tokenId)).to.equal(0n);
      });
    }

    it("refuses an assertion over another challenge, or signed by another passkey", async function () {
      const owner = await stack.register();
      const other = await stack.register();
      const tokenId = await issueTo(owner.account);
      const prepared = await stack.prepare({
        account: owner.account,
        publicKey: owner.publicKey,
        action: { type: "reportStolen", certificateId: tokenId.toString() },
      });
      const stale = await stack.relay(prepared.body, owner.authenticator.assert("A".repeat(43)));
      expect(stale.status).to.equal(422);
      expect(stale.body.detail).to.match(/another challenge/);
      const foreign = await stack.relay(prepared.body, other.authenticator.assert(prepared.body.challenge));
      expect(foreign.status).to.equal(422);
      expect(foreign.body.detail).to.match(/not the one the account is made from/);
    });

    it("relays a high-s signature in its low-s form (the account refuses the high form)", async function () {
      const owner = await stack.register();
      const tokenId = await issueTo(owner.account);
      const relayed = await act(
        owner,
        { type: "reportStolen", certificateId: tokenId.toString() },
        { highS: true },
      );
      expect(relayed.status, JSON.stringify(relayed.body)).to.equal(200);
      expect(relayed.body.success).to.equal(true);
    });

    it("refuses to act on a piece the account does not own (403)", async function () {
      const owner = await stack.register();
      const stranger = await stack.register();
      const tokenId = await issueTo(owner.account);
      for (const action of [
        { type: "transfer", certificateId: tokenId.toString(), to: stranger.account },
        { type: "reportStolen", certificateId: tokenId.toString() },
      ]) {
        const prepared = await stack.prepare({
          account: stranger.account,
          publicKey: stranger.publicKey,
          action,
        });
        expect(prepared.status).to.equal(403);
        expect(prepared.body.type).to.match(/not-owner$/);
      }
    });

    it("refuses to move a stolen or a revoked piece, or to report it again (422)", async function () {
      const owner = await stack.register();
      const buyer = await stack.register();
      const stolen = await issueTo(owner.account);
      const revoked = await issueTo(owner.account);
      await (await stack.certificate.connect(stack.adminA).revoke(revoked, "counterfeit batch")).wait();
      expect((await act(owner, { type: "reportStolen", certificateId: stolen.toString() })).status).to.equal(
        200,
      );
      for (const tokenId of [stolen, revoked]) {
        for (const action of [
          { type: "transfer", certificateId: tokenId.toString(), to: buyer.account },
          { type: "reportStolen", certificateId: tokenId.toString() },
        ]) {
          const prepared = await stack.prepare({ account: owner.account, action });
          expect(prepared.status).to.equal(422);
          expect(prepared.body.type).to.match(/operation-refused$/);
          expect(prepared.body.detail).to.match(/stolen|revoked/);
        }
      }
    });

    it("refuses an operation whose call is not one of Hallmark's, or paid by another paymaster", async function () {
      const owner = await stack.register();
      const tokenId = await issueTo(owner.account);
      const prepared = await stack.prepare({
        account: owner.account,
        publicKey: owner.publicKey,
        action: { type: "reportStolen", certificateId: tokenId.toString() },
      });
      // The registry's code is Hallmark's, but no call to it is sponsored; nor is an ether transfer.
      const registry = await stack.registry.getAddress();
      const callData = stack.factory.interface.getAbiCoder().encode(["address"], [registry]);
      for (const operation of [
        {
          ...prepared.body.operation,
          callData: prepared.body.operation.callData.replace(
            (await stack.certificate.getAddress()).slice(2).toLowerCase(),
            registry.slice(2).toLowerCase(),
          ),
        },
        { ...prepared.body.operation, callData },
        { ...prepared.body.operation, paymasterAndData: "0x" },
      ]) {
        const tampered = { ...prepared.body, operation };
        const refused = await stack.relay(tampered, owner.authenticator.assert(prepared.body.challenge));
        expect(refused.status).to.equal(422);
        expect(refused.body.type).to.match(/operation-not-sponsored$/);
      }
    });

    it("stops at the paymaster's daily limit of an account with a 429 and Retry-After, before and after signing", async function () {
      const owner = await stack.register();
      const first = await issueTo(owner.account);
      const second = await issueTo(owner.account);
      expect((await act(owner, { type: "reportStolen", certificateId: first.toString() })).status).to.equal(
        200,
      );
      const prepared = await stack.prepare({
        account: owner.account,
        action: { type: "reportStolen", certificateId: second.toString() },
      });
      expect(prepared.status).to.equal(200);
      const [groupAdmin] = await ethersSigners();
      await (
        await stack.paymaster.connect(groupAdmin).setLimits(1n, { ...LIMITS, opsPerAccountPerDay: 1n })
      ).wait();
      try {
        // Signed before the limit was lowered: the EntryPoint's simulation meets the paymaster's refusal.
        const relayed = await stack.relay(prepared.body, owner.authenticator.assert(prepared.body.challenge));
        expect(relayed.status).to.equal(429);
        expect(Number(relayed.headers.get("retry-after"))).to.be.within(1, 86_400);
        expect(relayed.body.detail).to.match(/sponsored operations of the day/);
        const again = await stack.prepare({
          account: owner.account,
          action: { type: "reportStolen", certificateId: second.toString() },
        });
        expect(again.status).to.equal(429);
        expect(Number(again.headers.get("retry-after"))).to.be.within(1, 86_400);
      } finally {
        await (await stack.paymaster.connect(groupAdmin).setLimits(1n, LIMITS)).wait();
      }
      expect(await stack.certificate.statusOf(second)).to.equal(0n);
    });
  });

  describe("ownership proofs with a passkey (the two-phone check)", function () {
    /** The buyer asks for a challenge; the seller's page gets the passkey options for it and answers. */
    async function prove(
      prover: Registered & { authenticator: SoftAuthenticator },
      tokenId: bigint,
      options: { account?: string; bend?: object } = {},
    ) {
      await stack.sync();
      const challenge = await postJson<{ challengeId: string }>(`${stack.url}/v1/ownership/challenges`, {
        tokenId: tokenId.toString(),
      });
      expect(challenge.status).to.equal(201);
      const { challengeId } = challenge.body;
      const asked = await postJson<{
        account: string;
        deployed: boolean;
        options: { challenge: string; rpId: string };
      }>(`${stack.url}/v1/ownership/challenges/${challengeId}/passkey`, {
        credentialId: prover.credentialId,
        ...(options.account === undefined ? {} : { account: options.account }),
      });
      expect(asked.status, JSON.stringify(asked.body)).to.equal(200);
      expect(asked.body.options.rpId).to.equal("hallmark.example");
      const passkey = prover.authenticator.assert(asked.body.options.challenge, options.bend);
      const proof = await postJson<{ owner: boolean; address: string }>(`${stack.url}/v1/ownership/proofs`, {
        challengeId,
        passkey,
        ...(options.account === undefined ? {} : { account: options.account }),
      });
      const watched = await getJson<{ state: string; owner?: boolean }>(
        `${stack.url}/v1/ownership/challenges/${challengeId}`,
      );
      return { asked: asked.body, proof, watched: watched.body };
    }

    it("proves a counterfactual account's ownership with ERC-6492, leaving the account undeployed", async function () {
      const seller = await stack.register();
      const tokenId = await issueTo(seller.account);
      const { asked, proof, watched } = await prove(seller, tokenId);
      expect(asked).to.include({ account: seller.account, deployed: false });
      expect(proof.status, JSON.stringify(proof.body)).to.equal(200);
      expect(proof.body).to.include({ owner: true, address: seller.account });
      expect(watched).to.include({ state: "proven", owner: true });
      expect(await stack.verifier.chain.hasCode(seller.account)).to.equal(false);
    });

    it("proves a deployed account's ownership with ERC-1271", async function () {
      const seller = await stack.register();
      const tokenId = await issueTo(seller.account);
      await (await stack.factory.createAccount(seller.publicKey.x, seller.publicKey.y)).wait();
      const { asked, proof } = await prove(seller, tokenId);
      expect(asked.deployed).to.equal(true);
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: true, address: seller.account });
    });

    it("answers owner: false for another account's passkey, deployed or not, naming it or the owner", async function () {
      const seller = await stack.register();
      const impostor = await stack.register();
      const tokenId = await issueTo(seller.account);
      // Its own account (not the owner), then claiming to be the owner's.
      for (const account of [undefined, seller.account]) {
        const { proof } = await prove(impostor, tokenId, { account });
        expect(proof.status).to.equal(200);
        expect(proof.body).to.include({ owner: false, address: seller.account });
      }
      await (await stack.factory.createAccount(impostor.publicKey.x, impostor.publicKey.y)).wait();
      const { proof } = await prove(impostor, tokenId);
      expect(proof.body).to.include({ owner: false, address: seller.account });
    });

    it("refuses a passkey answer from another site, without user verification or out of WebAuthn's order, and the challenge stays open", async function () {
      const seller = await stack.register();
      const tokenId = await issueTo(seller.account);
      for (const bend of [
        { rpId: "evil.example" },
        { origin: "https://evil.example" },
        { flags: 0x01 },
        { challengeFirst: true },
      ]) {
        const { proof, watched } = await prove(seller, tokenId, { bend });
        expect(proof.status).to.equal(422);
        expect((proof.body as { type?: string }).type).to.match(/passkey-assertion-refused$/);
        expect(watched.state).to.equal("pending");
      }
    });
  });

  describe("account upkeep", function () {
    it("adds a second device's passkey, which then signs for the account; removes it; sets and cancels a recovery", async function () {
      const owner = await stack.register();
      const phone = await stack.register();
      const tokenId = await issueTo(owner.account);
      const added = await act(owner, { type: "addPasskey", publicKey: phone.publicKey });
      expect(added.status, JSON.stringify(added.body)).to.equal(200);
      expect(added.body.success).to.equal(true);
      const account = await ethers.getContractAt("HallmarkPasskeyAccount", owner.account);
      expect(await account.passkeyCount()).to.equal(2n);
      // The same key again: a conflict, before anything is signed.
      const twice = await stack.prepare({
        account: owner.account,
        action: { type: "addPasskey", publicKey: phone.publicKey },
      });
      expect(twice.status).to.equal(409);

      // The second device signs for the owner's account (the page names the account).
      const prepared = await stack.prepare({
        account: owner.account,
        action: { type: "reportStolen", certificateId: tokenId.toString() },
      });
      const relayed = await stack.relay(prepared.body, phone.authenticator.assert(prepared.body.challenge));
      expect(relayed.status, JSON.stringify(relayed.body)).to.equal(200);
      expect(await stack.certificate.statusOf(tokenId)).to.equal(1n);

      const removed = await act(owner, { type: "removePasskey", publicKey: phone.publicKey });
      expect(removed.status).to.equal(200);
      expect(await account.passkeyCount()).to.equal(1n);
      const last = await stack.prepare({
        account: owner.account,
        action: { type: "removePasskey", publicKey: owner.publicKey },
      });
      expect(last.status).to.equal(422);

      const [, , , , , , , , , , , , recoverer] = await ethers.getSigners();
      const short = await stack.prepare({
        account: owner.account,
        action: { type: "setRecovery", recoverer: recoverer.address, delay: 3600 },
      });
      expect(short.status).to.equal(422);
      expect(
        (await act(owner, { type: "setRecovery", recoverer: recoverer.address, delay: 2 * 86_400 })).status,
      ).to.equal(200);
      expect(
        await stack.prepare({ account: owner.account, action: { type: "cancelRecovery" } }),
      ).to.have.property("status", 422);
      await (await account.connect(recoverer).startRecovery(phone.publicKey.x, phone.publicKey.y)).wait();
      const cancelled = await act(owner, { type: "cancelRecovery" });
      expect(cancelled.status).to.equal(200);
      expect((await account.pendingRecovery())[2]).to.equal(0n);
    });
  });
});
