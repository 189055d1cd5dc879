import { expect } from "chai";
import {
  PERMIT_TYPES,
  deployHallmark,
  deployWithCertificate,
  eip712Domain,
  ethers,
  gasUsed,
  item,
  networkHelpers,
  ROLE,
  serialHash,
  Status,
  tokenIdOf,
} from "./fixtures.js";

const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

const MAX_BATCH = 500n;
/** EIP-7825 (Osaka): the most gas one transaction may use. */
const TX_GAS_CAP = 1n << 24n;
const TRAIT_STATUS = ethers.encodeBytes32String("status");
const TRAIT_SUCCESSOR = ethers.encodeBytes32String("successor");
const TRAIT_PREDECESSOR = ethers.encodeBytes32String("predecessor");

function word(value: bigint): string {
  return ethers.zeroPadValue(ethers.toBeHex(value), 32);
}

function items(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => item(`${prefix}-${i.toString().padStart(4, "0")}`));
}

/** deployWithCertificate plus alice's consent to the succession: she approved issuerA for her certificate. */
async function deployWithApprovedIssuer() {
  const fx = await deployWithCertificate();
  await fx.certificate.connect(fx.alice).approve(fx.issuerA.address, fx.tokenId);
  return fx;
}

/** deployHallmark plus a receiver contract and a contract that is not an ERC-721 receiver. */
async function deployWithRecipients() {
  const fx = await deployHallmark();
  const receiver = await ethers.deployContract("ReentrantReceiver");
  const nonReceiver = await ethers.deployContract("BaselineURIStorage");
  return { ...fx, receiver, nonReceiver };
}

describe("HallmarkCertificate", function () {
  describe("issue", function () {
    describe("when called by an issuer of the brand", function () {
      it("mints the certificate to the recipient and emits Transfer and CertificateIssued", async function () {
        const { certificate, issuerA, brandA, alice } = await loadFixture(deployHallmark);
        const input = item("A-0100");
        const tokenId = tokenIdOf(brandA, input.serialHash);
        await expect(certificate.connect(issuerA).issue(brandA, alice.address, input))
          .to.emit(certificate, "Transfer")
          .withArgs(ethers.ZeroAddress, alice.address, tokenId)
          .and.to.emit(certificate, "CertificateIssued")
          .withArgs(tokenId, issuerA.address, input.metadataDigest);
        expect(await certificate.ownerOf(tokenId)).to.equal(alice.address);
        expect(await certificate.balanceOf(alice.address)).to.equal(1n);
        expect(await certificate.statusOf(tokenId)).to.equal(Status.Active);
      });

      it("returns a token id that encodes the brand and the serial hash", async function () {
        const { certificate, issuerA, brandA, alice } = await loadFixture(deployHallmark);
        const input = item("A-0100");
        const tokenId = await certificate.connect(issuerA).issue.staticCall(brandA, alice.address, input);
        expect(tokenId).to.equal(tokenIdOf(brandA, input.serialHash));
        expect(tokenId >> 224n).to.equal(brandA);
        expect(await certificate.brandOf(tokenId)).to.equal(brandA);
      });

      it("gives the same serial in two brands two distinct certificates", async function () {
        const { certificate, issuerA, issuerB, brandA, brandB, alice, bob } =
          await loadFixture(deployHallmark);
        const input = item("SHARED-SERIAL");
        await certificate.connect(issuerA).issue(brandA, alice.address, input);
        await certificate.connect(issuerB).issue(brandB, bob.address, input);
        const idA = tokenIdOf(brandA, input.serialHash);
        const idB = tokenIdOf(brandB, input.serialHash);
        expect(idA).to.not.equal(idB);
        expect(await certificate.ownerOf(idA)).to.equal(alice.address);
        expect(await certificate.ownerOf(idB)).to.equal(bob.address);
      });

      it("binds the chip and sets the claim key at mint, with ChipBound and ClaimKeySet", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const chip = ethers.Wallet.createRandom().address;
        const claimKey = ethers.Wallet.createRandom().address;
        const input = item("A-CHIP", { chip, claimKey });
        const tokenId = tokenIdOf(brandA, input.serialHash);
        await expect(certificate.connect(issuerA).issue(brandA, vaultA.address, input))
          .to.emit(certificate, "ChipBound")
          .withArgs(tokenId, chip)
          .and.to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, claimKey, issuerA.address);
        expect(await certificate.chipOf(tokenId)).to.deep.equal([chip, 0n]);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([claimKey, 0n, false]);
      });

      it("binds neither chip nor claim key when both are zero", async function () {
        const { certificate, issuerA, brandA, alice } = await loadFixture(deployHallmark);
        const input = item("A-PLAIN");
        await expect(certificate.connect(issuerA).issue(brandA, alice.address, input))
          .to.not.emit(certificate, "ChipBound")
          .and.to.not.emit(certificate, "ClaimKeySet");
      });

      it("calls onERC721Received of a contract recipient", async function () {
        const { certificate, issuerA, brandA, receiver } = await loadFixture(deployWithRecipients);
        const input = item("A-RCV");
        await certificate.connect(issuerA).issue(brandA, await receiver.getAddress(), input);
        expect(await receiver.received()).to.equal(1n);
        expect(await certificate.ownerOf(tokenIdOf(brandA, input.serialHash))).to.equal(
          await receiver.getAddress(),
        );
      });
    });

    describe("when the caller is not an issuer of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for a stranger", async function () {
        const { certificate, registry, mallory, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(mallory).issue(brandA, mallory.address, item("X")))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, mallory.address);
      });

      it("reverts with HallmarkMissingBrandRole for the brand admin, who is not an issuer", async function () {
        const { certificate, registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(adminA).issue(brandA, adminA.address, item("X")))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, adminA.address);
      });

      it("reverts with HallmarkMissingBrandRole for an issuer of another brand", async function () {
        const { certificate, registry, issuerB, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(issuerB).issue(brandA, issuerB.address, item("X")))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });

      it("reverts with HallmarkMissingBrandRole for an issuer declared compromised", async function () {
        const { certificate, registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 1n);
        await expect(certificate.connect(issuerA).issue(brandA, issuerA.address, item("X")))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerA.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, issuerA, brandA, alice } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(certificate.connect(issuerA).issue(brandA, alice.address, item("X")))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });

      it("still lets the other brands issue", async function () {
        const { certificate, registry, adminA, issuerB, brandA, brandB, bob } =
          await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        const input = item("B-X");
        await expect(certificate.connect(issuerB).issue(brandB, bob.address, input))
          .to.emit(certificate, "CertificateIssued")
          .withArgs(tokenIdOf(brandB, input.serialHash), issuerB.address, input.metadataDigest);
      });
    });

    describe("when the brand is unknown", function () {
      for (const brandId of [0n, 3n]) {
        it(`reverts with HallmarkUnknownBrand for brand ${brandId}`, async function () {
          const { certificate, registry, issuerA, alice } = await loadFixture(deployHallmark);
          await expect(certificate.connect(issuerA).issue(brandId, alice.address, item("X")))
            .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
            .withArgs(brandId);
        });
      }
    });

    describe("when a commitment is zero", function () {
      it("reverts with HallmarkInvalidCommitment for a zero serial hash", async function () {
        const { certificate, issuerA, brandA, alice } = await loadFixture(deployHallmark);
        await expect(
          certificate
            .connect(issuerA)
            .issue(brandA, alice.address, item("X", { serialHash: ethers.ZeroHash })),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });

      it("reverts with HallmarkInvalidCommitment for a zero metadata digest", async function () {
        const { certificate, issuerA, brandA, alice } = await loadFixture(deployHallmark);
        await expect(
          certificate
            .connect(issuerA)
            .issue(brandA, alice.address, item("X", { metadataDigest: ethers.ZeroHash })),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with HallmarkInvalidRecipient", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(issuerA).issue(brandA, ethers.ZeroAddress, item("X")))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidRecipient")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the recipient is a contract without onERC721Received", function () {
      it("reverts with ERC721InvalidReceiver", async function () {
        const { certificate, issuerA, brandA, nonReceiver } = await loadFixture(deployWithRecipients);
        const to = await nonReceiver.getAddress();
        await expect(certificate.connect(issuerA).issue(brandA, to, item("X")))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(to);
      });
    });

    describe("when the brand already certified the serial", function () {
      it("reverts with HallmarkDuplicateCertificate", async function () {
        const { certificate, issuerA, brandA, bob, input, tokenId } =
          await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).issue(brandA, bob.address, input))
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkDuplicateCertificate even with another metadata document", async function () {
        const { certificate, issuerA, brandA, bob, input, tokenId } =
          await loadFixture(deployWithCertificate);
        const again = { ...input, metadataDigest: ethers.id("another document") };
        await expect(certificate.connect(issuerA).issue(brandA, bob.address, again))
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenId);
      });

      it("treats serial hashes equal in their low 224 bits as the same serial (the id keeps 224 bits)", async function () {
        const { certificate, issuerA, brandA, bob, input, tokenId } =
          await loadFixture(deployWithCertificate);
        const highBitsChanged = ethers.toBeHex(BigInt(input.serialHash) ^ (0xffn << 240n), 32);
        await expect(
          certificate.connect(issuerA).issue(brandA, bob.address, { ...input, serialHash: highBitsChanged }),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenId);
      });
    });
  });

  describe("issueBatch", function () {
    describe("when called by an issuer of the brand", function () {
      it("mints a 100-item batch to the vault: 100 certificates", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const batch = items("S", 100);
        const receipt = await (
          await certificate.connect(issuerA).issueBatch(brandA, vaultA.address, batch)
        ).wait();
        expect(await certificate.balanceOf(vaultA.address)).to.equal(100n);
        const issued = receipt!.logs
          .map((log) => certificate.interface.parseLog(log))
          .filter((event) => event?.name === "CertificateIssued")
          .map((event) => event!.args.tokenId as bigint);
        expect(issued).to.deep.equal(batch.map((input) => tokenIdOf(brandA, input.serialHash)));
        expect(await certificate.ownerOf(issued[0])).to.equal(vaultA.address);
        expect(await certificate.ownerOf(issued[99])).to.equal(vaultA.address);
      });

      it("mints a full batch of MAX_BATCH plain items within the 2^24 gas a transaction may use (EIP-7825)", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        expect(await certificate.MAX_BATCH()).to.equal(MAX_BATCH);
        const used = await gasUsed(
          certificate.connect(issuerA).issueBatch(brandA, vaultA.address, items("F", Number(MAX_BATCH))),
        );
        expect(used < TX_GAS_CAP).to.equal(true, `${used} gas is not below the cap of ${TX_GAS_CAP}`);
        expect(await certificate.balanceOf(vaultA.address)).to.equal(MAX_BATCH);
      });

      it("emits Transfer and CertificateIssued for each certificate, and ChipBound and ClaimKeySet where set", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const chip = ethers.Wallet.createRandom().address;
        const claimKey = ethers.Wallet.createRandom().address;
        const batch = [item("B-1"), item("B-2", { chip }), item("B-3", { claimKey })];
        const [id1, id2, id3] = batch.map((input) => tokenIdOf(brandA, input.serialHash));
        const tx = certificate.connect(issuerA).issueBatch(brandA, vaultA.address, batch);
        await expect(tx).to.emit(certificate, "Transfer").withArgs(ethers.ZeroAddress, vaultA.address, id1);
        await expect(tx).to.emit(certificate, "Transfer").withArgs(ethers.ZeroAddress, vaultA.address, id3);
        await expect(tx)
          .to.emit(certificate, "CertificateIssued")
          .withArgs(id2, issuerA.address, batch[1].metadataDigest);
        await expect(tx).to.emit(certificate, "ChipBound").withArgs(id2, chip);
        await expect(tx).to.emit(certificate, "ClaimKeySet").withArgs(id3, claimKey, issuerA.address);
        expect(await certificate.chipOf(id1)).to.deep.equal([ethers.ZeroAddress, 0n]);
        expect(await certificate.chipOf(id2)).to.deep.equal([chip, 0n]);
        expect(await certificate.claimStateOf(id3)).to.deep.equal([claimKey, 0n, false]);
      });

      it("calls onERC721Received of a contract recipient once per certificate", async function () {
        const { certificate, issuerA, brandA, receiver } = await loadFixture(deployWithRecipients);
        await certificate.connect(issuerA).issueBatch(brandA, await receiver.getAddress(), items("R", 5));
        expect(await receiver.received()).to.equal(5n);
        expect(await certificate.balanceOf(await receiver.getAddress())).to.equal(5n);
      });

      // Checks-effects-interactions: a receiver hook must see the whole batch already written.
      it("runs the receiver hooks only after every certificate of the batch is minted", async function () {
        const { certificate, issuerA, brandA, receiver } = await loadFixture(deployWithRecipients);
        const batch = items("R", 3);
        const lastId = tokenIdOf(brandA, batch[2].serialHash);
        await receiver.arm(
          await certificate.getAddress(),
          certificate.interface.encodeFunctionData("ownerOf", [lastId]),
        );
        await certificate.connect(issuerA).issueBatch(brandA, await receiver.getAddress(), batch);
        expect(await receiver.reentrySucceeded()).to.equal(true);
      });
    });

    describe("when the batch is empty", function () {
      it("reverts with HallmarkInvalidBatchSize", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(issuerA).issueBatch(brandA, vaultA.address, []))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidBatchSize")
          .withArgs(0n, MAX_BATCH);
      });
    });

    describe("when the batch is larger than MAX_BATCH", function () {
      it("reverts with HallmarkInvalidBatchSize", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const oversized = items("O", Number(MAX_BATCH) + 1);
        await expect(certificate.connect(issuerA).issueBatch(brandA, vaultA.address, oversized))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidBatchSize")
          .withArgs(MAX_BATCH + 1n, MAX_BATCH);
      });
    });

    describe("when the caller is not an issuer of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for a stranger", async function () {
        const { certificate, registry, mallory, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(mallory).issueBatch(brandA, mallory.address, items("X", 2)))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, mallory.address);
      });

      it("reverts with HallmarkMissingBrandRole for an issuer of another brand", async function () {
        const { certificate, registry, issuerB, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(issuerB).issueBatch(brandA, issuerB.address, items("X", 2)))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(certificate.connect(issuerA).issueBatch(brandA, vaultA.address, items("X", 2)))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { certificate, registry, issuerA, vaultA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(issuerA).issueBatch(3n, vaultA.address, items("X", 2)))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(3n);
      });
    });

    describe("when one item has a zero commitment", function () {
      it("reverts with HallmarkInvalidCommitment and mints nothing", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const batch = [item("Z-1"), item("Z-2", { metadataDigest: ethers.ZeroHash })];
        await expect(certificate.connect(issuerA).issueBatch(brandA, vaultA.address, batch))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
        expect(await certificate.balanceOf(vaultA.address)).to.equal(0n);
      });

      it("reverts with HallmarkInvalidCommitment for a zero serial hash", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const batch = [item("Z-1", { serialHash: ethers.ZeroHash })];
        await expect(certificate.connect(issuerA).issueBatch(brandA, vaultA.address, batch))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with HallmarkInvalidRecipient", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(certificate.connect(issuerA).issueBatch(brandA, ethers.ZeroAddress, items("X", 2)))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidRecipient")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the recipient is a contract without onERC721Received", function () {
      it("reverts with ERC721InvalidReceiver", async function () {
        const { certificate, issuerA, brandA, nonReceiver } = await loadFixture(deployWithRecipients);
        const to = await nonReceiver.getAddress();
        await expect(certificate.connect(issuerA).issueBatch(brandA, to, items("X", 2)))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(to);
      });
    });

    describe("when a serial appears twice in the batch", function () {
      it("reverts with HallmarkDuplicateCertificate and mints nothing", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const batch = [item("D-1"), item("D-2"), item("D-1")];
        await expect(certificate.connect(issuerA).issueBatch(brandA, vaultA.address, batch))
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenIdOf(brandA, serialHash("D-1")));
        expect(await certificate.balanceOf(vaultA.address)).to.equal(0n);
      });
    });

    describe("when a serial was certified by an earlier batch", function () {
      it("reverts with HallmarkDuplicateCertificate", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        await certificate.connect(issuerA).issueBatch(brandA, vaultA.address, [item("E-1"), item("E-2")]);
        await expect(
          certificate.connect(issuerA).issueBatch(brandA, vaultA.address, [item("E-3"), item("E-2")]),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenIdOf(brandA, serialHash("E-2")));
      });
    });
  });

  describe("issueSuccessor", function () {
    const reason = "tag replaced after repair";

    describe("when called by an issuer of the brand, approved by the owner, on an Active certificate", function () {
      it("mints the successor to the predecessor's owner", async function () {
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const next = item("A-0001-R1");
        const successorId = tokenIdOf(brandA, next.serialHash);
        expect(await certificate.connect(issuerA).issueSuccessor.staticCall(tokenId, next, reason)).to.equal(
          successorId,
        );
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, next, reason))
          .to.emit(certificate, "Transfer")
          .withArgs(ethers.ZeroAddress, alice.address, successorId)
          .and.to.emit(certificate, "CertificateIssued")
          .withArgs(successorId, issuerA.address, next.metadataDigest);
        expect(await certificate.ownerOf(successorId)).to.equal(alice.address);
        expect(await certificate.statusOf(successorId)).to.equal(Status.Active);
      });

      it("revokes the predecessor and links both ways", async function () {
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const next = item("A-0001-R1");
        const successorId = tokenIdOf(brandA, next.serialHash);
        await certificate.connect(issuerA).issueSuccessor(tokenId, next, reason);
        expect(await certificate.statusOf(tokenId)).to.equal(Status.Revoked);
        expect(await certificate.ownerOf(tokenId)).to.equal(alice.address);
        expect(await certificate.successorOf(tokenId)).to.equal(successorId);
        expect(await certificate.predecessorOf(successorId)).to.equal(tokenId);
        expect(await certificate.successorOf(successorId)).to.equal(0n);
        expect(await certificate.predecessorOf(tokenId)).to.equal(0n);
      });

      it("emits StatusChanged, CertificateSucceeded, the trait updates and MetadataUpdate", async function () {
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const next = item("A-0001-R1");
        const successorId = tokenIdOf(brandA, next.serialHash);
        const tx = certificate.connect(issuerA).issueSuccessor(tokenId, next, reason);
        await expect(tx)
          .to.emit(certificate, "StatusChanged")
          .withArgs(tokenId, Status.Revoked, issuerA.address, reason)
          .and.to.emit(certificate, "CertificateSucceeded")
          .withArgs(tokenId, successorId, reason)
          .and.to.emit(certificate, "MetadataUpdate")
          .withArgs(tokenId);
        await expect(tx)
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TRAIT_STATUS, tokenId, word(Status.Revoked));
        await expect(tx)
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TRAIT_SUCCESSOR, tokenId, word(successorId));
        await expect(tx)
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TRAIT_PREDECESSOR, successorId, word(tokenId));
      });

      it("exposes the links as traits", async function () {
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const next = item("A-0001-R1");
        const successorId = tokenIdOf(brandA, next.serialHash);
        await certificate.connect(issuerA).issueSuccessor(tokenId, next, reason);
        expect(await certificate.getTraitValues(tokenId, [TRAIT_STATUS, TRAIT_SUCCESSOR])).to.deep.equal([
          word(Status.Revoked),
          word(successorId),
        ]);
        expect(await certificate.getTraitValue(successorId, TRAIT_PREDECESSOR)).to.equal(word(tokenId));
      });

      it("binds the successor's new chip", async function () {
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const chip = ethers.Wallet.createRandom().address;
        const next = item("A-0001-R1", { chip });
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, next, reason))
          .to.emit(certificate, "ChipBound")
          .withArgs(tokenIdOf(brandA, next.serialHash), chip);
      });

      it("calls onERC721Received when the owner is a contract", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployHallmark);
        const owner = await ethers.deployContract("LoggingReceiver");
        const ownerAddress = await owner.getAddress();
        const first = item("A-RCV");
        const firstId = tokenIdOf(brandA, first.serialHash);
        await certificate.connect(issuerA).issue(brandA, ownerAddress, first);
        await owner.execute(
          await certificate.getAddress(),
          certificate.interface.encodeFunctionData("approve", [issuerA.address, firstId]),
        );
        const next = item("A-RCV-R1");
        await expect(certificate.connect(issuerA).issueSuccessor(firstId, next, reason))
          .to.emit(owner, "ERC721Received")
          .withArgs(issuerA.address, ethers.ZeroAddress, tokenIdOf(brandA, next.serialHash), "0x");
        expect(await certificate.ownerOf(tokenIdOf(brandA, next.serialHash))).to.equal(ownerAddress);
      });

      it("leaves the predecessor retired: restore reverts with HallmarkAlreadySucceeded", async function () {
        const { certificate, issuerA, adminA, brandA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const next = item("A-0001-R1");
        await certificate.connect(issuerA).issueSuccessor(tokenId, next, reason);
        await expect(certificate.connect(adminA).restore(tokenId, "mistake"))
          .to.be.revertedWithCustomError(certificate, "HallmarkAlreadySucceeded")
          .withArgs(tokenId, tokenIdOf(brandA, next.serialHash));
      });
    });

    describe("when the owner made the issuer an operator for all its certificates", function () {
      it("issues the successor", async function () {
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithCertificate);
        await certificate.connect(alice).setApprovalForAll(issuerA.address, true);
        const next = item("A-0001-R1");
        const successorId = tokenIdOf(brandA, next.serialHash);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, next, reason))
          .to.emit(certificate, "CertificateSucceeded")
          .withArgs(tokenId, successorId, reason);
        expect(await certificate.ownerOf(successorId)).to.equal(alice.address);
        expect(await certificate.statusOf(tokenId)).to.equal(Status.Revoked);
      });
    });

    describe("when the owner consented with a permit the issuer submits", function () {
      it("issues the successor", async function () {
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithCertificate);
        const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
        const signature = await alice.signTypedData(await eip712Domain(certificate), PERMIT_TYPES, {
          spender: issuerA.address,
          tokenId,
          nonce: await certificate.nonces(alice.address),
          deadline,
        });
        await certificate.connect(issuerA).permit(issuerA.address, tokenId, deadline, signature);
        const next = item("A-0001-R1");
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, next, reason))
          .to.emit(certificate, "CertificateSucceeded")
          .withArgs(tokenId, tokenIdOf(brandA, next.serialHash), reason);
      });
    });

    describe("when the issuer owns the predecessor itself", function () {
      it("issues the successor without any approval", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployHallmark);
        const held = item("A-HELD");
        const heldId = tokenIdOf(brandA, held.serialHash);
        await certificate.connect(issuerA).issue(brandA, issuerA.address, held);
        const next = item("A-HELD-R1");
        await expect(certificate.connect(issuerA).issueSuccessor(heldId, next, reason))
          .to.emit(certificate, "CertificateSucceeded")
          .withArgs(heldId, tokenIdOf(brandA, next.serialHash), reason);
        expect(await certificate.ownerOf(tokenIdOf(brandA, next.serialHash))).to.equal(issuerA.address);
      });
    });

    // A leaked issuer key alone must not be able to retire customers' certificates for good.
    describe("when the predecessor's owner has not approved the issuer", function () {
      it("reverts with ERC721InsufficientApproval and leaves the predecessor Active and unlinked", async function () {
        const { certificate, issuerA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(issuerA.address, tokenId);
        expect(await certificate.statusOf(tokenId)).to.equal(Status.Active);
        expect(await certificate.successorOf(tokenId)).to.equal(0n);
      });

      it("reverts with ERC721InsufficientApproval when the owner approved the issuer for another certificate", async function () {
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithCertificate);
        const other = item("A-0002");
        await certificate.connect(issuerA).issue(brandA, alice.address, other);
        await certificate.connect(alice).approve(issuerA.address, tokenIdOf(brandA, other.serialHash));
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(issuerA.address, tokenId);
      });

      it("reverts with ERC721InsufficientApproval when the owner approved another issuer", async function () {
        const { certificate, registry, adminA, issuerA, brandA, alice, carol, tokenId } =
          await loadFixture(deployWithCertificate);
        await registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, carol.address);
        await certificate.connect(alice).approve(carol.address, tokenId);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(issuerA.address, tokenId);
      });

      it("reverts with ERC721InsufficientApproval once the certificate changed hands after the approval", async function () {
        const { certificate, issuerA, alice, bob, tokenId } = await loadFixture(deployWithApprovedIssuer);
        await certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(issuerA.address, tokenId);
      });

      it("reverts with ERC721InsufficientApproval for a certificate held in the brand vault", async function () {
        const { certificate, issuerA, brandA, vaultA } = await loadFixture(deployHallmark);
        const stock = item("A-STOCK");
        const stockId = tokenIdOf(brandA, stock.serialHash);
        await certificate.connect(issuerA).issue(brandA, vaultA.address, stock);
        await expect(certificate.connect(issuerA).issueSuccessor(stockId, item("A-STOCK-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(issuerA.address, stockId);
      });
    });

    describe("when the predecessor already has a successor", function () {
      it("reverts with HallmarkAlreadySucceeded naming the existing successor", async function () {
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        const first = item("A-0001-R1");
        await certificate.connect(issuerA).issueSuccessor(tokenId, first, reason);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R2"), reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkAlreadySucceeded")
          .withArgs(tokenId, tokenIdOf(brandA, first.serialHash));
      });
    });

    describe("when the predecessor is not Active", function () {
      it("reverts with HallmarkInvalidStatusChange for a Stolen predecessor", async function () {
        const { certificate, issuerA, alice, tokenId } = await loadFixture(deployWithApprovedIssuer);
        await certificate.connect(alice).reportStolen(tokenId, "taken");
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidStatusChange")
          .withArgs(tokenId, Status.Stolen, Status.Revoked);
      });

      it("reverts with HallmarkInvalidStatusChange for a Revoked predecessor", async function () {
        const { certificate, issuerA, adminA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        await certificate.connect(adminA).revoke(tokenId, "counterfeit");
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidStatusChange")
          .withArgs(tokenId, Status.Revoked, Status.Revoked);
      });
    });

    describe("when the predecessor does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.connect(issuerA).issueSuccessor(missing, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });

    describe("when the caller is not an issuer of the predecessor's brand", function () {
      it("reverts with HallmarkMissingBrandRole for the owner", async function () {
        const { certificate, registry, alice, brandA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(alice).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, alice.address);
      });

      it("reverts with HallmarkMissingBrandRole for an issuer of another brand, even approved by the owner", async function () {
        const { certificate, registry, alice, issuerB, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await certificate.connect(alice).approve(issuerB.address, tokenId);
        await expect(certificate.connect(issuerB).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });

      it("reverts with HallmarkMissingBrandRole for an issuer declared compromised, even approved by the owner", async function () {
        const { certificate, registry, adminA, issuerA, brandA, tokenId } =
          await loadFixture(deployWithApprovedIssuer);
        await registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 1n);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerA.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, issuerA, brandA, tokenId } =
          await loadFixture(deployWithApprovedIssuer);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the successor's input is invalid", function () {
      it("reverts with HallmarkDuplicateCertificate when it reuses the predecessor's serial", async function () {
        const { certificate, issuerA, input, tokenId } = await loadFixture(deployWithApprovedIssuer);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, input, reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidCommitment for a zero metadata digest", async function () {
        const { certificate, issuerA, tokenId } = await loadFixture(deployWithApprovedIssuer);
        await expect(
          certificate
            .connect(issuerA)
            .issueSuccessor(tokenId, item("A-0001-R1", { metadataDigest: ethers.ZeroHash }), reason),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });
    });
  });
});
