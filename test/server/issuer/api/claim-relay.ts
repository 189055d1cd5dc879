import { expect } from "chai";
import { Signature, Wallet } from "ethers";
import type { HDNodeWallet } from "ethers";
import { signTypedMessage } from "../../../../server/chain/eip712.js";
import { eip712Domain, ethers, item, tokenIdOf } from "../../../contracts/fixtures.js";
import { buildIssuerStack } from "./issuer-stack.js";
import type { IssuerStack } from "./issuer-stack.js";
import { getJson, postJson } from "../../api/stack.js";
import { ClaimRelay } from "../../../../server/issuer/claim-relay.js";
import { connectHallmark } from "../../../../server/issuer/contracts.js";
import { BrandQueue } from "../../../../server/issuer/jobs/brand-queue.js";

interface Problem {
  type: string;
  status: number;
  detail: string;
}

interface SignedClaim {
  tokenId: string;
  recipient: string;
  deadline: number;
  signature: string;
}

/**
 * POST /v1/claims on the real stack: brand 1 has an issuer key configured (it sponsors its
 * customers' claims), brand 2 has none.
 */
describe("POST /v1/claims (the claim relay)", function () {
  let stack: IssuerStack;
  const codes = Array.from({ length: 7 }, () => Wallet.createRandom());
  const tokens: bigint[] = [];
  let brand2Token: bigint;
  let brand2Code: HDNodeWallet;

  before(async function () {
    stack = await buildIssuerStack();
    for (const [index, code] of codes.entries()) {
      const input = item(`RELAY-${index}`, { claimKey: code.address });
      await (
        await stack.certificate.connect(stack.issuerA).issue(stack.brandA, stack.vaultA.address, input)
      ).wait();
      tokens.push(tokenIdOf(stack.brandA, input.serialHash));
    }
    brand2Code = Wallet.createRandom();
    const input = item("RELAY-B", { claimKey: brand2Code.address });
    await (
      await stack.certificate.connect(stack.issuerB).issue(stack.brandB, stack.adminB.address, input)
    ).wait();
    brand2Token = tokenIdOf(stack.brandB, input.serialHash);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  async function chainTime(): Promise<number> {
    return (await ethers.provider.getBlock("latest"))!.timestamp;
  }

  async function sign(
    tokenId: bigint,
    code: HDNodeWallet,
    recipient: string,
    validFor = 3600,
  ): Promise<SignedClaim> {
    const [, nonce] = await stack.certificate.claimStateOf(tokenId);
    const deadline = (await chainTime()) + validFor;
    const signature = await signTypedMessage(code, "Claim", await eip712Domain(stack.certificate), {
      tokenId,
      recipient,
      nonce,
      deadline,
    });
    return { tokenId: tokenId.toString(), recipient, deadline, signature };
  }

  const relay = <T>(body: unknown) => postJson<T>(`${stack.url}/v1/claims`, body);
  const relayerNonce = () => ethers.provider.getTransactionCount(stack.issuerA.address);
  const signatures: string[] = [];

  describe("when the claim is valid", function () {
    let claim: SignedClaim;
    let answer: { status: number; body: { txHash: string; block: number | null; index: { block: number } } };

    before(async function () {
      claim = await sign(tokens[0], codes[0], stack.alice.address);
      signatures.push(claim.signature);
      answer = await relay(claim);
    });

    it("answers 202 with the transaction hash, the block it was mined in and the index's freshness", async function () {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      expect(answer.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const receipt = await ethers.provider.getTransactionReceipt(answer.body.txHash);
      expect(answer.body.block).to.equal(receipt?.blockNumber);
      expect(answer.body.index.block).to.be.a("number");
    });

    it("sends claimWithCode from the brand's issuer key", async function () {
      const receipt = await ethers.provider.waitForTransaction(answer.body.txHash);
      expect(receipt?.status).to.equal(1);
      expect(receipt?.from).to.equal(stack.issuerA.address);
      expect(receipt?.to).to.equal(await stack.certificate.getAddress());
    });

    describe("when the customer reads the claim back with ?minBlock=<the claim's block>", function () {
      const certificateUrl = () => `${stack.url}/v1/certificates/${tokens[0].toString()}`;
      /** The block the verifier's index holds, as its answers name it. */
      const heldBlock = async () =>
        (await getJson<{ index: { block: number } }>(certificateUrl())).body.index.block;

      it("waits for the index to reach the block, then answers with the new owner", async function () {
        const claimBlock = answer.body.block!;
        expect(await heldBlock(), "the index has not seen the claim yet").to.be.below(claimBlock);
        const started = Date.now();
        const read = getJson<{ owner: string; index: { block: number } }>(
          `${certificateUrl()}?minBlock=${claimBlock}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await stack.sync();
        const view = await read;
        expect(view.status).to.equal(200);
        expect(Date.now() - started, "it waited for the indexer").to.be.at.least(300);
        expect(view.body.owner.toLowerCase()).to.equal(stack.alice.address.toLowerCase());
        expect(view.body.index.block).to.be.at.least(claimBlock);
      });

      it("answers at once when the index already holds the block", async function () {
        const view = await getJson<{ owner: string }>(`${certificateUrl()}?minBlock=${answer.body.block}`);
        expect(view.status).to.equal(200);
        expect(view.body.owner.toLowerCase()).to.equal(stack.alice.address.toLowerCase());
      });

      it("answers 503 with Retry-After and the block it holds when the index does not reach it within 2 s", async function () {
        const held = await heldBlock();
        const started = Date.now();
        const refused = await getJson<Problem & { index: { block: number } }>(
          `${certificateUrl()}?minBlock=${held + 1000}`,
        );
        expect(refused.status).to.equal(503);
        expect(refused.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(refused.headers.get("retry-after")).to.equal("1");
        expect(refused.body.index.block).to.equal(held);
        expect(refused.body.detail)
          .to.include(`block ${held}`)
          .and.to.include(`block ${held + 1000}`);
        expect(Date.now() - started).to.be.within(1_900, 4_000);
      });

      for (const bad of ["-1", "1.5", "abc", "0x10", "01", "9999999999999999"]) {
        it(`refuses ?minBlock=${bad} with a 400 naming the parameter`, async function () {
          const refused = await getJson<Problem & { errors: { path: string }[] }>(
            `${certificateUrl()}?minBlock=${encodeURIComponent(bad)}`,
          );
          expect(refused.status).to.equal(400);
          expect(refused.body.errors.map((e) => e.path)).to.include("query.minBlock");
        });
      }

      it("takes ?minBlock on the provenance and the certificate list too", async function () {
        const minBlock = answer.body.block!;
        const provenance = await getJson(`${certificateUrl()}/provenance?minBlock=${minBlock}`);
        expect(provenance.status).to.equal(200);
        const list = await getJson<{ items: { tokenId: string }[] }>(
          `${stack.url}/v1/certificates?owner=${stack.alice.address}&minBlock=${minBlock}`,
        );
        expect(list.status).to.equal(200);
        expect(list.body.items.map((item) => item.tokenId)).to.include(tokens[0].toString());
      });
    });

    describe("when the same signed claim is replayed", function () {
      it("answers 422 naming HallmarkNoClaimKey and sends no transaction", async function () {
        const before = await relayerNonce();
        const replay = await relay<Problem>(claim);
        expect(replay.status).to.equal(422);
        expect(replay.body.type).to.equal("https://hallmark.dev/problems/transaction-refused");
        expect(replay.body.detail).to.include("HallmarkNoClaimKey");
        expect(await relayerNonce()).to.equal(before);
      });
    });
  });

  describe("when the deadline has passed", function () {
    it("answers 422 naming HallmarkSignatureExpired and sends no transaction", async function () {
      const claim = await sign(tokens[1], codes[1], stack.alice.address, -1);
      signatures.push(claim.signature);
      const before = await relayerNonce();
      const answer = await relay<Problem>(claim);
      expect(answer.status).to.equal(422);
      expect(answer.body.type).to.equal("https://hallmark.dev/problems/transaction-refused");
      expect(answer.body.detail).to.include("HallmarkSignatureExpired");
      expect(await relayerNonce()).to.equal(before);
      expect(await stack.certificate.ownerOf(tokens[1])).to.equal(stack.vaultA.address);
    });
  });

  describe("when the claim is signed for another recipient", function () {
    it("refuses to redirect it: 422 naming HallmarkInvalidSignature, and the certificate stays put", async function () {
      const claim = await sign(tokens[2], codes[2], stack.alice.address);
      signatures.push(claim.signature);
      const before = await relayerNonce();
      const answer = await relay<Problem>({ ...claim, recipient: stack.mallory.address });
      expect(answer.status).to.equal(422);
      expect(answer.body.detail).to.include("HallmarkInvalidSignature");
      expect(await relayerNonce()).to.equal(before);
      expect(await stack.certificate.ownerOf(tokens[2])).to.equal(stack.vaultA.address);
    });
  });

  describe("when the code is another certificate's", function () {
    it("answers 422 naming HallmarkInvalidSignature", async function () {
      const claim = await sign(tokens[3], codes[4], stack.alice.address);
      const answer = await relay<Problem>(claim);
      expect(answer.status).to.equal(422);
      expect(answer.body.detail).to.include("HallmarkInvalidSignature");
    });
  });

  describe("when the same claim is submitted twice at once", function () {
    it("relays one and answers 409 to the other", async function () {
      const claim = await sign(tokens[5], codes[5], stack.bob.address);
      signatures.push(claim.signature);
      const answers = await Promise.all([relay<Problem>(claim), relay<Problem>(claim)]);
      expect(answers.map((a) => a.status).sort()).to.deep.equal([202, 409]);
      expect(answers.find((a) => a.status === 409)?.body.type).to.equal(
        "https://hallmark.dev/problems/conflict",
      );
      await stack.sync();
      expect(await stack.certificate.ownerOf(tokens[5])).to.equal(stack.bob.address);
    });
  });

  describe("when the signature is in the compact EIP-2098 form (64 bytes)", function () {
    let claim: SignedClaim;
    let compact: string;

    before(async function () {
      claim = await sign(tokens[6], codes[6], stack.bob.address);
      signatures.push(claim.signature);
      compact = Signature.from(claim.signature).compactSerialized;
    });

    it("is refused by the contract, although it is the code's own signature", async function () {
      await expect(
        stack.certificate
          .connect(stack.bob)
          .claimWithCode.staticCall(tokens[6], claim.recipient, claim.deadline, compact),
      ).to.be.revertedWithCustomError(stack.certificate, "HallmarkInvalidSignature");
    });

    it("answers 400 compact-signature naming the 65-byte form, and sends no transaction", async function () {
      const before = await relayerNonce();
      const answer = await relay<Problem>({ ...claim, signature: compact });
      expect(answer.status).to.equal(400);
      expect(answer.body.type).to.equal("https://hallmark.dev/problems/compact-signature");
      expect(answer.body.detail).to.include("65-byte");
      expect(await relayerNonce()).to.equal(before);
    });

    it("relays the same claim in the 65-byte form", async function () {
      const answer = await relay<{ txHash: string }>(claim);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      expect((await ethers.provider.waitForTransaction(answer.body.txHash))?.status).to.equal(1);
      expect(await stack.certificate.ownerOf(tokens[6])).to.equal(stack.bob.address);
    });
  });

  describe("when the token is unknown", function () {
    it("answers 404", async function () {
      const unknown = tokenIdOf(stack.brandA, ethers.id("no such serial"));
      const answer = await relay<Problem>(await sign(unknown, codes[3], stack.alice.address));
      expect(answer.status).to.equal(404);
      expect(answer.body.type).to.equal("https://hallmark.dev/problems/not-found");
    });
  });

  describe("when the request is malformed", function () {
    it("answers 400 naming the field", async function () {
      const claim = await sign(tokens[3], codes[3], stack.alice.address);
      const answer = await relay<Problem & { errors: { path: string }[] }>({ ...claim, signature: "0x1234" });
      expect(answer.status).to.equal(400);
      expect(answer.body.errors.map((e) => e.path)).to.deep.equal(["body.signature"]);
    });
  });

  describe("when the certificate's brand has no issuer key on this server", function () {
    it("answers 422 claim-relay-unavailable, so the page can hand the claim to another relayer", async function () {
      const answer = await relay<Problem>(await sign(brand2Token, brand2Code, stack.alice.address));
      expect(answer.status).to.equal(422);
      expect(answer.body.type).to.equal("https://hallmark.dev/problems/claim-relay-unavailable");
      expect(await stack.certificate.ownerOf(brand2Token)).to.equal(stack.adminB.address);
    });
  });

  describe("when the claim is not mined within the relay's wait", function () {
    it("answers with the transaction and block null once broadcast, and the claim still lands when mined", async function () {
      const relayNow = new ClaimRelay({
        contracts: connectHallmark(stack.deployments, ethers.provider),
        signerOf: () => stack.issuerA,
        queue: new BrandQueue(),
        minedWithinMs: 300,
      });
      const claim = await sign(tokens[3], codes[3], stack.bob.address);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const relayed = await relayNow.relay({
          ...claim,
          tokenId: tokens[3],
          deadline: BigInt(claim.deadline),
        });
        expect(relayed.block).to.equal(null);
        expect(relayed.txHash).to.match(/^0x[0-9a-f]{64}$/);
        expect(await ethers.provider.getTransactionReceipt(relayed.txHash)).to.equal(null);
        await ethers.provider.send("evm_mine", []);
        expect((await ethers.provider.waitForTransaction(relayed.txHash))?.status).to.equal(1);
        expect(await stack.certificate.ownerOf(tokens[3])).to.equal(stack.bob.address);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
    });
  });

  describe("after all of the above", function () {
    it("has logged each relayed claim but no signature", function () {
      const logs = stack.logLines.join("");
      expect(logs).to.include("claim relayed");
      for (const signature of signatures) expect(logs).to.not.include(signature.slice(2, 60));
    });
  });
});
