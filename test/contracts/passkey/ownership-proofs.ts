import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { ERC6492_MAGIC, wrapErc6492 } from "../../../server/chain/passkey/erc6492.js";
import { nestedTypedData } from "../../../server/chain/passkey/erc7739.js";
import {
  createAccountCallData,
  passkeyAccountInterface,
} from "../../../server/chain/passkey/user-operation.js";
import { eip712Domain, ethers, networkHelpers, OWNERSHIP_PROOF_TYPES } from "../fixtures.js";
import { deployWithPasskeyOwner, handleOps, signedOperation, type SoftPasskey } from "./fixtures.js";

const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);
const CHALLENGE = ethersLib.id("buyer's challenge");

type Stack = Awaited<ReturnType<typeof deployWithPasskeyOwner>>;

/** The passkey's ERC-7739 answer to OwnershipProof(tokenId, owner, challenge) for `account`. */
async function proof(fx: Stack, key: SoftPasskey, account: string, challenge = CHALLENGE, owner = account) {
  const { chainId } = await ethers.provider.getNetwork();
  const nested = nestedTypedData(
    await eip712Domain(fx.certificate),
    OWNERSHIP_PROOF_TYPES,
    { tokenId: fx.tokenId, owner, challenge },
    account,
    chainId,
  );
  return nested.wrap(key.sign(nested.hash));
}

/** ERC6492OwnershipCheck run as an eth_call without `to`: nothing is deployed. */
async function counterfactualCheck(fx: Stack, tokenId: bigint, challenge: string, signature: string) {
  const factory = await ethers.getContractFactory("ERC6492OwnershipCheck");
  const tx = await factory.getDeployTransaction(
    await fx.certificate.getAddress(),
    tokenId,
    challenge,
    signature,
  );
  const answer = await ethers.provider.call({ data: tx.data });
  return answer === "0x01";
}

describe("Ownership proofs by passkey accounts", function () {
  describe("deployed account (ERC-1271 through ERC-7739)", function () {
    async function deployed() {
      const fx = await deployWithPasskeyOwner();
      await fx.factory.createAccount(fx.seller.qx, fx.seller.qy);
      return fx;
    }

    it("verifyOwnership accepts the passkey's answer to the buyer's challenge", async function () {
      const fx = await loadFixture(deployed);
      const signature = await proof(fx, fx.seller, fx.sellerAccount);
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, signature)).to.equal(true);
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, signature)).to.equal(true);
    });

    it("refuses the answer to another challenge", async function () {
      const fx = await loadFixture(deployed);
      const signature = await proof(fx, fx.seller, fx.sellerAccount, ethersLib.id("an earlier challenge"));
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, signature)).to.equal(false);
    });

    it("refuses a passkey signature over the bare digest (not nested for the account)", async function () {
      const fx = await loadFixture(deployed);
      const digest = ethersLib.TypedDataEncoder.hash(
        await eip712Domain(fx.certificate),
        OWNERSHIP_PROOF_TYPES,
        {
          tokenId: fx.tokenId,
          owner: fx.sellerAccount,
          challenge: CHALLENGE,
        },
      );
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, fx.seller.sign(digest))).to.equal(
        false,
      );
    });

    it("refuses a proof made for another account holding the same passkey", async function () {
      const fx = await loadFixture(deployed);
      // The buyer's account also lists the seller's passkey (a shared device), and owns the certificate.
      await fx.factory.createAccount(fx.buyer.qx, fx.buyer.qy);
      const add = await signedOperation(fx, fx.buyer, [
        {
          target: fx.buyerAccount,
          value: 0n,
          data: passkeyAccountInterface.encodeFunctionData("addPasskey", [fx.seller.qx, fx.seller.qy]),
        },
      ]);
      await handleOps(fx, fx.relayer, [add.op]);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      await fx.certificate.connect(self).transferFrom(fx.sellerAccount, fx.buyerAccount, fx.tokenId);
      // Made by the seller's passkey for the seller's account: worthless for the buyer's.
      const signature = await proof(fx, fx.seller, fx.sellerAccount, CHALLENGE, fx.buyerAccount);
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, signature)).to.equal(false);
      const right = await proof(fx, fx.seller, fx.buyerAccount);
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, right)).to.equal(true);
    });

    it("accepts an ERC-6492 wrapped proof once the account exists (the wrapper is shed)", async function () {
      const fx = await loadFixture(deployed);
      const wrapped = wrapErc6492(
        await fx.factory.getAddress(),
        createAccountCallData(fx.seller.qx, fx.seller.qy),
        await proof(fx, fx.seller, fx.sellerAccount),
      );
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, wrapped)).to.equal(true);
    });
    it("refuses a malformed ERC-6492 wrapper (the certificate's view reverts, the check answers false)", async function () {
      const fx = await loadFixture(deployed);
      const malformed = ethersLib.concat(["0x1234", ERC6492_MAGIC]);
      await expect(fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, malformed)).to.be.revert(ethers);
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, malformed)).to.equal(false);
    });
  });

  describe("counterfactual account (ERC-6492)", function () {
    it("the certificate's view refuses it, the deployless check accepts it and deploys nothing", async function () {
      const fx = await loadFixture(deployWithPasskeyOwner);
      const wrapped = wrapErc6492(
        await fx.factory.getAddress(),
        createAccountCallData(fx.seller.qx, fx.seller.qy),
        await proof(fx, fx.seller, fx.sellerAccount),
      );
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, wrapped)).to.equal(false);
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, wrapped)).to.equal(true);
      expect(await ethers.provider.getCode(fx.sellerAccount)).to.equal("0x");
      expect(await counterfactualCheck(fx, fx.tokenId, ethersLib.id("other"), wrapped)).to.equal(false);
    });

    it("refuses a wrapper that deploys another account than the certificate's owner", async function () {
      const fx = await loadFixture(deployWithPasskeyOwner);
      // The buyer's passkey, its own account deployed by the wrapper, answering for the seller's certificate.
      const wrapped = wrapErc6492(
        await fx.factory.getAddress(),
        createAccountCallData(fx.buyer.qx, fx.buyer.qy),
        await proof(fx, fx.buyer, fx.buyerAccount, CHALLENGE, fx.sellerAccount),
      );
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, wrapped)).to.equal(false);
      // And the seller's deployment with the buyer's passkey signing.
      const mixed = wrapErc6492(
        await fx.factory.getAddress(),
        createAccountCallData(fx.seller.qx, fx.seller.qy),
        await proof(fx, fx.buyer, fx.sellerAccount),
      );
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, mixed)).to.equal(false);
    });

    it("refuses a proof for a certificate that does not exist", async function () {
      const fx = await loadFixture(deployWithPasskeyOwner);
      const wrapped = wrapErc6492(
        await fx.factory.getAddress(),
        createAccountCallData(fx.seller.qx, fx.seller.qy),
        await proof(fx, fx.seller, fx.sellerAccount),
      );
      expect(await counterfactualCheck(fx, 12345n, CHALLENGE, wrapped)).to.equal(false);
      expect(await fx.certificate.verifyOwnership(12345n, CHALLENGE, wrapped)).to.equal(false);
    });

    it("refuses a wrapped signature for an owner without code that no factory call deploys (an EOA)", async function () {
      const fx = await loadFixture(deployWithPasskeyOwner);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      await fx.certificate.connect(self).transferFrom(fx.sellerAccount, fx.alice.address, fx.tokenId);
      const domain = await eip712Domain(fx.certificate);
      const eoaSignature = await fx.alice.signTypedData(domain, OWNERSHIP_PROOF_TYPES, {
        tokenId: fx.tokenId,
        owner: fx.alice.address,
        challenge: CHALLENGE,
      });
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, eoaSignature)).to.equal(true);
      const wrapped = wrapErc6492(await fx.factory.getAddress(), "0x", eoaSignature);
      expect(await fx.certificate.verifyOwnership(fx.tokenId, CHALLENGE, wrapped)).to.equal(false);
      expect(await counterfactualCheck(fx, fx.tokenId, CHALLENGE, wrapped)).to.equal(false);
    });
  });
});
