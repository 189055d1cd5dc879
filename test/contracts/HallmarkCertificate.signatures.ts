import { expect } from "chai";
import { TypedDataEncoder, ZeroAddress, ethers as ethersLib, id } from "ethers";
import type { Signer, TypedDataDomain } from "ethers";
import {
  CHIP_CLAIM_TYPES,
  CLAIM_TYPES,
  OWNERSHIP_PROOF_TYPES,
  PERMIT_TYPES,
  deployHallmark,
  deployWithCertificate,
  eip712Domain,
  ethers,
  item,
  networkHelpers,
  toHighS,
  tokenIdOf,
} from "./fixtures.js";

type Certificate = Awaited<ReturnType<typeof deployHallmark>>["certificate"];

interface PermitValue {
  spender: string;
  tokenId: bigint;
  deadline: bigint;
  nonce?: bigint;
}

/**
 * `signer` signs Permit(spender, tokenId, nonce, deadline). The nonce is the certificate owner's
 * (`nonceOwner`), which differs from the signer when the owner is an EIP-1271 wallet.
 */
async function signPermit(
  signer: Signer,
  certificate: Certificate,
  value: PermitValue,
  nonceOwner?: string,
  domain: Partial<TypedDataDomain> = {},
): Promise<string> {
  const nonce = value.nonce ?? (await certificate.nonces(nonceOwner ?? (await signer.getAddress())));
  return signer.signTypedData({ ...(await eip712Domain(certificate)), ...domain }, PERMIT_TYPES, {
    ...value,
    nonce,
  });
}

/** `signer` signs OwnershipProof(tokenId, owner, challenge); `owner` defaults to the signer. */
async function signOwnershipProof(
  signer: Signer,
  certificate: Certificate,
  tokenId: bigint,
  challenge: string,
  owner?: string,
  domain: Partial<TypedDataDomain> = {},
): Promise<string> {
  return signer.signTypedData({ ...(await eip712Domain(certificate)), ...domain }, OWNERSHIP_PROOF_TYPES, {
    tokenId,
    owner: owner ?? (await signer.getAddress()),
    challenge,
  });
}

async function inOneHour(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 3600n;
}

/** A verifier's fresh challenge, e.g. a nonce shown as a QR code in the boutique. */
const CHALLENGE = id("hallmark.test.challenge.1");
const OTHER_CHALLENGE = id("hallmark.test.challenge.2");

/** A certificate of brand A held by an EIP-1271 SmartWallet whose EOA owner is alice. */
async function withSmartWalletOwner() {
  const fx = await deployHallmark();
  const wallet = await ethers.deployContract("SmartWallet", [fx.alice.address]);
  const input = item("A-WALLET-1");
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, await wallet.getAddress(), input);
  return {
    ...fx,
    wallet,
    walletAddress: await wallet.getAddress(),
    tokenId: tokenIdOf(fx.brandA, input.serialHash),
  };
}

/**
 * deployWithCertificate plus a second certificate contract on the same registry, where alice holds a certificate
 * with the same token id (same brand and serial) and the same nonces: only the EIP-712 domain's contract differs.
 */
async function withAnotherCertificateContract() {
  const fx = await deployWithCertificate();
  const otherCertificate = await ethers.deployContract("HallmarkCertificate", [
    await fx.registry.getAddress(),
  ]);
  await otherCertificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, fx.input);
  return { ...fx, otherCertificate };
}

describe("HallmarkCertificate", function () {
  describe("eip712Domain", function () {
    it("names the domain Hallmark Certificate, version 1, on this chain and contract", async function () {
      const { certificate } = await networkHelpers.loadFixture(deployHallmark);
      const domain = await certificate.eip712Domain();
      const expected = await eip712Domain(certificate);
      expect(domain.name).to.equal("Hallmark Certificate");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(expected.chainId);
      expect(domain.verifyingContract).to.equal(expected.verifyingContract);
    });

    it("declares type hashes that match the typed-data definitions wallets sign", async function () {
      const { certificate } = await networkHelpers.loadFixture(deployHallmark);
      const typeHash = (types: Record<string, { name: string; type: string }[]>, primary: string) =>
        ethersLib.id(TypedDataEncoder.from(types).encodeType(primary));
      expect(await certificate.CLAIM_TYPEHASH()).to.equal(typeHash(CLAIM_TYPES, "Claim"));
      expect(await certificate.CHIP_CLAIM_TYPEHASH()).to.equal(typeHash(CHIP_CLAIM_TYPES, "ChipClaim"));
      expect(await certificate.PERMIT_TYPEHASH()).to.equal(typeHash(PERMIT_TYPES, "Permit"));
      expect(await certificate.OWNERSHIP_PROOF_TYPEHASH()).to.equal(
        typeHash(OWNERSHIP_PROOF_TYPES, "OwnershipProof"),
      );
    });
  });

  describe("permit", function () {
    describe("when the owner signs a permit for a spender", function () {
      it("approves the spender when a relayer submits it, and emits Approval", async function () {
        const { certificate, alice, bob, carol, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await expect(certificate.connect(carol).permit(bob.address, tokenId, deadline, signature))
          .to.emit(certificate, "Approval")
          .withArgs(alice.address, bob.address, tokenId);
        expect(await certificate.getApproved(tokenId)).to.equal(bob.address);
      });

      it("lets the spender then transfer the certificate", async function () {
        const { certificate, alice, bob, carol, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await certificate.permit(bob.address, tokenId, deadline, signature);
        await expect(certificate.connect(bob).transferFrom(alice.address, carol.address, tokenId))
          .to.emit(certificate, "Transfer")
          .withArgs(alice.address, carol.address, tokenId);
        expect(await certificate.ownerOf(tokenId)).to.equal(carol.address);
      });

      it("uses up the owner's nonce", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        expect(await certificate.nonces(alice.address)).to.equal(0n);
        await certificate.permit(bob.address, tokenId, deadline, signature);
        expect(await certificate.nonces(alice.address)).to.equal(1n);
      });

      it("accepts a permit mined exactly at its deadline", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await networkHelpers.time.setNextBlockTimestamp(deadline);
        await certificate.permit(bob.address, tokenId, deadline, signature);
        expect(await certificate.getApproved(tokenId)).to.equal(bob.address);
      });
    });

    describe("when a used permit is submitted again", function () {
      it("reverts with HallmarkInvalidSignature because its nonce is spent", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await certificate.permit(bob.address, tokenId, deadline, signature);
        await certificate.connect(alice).approve(ZeroAddress, tokenId);
        await expect(certificate.permit(bob.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
        expect(await certificate.getApproved(tokenId)).to.equal(ZeroAddress);
      });

      it("reverts with HallmarkInvalidSignature for another permit the owner signed with the same nonce", async function () {
        const { certificate, issuerA, alice, bob, brandA, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const second = item("A-0002");
        const secondId = tokenIdOf(brandA, second.serialHash);
        await certificate.connect(issuerA).issue(brandA, alice.address, second);
        const deadline = await inOneHour();
        const first = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        const other = await signPermit(alice, certificate, {
          spender: bob.address,
          tokenId: secondId,
          deadline,
        });
        await certificate.permit(bob.address, tokenId, deadline, first);
        await expect(certificate.permit(bob.address, secondId, deadline, other))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(secondId);
      });
    });

    describe("when the deadline has passed", function () {
      it("reverts with HallmarkSignatureExpired", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
        await expect(certificate.permit(bob.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkSignatureExpired")
          .withArgs(deadline);
      });
    });

    describe("when the signer is not the owner", function () {
      it("reverts with HallmarkInvalidSignature for a permit signed by another account", async function () {
        const { certificate, mallory, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(mallory, certificate, {
          spender: mallory.address,
          tokenId,
          deadline,
        });
        await expect(certificate.connect(mallory).permit(mallory.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidSignature for a permit of a previous owner", async function () {
        const { certificate, alice, bob, carol, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await certificate.connect(alice).transferFrom(alice.address, carol.address, tokenId);
        await expect(certificate.permit(bob.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the signed fields are altered or replayed", function () {
      it("reverts with HallmarkInvalidSignature when a front-runner substitutes the spender", async function () {
        const { certificate, alice, bob, mallory, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await expect(certificate.connect(mallory).permit(mallory.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidSignature for a permit signed for another chain id", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(
          alice,
          certificate,
          { spender: bob.address, tokenId, deadline },
          undefined,
          {
            chainId: 1n,
          },
        );
        await expect(certificate.permit(bob.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidSignature for a permit signed for another certificate contract", async function () {
        const { certificate, otherCertificate, alice, bob, tokenId } = await networkHelpers.loadFixture(
          withAnotherCertificateContract,
        );
        const deadline = await inOneHour();
        expect(await otherCertificate.nonces(alice.address)).to.equal(
          await certificate.nonces(alice.address),
        );
        const signature = await signPermit(alice, otherCertificate, {
          spender: bob.address,
          tokenId,
          deadline,
        });
        await expect(certificate.permit(bob.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
        expect(await certificate.getApproved(tokenId)).to.equal(ZeroAddress);
        // The same signature is good where it was meant to be used.
        await expect(otherCertificate.permit(bob.address, tokenId, deadline, signature))
          .to.emit(otherCertificate, "Approval")
          .withArgs(alice.address, bob.address, tokenId);
      });

      it("reverts with HallmarkInvalidSignature for the malleable high-s twin", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, { spender: bob.address, tokenId, deadline });
        await expect(certificate.permit(bob.address, tokenId, deadline, toHighS(signature)))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, alice, bob, brandA } = await networkHelpers.loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, item("A-MISSING").serialHash);
        const deadline = await inOneHour();
        const signature = await signPermit(alice, certificate, {
          spender: bob.address,
          tokenId: missing,
          deadline,
        });
        await expect(certificate.permit(bob.address, missing, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });

    describe("when the owner is an EIP-1271 smart wallet", function () {
      it("accepts a permit signed by the wallet's EOA owner and lets the spender transfer", async function () {
        const { certificate, wallet, walletAddress, alice, bob, carol, tokenId } =
          await networkHelpers.loadFixture(withSmartWalletOwner);
        const deadline = await inOneHour();
        const signature = await signPermit(
          alice,
          certificate,
          { spender: bob.address, tokenId, deadline },
          walletAddress,
        );
        await expect(certificate.permit(bob.address, tokenId, deadline, signature))
          .to.emit(certificate, "Approval")
          .withArgs(walletAddress, bob.address, tokenId);
        expect(await certificate.nonces(walletAddress)).to.equal(1n);
        await certificate.connect(bob).transferFrom(walletAddress, carol.address, tokenId);
        expect(await certificate.ownerOf(tokenId)).to.equal(carol.address);
        expect(await wallet.owner()).to.equal(alice.address);
      });

      it("reverts with HallmarkInvalidSignature for a permit signed by another EOA", async function () {
        const { certificate, walletAddress, mallory, tokenId } =
          await networkHelpers.loadFixture(withSmartWalletOwner);
        const deadline = await inOneHour();
        const signature = await signPermit(
          mallory,
          certificate,
          { spender: mallory.address, tokenId, deadline },
          walletAddress,
        );
        await expect(certificate.permit(mallory.address, tokenId, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });
  });

  describe("verifyOwnership", function () {
    describe("when the current owner signed the challenge", function () {
      it("returns true", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const signature = await signOwnershipProof(alice, certificate, tokenId, CHALLENGE);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(true);
      });
    });

    describe("when the proof does not come from the current owner", function () {
      it("returns false for another signer", async function () {
        const { certificate, alice, mallory, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const signature = await signOwnershipProof(mallory, certificate, tokenId, CHALLENGE, alice.address);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(false);
      });

      it("returns false for a previous owner after a transfer, and true for the new owner", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const aliceProof = await signOwnershipProof(alice, certificate, tokenId, CHALLENGE);
        await certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, aliceProof)).to.equal(false);
        const bobProof = await signOwnershipProof(bob, certificate, tokenId, CHALLENGE);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, bobProof)).to.equal(true);
      });
    });

    describe("when the proof was made for something else", function () {
      it("returns false for another challenge", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const signature = await signOwnershipProof(alice, certificate, tokenId, CHALLENGE);
        expect(await certificate.verifyOwnership(tokenId, OTHER_CHALLENGE, signature)).to.equal(false);
      });

      it("returns false for another certificate of the same owner", async function () {
        const { certificate, issuerA, alice, brandA, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const second = item("A-0002");
        const secondId = tokenIdOf(brandA, second.serialHash);
        await certificate.connect(issuerA).issue(brandA, alice.address, second);
        const signature = await signOwnershipProof(alice, certificate, secondId, CHALLENGE);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(false);
      });

      it("returns false for a proof signed for another chain id", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const signature = await signOwnershipProof(alice, certificate, tokenId, CHALLENGE, undefined, {
          chainId: 1n,
        });
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(false);
      });

      it("returns false for a proof signed for another certificate contract", async function () {
        const { certificate, otherCertificate, alice, tokenId } = await networkHelpers.loadFixture(
          withAnotherCertificateContract,
        );
        const signature = await signOwnershipProof(alice, otherCertificate, tokenId, CHALLENGE);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(false);
        expect(await otherCertificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(true);
      });

      it("returns false for the malleable high-s twin of a valid proof", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const signature = await signOwnershipProof(alice, certificate, tokenId, CHALLENGE);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, toHighS(signature))).to.equal(false);
      });

      it("returns false, without reverting, for a malformed signature", async function () {
        const { certificate, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, "0x1234")).to.equal(false);
      });
    });

    describe("when the certificate does not exist", function () {
      it("returns false without reverting", async function () {
        const { certificate, alice, brandA } = await networkHelpers.loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, item("A-MISSING").serialHash);
        const signature = await signOwnershipProof(alice, certificate, missing, CHALLENGE);
        expect(await certificate.verifyOwnership(missing, CHALLENGE, signature)).to.equal(false);
      });
    });

    describe("when the owner is an EIP-1271 smart wallet", function () {
      it("returns true for a proof signed by the wallet's EOA owner", async function () {
        const { certificate, walletAddress, alice, tokenId } =
          await networkHelpers.loadFixture(withSmartWalletOwner);
        const signature = await signOwnershipProof(alice, certificate, tokenId, CHALLENGE, walletAddress);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(true);
      });

      it("returns false for a proof signed by another EOA", async function () {
        const { certificate, walletAddress, mallory, tokenId } =
          await networkHelpers.loadFixture(withSmartWalletOwner);
        const signature = await signOwnershipProof(mallory, certificate, tokenId, CHALLENGE, walletAddress);
        expect(await certificate.verifyOwnership(tokenId, CHALLENGE, signature)).to.equal(false);
      });
    });
  });
});
