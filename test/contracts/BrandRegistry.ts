import { expect } from "chai";
import type { Interface } from "ethers";
import { ADMIN_DELAY, deployHallmark, ethers, networkHelpers, ROLE } from "./fixtures.js";

const { time } = networkHelpers;
const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const UNKNOWN_ROLE = ethers.id("hallmark.role.JANITOR");
const BRAND_ROLES = ["BRAND_ADMIN", "ISSUER", "RESALE_PARTNER", "REPAIRER"] as const;
const OPERATIONAL_ROLES = ["ISSUER", "RESALE_PARTNER", "REPAIRER"] as const;
/** type(IBrandRegistry).interfaceId; changes whenever a function of the interface does (docs/contracts.md cites it). */
const IBRAND_REGISTRY_ID = "0xe0dff746";

/** ERC-165 id of an interface: the XOR of its function selectors. */
function interfaceIdOf(iface: Interface): string {
  let id = 0n;
  iface.forEachFunction((fn) => {
    id ^= BigInt(fn.selector);
  });
  return ethers.toBeHex(id, 4);
}

/** A registry with no brand yet. */
async function deployEmptyRegistry() {
  const [groupAdmin, brandAdmin, vault, royaltyReceiver, newGroupAdmin, stranger] = await ethers.getSigners();
  const registry = await ethers.deployContract("BrandRegistry", [ADMIN_DELAY, groupAdmin.address]);
  return { registry, groupAdmin, brandAdmin, vault, royaltyReceiver, newGroupAdmin, stranger };
}

/** deployHallmark plus issuerA also holding the issuer role of brand B. */
async function deployWithSharedIssuer() {
  const fx = await deployHallmark();
  await fx.registry.connect(fx.adminB).grantBrandRole(fx.brandB, ROLE.ISSUER, fx.issuerA.address);
  return fx;
}

/** deployHallmark with issuerA declared compromised for brand A (which revoked its ISSUER role there). */
async function deployWithCompromisedIssuer() {
  const fx = await deployHallmark();
  await fx.registry.connect(fx.adminA).declareIssuerCompromised(fx.brandA, fx.issuerA.address, 1n);
  return fx;
}

describe("BrandRegistry", function () {
  describe("constructor", function () {
    it("makes the given account the group admin with the given hand-over delay", async function () {
      const { registry, groupAdmin } = await loadFixture(deployEmptyRegistry);
      expect(await registry.defaultAdmin()).to.equal(groupAdmin.address);
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, groupAdmin.address)).to.equal(true);
      expect(await registry.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await registry.brandCount()).to.equal(0n);
    });

    it("exposes the per-brand role identifiers", async function () {
      const { registry } = await loadFixture(deployEmptyRegistry);
      expect(await registry.BRAND_ADMIN_ROLE()).to.equal(ROLE.BRAND_ADMIN);
      expect(await registry.ISSUER_ROLE()).to.equal(ROLE.ISSUER);
      expect(await registry.RESALE_PARTNER_ROLE()).to.equal(ROLE.RESALE_PARTNER);
      expect(await registry.REPAIRER_ROLE()).to.equal(ROLE.REPAIRER);
      expect(await registry.TAG_ORACLE_ROLE()).to.equal(ROLE.TAG_ORACLE);
    });

    describe("when the group admin is the zero address", function () {
      it("reverts with AccessControlInvalidDefaultAdmin", async function () {
        const { registry } = await loadFixture(deployEmptyRegistry);
        await expect(ethers.deployContract("BrandRegistry", [ADMIN_DELAY, ethers.ZeroAddress]))
          .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
          .withArgs(ethers.ZeroAddress);
      });
    });
  });

  describe("registerBrand", function () {
    describe("when called by the group admin", function () {
      it("numbers brands from 1", async function () {
        const { registry, brandAdmin, vault, royaltyReceiver } = await loadFixture(deployEmptyRegistry);
        const args = [
          "Maison",
          "ipfs://m",
          brandAdmin.address,
          vault.address,
          royaltyReceiver.address,
          0n,
        ] as const;
        expect(await registry.registerBrand.staticCall(...args)).to.equal(1n);
        await registry.registerBrand(...args);
        expect(await registry.registerBrand.staticCall(...args)).to.equal(2n);
        await registry.registerBrand(...args);
        expect(await registry.brandCount()).to.equal(2n);
        expect(await registry.brandExists(1n)).to.equal(true);
        expect(await registry.brandExists(2n)).to.equal(true);
      });

      it("emits BrandRegistered, BrandRoyaltyChanged and BrandRoleGranted for the brand admin", async function () {
        const { registry, groupAdmin, brandAdmin, vault, royaltyReceiver } =
          await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand(
            "Maison",
            "ipfs://m",
            brandAdmin.address,
            vault.address,
            royaltyReceiver.address,
            250n,
          ),
        )
          .to.emit(registry, "BrandRegistered")
          .withArgs(1n, "Maison", "ipfs://m", brandAdmin.address, vault.address)
          .and.to.emit(registry, "BrandRoyaltyChanged")
          .withArgs(1n, royaltyReceiver.address, 250n)
          .and.to.emit(registry, "BrandRoleGranted")
          .withArgs(1n, ROLE.BRAND_ADMIN, brandAdmin.address, groupAdmin.address);
      });

      it("stores the brand's settings, unpaused, with its admin", async function () {
        const { registry, brandAdmin, vault, royaltyReceiver } = await loadFixture(deployEmptyRegistry);
        await registry.registerBrand(
          "Maison",
          "ipfs://m",
          brandAdmin.address,
          vault.address,
          royaltyReceiver.address,
          250n,
        );
        const stored = await registry.brand(1n);
        expect(stored.name).to.equal("Maison");
        expect(stored.metadataURI).to.equal("ipfs://m");
        expect(stored.vault).to.equal(vault.address);
        expect(stored.royaltyReceiver).to.equal(royaltyReceiver.address);
        expect(stored.royaltyBps).to.equal(250n);
        expect(stored.paused).to.equal(false);
        expect(await registry.vaultOf(1n)).to.equal(vault.address);
        expect(await registry.royaltyOf(1n)).to.deep.equal([royaltyReceiver.address, 250n]);
        expect(await registry.hasBrandRole(1n, ROLE.BRAND_ADMIN, brandAdmin.address)).to.equal(true);
      });

      it("accepts a royalty of exactly 100%", async function () {
        const { registry, brandAdmin, vault, royaltyReceiver } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand(
            "Maison",
            "",
            brandAdmin.address,
            vault.address,
            royaltyReceiver.address,
            10_000n,
          ),
        )
          .to.emit(registry, "BrandRoyaltyChanged")
          .withArgs(1n, royaltyReceiver.address, 10_000n);
      });

      it("accepts no royalty receiver when the royalty is zero", async function () {
        const { registry, brandAdmin, vault } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand("Maison", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 0n),
        )
          .to.emit(registry, "BrandRoyaltyChanged")
          .withArgs(1n, ethers.ZeroAddress, 0n);
      });
    });

    describe("when the caller is not the group admin", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { registry, brandAdmin, vault, stranger } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry
            .connect(stranger)
            .registerBrand("Maison", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 0n),
        )
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      });

      it("refuses a brand admin too", async function () {
        const { registry, adminA, vaultA } = await loadFixture(deployHallmark);
        await expect(
          registry
            .connect(adminA)
            .registerBrand("Maison C", "", adminA.address, vaultA.address, ethers.ZeroAddress, 0n),
        )
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(adminA.address, DEFAULT_ADMIN_ROLE);
      });
    });

    describe("when the settings are invalid", function () {
      it("reverts with HallmarkInvalidBrandSettings for an empty name", async function () {
        const { registry, brandAdmin, vault } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand("", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 0n),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });

      it("reverts with HallmarkInvalidBrandSettings for a zero admin", async function () {
        const { registry, vault } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand("Maison", "", ethers.ZeroAddress, vault.address, ethers.ZeroAddress, 0n),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });

      it("reverts with HallmarkInvalidBrandSettings for a zero vault", async function () {
        const { registry, brandAdmin } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand(
            "Maison",
            "",
            brandAdmin.address,
            ethers.ZeroAddress,
            ethers.ZeroAddress,
            0n,
          ),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });

      it("reverts with HallmarkInvalidBrandSettings for a royalty without a receiver", async function () {
        const { registry, brandAdmin, vault } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand("Maison", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 1n),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });

      it("reverts with HallmarkInvalidRoyalty for a royalty above 10,000 basis points", async function () {
        const { registry, brandAdmin, vault, royaltyReceiver } = await loadFixture(deployEmptyRegistry);
        await expect(
          registry.registerBrand(
            "Maison",
            "",
            brandAdmin.address,
            vault.address,
            royaltyReceiver.address,
            10_001n,
          ),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidRoyalty")
          .withArgs(10_001n);
      });
    });
  });

  describe("updateBrand", function () {
    describe("when called by the brand admin", function () {
      it("changes the name and metadata URI and emits BrandUpdated", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).updateBrand(brandA, "Maison A Paris", "ipfs://brand-a-v2"))
          .to.emit(registry, "BrandUpdated")
          .withArgs(brandA, "Maison A Paris", "ipfs://brand-a-v2");
        const stored = await registry.brand(brandA);
        expect(stored.name).to.equal("Maison A Paris");
        expect(stored.metadataURI).to.equal("ipfs://brand-a-v2");
      });
    });

    describe("when called by the group admin", function () {
      it("changes the brand", async function () {
        const { registry, groupAdmin, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).updateBrand(brandA, "Renamed", ""))
          .to.emit(registry, "BrandUpdated")
          .withArgs(brandA, "Renamed", "");
      });
    });

    describe("when the name is empty", function () {
      it("reverts with HallmarkInvalidBrandSettings", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).updateBrand(brandA, "", "ipfs://x"))
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });
    });

    describe("when the caller manages neither the brand nor the group", function () {
      it("reverts with HallmarkMissingBrandRole for an issuer of the brand", async function () {
        const { registry, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(issuerA).updateBrand(brandA, "X", ""))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });

      it("reverts with HallmarkMissingBrandRole for the admin of another brand", async function () {
        const { registry, adminB, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminB).updateBrand(brandA, "X", ""))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });

    describe("when the brand is unknown", function () {
      for (const brandId of [0n, 3n]) {
        it(`reverts with HallmarkUnknownBrand for brand ${brandId}`, async function () {
          const { registry, groupAdmin } = await loadFixture(deployHallmark);
          await expect(registry.connect(groupAdmin).updateBrand(brandId, "X", ""))
            .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
            .withArgs(brandId);
        });
      }
    });
  });

  describe("setBrandVault", function () {
    it("changes the vault and emits BrandVaultChanged", async function () {
      const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
      await expect(registry.connect(adminA).setBrandVault(brandA, carol.address))
        .to.emit(registry, "BrandVaultChanged")
        .withArgs(brandA, carol.address);
      expect(await registry.vaultOf(brandA)).to.equal(carol.address);
      expect((await registry.brand(brandA)).vault).to.equal(carol.address);
    });

    it("may be called by the group admin", async function () {
      const { registry, groupAdmin, brandA, carol } = await loadFixture(deployHallmark);
      await expect(registry.connect(groupAdmin).setBrandVault(brandA, carol.address))
        .to.emit(registry, "BrandVaultChanged")
        .withArgs(brandA, carol.address);
    });

    describe("when the vault is the zero address", function () {
      it("reverts with HallmarkInvalidBrandSettings", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).setBrandVault(brandA, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });
    });

    describe("when the caller is not a manager of the brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { registry, adminB, brandA, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminB).setBrandVault(brandA, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).setBrandVault(7n, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(7n);
      });
    });
  });

  describe("setBrandRoyalty", function () {
    it("changes the royalty and emits BrandRoyaltyChanged", async function () {
      const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
      await expect(registry.connect(adminA).setBrandRoyalty(brandA, carol.address, 1_000n))
        .to.emit(registry, "BrandRoyaltyChanged")
        .withArgs(brandA, carol.address, 1_000n);
      expect(await registry.royaltyOf(brandA)).to.deep.equal([carol.address, 1_000n]);
    });

    it("leaves other brands' royalties unchanged", async function () {
      const { registry, adminA, adminB, brandA, brandB, carol } = await loadFixture(deployHallmark);
      await registry.connect(adminA).setBrandRoyalty(brandA, carol.address, 1_000n);
      expect(await registry.royaltyOf(brandB)).to.deep.equal([adminB.address, 750n]);
    });

    it("clears the royalty with a zero receiver and zero rate", async function () {
      const { registry, adminA, brandA } = await loadFixture(deployHallmark);
      await expect(registry.connect(adminA).setBrandRoyalty(brandA, ethers.ZeroAddress, 0n))
        .to.emit(registry, "BrandRoyaltyChanged")
        .withArgs(brandA, ethers.ZeroAddress, 0n);
    });

    describe("when the rate exceeds 10,000 basis points", function () {
      it("reverts with HallmarkInvalidRoyalty", async function () {
        const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).setBrandRoyalty(brandA, carol.address, 10_001n))
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidRoyalty")
          .withArgs(10_001n);
      });
    });

    describe("when a non-zero rate has no receiver", function () {
      it("reverts with HallmarkInvalidBrandSettings", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).setBrandRoyalty(brandA, ethers.ZeroAddress, 100n))
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });
    });

    describe("when the caller is not a manager of the brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { registry, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(issuerA).setBrandRoyalty(brandA, issuerA.address, 100n))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).setBrandRoyalty(0n, groupAdmin.address, 100n))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(0n);
      });
    });
  });

  describe("grantBrandRole", function () {
    describe("when the group admin grants BRAND_ADMIN", function () {
      it("grants it and emits BrandRoleGranted", async function () {
        const { registry, groupAdmin, brandA, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).grantBrandRole(brandA, ROLE.BRAND_ADMIN, carol.address))
          .to.emit(registry, "BrandRoleGranted")
          .withArgs(brandA, ROLE.BRAND_ADMIN, carol.address, groupAdmin.address);
        expect(await registry.hasBrandRole(brandA, ROLE.BRAND_ADMIN, carol.address)).to.equal(true);
      });
    });

    describe("when a brand admin grants BRAND_ADMIN", function () {
      it("reverts with HallmarkMissingBrandRole: only the group admin makes brand admins", async function () {
        const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE.BRAND_ADMIN, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminA.address);
      });
    });

    for (const role of OPERATIONAL_ROLES) {
      describe(`when granting ${role}`, function () {
        it("lets the brand admin grant it, emitting BrandRoleGranted", async function () {
          const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
          await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE[role], carol.address))
            .to.emit(registry, "BrandRoleGranted")
            .withArgs(brandA, ROLE[role], carol.address, adminA.address);
          expect(await registry.hasBrandRole(brandA, ROLE[role], carol.address)).to.equal(true);
        });

        it("lets the group admin grant it", async function () {
          const { registry, groupAdmin, brandA, carol } = await loadFixture(deployHallmark);
          await expect(registry.connect(groupAdmin).grantBrandRole(brandA, ROLE[role], carol.address))
            .to.emit(registry, "BrandRoleGranted")
            .withArgs(brandA, ROLE[role], carol.address, groupAdmin.address);
        });

        it("gives no power over another brand", async function () {
          const { registry, adminA, brandA, brandB, carol } = await loadFixture(deployHallmark);
          await registry.connect(adminA).grantBrandRole(brandA, ROLE[role], carol.address);
          expect(await registry.hasBrandRole(brandB, ROLE[role], carol.address)).to.equal(false);
        });

        it("reverts with HallmarkMissingBrandRole when the admin of another brand tries", async function () {
          const { registry, adminB, brandA, carol } = await loadFixture(deployHallmark);
          await expect(registry.connect(adminB).grantBrandRole(brandA, ROLE[role], carol.address))
            .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
            .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
        });

        it("reverts with HallmarkMissingBrandRole when a non-admin holder of a role tries", async function () {
          const { registry, issuerA, brandA, carol } = await loadFixture(deployHallmark);
          await expect(registry.connect(issuerA).grantBrandRole(brandA, ROLE[role], carol.address))
            .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
            .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
        });
      });
    }

    describe("when the account already holds the role", function () {
      it("changes nothing and emits no event", async function () {
        const { registry, adminA, brandA, issuerA } = await loadFixture(deployHallmark);
        await expect(
          registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, issuerA.address),
        ).not.to.emit(registry, "BrandRoleGranted");
        expect(await registry.hasBrandRole(brandA, ROLE.ISSUER, issuerA.address)).to.equal(true);
      });
    });

    describe("when the role is not a per-brand role", function () {
      for (const [label, role] of [
        ["an unknown role", UNKNOWN_ROLE],
        ["DEFAULT_ADMIN_ROLE", DEFAULT_ADMIN_ROLE],
      ] as const) {
        it(`reverts with HallmarkUnknownRole for ${label}`, async function () {
          const { registry, groupAdmin, brandA, carol } = await loadFixture(deployHallmark);
          await expect(registry.connect(groupAdmin).grantBrandRole(brandA, role, carol.address))
            .to.be.revertedWithCustomError(registry, "HallmarkUnknownRole")
            .withArgs(role);
        });
      }
    });

    describe("when ISSUER is granted to an account declared compromised for the brand", function () {
      it("reverts with HallmarkIssuerKeyCompromised when the brand admin re-grants it", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployWithCompromisedIssuer);
        await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, issuerA.address))
          .to.be.revertedWithCustomError(registry, "HallmarkIssuerKeyCompromised")
          .withArgs(brandA, issuerA.address);
        expect(await registry.hasBrandRole(brandA, ROLE.ISSUER, issuerA.address)).to.equal(false);
      });

      it("reverts with HallmarkIssuerKeyCompromised when the group admin re-grants it", async function () {
        const { registry, groupAdmin, issuerA, brandA } = await loadFixture(deployWithCompromisedIssuer);
        await expect(registry.connect(groupAdmin).grantBrandRole(brandA, ROLE.ISSUER, issuerA.address))
          .to.be.revertedWithCustomError(registry, "HallmarkIssuerKeyCompromised")
          .withArgs(brandA, issuerA.address);
      });

      it("reverts with HallmarkIssuerKeyCompromised for an account that never held the role", async function () {
        const { registry, adminA, carol, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).declareIssuerCompromised(brandA, carol.address, 1n);
        await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkIssuerKeyCompromised")
          .withArgs(brandA, carol.address);
      });

      it("still lets another brand grant the account ISSUER", async function () {
        const { registry, adminB, issuerA, brandB } = await loadFixture(deployWithCompromisedIssuer);
        await expect(registry.connect(adminB).grantBrandRole(brandB, ROLE.ISSUER, issuerA.address))
          .to.emit(registry, "BrandRoleGranted")
          .withArgs(brandB, ROLE.ISSUER, issuerA.address, adminB.address);
        expect(await registry.hasBrandRole(brandB, ROLE.ISSUER, issuerA.address)).to.equal(true);
      });

      it("still lets the brand grant a fresh issuer key", async function () {
        const { registry, adminA, carol, brandA } = await loadFixture(deployWithCompromisedIssuer);
        await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, carol.address))
          .to.emit(registry, "BrandRoleGranted")
          .withArgs(brandA, ROLE.ISSUER, carol.address, adminA.address);
      });

      // Only the issuer role carries a compromise record; the other roles are granted as usual.
      for (const role of ["RESALE_PARTNER", "REPAIRER"] as const) {
        it(`still lets the brand grant the account ${role}`, async function () {
          const { registry, adminA, issuerA, brandA } = await loadFixture(deployWithCompromisedIssuer);
          await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE[role], issuerA.address))
            .to.emit(registry, "BrandRoleGranted")
            .withArgs(brandA, ROLE[role], issuerA.address, adminA.address);
        });
      }
    });

    describe("when the account is the zero address", function () {
      it("reverts with HallmarkInvalidBrandSettings", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(registry, "HallmarkInvalidBrandSettings")
          .withArgs();
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).grantBrandRole(3n, ROLE.ISSUER, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(3n);
      });
    });
  });

  describe("revokeBrandRole", function () {
    describe("when the group admin revokes BRAND_ADMIN", function () {
      it("revokes it and emits BrandRoleRevoked", async function () {
        const { registry, groupAdmin, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).revokeBrandRole(brandA, ROLE.BRAND_ADMIN, adminA.address))
          .to.emit(registry, "BrandRoleRevoked")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminA.address, groupAdmin.address);
        expect(await registry.hasBrandRole(brandA, ROLE.BRAND_ADMIN, adminA.address)).to.equal(false);
      });
    });

    describe("when a brand admin revokes BRAND_ADMIN", function () {
      it("reverts with HallmarkMissingBrandRole: a brand admin cannot remove other admins", async function () {
        const { registry, groupAdmin, adminA, brandA, carol } = await loadFixture(deployHallmark);
        await registry.connect(groupAdmin).grantBrandRole(brandA, ROLE.BRAND_ADMIN, carol.address);
        await expect(registry.connect(adminA).revokeBrandRole(brandA, ROLE.BRAND_ADMIN, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminA.address);
      });
    });

    for (const [role, holder] of [
      ["ISSUER", "issuerA"],
      ["RESALE_PARTNER", "partnerA"],
      ["REPAIRER", "repairerA"],
    ] as const) {
      describe(`when revoking ${role}`, function () {
        it("lets the brand admin revoke it, emitting BrandRoleRevoked", async function () {
          const fx = await loadFixture(deployHallmark);
          const account = fx[holder].address;
          await expect(fx.registry.connect(fx.adminA).revokeBrandRole(fx.brandA, ROLE[role], account))
            .to.emit(fx.registry, "BrandRoleRevoked")
            .withArgs(fx.brandA, ROLE[role], account, fx.adminA.address);
          expect(await fx.registry.hasBrandRole(fx.brandA, ROLE[role], account)).to.equal(false);
        });

        it("lets the group admin revoke it", async function () {
          const fx = await loadFixture(deployHallmark);
          const account = fx[holder].address;
          await expect(fx.registry.connect(fx.groupAdmin).revokeBrandRole(fx.brandA, ROLE[role], account))
            .to.emit(fx.registry, "BrandRoleRevoked")
            .withArgs(fx.brandA, ROLE[role], account, fx.groupAdmin.address);
        });

        it("reverts with HallmarkMissingBrandRole when the admin of another brand tries", async function () {
          const fx = await loadFixture(deployHallmark);
          await expect(
            fx.registry.connect(fx.adminB).revokeBrandRole(fx.brandA, ROLE[role], fx[holder].address),
          )
            .to.be.revertedWithCustomError(fx.registry, "HallmarkMissingBrandRole")
            .withArgs(fx.brandA, ROLE.BRAND_ADMIN, fx.adminB.address);
          expect(await fx.registry.hasBrandRole(fx.brandA, ROLE[role], fx[holder].address)).to.equal(true);
        });
      });
    }

    describe("when a holder of an operational role tries", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { registry, issuerA, partnerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(issuerA).revokeBrandRole(brandA, ROLE.RESALE_PARTNER, partnerA.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });
    });

    describe("when the account does not hold the role", function () {
      it("changes nothing and emits no event", async function () {
        const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
        await expect(
          registry.connect(adminA).revokeBrandRole(brandA, ROLE.ISSUER, carol.address),
        ).not.to.emit(registry, "BrandRoleRevoked");
      });
    });

    describe("when revoking on one brand", function () {
      it("leaves the same role on another brand in place", async function () {
        const { registry, adminA, brandA, brandB, issuerA } = await loadFixture(deployWithSharedIssuer);
        await registry.connect(adminA).revokeBrandRole(brandA, ROLE.ISSUER, issuerA.address);
        expect(await registry.hasBrandRole(brandB, ROLE.ISSUER, issuerA.address)).to.equal(true);
      });
    });

    describe("when the role is not a per-brand role", function () {
      it("reverts with HallmarkUnknownRole", async function () {
        const { registry, groupAdmin, brandA, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).revokeBrandRole(brandA, UNKNOWN_ROLE, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownRole")
          .withArgs(UNKNOWN_ROLE);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin, carol } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).revokeBrandRole(0n, ROLE.ISSUER, carol.address))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(0n);
      });
    });
  });

  describe("renounceBrandRole", function () {
    for (const [role, holder] of [
      ["BRAND_ADMIN", "adminA"],
      ["ISSUER", "issuerA"],
      ["RESALE_PARTNER", "partnerA"],
      ["REPAIRER", "repairerA"],
    ] as const) {
      it(`lets a holder of ${role} give it up, emitting BrandRoleRevoked with itself as sender`, async function () {
        const fx = await loadFixture(deployHallmark);
        const account = fx[holder];
        await expect(fx.registry.connect(account).renounceBrandRole(fx.brandA, ROLE[role]))
          .to.emit(fx.registry, "BrandRoleRevoked")
          .withArgs(fx.brandA, ROLE[role], account.address, account.address);
        expect(await fx.registry.hasBrandRole(fx.brandA, ROLE[role], account.address)).to.equal(false);
      });
    }

    it("works while the brand is paused", async function () {
      const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
      await registry.connect(adminA).pauseBrand(brandA, "incident");
      await expect(registry.connect(issuerA).renounceBrandRole(brandA, ROLE.ISSUER))
        .to.emit(registry, "BrandRoleRevoked")
        .withArgs(brandA, ROLE.ISSUER, issuerA.address, issuerA.address);
    });

    describe("when the caller does not hold the role", function () {
      it("changes nothing and emits no event", async function () {
        const { registry, carol, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(carol).renounceBrandRole(brandA, ROLE.ISSUER)).not.to.emit(
          registry,
          "BrandRoleRevoked",
        );
      });
    });

    describe("when the role is not a per-brand role", function () {
      it("reverts with HallmarkUnknownRole", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).renounceBrandRole(brandA, UNKNOWN_ROLE))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownRole")
          .withArgs(UNKNOWN_ROLE);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, adminA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).renounceBrandRole(9n, ROLE.BRAND_ADMIN))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(9n);
      });
    });
  });

  describe("pauseBrand", function () {
    describe("when called by the brand admin", function () {
      it("pauses the brand and emits BrandPaused with the reason", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).pauseBrand(brandA, "issuer key leaked"))
          .to.emit(registry, "BrandPaused")
          .withArgs(brandA, adminA.address, "issuer key leaked");
        expect(await registry.isBrandPaused(brandA)).to.equal(true);
        expect((await registry.brand(brandA)).paused).to.equal(true);
      });

      it("leaves other brands running", async function () {
        const { registry, adminA, brandA, brandB, issuerB } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        expect(await registry.isBrandPaused(brandB)).to.equal(false);
        await expect(registry.checkBrandRole(brandB, ROLE.ISSUER, issuerB.address)).not.to.revert(ethers);
      });
    });

    describe("when called by the group admin", function () {
      it("pauses the brand", async function () {
        const { registry, groupAdmin, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).pauseBrand(brandA, "group decision"))
          .to.emit(registry, "BrandPaused")
          .withArgs(brandA, groupAdmin.address, "group decision");
      });
    });

    describe("when the brand is already paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "first");
        await expect(registry.connect(adminA).pauseBrand(brandA, "second"))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the caller is not a manager of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for an issuer", async function () {
        const { registry, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(issuerA).pauseBrand(brandA, "x"))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });

      it("reverts with HallmarkMissingBrandRole for the admin of another brand", async function () {
        const { registry, adminB, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminB).pauseBrand(brandA, "x"))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).pauseBrand(5n, "x"))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(5n);
      });
    });
  });

  describe("unpauseBrand", function () {
    describe("when the brand is paused", function () {
      it("lets the brand admin unpause it, emitting BrandUnpaused", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(registry.connect(adminA).unpauseBrand(brandA))
          .to.emit(registry, "BrandUnpaused")
          .withArgs(brandA, adminA.address);
        expect(await registry.isBrandPaused(brandA)).to.equal(false);
      });

      it("lets the group admin unpause it", async function () {
        const { registry, adminA, groupAdmin, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(registry.connect(groupAdmin).unpauseBrand(brandA))
          .to.emit(registry, "BrandUnpaused")
          .withArgs(brandA, groupAdmin.address);
      });

      it("reverts with HallmarkMissingBrandRole for the admin of another brand", async function () {
        const { registry, adminA, adminB, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(registry.connect(adminB).unpauseBrand(brandA))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });

    describe("when the brand is not paused", function () {
      it("reverts with HallmarkBrandNotPaused", async function () {
        const { registry, adminA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).unpauseBrand(brandA))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandNotPaused")
          .withArgs(brandA);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).unpauseBrand(5n))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(5n);
      });
    });
  });

  describe("declareIssuerCompromised", function () {
    describe("when called by the brand admin", function () {
      it("records the block, emits IssuerCompromised and revokes the issuer role", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        const fromBlock = BigInt(await ethers.provider.getBlockNumber()) - 2n;
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, fromBlock))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, issuerA.address, fromBlock, adminA.address)
          .and.to.emit(registry, "BrandRoleRevoked")
          .withArgs(brandA, ROLE.ISSUER, issuerA.address, adminA.address);
        expect(await registry.compromisedSince(brandA, issuerA.address)).to.equal(fromBlock);
        expect(await registry.hasBrandRole(brandA, ROLE.ISSUER, issuerA.address)).to.equal(false);
      });

      it("accepts the block it is mined in", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        const current = BigInt(await ethers.provider.getBlockNumber()) + 1n;
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, current))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, issuerA.address, current, adminA.address);
      });

      it("records block 0 as block 1, since 0 means not compromised", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 0n))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, issuerA.address, 1n, adminA.address);
        expect(await registry.compromisedSince(brandA, issuerA.address)).to.equal(1n);
      });

      it("leaves the issuer's roles and record on other brands untouched", async function () {
        const { registry, adminA, issuerA, brandA, brandB } = await loadFixture(deployWithSharedIssuer);
        await registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 1n);
        expect(await registry.hasBrandRole(brandB, ROLE.ISSUER, issuerA.address)).to.equal(true);
        expect(await registry.compromisedSince(brandB, issuerA.address)).to.equal(0n);
        await expect(registry.checkBrandRole(brandB, ROLE.ISSUER, issuerA.address)).not.to.revert(ethers);
      });

      it("records an account that no longer holds the role, without a BrandRoleRevoked event", async function () {
        const { registry, adminA, carol, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, carol.address, 1n))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, carol.address, 1n, adminA.address)
          .and.not.to.emit(registry, "BrandRoleRevoked");
      });
    });

    describe("when the issuer was already declared compromised", function () {
      it("widens the window to an earlier block", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 10n);
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 4n))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, issuerA.address, 4n, adminA.address);
        expect(await registry.compromisedSince(brandA, issuerA.address)).to.equal(4n);
      });

      it("never narrows the window to a later block, and reports the block kept", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 4n);
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, 10n))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, issuerA.address, 4n, adminA.address);
        expect(await registry.compromisedSince(brandA, issuerA.address)).to.equal(4n);
      });
    });

    describe("when called by the group admin", function () {
      it("declares the compromise", async function () {
        const { registry, groupAdmin, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).declareIssuerCompromised(brandA, issuerA.address, 2n))
          .to.emit(registry, "IssuerCompromised")
          .withArgs(brandA, issuerA.address, 2n, groupAdmin.address);
      });
    });

    describe("when the block is in the future", function () {
      it("reverts with HallmarkCompromiseInFuture", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        const minedIn = BigInt(await ethers.provider.getBlockNumber()) + 1n;
        await expect(registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, minedIn + 1n))
          .to.be.revertedWithCustomError(registry, "HallmarkCompromiseInFuture")
          .withArgs(minedIn + 1n, minedIn);
      });
    });

    describe("when the caller is not a manager of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for the issuer itself", async function () {
        const { registry, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(issuerA).declareIssuerCompromised(brandA, issuerA.address, 1n))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });

      it("reverts with HallmarkMissingBrandRole for the admin of another brand", async function () {
        const { registry, adminB, issuerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.connect(adminB).declareIssuerCompromised(brandA, issuerA.address, 1n))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, groupAdmin, issuerA } = await loadFixture(deployHallmark);
        await expect(registry.connect(groupAdmin).declareIssuerCompromised(4n, issuerA.address, 1n))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(4n);
      });
    });
  });

  describe("checkBrandRole", function () {
    it("passes for a holder of the role on a running brand", async function () {
      const { registry, issuerA, brandA } = await loadFixture(deployHallmark);
      await expect(registry.checkBrandRole(brandA, ROLE.ISSUER, issuerA.address)).not.to.revert(ethers);
    });

    describe("when the brand is unknown", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { registry, issuerA } = await loadFixture(deployHallmark);
        await expect(registry.checkBrandRole(3n, ROLE.ISSUER, issuerA.address))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(3n);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused even for a holder of the role", async function () {
        const { registry, adminA, issuerA, brandA } = await loadFixture(deployHallmark);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(registry.checkBrandRole(brandA, ROLE.ISSUER, issuerA.address))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the account lacks the role", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { registry, partnerA, brandA } = await loadFixture(deployHallmark);
        await expect(registry.checkBrandRole(brandA, ROLE.ISSUER, partnerA.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, partnerA.address);
      });

      it("does not count the group admin as a holder of a brand role", async function () {
        const { registry, groupAdmin, brandA } = await loadFixture(deployHallmark);
        await expect(registry.checkBrandRole(brandA, ROLE.ISSUER, groupAdmin.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, groupAdmin.address);
      });

      it("does not count the role held for another brand", async function () {
        const { registry, issuerB, brandA } = await loadFixture(deployHallmark);
        await expect(registry.checkBrandRole(brandA, ROLE.ISSUER, issuerB.address))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });
    });
  });

  describe("views", function () {
    it("brandExists is false for brand 0 and ids past the count", async function () {
      const { registry } = await loadFixture(deployHallmark);
      expect(await registry.brandExists(0n)).to.equal(false);
      expect(await registry.brandExists(1n)).to.equal(true);
      expect(await registry.brandExists(2n)).to.equal(true);
      expect(await registry.brandExists(3n)).to.equal(false);
      expect(await registry.brandCount()).to.equal(2n);
    });

    it("hasBrandRole answers per brand and per role", async function () {
      const fx = await loadFixture(deployHallmark);
      const holders = {
        BRAND_ADMIN: fx.adminA,
        ISSUER: fx.issuerA,
        RESALE_PARTNER: fx.partnerA,
        REPAIRER: fx.repairerA,
      };
      for (const role of BRAND_ROLES) {
        for (const other of BRAND_ROLES) {
          expect(await fx.registry.hasBrandRole(fx.brandA, ROLE[other], holders[role].address)).to.equal(
            role === other,
            `${role} holder answering for ${other}`,
          );
        }
        expect(await fx.registry.hasBrandRole(fx.brandB, ROLE[role], holders[role].address)).to.equal(false);
      }
    });

    it("vaultOf, royaltyOf and isBrandPaused return zeros for an unknown brand", async function () {
      const { registry } = await loadFixture(deployHallmark);
      expect(await registry.vaultOf(3n)).to.equal(ethers.ZeroAddress);
      expect(await registry.royaltyOf(3n)).to.deep.equal([ethers.ZeroAddress, 0n]);
      expect(await registry.isBrandPaused(3n)).to.equal(false);
      expect(await registry.vaultAndPaused(3n)).to.deep.equal([ethers.ZeroAddress, false]);
      expect(await registry.roleAndPaused(3n, ROLE.ISSUER, ethers.ZeroAddress)).to.deep.equal([false, false]);
      expect(await registry.hasBrandRole(3n, ROLE.ISSUER, ethers.ZeroAddress)).to.equal(false);
    });

    it("vaultAndPaused reads the vault and the pause flag together, each as vaultOf and isBrandPaused do", async function () {
      const { registry, adminA, brandA, carol } = await loadFixture(deployHallmark);
      await registry.connect(adminA).setBrandVault(brandA, carol.address);
      expect(await registry.vaultAndPaused(brandA)).to.deep.equal([carol.address, false]);
      await registry.connect(adminA).pauseBrand(brandA, "incident");
      expect(await registry.vaultAndPaused(brandA)).to.deep.equal([carol.address, true]);
      expect(await registry.vaultOf(brandA)).to.equal(carol.address);
      expect(await registry.isBrandPaused(brandA)).to.equal(true);
    });

    it("roleAndPaused reads a role and the pause flag together, each as hasBrandRole and isBrandPaused do", async function () {
      const { registry, adminA, issuerA, brandA, brandB } = await loadFixture(deployHallmark);
      expect(await registry.roleAndPaused(brandA, ROLE.ISSUER, issuerA.address)).to.deep.equal([true, false]);
      expect(await registry.roleAndPaused(brandB, ROLE.ISSUER, issuerA.address)).to.deep.equal([
        false,
        false,
      ]);
      await registry.connect(adminA).pauseBrand(brandA, "incident");
      expect(await registry.roleAndPaused(brandA, ROLE.ISSUER, issuerA.address)).to.deep.equal([true, true]);
      await registry.connect(adminA).revokeBrandRole(brandA, ROLE.ISSUER, issuerA.address);
      expect(await registry.roleAndPaused(brandA, ROLE.ISSUER, issuerA.address)).to.deep.equal([false, true]);
      expect(await registry.hasBrandRole(brandA, ROLE.ISSUER, issuerA.address)).to.equal(false);
    });

    it("compromisedSince is 0 for an issuer never declared compromised", async function () {
      const { registry, issuerA, brandA } = await loadFixture(deployHallmark);
      expect(await registry.compromisedSince(brandA, issuerA.address)).to.equal(0n);
    });

    describe("brand", function () {
      describe("when the brand is unknown", function () {
        it("reverts with HallmarkUnknownBrand", async function () {
          const { registry } = await loadFixture(deployHallmark);
          await expect(registry.brand(0n))
            .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
            .withArgs(0n);
          await expect(registry.brand(3n))
            .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
            .withArgs(3n);
        });
      });
    });

    describe("supportsInterface", function () {
      for (const [name, id] of [
        ["ERC165", "0x01ffc9a7"],
        ["IAccessControl", "0x7965db0b"],
        ["IAccessControlDefaultAdminRules", "0x31498786"],
      ] as const) {
        it(`supports ${name} (${id})`, async function () {
          const { registry } = await loadFixture(deployEmptyRegistry);
          expect(await registry.supportsInterface(id)).to.equal(true);
        });
      }

      it(`supports IBrandRegistry (${IBRAND_REGISTRY_ID}), the XOR of the interface's function selectors`, async function () {
        const { registry } = await loadFixture(deployEmptyRegistry);
        const iface = await ethers.getContractAt("IBrandRegistry", await registry.getAddress());
        const id = interfaceIdOf(iface.interface);
        expect(id).to.equal(IBRAND_REGISTRY_ID);
        expect(await registry.supportsInterface(id)).to.equal(true);
      });

      it("does not support 0xffffffff", async function () {
        const { registry } = await loadFixture(deployEmptyRegistry);
        expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
      });
    });
  });

  describe("group admin hand-over", function () {
    async function pendingHandOver() {
      const fx = await deployEmptyRegistry();
      await fx.registry.beginDefaultAdminTransfer(fx.newGroupAdmin.address);
      const [, schedule] = await fx.registry.pendingDefaultAdmin();
      return { ...fx, schedule };
    }

    describe("beginDefaultAdminTransfer", function () {
      it("schedules the hand-over after the delay and emits DefaultAdminTransferScheduled", async function () {
        const { registry, newGroupAdmin } = await loadFixture(deployEmptyRegistry);
        const next = BigInt(await time.latest()) + 10n;
        await time.setNextBlockTimestamp(next);
        await expect(registry.beginDefaultAdminTransfer(newGroupAdmin.address))
          .to.emit(registry, "DefaultAdminTransferScheduled")
          .withArgs(newGroupAdmin.address, next + ADMIN_DELAY);
        expect(await registry.pendingDefaultAdmin()).to.deep.equal([
          newGroupAdmin.address,
          next + ADMIN_DELAY,
        ]);
      });

      describe("when the caller is not the group admin", function () {
        it("reverts with AccessControlUnauthorizedAccount", async function () {
          const { registry, stranger } = await loadFixture(deployEmptyRegistry);
          await expect(registry.connect(stranger).beginDefaultAdminTransfer(stranger.address))
            .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
            .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
        });
      });
    });

    describe("acceptDefaultAdminTransfer", function () {
      describe("before the delay has passed", function () {
        it("reverts with AccessControlEnforcedDefaultAdminDelay", async function () {
          const { registry, newGroupAdmin, schedule } = await loadFixture(pendingHandOver);
          await expect(registry.connect(newGroupAdmin).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
            .withArgs(schedule);
        });

        it("reverts with AccessControlEnforcedDefaultAdminDelay at exactly the scheduled second", async function () {
          const { registry, newGroupAdmin, schedule } = await loadFixture(pendingHandOver);
          await time.setNextBlockTimestamp(schedule);
          await expect(registry.connect(newGroupAdmin).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
            .withArgs(schedule);
        });

        it("leaves the current group admin in charge", async function () {
          const { registry, groupAdmin, brandAdmin, vault } = await loadFixture(pendingHandOver);
          await expect(
            registry
              .connect(groupAdmin)
              .registerBrand("M", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 0n),
          )
            .to.emit(registry, "BrandRegistered")
            .withArgs(1n, "M", "", brandAdmin.address, vault.address);
        });
      });

      describe("after the delay has passed", function () {
        it("hands the group admin role over", async function () {
          const { registry, groupAdmin, newGroupAdmin, schedule } = await loadFixture(pendingHandOver);
          await time.increaseTo(schedule + 1n);
          await expect(registry.connect(newGroupAdmin).acceptDefaultAdminTransfer())
            .to.emit(registry, "RoleGranted")
            .withArgs(DEFAULT_ADMIN_ROLE, newGroupAdmin.address, newGroupAdmin.address)
            .and.to.emit(registry, "RoleRevoked")
            .withArgs(DEFAULT_ADMIN_ROLE, groupAdmin.address, newGroupAdmin.address);
          expect(await registry.defaultAdmin()).to.equal(newGroupAdmin.address);
          expect(await registry.pendingDefaultAdmin()).to.deep.equal([ethers.ZeroAddress, 0n]);
        });

        it("gives the new group admin its powers and takes them from the old one", async function () {
          const { registry, groupAdmin, newGroupAdmin, brandAdmin, vault, schedule } =
            await loadFixture(pendingHandOver);
          await time.increaseTo(schedule + 1n);
          await registry.connect(newGroupAdmin).acceptDefaultAdminTransfer();
          await expect(
            registry
              .connect(groupAdmin)
              .registerBrand("M", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 0n),
          )
            .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
            .withArgs(groupAdmin.address, DEFAULT_ADMIN_ROLE);
          await registry
            .connect(newGroupAdmin)
            .registerBrand("M", "", brandAdmin.address, vault.address, ethers.ZeroAddress, 0n);
          await expect(registry.connect(groupAdmin).grantBrandRole(1n, ROLE.ISSUER, groupAdmin.address))
            .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
            .withArgs(1n, ROLE.BRAND_ADMIN, groupAdmin.address);
          await expect(registry.connect(newGroupAdmin).grantBrandRole(1n, ROLE.BRAND_ADMIN, vault.address))
            .to.emit(registry, "BrandRoleGranted")
            .withArgs(1n, ROLE.BRAND_ADMIN, vault.address, newGroupAdmin.address);
        });
      });

      describe("when called by an account other than the pending admin", function () {
        it("reverts with AccessControlInvalidDefaultAdmin", async function () {
          const { registry, stranger, schedule } = await loadFixture(pendingHandOver);
          await time.increaseTo(schedule + 1n);
          await expect(registry.connect(stranger).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
            .withArgs(stranger.address);
        });
      });

      describe("when the hand-over was cancelled", function () {
        it("reverts with AccessControlInvalidDefaultAdmin", async function () {
          const { registry, newGroupAdmin, schedule } = await loadFixture(pendingHandOver);
          await expect(registry.cancelDefaultAdminTransfer()).to.emit(
            registry,
            "DefaultAdminTransferCanceled",
          );
          await time.increaseTo(schedule + 1n);
          await expect(registry.connect(newGroupAdmin).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, "AccessControlInvalidDefaultAdmin")
            .withArgs(newGroupAdmin.address);
        });
      });
    });

    describe("cancelDefaultAdminTransfer", function () {
      describe("when the caller is not the group admin", function () {
        it("reverts with AccessControlUnauthorizedAccount", async function () {
          const { registry, newGroupAdmin } = await loadFixture(pendingHandOver);
          await expect(registry.connect(newGroupAdmin).cancelDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
            .withArgs(newGroupAdmin.address, DEFAULT_ADMIN_ROLE);
        });
      });
    });

    describe("changeDefaultAdminDelay", function () {
      const DAY = 24n * 3600n;

      describe("when the group admin lengthens the delay", function () {
        it("schedules the change after the new delay, capped at five days, and emits DefaultAdminDelayChangeScheduled", async function () {
          const { registry } = await loadFixture(deployEmptyRegistry);
          const now = BigInt(await time.latest()) + 10n;
          await time.setNextBlockTimestamp(now);
          // 3 days to 10 days: effective after min(10 days, defaultAdminDelayIncreaseWait = 5 days).
          await expect(registry.changeDefaultAdminDelay(10n * DAY))
            .to.emit(registry, "DefaultAdminDelayChangeScheduled")
            .withArgs(10n * DAY, now + 5n * DAY);
          expect(await registry.pendingDefaultAdminDelay()).to.deep.equal([10n * DAY, now + 5n * DAY]);
          expect(await registry.defaultAdminDelay()).to.equal(ADMIN_DELAY);
          await time.increaseTo(now + 5n * DAY + 1n);
          expect(await registry.defaultAdminDelay()).to.equal(10n * DAY);
          expect(await registry.pendingDefaultAdminDelay()).to.deep.equal([0n, 0n]);
        });
      });

      describe("when the group admin shortens the delay", function () {
        it("takes effect only after the difference, so a hand-over begun at once still waits the old delay", async function () {
          const { registry, newGroupAdmin } = await loadFixture(deployEmptyRegistry);
          const now = BigInt(await time.latest()) + 10n;
          await time.setNextBlockTimestamp(now);
          // 3 days to 0: effective after 3 days, the old delay.
          await expect(registry.changeDefaultAdminDelay(0n))
            .to.emit(registry, "DefaultAdminDelayChangeScheduled")
            .withArgs(0n, now + ADMIN_DELAY);
          await time.setNextBlockTimestamp(now + 1n);
          await expect(registry.beginDefaultAdminTransfer(newGroupAdmin.address))
            .to.emit(registry, "DefaultAdminTransferScheduled")
            .withArgs(newGroupAdmin.address, now + 1n + ADMIN_DELAY);
          await expect(registry.connect(newGroupAdmin).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
            .withArgs(now + 1n + ADMIN_DELAY);
        });
      });

      describe("when the group admin rolls a pending change back", function () {
        it("cancels it with DefaultAdminDelayChangeCanceled and keeps the delay", async function () {
          const { registry } = await loadFixture(deployEmptyRegistry);
          await registry.changeDefaultAdminDelay(DAY);
          await expect(registry.rollbackDefaultAdminDelay()).to.emit(
            registry,
            "DefaultAdminDelayChangeCanceled",
          );
          expect(await registry.pendingDefaultAdminDelay()).to.deep.equal([0n, 0n]);
          await time.increase(ADMIN_DELAY + 1n);
          expect(await registry.defaultAdminDelay()).to.equal(ADMIN_DELAY);
        });
      });

      describe("when the caller is not the group admin", function () {
        it("reverts with AccessControlUnauthorizedAccount", async function () {
          const { registry, stranger } = await loadFixture(deployEmptyRegistry);
          await expect(registry.connect(stranger).changeDefaultAdminDelay(0n))
            .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
            .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
          await expect(registry.connect(stranger).rollbackDefaultAdminDelay())
            .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
            .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
        });
      });
    });

    describe("grantRole of the group admin role", function () {
      it("reverts with AccessControlEnforcedDefaultAdminRules: the only way is the two-step hand-over", async function () {
        const { registry, newGroupAdmin } = await loadFixture(deployEmptyRegistry);
        await expect(registry.grantRole(DEFAULT_ADMIN_ROLE, newGroupAdmin.address))
          .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminRules")
          .withArgs();
      });
    });

    describe("renounceRole of the group admin role without a scheduled hand-over", function () {
      it("reverts with AccessControlEnforcedDefaultAdminDelay", async function () {
        const { registry, groupAdmin } = await loadFixture(deployEmptyRegistry);
        await expect(registry.renounceRole(DEFAULT_ADMIN_ROLE, groupAdmin.address))
          .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
          .withArgs(0n);
      });
    });
  });
});
