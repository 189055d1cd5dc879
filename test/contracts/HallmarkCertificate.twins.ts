import { expect } from "chai";
import { encodeBytes32String, toBeHex, zeroPadValue } from "ethers";
import {
  deployHallmark,
  deployWithCertificate,
  ethers,
  networkHelpers,
  serialHash,
  tokenIdOf,
} from "./fixtures.js";

const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

const TWINS_CLAIMED = encodeBytes32String("twinsClaimed");
const GROUP_ADMIN_ROLE = ethers.ZeroHash;

const word = (n: bigint): string => zeroPadValue(toBeHex(n), 32);

/** A second certificate contract on the same registry, deployed by carol, who is not the group admin. */
async function deployByAnotherAccount() {
  const fx = await deployWithCertificate();
  const certificate = await ethers.deployContract(
    "HallmarkCertificate",
    [await fx.registry.getAddress()],
    fx.carol,
  );
  return { ...fx, deployedByCarol: certificate };
}

/** deployWithCertificate with bob's account standing in for the twin contract, so it can call directly. */
async function deployWithTwinRecorder() {
  const fx = await deployWithCertificate();
  await fx.certificate.connect(fx.groupAdmin).setTwinContract(fx.bob.address);
  return fx;
}

describe("HallmarkCertificate", function () {
  describe("setTwinContract", function () {
    describe("when the deployer links the first twin contract", function () {
      it("links it and emits TwinContractSet, even though the deployer is not the group admin", async function () {
        const { deployedByCarol, carol, mallory } = await loadFixture(deployByAnotherAccount);
        await expect(deployedByCarol.connect(carol).setTwinContract(mallory.address))
          .to.emit(deployedByCarol, "TwinContractSet")
          .withArgs(mallory.address, carol.address);
        expect(await deployedByCarol.twinContract()).to.equal(mallory.address);
      });
    });

    describe("when the deployer tries to change a linked twin contract", function () {
      it("reverts with AccessControlUnauthorizedAccount for the group admin role", async function () {
        const { deployedByCarol, carol, mallory, bob } = await loadFixture(deployByAnotherAccount);
        await deployedByCarol.connect(carol).setTwinContract(mallory.address);
        await expect(deployedByCarol.connect(carol).setTwinContract(bob.address))
          .to.be.revertedWithCustomError(deployedByCarol, "AccessControlUnauthorizedAccount")
          .withArgs(carol.address, GROUP_ADMIN_ROLE);
      });
    });

    describe("when the group admin changes the twin contract", function () {
      it("replaces it and emits TwinContractSet", async function () {
        const { deployedByCarol, groupAdmin, carol, mallory, bob } =
          await loadFixture(deployByAnotherAccount);
        await deployedByCarol.connect(carol).setTwinContract(mallory.address);
        await expect(deployedByCarol.connect(groupAdmin).setTwinContract(bob.address))
          .to.emit(deployedByCarol, "TwinContractSet")
          .withArgs(bob.address, groupAdmin.address);
        expect(await deployedByCarol.twinContract()).to.equal(bob.address);
      });

      it("unlinks it with the zero address, after which twin claims are refused", async function () {
        const { certificate, groupAdmin, alice, bob, tokenId } = await loadFixture(deployWithTwinRecorder);
        await certificate.connect(groupAdmin).setTwinContract(ethers.ZeroAddress);
        expect(await certificate.twinContract()).to.equal(ethers.ZeroAddress);
        await expect(certificate.connect(bob).recordTwinClaim(tokenId, alice.address))
          .to.be.revertedWithCustomError(certificate, "HallmarkNotTwinContract")
          .withArgs(bob.address);
      });
    });

    describe("when anyone else links a twin contract", function () {
      it("reverts with AccessControlUnauthorizedAccount, even for a brand admin", async function () {
        const { deployedByCarol, adminA, mallory } = await loadFixture(deployByAnotherAccount);
        await expect(deployedByCarol.connect(adminA).setTwinContract(mallory.address))
          .to.be.revertedWithCustomError(deployedByCarol, "AccessControlUnauthorizedAccount")
          .withArgs(adminA.address, GROUP_ADMIN_ROLE);
        expect(await deployedByCarol.twinContract()).to.equal(ethers.ZeroAddress);
      });
    });
  });

  describe("twinContract", function () {
    it("is zero until a twin contract is linked", async function () {
      const { certificate } = await loadFixture(deployHallmark);
      expect(await certificate.twinContract()).to.equal(ethers.ZeroAddress);
    });
  });

  describe("recordTwinClaim", function () {
    describe("when the twin contract records a claim by the certificate's owner", function () {
      it("counts it in the twinsClaimed trait, emits TraitUpdated and returns the new count", async function () {
        const { certificate, alice, bob, tokenId } = await loadFixture(deployWithTwinRecorder);
        expect(await certificate.getTraitValue(tokenId, TWINS_CLAIMED)).to.equal(word(0n));
        expect(await certificate.connect(bob).recordTwinClaim.staticCall(tokenId, alice.address)).to.equal(
          1n,
        );
        await expect(certificate.connect(bob).recordTwinClaim(tokenId, alice.address))
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TWINS_CLAIMED, tokenId, word(1n));
        await expect(certificate.connect(bob).recordTwinClaim(tokenId, alice.address))
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TWINS_CLAIMED, tokenId, word(2n));
        expect(await certificate.getTraitValue(tokenId, TWINS_CLAIMED)).to.equal(word(2n));
      });

      it("leaves the claim code that shares its storage slot untouched", async function () {
        const { certificate, alice, bob, carol, tokenId } = await loadFixture(deployWithTwinRecorder);
        await certificate.connect(alice).setClaimKey(tokenId, carol.address);
        const before = await certificate.claimStateOf(tokenId);
        await certificate.connect(bob).recordTwinClaim(tokenId, alice.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal(before);
        expect(await certificate.statusOf(tokenId)).to.equal(0n);
      });
    });

    describe("when the claimant does not own the certificate", function () {
      it("reverts with HallmarkNotCertificateOwner and counts nothing", async function () {
        const { certificate, bob, carol, tokenId } = await loadFixture(deployWithTwinRecorder);
        await expect(certificate.connect(bob).recordTwinClaim(tokenId, carol.address))
          .to.be.revertedWithCustomError(certificate, "HallmarkNotCertificateOwner")
          .withArgs(tokenId, carol.address);
        expect(await certificate.getTraitValue(tokenId, TWINS_CLAIMED)).to.equal(word(0n));
      });
    });

    describe("when the certificate is not Active", function () {
      it("reverts with HallmarkCertificateNotActive for a certificate reported stolen", async function () {
        const { certificate, alice, bob, tokenId } = await loadFixture(deployWithTwinRecorder);
        await certificate.connect(alice).reportStolen(tokenId, "taken");
        await expect(certificate.connect(bob).recordTwinClaim(tokenId, alice.address))
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateNotActive")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkCertificateNotActive for a revoked certificate", async function () {
        const { certificate, adminA, alice, bob, tokenId } = await loadFixture(deployWithTwinRecorder);
        await certificate.connect(adminA).revoke(tokenId, "counterfeit");
        await expect(certificate.connect(bob).recordTwinClaim(tokenId, alice.address))
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateNotActive")
          .withArgs(tokenId);
      });
    });

    describe("when the caller is not the twin contract", function () {
      it("reverts with HallmarkNotTwinContract, even for the group admin", async function () {
        const { certificate, groupAdmin, alice, tokenId } = await loadFixture(deployWithTwinRecorder);
        await expect(certificate.connect(groupAdmin).recordTwinClaim(tokenId, alice.address))
          .to.be.revertedWithCustomError(certificate, "HallmarkNotTwinContract")
          .withArgs(groupAdmin.address);
      });

      it("reverts with HallmarkNotTwinContract while no twin contract is linked", async function () {
        const { certificate, alice, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(alice).recordTwinClaim(tokenId, alice.address))
          .to.be.revertedWithCustomError(certificate, "HallmarkNotTwinContract")
          .withArgs(alice.address);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, alice, bob, brandA } = await loadFixture(deployWithTwinRecorder);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.connect(bob).recordTwinClaim(missing, alice.address))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });
});
