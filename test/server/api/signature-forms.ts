/* eslint-disable @typescript-eslint/no-unsafe-argument --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { ethers } from "../../contracts/fixtures.js";
import { buildStack, postJson } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const COMPACT_SIGNATURE = "https://hallmark.dev/problems/compact-signature";
const compact = (signature: string): string => ethersLib.Signature.from(signature).compactSerialized;

/** Signs the typed data the API handed out, as a wallet would (ethers takes the types without EIP712Domain). */
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
 * EIP-2098 compact (64-byte) signatures: ethers recovers them, OpenZeppelin 5's ECDSA and
 * SignatureChecker (and so the contracts) do not. The API answers as the chain would, and says
 * so: a key's compact signature is refused with a 400 naming the 65-byte form; a contract
 * account's signature of any length still goes to its isValidSignature.
 */
describe("Signature forms on the proof routes (the API refuses what the contracts refuse)", function () {
  let stack: Stack;
  let eoaOwned: bigint; // owned by alice (a key)
  let walletOwned: bigint; // owned by an EIP-1271 wallet whose signatures are 64 bytes
  let walletAddress: string;
  const chipKey = ethersLib.Wallet.createRandom();

  before(async function () {
    stack = await buildStack();
    eoaOwned = await stack.issue("SIG-0001", stack.alice.address, { chip: chipKey.address });
    const wallet = await ethers.deployContract("CompactSignatureWallet", [stack.carol.address]);
    walletAddress = await wallet.getAddress();
    walletOwned = await stack.issue("SIG-0002", walletAddress);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  const ownershipChallenge = async (tokenId: bigint) =>
    (await postJson<Body>(`${stack.url}/v1/ownership/challenges`, { tokenId: tokenId.toString() })).body;
  const prove = (challengeId: string, signature: string) =>
    postJson<Body>(`${stack.url}/v1/ownership/proofs`, { challengeId, signature });

  describe("POST /v1/ownership/proofs, by a key", function () {
    it("accepts the owner's 65-byte signature", async function () {
      const challenge = await ownershipChallenge(eoaOwned);
      const proof = await prove(
        challenge.challengeId,
        await signOwnership(stack.alice, challenge.typedData, stack.alice.address),
      );
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: true, address: stack.alice.address });
    });

    it("refuses the owner's compact signature with 400 compact-signature, where the contract answers false", async function () {
      const challenge = await ownershipChallenge(eoaOwned);
      const signature = compact(await signOwnership(stack.alice, challenge.typedData, stack.alice.address));
      expect(await stack.certificate.verifyOwnership(eoaOwned, challenge.challengeId, signature)).to.equal(
        false,
      );
      const proof = await prove(challenge.challengeId, signature);
      expect(proof.status).to.equal(400);
      expect(proof.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(proof.body.type).to.equal(COMPACT_SIGNATURE);
      expect(proof.body.detail).to.include("65-byte");
    });

    it("leaves the challenge open after a compact signature, so the 65-byte form can follow", async function () {
      const challenge = await ownershipChallenge(eoaOwned);
      const full = await signOwnership(stack.alice, challenge.typedData, stack.alice.address);
      expect((await prove(challenge.challengeId, compact(full))).status).to.equal(400);
      const proof = await prove(challenge.challengeId, full);
      expect(proof.status).to.equal(200);
      expect(proof.body.owner).to.equal(true);
    });
  });

  describe("POST /v1/ownership/proofs, by an EIP-1271 contract account", function () {
    it("passes a 64-byte signature through to the wallet's isValidSignature, which accepts it", async function () {
      const challenge = await ownershipChallenge(walletOwned);
      const signature = compact(await signOwnership(stack.carol, challenge.typedData, walletAddress));
      expect(ethersLib.dataLength(signature)).to.equal(64);
      const proof = await prove(challenge.challengeId, signature);
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: true, address: walletAddress });
    });

    it("answers owner: false (not 400) to a 64-byte signature the wallet does not accept", async function () {
      const challenge = await ownershipChallenge(walletOwned);
      const signature = compact(await signOwnership(stack.mallory, challenge.typedData, walletAddress));
      const proof = await prove(challenge.challengeId, signature);
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ owner: false, address: walletAddress });
    });
  });

  describe("POST /v1/chip/proofs", function () {
    const chipChallenge = async () =>
      (await postJson<Body>(`${stack.url}/v1/chip/challenges`, { tokenId: eoaOwned.toString() })).body;
    const proveChip = (challengeId: string, signature: string) =>
      postJson<Body>(`${stack.url}/v1/chip/proofs`, { challengeId, signature });

    it("accepts the chip's 65-byte signature", async function () {
      const challenge = await chipChallenge();
      const proof = await proveChip(
        challenge.challengeId,
        await chipKey.signMessage(challenge.message as string),
      );
      expect(proof.status).to.equal(200);
      expect(proof.body).to.include({ authentic: true, signer: chipKey.address });
    });

    it("refuses the chip's compact signature with 400 compact-signature, and the challenge stays open", async function () {
      const challenge = await chipChallenge();
      const full = await chipKey.signMessage(challenge.message as string);
      const proof = await proveChip(challenge.challengeId, compact(full));
      expect(proof.status).to.equal(400);
      expect(proof.body.type).to.equal(COMPACT_SIGNATURE);
      expect(proof.body.detail).to.include("65-byte");
      expect((await proveChip(challenge.challengeId, full)).body.authentic).to.equal(true);
    });
  });
});
