import { expect } from "chai";
import {
  deployHallmark,
  deployWithCertificate,
  ethers,
  item,
  networkHelpers,
  ROLE,
  serialHash,
  Status,
  tokenIdOf,
} from "./fixtures.js";

const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

const MAX_BATCH = 1000n;
const TRAIT_STATUS = ethers.encodeBytes32String("status");
const TRAIT_SUCCESSOR = ethers.encodeBytes32String("successor");
const TRAIT_PREDECESSOR = ethers.encodeBytes32String("predecessor");

function word(value: bigint): string {
  return ethers.zeroPadValue(ethers.toBeHex(value), 32);
}

function items(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => item(`${prefix}-${i.toString().padStart(4, "0")}`));
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

    describe("when called by an issuer of the brand on an Active certificate", function () {
      it("mints the successor to the predecessor's owner", async function () {
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithCertificate);
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
        const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithCertificate);
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
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithCertificate);
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
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithCertificate);
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
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithCertificate);
        const chip = ethers.Wallet.createRandom().address;
        const next = item("A-0001-R1", { chip });
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, next, reason))
          .to.emit(certificate, "ChipBound")
          .withArgs(tokenIdOf(brandA, next.serialHash), chip);
      });

      it("calls onERC721Received when the owner is a contract", async function () {
        const { certificate, issuerA, brandA, receiver } = await loadFixture(deployWithRecipients);
        const first = item("A-RCV");
        await certificate.connect(issuerA).issue(brandA, await receiver.getAddress(), first);
        await certificate
          .connect(issuerA)
          .issueSuccessor(tokenIdOf(brandA, first.serialHash), item("A-RCV-R1"), reason);
        expect(await receiver.received()).to.equal(2n);
      });

      it("leaves the predecessor retired: restore reverts with HallmarkAlreadySucceeded", async function () {
        const { certificate, issuerA, adminA, brandA, tokenId } = await loadFixture(deployWithCertificate);
        const next = item("A-0001-R1");
        await certificate.connect(issuerA).issueSuccessor(tokenId, next, reason);
        await expect(certificate.connect(adminA).restore(tokenId, "mistake"))
          .to.be.revertedWithCustomError(certificate, "HallmarkAlreadySucceeded")
          .withArgs(tokenId, tokenIdOf(brandA, next.serialHash));
      });
    });

    describe("when the predecessor already has a successor", function () {
      it("reverts with HallmarkAlreadySucceeded naming the existing successor", async function () {
        const { certificate, issuerA, brandA, tokenId } = await loadFixture(deployWithCertificate);
        const first = item("A-0001-R1");
        await certificate.connect(issuerA).issueSuccessor(tokenId, first, reason);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R2"), reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkAlreadySucceeded")
          .withArgs(tokenId, tokenIdOf(brandA, first.serialHash));
      });
    });

    describe("when the predecessor is not Active", function () {
      it("reverts with HallmarkInvalidStatusChange for a Stolen predecessor", async function () {
        const { certificate, issuerA, alice, tokenId } = await loadFixture(deployWithCertificate);
        await certificate.connect(alice).reportStolen(tokenId, "taken");
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidStatusChange")
          .withArgs(tokenId, Status.Stolen, Status.Revoked);
      });

      it("reverts with HallmarkInvalidStatusChange for a Revoked predecessor", async function () {
        const { certificate, issuerA, adminA, tokenId } = await loadFixture(deployWithCertificate);
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

      it("reverts with HallmarkMissingBrandRole for an issuer of another brand", async function () {
        const { certificate, registry, issuerB, brandA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerB).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, issuerA, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, item("A-0001-R1"), reason))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the successor's input is invalid", function () {
      it("reverts with HallmarkDuplicateCertificate when it reuses the predecessor's serial", async function () {
        const { certificate, issuerA, input, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).issueSuccessor(tokenId, input, reason))
          .to.be.revertedWithCustomError(certificate, "HallmarkDuplicateCertificate")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidCommitment for a zero metadata digest", async function () {
        const { certificate, issuerA, tokenId } = await loadFixture(deployWithCertificate);
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
