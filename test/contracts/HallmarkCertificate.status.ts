import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  deployWithCertificate,
  ethers,
  networkHelpers,
  ROLE,
  serialHash,
  Status,
  tokenIdOf,
} from "./fixtures.js";

const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

const TRAIT_STATUS = ethers.encodeBytes32String("status");
type StatusName = keyof typeof Status;
type Fixture = Awaited<ReturnType<typeof deployWithCertificate>>;

async function stolenCertificate() {
  const fx = await deployWithCertificate();
  await fx.certificate.connect(fx.alice).reportStolen(fx.tokenId, "taken from a locker");
  return fx;
}

async function revokedCertificate() {
  const fx = await deployWithCertificate();
  await fx.certificate.connect(fx.adminA).revoke(fx.tokenId, "counterfeit tag");
  return fx;
}

async function pausedBrandCertificate() {
  const fx = await deployWithCertificate();
  await fx.registry.connect(fx.adminA).pauseBrand(fx.brandA, "issuer key leaked");
  return fx;
}

const fixtureIn: Record<StatusName, () => Promise<Fixture>> = {
  Active: deployWithCertificate,
  Stolen: stolenCertificate,
  Revoked: revokedCertificate,
};

type Action = "reportStolen" | "revoke" | "restore";
const target: Record<Action, StatusName> = { reportStolen: "Stolen", revoke: "Revoked", restore: "Active" };

/** The owner reports theft; the brand admin revokes and restores. */
function actorOf(fx: Fixture, action: Action): HardhatEthersSigner {
  return action === "reportStolen" ? fx.alice : fx.adminA;
}

function act(fx: Fixture, action: Action, caller: HardhatEthersSigner, reason: string) {
  return fx.certificate.connect(caller)[action](fx.tokenId, reason);
}

function word(value: bigint): string {
  return ethers.zeroPadValue(ethers.toBeHex(value), 32);
}

/** Which status changes are allowed, from each status. */
const transitions: { from: StatusName; action: Action; allowed: boolean }[] = [
  { from: "Active", action: "reportStolen", allowed: true },
  { from: "Active", action: "revoke", allowed: true },
  { from: "Active", action: "restore", allowed: false },
  { from: "Stolen", action: "reportStolen", allowed: false },
  { from: "Stolen", action: "revoke", allowed: true },
  { from: "Stolen", action: "restore", allowed: true },
  { from: "Revoked", action: "reportStolen", allowed: false },
  { from: "Revoked", action: "revoke", allowed: false },
  { from: "Revoked", action: "restore", allowed: true },
];

describe("HallmarkCertificate", function () {
  describe("status transitions", function () {
    for (const { from, action, allowed } of transitions) {
      const to = target[action];
      describe(`when ${action} is called on ${from === "Active" ? "an" : "a"} ${from} certificate`, function () {
        if (allowed) {
          it(`moves it to ${to}, emitting StatusChanged, TraitUpdated and MetadataUpdate`, async function () {
            const fx = await loadFixture(fixtureIn[from]);
            const caller = actorOf(fx, action);
            await expect(act(fx, action, caller, "reason given"))
              .to.emit(fx.certificate, "StatusChanged")
              .withArgs(fx.tokenId, Status[to], caller.address, "reason given")
              .and.to.emit(fx.certificate, "TraitUpdated")
              .withArgs(TRAIT_STATUS, fx.tokenId, word(Status[to]))
              .and.to.emit(fx.certificate, "MetadataUpdate")
              .withArgs(fx.tokenId);
            expect(await fx.certificate.statusOf(fx.tokenId)).to.equal(Status[to]);
          });
        } else {
          it("reverts with HallmarkInvalidStatusChange", async function () {
            const fx = await loadFixture(fixtureIn[from]);
            await expect(act(fx, action, actorOf(fx, action), "reason given"))
              .to.be.revertedWithCustomError(fx.certificate, "HallmarkInvalidStatusChange")
              .withArgs(fx.tokenId, Status[from], Status[to]);
          });
        }
      });
    }
  });

  describe("reportStolen", function () {
    describe("when called by the brand admin", function () {
      it("marks the certificate Stolen", async function () {
        const { certificate, adminA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(adminA).reportStolen(tokenId, "police report 42"))
          .to.emit(certificate, "StatusChanged")
          .withArgs(tokenId, Status.Stolen, adminA.address, "police report 42");
      });
    });

    describe("when the brand is paused", function () {
      it("still lets the owner report the theft", async function () {
        const { certificate, alice, tokenId } = await loadFixture(pausedBrandCertificate);
        await expect(certificate.connect(alice).reportStolen(tokenId, "taken"))
          .to.emit(certificate, "StatusChanged")
          .withArgs(tokenId, Status.Stolen, alice.address, "taken");
      });
    });

    describe("when the caller is neither the owner nor an admin of the brand", function () {
      for (const who of [
        "bob (approved for the token)",
        "carol (operator of the owner)",
        "issuerA",
        "adminB",
        "groupAdmin",
      ] as const) {
        it(`reverts with HallmarkUnauthorizedStatusChange for ${who}`, async function () {
          const fx = await loadFixture(deployWithCertificate);
          await fx.certificate.connect(fx.alice).approve(fx.bob.address, fx.tokenId);
          await fx.certificate.connect(fx.alice).setApprovalForAll(fx.carol.address, true);
          const caller = {
            "bob (approved for the token)": fx.bob,
            "carol (operator of the owner)": fx.carol,
            issuerA: fx.issuerA,
            adminB: fx.adminB,
            groupAdmin: fx.groupAdmin,
          }[who];
          await expect(fx.certificate.connect(caller).reportStolen(fx.tokenId, "x"))
            .to.be.revertedWithCustomError(fx.certificate, "HallmarkUnauthorizedStatusChange")
            .withArgs(fx.tokenId, caller.address);
        });
      }
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, adminA, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.connect(adminA).reportStolen(missing, "x"))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  for (const action of ["revoke", "restore"] as const) {
    describe(action, function () {
      const startFrom = action === "revoke" ? deployWithCertificate : stolenCertificate;

      describe("when the brand is paused", function () {
        it("still lets the brand admin act", async function () {
          const fx = await loadFixture(startFrom);
          await fx.registry.connect(fx.adminA).pauseBrand(fx.brandA, "incident");
          await expect(act(fx, action, fx.adminA, "containment"))
            .to.emit(fx.certificate, "StatusChanged")
            .withArgs(fx.tokenId, Status[target[action]], fx.adminA.address, "containment");
        });
      });

      describe("when the caller is not an admin of the brand", function () {
        for (const who of ["alice (the owner)", "issuerA", "adminB", "groupAdmin"] as const) {
          it(`reverts with HallmarkMissingBrandRole for ${who}`, async function () {
            const fx = await loadFixture(startFrom);
            const caller = {
              "alice (the owner)": fx.alice,
              issuerA: fx.issuerA,
              adminB: fx.adminB,
              groupAdmin: fx.groupAdmin,
            }[who];
            await expect(act(fx, action, caller, "x"))
              .to.be.revertedWithCustomError(fx.certificate, "HallmarkMissingBrandRole")
              .withArgs(fx.brandA, ROLE.BRAND_ADMIN, caller.address);
          });
        }
      });

      describe("when the certificate does not exist", function () {
        it("reverts with ERC721NonexistentToken", async function () {
          const { certificate, adminA, brandA } = await loadFixture(deployWithCertificate);
          const missing = tokenIdOf(brandA, serialHash("missing"));
          await expect(certificate.connect(adminA)[action](missing, "x"))
            .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
            .withArgs(missing);
        });
      });
    });
  }

  describe("transfers", function () {
    for (const locked of ["Stolen", "Revoked"] as const) {
      describe(`when the certificate is ${locked}`, function () {
        it("reverts transferFrom by the owner with HallmarkCertificateLocked", async function () {
          const { certificate, alice, bob, tokenId } = await loadFixture(fixtureIn[locked]);
          await expect(certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId))
            .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
            .withArgs(tokenId, Status[locked]);
        });

        it("reverts safeTransferFrom by an approved account with HallmarkCertificateLocked", async function () {
          const { certificate, alice, bob, carol, tokenId } = await loadFixture(fixtureIn[locked]);
          await certificate.connect(alice).approve(bob.address, tokenId);
          const asBob = certificate.connect(bob);
          await expect(
            asBob["safeTransferFrom(address,address,uint256)"](alice.address, carol.address, tokenId),
          )
            .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
            .withArgs(tokenId, Status[locked]);
        });

        it("moves again once the brand admin restores it", async function () {
          const { certificate, adminA, alice, bob, tokenId } = await loadFixture(fixtureIn[locked]);
          await certificate.connect(adminA).restore(tokenId, "recovered");
          await expect(certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId))
            .to.emit(certificate, "Transfer")
            .withArgs(alice.address, bob.address, tokenId);
        });
      });
    }

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, alice, bob, brandA, tokenId } =
          await loadFixture(pausedBrandCertificate);
        await expect(certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });

      it("moves again once the brand is unpaused", async function () {
        const { certificate, registry, adminA, alice, bob, brandA, tokenId } =
          await loadFixture(pausedBrandCertificate);
        await registry.connect(adminA).unpauseBrand(brandA);
        await expect(certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId))
          .to.emit(certificate, "Transfer")
          .withArgs(alice.address, bob.address, tokenId);
      });
    });

    describe("when another brand is paused", function () {
      it("still moves", async function () {
        const { certificate, registry, adminB, alice, bob, brandB, tokenId } =
          await loadFixture(deployWithCertificate);
        await registry.connect(adminB).pauseBrand(brandB, "incident");
        await expect(certificate.connect(alice).transferFrom(alice.address, bob.address, tokenId))
          .to.emit(certificate, "Transfer")
          .withArgs(alice.address, bob.address, tokenId);
      });
    });
  });
});
