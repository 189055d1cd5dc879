import { expect } from "chai";
import {
  deployWithCertificate,
  ethers,
  networkHelpers,
  ProvenanceKind,
  ROLE,
  serialHash,
  Status,
  tokenIdOf,
} from "./fixtures.js";

const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

type Fixture = Awaited<ReturnType<typeof deployWithCertificate>>;
type KindName = keyof typeof ProvenanceKind;
type ActorName = "issuerA" | "adminA" | "partnerA" | "repairerA" | "alice" | "partnerB" | "groupAdmin";

const report = ethers.sha256(ethers.toUtf8Bytes('{"inspection":"stitching, hardware and serial match"}'));

/** Who may record each kind of provenance event for brand A; everyone else is refused. */
const mayRecord: Record<KindName, ActorName[]> = {
  Sale: ["issuerA", "adminA"],
  AuthenticatedResale: ["partnerA"],
  Repair: ["repairerA"],
  Inspection: ["partnerA", "repairerA", "adminA"],
};
const actors: ActorName[] = ["issuerA", "adminA", "partnerA", "repairerA", "alice", "partnerB", "groupAdmin"];

/** deployWithCertificate with the certificate handed to partnerA, who resells it. */
async function partnerHoldsCertificate() {
  const fx = await deployWithCertificate();
  await fx.certificate.connect(fx.alice).transferFrom(fx.alice.address, fx.partnerA.address, fx.tokenId);
  return fx;
}

/** deployWithCertificate with partnerA approved by alice for the certificate. */
async function partnerApproved() {
  const fx = await deployWithCertificate();
  await fx.certificate.connect(fx.alice).approve(fx.partnerA.address, fx.tokenId);
  return fx;
}

function resale(fx: Fixture, grade = 8n) {
  return fx.certificate.connect(fx.partnerA).authenticatedResale(fx.tokenId, fx.bob.address, report, grade);
}

describe("HallmarkCertificate", function () {
  describe("recordProvenance", function () {
    for (const kind of Object.keys(ProvenanceKind) as KindName[]) {
      describe(`when recording ${kind}`, function () {
        for (const actor of actors) {
          if (mayRecord[kind].includes(actor)) {
            it(`accepts ${actor} and emits ProvenanceRecorded`, async function () {
              const fx = await loadFixture(deployWithCertificate);
              const caller = fx[actor];
              await expect(
                fx.certificate.connect(caller).recordProvenance(fx.tokenId, ProvenanceKind[kind], report, 7n),
              )
                .to.emit(fx.certificate, "ProvenanceRecorded")
                .withArgs(fx.tokenId, ProvenanceKind[kind], caller.address, report, 7n);
            });
          } else {
            it(`reverts with HallmarkUnauthorizedProvenance for ${actor}`, async function () {
              const fx = await loadFixture(deployWithCertificate);
              const caller = fx[actor];
              await expect(
                fx.certificate.connect(caller).recordProvenance(fx.tokenId, ProvenanceKind[kind], report, 7n),
              )
                .to.be.revertedWithCustomError(fx.certificate, "HallmarkUnauthorizedProvenance")
                .withArgs(fx.tokenId, ProvenanceKind[kind], caller.address);
            });
          }
        }
      });
    }

    it("leaves the owner unchanged", async function () {
      const { certificate, repairerA, alice, tokenId } = await loadFixture(deployWithCertificate);
      await certificate.connect(repairerA).recordProvenance(tokenId, ProvenanceKind.Repair, report, 0n);
      expect(await certificate.ownerOf(tokenId)).to.equal(alice.address);
    });

    describe("when the condition grade is at its bounds", function () {
      for (const grade of [0n, 10n]) {
        it(`accepts grade ${grade}`, async function () {
          const { certificate, partnerA, tokenId } = await loadFixture(deployWithCertificate);
          await expect(
            certificate.connect(partnerA).recordProvenance(tokenId, ProvenanceKind.Inspection, report, grade),
          )
            .to.emit(certificate, "ProvenanceRecorded")
            .withArgs(tokenId, ProvenanceKind.Inspection, partnerA.address, report, grade);
        });
      }
    });

    describe("when the condition grade is above 10", function () {
      it("reverts with HallmarkInvalidConditionGrade", async function () {
        const { certificate, partnerA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(
          certificate.connect(partnerA).recordProvenance(tokenId, ProvenanceKind.Inspection, report, 11n),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidConditionGrade")
          .withArgs(11n);
      });
    });

    describe("when the details digest is zero", function () {
      it("reverts with HallmarkInvalidCommitment", async function () {
        const { certificate, repairerA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(
          certificate
            .connect(repairerA)
            .recordProvenance(tokenId, ProvenanceKind.Repair, ethers.ZeroHash, 5n),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, issuerA, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(certificate.connect(issuerA).recordProvenance(tokenId, ProvenanceKind.Sale, report, 0n))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the role was revoked", function () {
      it("reverts with HallmarkUnauthorizedProvenance", async function () {
        const { certificate, registry, adminA, repairerA, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await registry.connect(adminA).revokeBrandRole(brandA, ROLE.REPAIRER, repairerA.address);
        await expect(
          certificate.connect(repairerA).recordProvenance(tokenId, ProvenanceKind.Repair, report, 0n),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkUnauthorizedProvenance")
          .withArgs(tokenId, ProvenanceKind.Repair, repairerA.address);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.connect(issuerA).recordProvenance(missing, ProvenanceKind.Sale, report, 0n))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("authenticatedResale", function () {
    describe("when the resale partner owns the certificate", function () {
      it("records the resale and moves the certificate to the buyer", async function () {
        const fx = await loadFixture(partnerHoldsCertificate);
        await expect(resale(fx))
          .to.emit(fx.certificate, "ProvenanceRecorded")
          .withArgs(fx.tokenId, ProvenanceKind.AuthenticatedResale, fx.partnerA.address, report, 8n)
          .and.to.emit(fx.certificate, "Transfer")
          .withArgs(fx.partnerA.address, fx.bob.address, fx.tokenId);
        expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.bob.address);
      });
    });

    describe("when the resale partner is approved for the certificate", function () {
      it("moves the certificate from the owner to the buyer and clears the approval", async function () {
        const fx = await loadFixture(partnerApproved);
        await expect(resale(fx))
          .to.emit(fx.certificate, "ProvenanceRecorded")
          .withArgs(fx.tokenId, ProvenanceKind.AuthenticatedResale, fx.partnerA.address, report, 8n)
          .and.to.emit(fx.certificate, "Transfer")
          .withArgs(fx.alice.address, fx.bob.address, fx.tokenId);
        expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.bob.address);
        expect(await fx.certificate.getApproved(fx.tokenId)).to.equal(ethers.ZeroAddress);
      });
    });

    describe("when the resale partner is an operator of the owner", function () {
      it("moves the certificate to the buyer", async function () {
        const fx = await loadFixture(deployWithCertificate);
        await fx.certificate.connect(fx.alice).setApprovalForAll(fx.partnerA.address, true);
        await expect(resale(fx))
          .to.emit(fx.certificate, "Transfer")
          .withArgs(fx.alice.address, fx.bob.address, fx.tokenId);
      });
    });

    describe("when the resale partner neither owns nor is approved for the certificate", function () {
      it("reverts with ERC721InsufficientApproval", async function () {
        const fx = await loadFixture(deployWithCertificate);
        await expect(resale(fx))
          .to.be.revertedWithCustomError(fx.certificate, "ERC721InsufficientApproval")
          .withArgs(fx.partnerA.address, fx.tokenId);
      });
    });

    describe("when the caller is not a resale partner of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for the owner", async function () {
        const { certificate, registry, alice, bob, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await expect(certificate.connect(alice).authenticatedResale(tokenId, bob.address, report, 8n))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.RESALE_PARTNER, alice.address);
      });

      it("reverts with HallmarkMissingBrandRole for an approved partner of another brand", async function () {
        const { certificate, registry, alice, bob, partnerB, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await certificate.connect(alice).approve(partnerB.address, tokenId);
        await expect(certificate.connect(partnerB).authenticatedResale(tokenId, bob.address, report, 8n))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.RESALE_PARTNER, partnerB.address);
      });
    });

    describe("when the buyer is the zero address", function () {
      it("reverts with HallmarkInvalidRecipient", async function () {
        const { certificate, partnerA, tokenId } = await loadFixture(partnerHoldsCertificate);
        await expect(
          certificate.connect(partnerA).authenticatedResale(tokenId, ethers.ZeroAddress, report, 8n),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidRecipient")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the buyer is a contract without onERC721Received", function () {
      it("reverts with ERC721InvalidReceiver", async function () {
        const { certificate, partnerA, tokenId } = await loadFixture(partnerHoldsCertificate);
        const nonReceiver = await ethers.deployContract("BaselineURIStorage");
        const buyer = await nonReceiver.getAddress();
        await expect(certificate.connect(partnerA).authenticatedResale(tokenId, buyer, report, 8n))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(buyer);
      });
    });

    describe("when the report is invalid", function () {
      it("reverts with HallmarkInvalidCommitment for a zero digest", async function () {
        const { certificate, partnerA, bob, tokenId } = await loadFixture(partnerHoldsCertificate);
        await expect(
          certificate.connect(partnerA).authenticatedResale(tokenId, bob.address, ethers.ZeroHash, 8n),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });

      it("reverts with HallmarkInvalidConditionGrade for a grade above 10", async function () {
        const fx = await loadFixture(partnerHoldsCertificate);
        await expect(resale(fx, 11n))
          .to.be.revertedWithCustomError(fx.certificate, "HallmarkInvalidConditionGrade")
          .withArgs(11n);
      });
    });

    describe("when the certificate is locked", function () {
      it("reverts with HallmarkCertificateLocked when it was reported stolen", async function () {
        const fx = await loadFixture(partnerApproved);
        await fx.certificate.connect(fx.alice).reportStolen(fx.tokenId, "taken");
        await expect(resale(fx))
          .to.be.revertedWithCustomError(fx.certificate, "HallmarkCertificateLocked")
          .withArgs(fx.tokenId, Status.Stolen);
        expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.alice.address);
      });

      it("reverts with HallmarkCertificateLocked when it was revoked", async function () {
        const fx = await loadFixture(partnerHoldsCertificate);
        await fx.certificate.connect(fx.adminA).revoke(fx.tokenId, "counterfeit");
        await expect(resale(fx))
          .to.be.revertedWithCustomError(fx.certificate, "HallmarkCertificateLocked")
          .withArgs(fx.tokenId, Status.Revoked);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const fx = await loadFixture(partnerHoldsCertificate);
        await fx.registry.connect(fx.adminA).pauseBrand(fx.brandA, "incident");
        await expect(resale(fx))
          .to.be.revertedWithCustomError(fx.registry, "HallmarkBrandPaused")
          .withArgs(fx.brandA);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, partnerA, bob, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.connect(partnerA).authenticatedResale(missing, bob.address, report, 8n))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });
});
