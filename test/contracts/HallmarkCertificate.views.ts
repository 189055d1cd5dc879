import { expect } from "chai";
import type { Interface } from "ethers";
import type { ERC721Fixture } from "./behaviors/ERC721.behavior.js";
import { INTERFACE_ID, shouldBehaveLikeERC721 } from "./behaviors/ERC721.behavior.js";
import type { TraitMetadata } from "./behaviors/ERC7496.behavior.js";
import {
  decodeTraitMetadataURI,
  shouldDescribeTraitsPerERC7496,
  traitKeyOf,
} from "./behaviors/ERC7496.behavior.js";
import {
  deployHallmark,
  deployWithCertificate,
  ethers,
  item,
  metadataDigest,
  networkHelpers,
  ROLE,
  serialHash,
  Status,
  tokenIdOf,
} from "./fixtures.js";

const loadFixture = <T>(fixture: () => Promise<T>): Promise<T> => networkHelpers.loadFixture(fixture);

const TRAIT = {
  status: ethers.encodeBytes32String("status"),
  chip: ethers.encodeBytes32String("chip"),
  successor: ethers.encodeBytes32String("successor"),
  predecessor: ethers.encodeBytes32String("predecessor"),
  twinsClaimed: ethers.encodeBytes32String("twinsClaimed"),
  unknown: ethers.encodeBytes32String("colour"),
} as const;

const CERTIFICATE_INTERFACE_ID = {
  ...INTERFACE_ID,
  ERC2981: "0x2a55205a",
  ERC4906: "0x49064906",
  ERC7496: "0xaf332f3e",
  ERC1155: "0xd9b67a26",
} as const;

/** ERC-165 id of an interface: the XOR of its function selectors. */
function interfaceIdOf(iface: Interface): string {
  let id = 0n;
  iface.forEachFunction((fn) => {
    id ^= BigInt(fn.selector);
  });
  return ethers.toBeHex(id, 4);
}

function word(value: bigint | string): string {
  return ethers.zeroPadValue(ethers.toBeHex(value), 32);
}

async function erc721Fixture(): Promise<ERC721Fixture> {
  const fx = await deployHallmark();
  const first = item("ERC721-0001");
  const second = item("ERC721-0002");
  await fx.certificate.connect(fx.issuerA).issueBatch(fx.brandA, fx.alice.address, [first, second]);
  const receiver = await ethers.deployContract("ReentrantReceiver");
  // An ERC-721 contract that is not itself an ERC-721 receiver.
  const nonReceiver = await ethers.deployContract("BaselineURIStorage");
  return {
    token: fx.certificate,
    owner: fx.alice,
    approved: fx.bob,
    operator: fx.carol,
    other: fx.mallory,
    tokenId: tokenIdOf(fx.brandA, first.serialHash),
    secondTokenId: tokenIdOf(fx.brandA, second.serialHash),
    nonexistentTokenId: tokenIdOf(fx.brandA, serialHash("never issued")),
    receiver,
    nonReceiver,
    name: "Hallmark Certificate",
    symbol: "HALLMARK",
  };
}

/** A certificate of brand A (alice) and one of brand B (bob). */
async function twoBrandsFixture() {
  const fx = await deployWithCertificate();
  const inputB = item("B-0001");
  await fx.certificate.connect(fx.issuerB).issue(fx.brandB, fx.bob.address, inputB);
  return { ...fx, inputB, tokenIdB: tokenIdOf(fx.brandB, inputB.serialHash) };
}

describe("HallmarkCertificate", function () {
  shouldBehaveLikeERC721(erc721Fixture);

  describe("updateMetadata", function () {
    const newDigest = metadataDigest(JSON.stringify({ name: "Piece A-0001", edition: 2 }));

    describe("when called by an issuer of the brand", function () {
      it("emits MetadataDigestUpdated and the EIP-4906 MetadataUpdate", async function () {
        const { certificate, issuerA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).updateMetadata(tokenId, newDigest))
          .to.emit(certificate, "MetadataDigestUpdated")
          .withArgs(tokenId, newDigest, issuerA.address)
          .and.to.emit(certificate, "MetadataUpdate")
          .withArgs(tokenId);
      });

      it("accepts an update of a revoked certificate (its document may explain why)", async function () {
        const { certificate, adminA, issuerA, tokenId } = await loadFixture(deployWithCertificate);
        await certificate.connect(adminA).revoke(tokenId, "counterfeit");
        await expect(certificate.connect(issuerA).updateMetadata(tokenId, newDigest))
          .to.emit(certificate, "MetadataDigestUpdated")
          .withArgs(tokenId, newDigest, issuerA.address);
      });
    });

    describe("when the digest is zero", function () {
      it("reverts with HallmarkInvalidCommitment", async function () {
        const { certificate, issuerA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).updateMetadata(tokenId, ethers.ZeroHash))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidCommitment")
          .withArgs();
      });
    });

    describe("when the caller is not an issuer of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for the brand admin", async function () {
        const { certificate, registry, adminA, brandA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(adminA).updateMetadata(tokenId, newDigest))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, adminA.address);
      });

      it("reverts with HallmarkMissingBrandRole for the owner", async function () {
        const { certificate, registry, alice, brandA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(alice).updateMetadata(tokenId, newDigest))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, alice.address);
      });

      it("reverts with HallmarkMissingBrandRole for an issuer of another brand", async function () {
        const { certificate, registry, issuerB, brandA, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerB).updateMetadata(tokenId, newDigest))
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, issuerA, brandA, tokenId } =
          await loadFixture(deployWithCertificate);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(certificate.connect(issuerA).updateMetadata(tokenId, newDigest))
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.connect(issuerA).updateMetadata(missing, newDigest))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("setTokenURIBase", function () {
    const base = "https://verify.maison-a.example/certificates/";

    describe("when called by the brand admin", function () {
      it("emits TokenURIBaseChanged and a BatchMetadataUpdate covering exactly the brand's id range", async function () {
        const { certificate, adminA, brandA } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(adminA).setTokenURIBase(brandA, base))
          .to.emit(certificate, "TokenURIBaseChanged")
          .withArgs(brandA, base)
          .and.to.emit(certificate, "BatchMetadataUpdate")
          .withArgs(brandA << 224n, ((brandA + 1n) << 224n) - 1n);
      });

      it("makes tokenURI the base followed by the decimal token id", async function () {
        const { certificate, adminA, brandA, tokenId } = await loadFixture(deployWithCertificate);
        await certificate.connect(adminA).setTokenURIBase(brandA, base);
        expect(await certificate.tokenURI(tokenId)).to.equal(`${base}${tokenId.toString()}`);
      });

      it("leaves the other brands' token URIs unchanged", async function () {
        const { certificate, adminA, adminB, brandA, brandB, tokenIdB } = await loadFixture(twoBrandsFixture);
        await certificate.connect(adminB).setTokenURIBase(brandB, "ipfs://brand-b/");
        await certificate.connect(adminA).setTokenURIBase(brandA, base);
        expect(await certificate.tokenURI(tokenIdB)).to.equal(`ipfs://brand-b/${tokenIdB.toString()}`);
      });
    });

    describe("when the caller is not an admin of the brand", function () {
      it("reverts with HallmarkMissingBrandRole for an issuer", async function () {
        const { certificate, issuerA, brandA } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).setTokenURIBase(brandA, base))
          .to.be.revertedWithCustomError(certificate, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });

      it("reverts with HallmarkMissingBrandRole for the admin of another brand", async function () {
        const { certificate, adminB, brandA } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(adminB).setTokenURIBase(brandA, base))
          .to.be.revertedWithCustomError(certificate, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });

      it("reverts with HallmarkMissingBrandRole for an unknown brand", async function () {
        const { certificate, adminA } = await loadFixture(deployWithCertificate);
        await expect(certificate.connect(adminA).setTokenURIBase(99n, base))
          .to.be.revertedWithCustomError(certificate, "HallmarkMissingBrandRole")
          .withArgs(99n, ROLE.BRAND_ADMIN, adminA.address);
      });
    });
  });

  describe("tokenURI", function () {
    it("is empty while the brand has no token URI base", async function () {
      const { certificate, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.tokenURI(tokenId)).to.equal("");
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, adminA, brandA } = await loadFixture(deployWithCertificate);
        await certificate.connect(adminA).setTokenURIBase(brandA, "ipfs://x/");
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.tokenURI(missing))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("statusOf", function () {
    it("is Active after issuance", async function () {
      const { certificate, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.statusOf(tokenId)).to.equal(Status.Active);
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.statusOf(missing))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("identity views", function () {
    it("tokenIdOf puts the brand in the top 32 bits and the serial hash's low 224 bits below", async function () {
      const { certificate, brandA, input } = await loadFixture(deployWithCertificate);
      expect(await certificate.tokenIdOf(brandA, input.serialHash)).to.equal(
        tokenIdOf(brandA, input.serialHash),
      );
    });

    it("brandOf reads the brand back from a token id", async function () {
      const { certificate, brandA, brandB, tokenId, tokenIdB } = await loadFixture(twoBrandsFixture);
      expect(await certificate.brandOf(tokenId)).to.equal(brandA);
      expect(await certificate.brandOf(tokenIdB)).to.equal(brandB);
    });

    it("returns zeros for the chip, claim and successor state of a certificate that never had them", async function () {
      const { certificate, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.chipOf(tokenId)).to.deep.equal([ethers.ZeroAddress, 0n]);
      expect(await certificate.claimStateOf(tokenId)).to.deep.equal([ethers.ZeroAddress, 0n, false]);
      expect(await certificate.successorOf(tokenId)).to.equal(0n);
      expect(await certificate.predecessorOf(tokenId)).to.equal(0n);
    });

    it("names the registry it takes its roles from", async function () {
      const { certificate, registry } = await loadFixture(deployHallmark);
      expect(await certificate.registry()).to.equal(await registry.getAddress());
    });

    it("exposes its limits", async function () {
      const { certificate } = await loadFixture(deployHallmark);
      expect(await certificate.MAX_BATCH()).to.equal(500n);
      expect(await certificate.MAX_CONDITION_GRADE()).to.equal(10n);
    });
  });

  describe("getTraitValue", function () {
    it("reads status as its enum value", async function () {
      const { certificate, alice, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.getTraitValue(tokenId, TRAIT.status)).to.equal(word(Status.Active));
      await certificate.connect(alice).reportStolen(tokenId, "taken");
      expect(await certificate.getTraitValue(tokenId, TRAIT.status)).to.equal(word(Status.Stolen));
    });

    it("reads chip as the chip address, zero when no chip is bound", async function () {
      const { certificate, issuerA, brandA, alice, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.getTraitValue(tokenId, TRAIT.chip)).to.equal(ethers.ZeroHash);
      const chip = ethers.Wallet.createRandom().address;
      const withChip = item("A-CHIP", { chip });
      await certificate.connect(issuerA).issue(brandA, alice.address, withChip);
      expect(await certificate.getTraitValue(tokenIdOf(brandA, withChip.serialHash), TRAIT.chip)).to.equal(
        ethers.zeroPadValue(chip, 32),
      );
    });

    it("reads successor and predecessor as token ids, zero when unlinked", async function () {
      const { certificate, issuerA, alice, tokenId, brandA } = await loadFixture(deployWithCertificate);
      expect(await certificate.getTraitValue(tokenId, TRAIT.successor)).to.equal(ethers.ZeroHash);
      expect(await certificate.getTraitValue(tokenId, TRAIT.predecessor)).to.equal(ethers.ZeroHash);
      // A succession needs the owner's consent.
      await certificate.connect(alice).approve(issuerA.address, tokenId);
      const next = item("A-0001-R1");
      await certificate.connect(issuerA).issueSuccessor(tokenId, next, "tag replaced");
      const successorId = tokenIdOf(brandA, next.serialHash);
      expect(await certificate.getTraitValue(tokenId, TRAIT.successor)).to.equal(word(successorId));
      expect(await certificate.getTraitValue(successorId, TRAIT.predecessor)).to.equal(word(tokenId));
    });

    it("reads twinsClaimed as zero until a twin is claimed (see HallmarkGarments claimTwin)", async function () {
      const { certificate, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.getTraitValue(tokenId, TRAIT.twinsClaimed)).to.equal(ethers.ZeroHash);
    });

    describe("when the trait key is unknown", function () {
      it("reverts with HallmarkUnknownTrait", async function () {
        const { certificate, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.getTraitValue(tokenId, TRAIT.unknown))
          .to.be.revertedWithCustomError(certificate, "HallmarkUnknownTrait")
          .withArgs(TRAIT.unknown);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.getTraitValue(missing, TRAIT.status))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("getTraitValues", function () {
    it("returns the values in the order of the keys", async function () {
      const { certificate, adminA, tokenId } = await loadFixture(deployWithCertificate);
      await certificate.connect(adminA).revoke(tokenId, "recalled");
      expect(
        await certificate.getTraitValues(tokenId, [TRAIT.successor, TRAIT.status, TRAIT.chip, TRAIT.status]),
      ).to.deep.equal([ethers.ZeroHash, word(Status.Revoked), ethers.ZeroHash, word(Status.Revoked)]);
    });

    it("returns an empty list for no keys", async function () {
      const { certificate, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.getTraitValues(tokenId, [])).to.deep.equal([]);
    });

    describe("when one key is unknown", function () {
      it("reverts with HallmarkUnknownTrait", async function () {
        const { certificate, tokenId } = await loadFixture(deployWithCertificate);
        await expect(certificate.getTraitValues(tokenId, [TRAIT.status, TRAIT.unknown]))
          .to.be.revertedWithCustomError(certificate, "HallmarkUnknownTrait")
          .withArgs(TRAIT.unknown);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, brandA } = await loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, serialHash("missing"));
        await expect(certificate.getTraitValues(missing, [TRAIT.status]))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("setTrait", function () {
    describe("when called by anyone, even the brand admin", function () {
      for (const key of ["status", "chip", "successor", "predecessor", "twinsClaimed", "unknown"] as const) {
        it(`reverts with HallmarkTraitReadOnly for the ${key} trait`, async function () {
          const { certificate, adminA, tokenId } = await loadFixture(deployWithCertificate);
          await expect(certificate.connect(adminA).setTrait(tokenId, TRAIT[key], word(1n)))
            .to.be.revertedWithCustomError(certificate, "HallmarkTraitReadOnly")
            .withArgs(TRAIT[key]);
        });
      }
    });
  });

  describe("getTraitMetadataURI", function () {
    shouldDescribeTraitsPerERC7496(async () => {
      const { certificate, tokenId } = await loadFixture(deployWithCertificate);
      const { twinsClaimed, status, chip, successor, predecessor } = TRAIT;
      return { token: certificate, tokenId, traitKeys: [status, chip, successor, predecessor, twinsClaimed] };
    });

    async function traits(): Promise<TraitMetadata["traits"]> {
      const { certificate } = await loadFixture(deployHallmark);
      const { traits } = decodeTraitMetadataURI(await certificate.getTraitMetadataURI());
      return Object.fromEntries(Object.entries(traits).map(([name, trait]) => [traitKeyOf(name), trait]));
    }

    it("declares status a string whose values map to the status names", async function () {
      const status = (await traits())[TRAIT.status];
      expect(status.dataType).to.deep.equal({
        type: "string",
        valueMappings: {
          [word(Status.Active)]: "Active",
          [word(Status.Stolen)]: "Stolen",
          [word(Status.Revoked)]: "Revoked",
        },
      });
    });

    it("declares chip, successor and predecessor unsigned numbers (an address, token ids), unset when zero", async function () {
      const described = await traits();
      for (const key of [TRAIT.chip, TRAIT.successor, TRAIT.predecessor]) {
        expect(described[key].dataType).to.deep.equal({
          type: "decimal",
          signed: false,
          decimals: 0,
          valueMappings: { [ethers.ZeroHash]: null },
        });
      }
    });

    it("declares twinsClaimed a count", async function () {
      expect((await traits())[TRAIT.twinsClaimed].dataType).to.deep.equal({
        type: "decimal",
        signed: false,
        decimals: 0,
      });
    });

    it("asks marketplaces to see status and twinsClaimed unchanged between offer and sale", async function () {
      const described = await traits();
      expect(described[TRAIT.status].validateOnSale).to.equal("requireEq");
      expect(described[TRAIT.twinsClaimed].validateOnSale).to.equal("requireEq");
    });
  });

  describe("royaltyInfo", function () {
    it("pays each brand's receiver at that brand's rate", async function () {
      const { certificate, adminA, adminB, tokenId, tokenIdB } = await loadFixture(twoBrandsFixture);
      expect(await certificate.royaltyInfo(tokenId, 10_000n)).to.deep.equal([adminA.address, 500n]);
      expect(await certificate.royaltyInfo(tokenIdB, 10_000n)).to.deep.equal([adminB.address, 750n]);
    });

    it("rounds the royalty down", async function () {
      const { certificate, adminA, tokenId } = await loadFixture(deployWithCertificate);
      expect(await certificate.royaltyInfo(tokenId, 19n)).to.deep.equal([adminA.address, 0n]);
      expect(await certificate.royaltyInfo(tokenId, 39n)).to.deep.equal([adminA.address, 1n]);
    });

    it("follows a change of the brand's royalty in the registry", async function () {
      const { certificate, registry, adminA, brandA, carol, tokenId, tokenIdB, adminB } =
        await loadFixture(twoBrandsFixture);
      await registry.connect(adminA).setBrandRoyalty(brandA, carol.address, 1_000n);
      expect(await certificate.royaltyInfo(tokenId, 1_000n)).to.deep.equal([carol.address, 100n]);
      expect(await certificate.royaltyInfo(tokenIdB, 1_000n)).to.deep.equal([adminB.address, 75n]);
    });

    it("pays nothing for a brand that set no royalty", async function () {
      const { certificate, registry, adminA, brandA, tokenId } = await loadFixture(deployWithCertificate);
      await registry.connect(adminA).setBrandRoyalty(brandA, ethers.ZeroAddress, 0n);
      expect(await certificate.royaltyInfo(tokenId, 1_000_000n)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });
  });

  describe("supportsInterface", function () {
    for (const name of ["ERC165", "ERC721", "ERC721Metadata", "ERC2981", "ERC4906", "ERC7496"] as const) {
      it(`supports ${name} (${CERTIFICATE_INTERFACE_ID[name]})`, async function () {
        const { certificate } = await loadFixture(deployHallmark);
        expect(await certificate.supportsInterface(CERTIFICATE_INTERFACE_ID[name])).to.equal(true);
      });
    }

    it("supports IHallmarkCertificate", async function () {
      const { certificate } = await loadFixture(deployHallmark);
      const iface = await ethers.getContractAt("IHallmarkCertificate", await certificate.getAddress());
      expect(await certificate.supportsInterface(interfaceIdOf(iface.interface))).to.equal(true);
    });

    it("computes the ERC-7496 id from IERC7496's functions", async function () {
      const { certificate } = await loadFixture(deployHallmark);
      const iface = await ethers.getContractAt("IERC7496", await certificate.getAddress());
      expect(interfaceIdOf(iface.interface)).to.equal(CERTIFICATE_INTERFACE_ID.ERC7496);
    });

    for (const name of ["invalid", "ERC1155"] as const) {
      it(`does not support ${CERTIFICATE_INTERFACE_ID[name]}`, async function () {
        const { certificate } = await loadFixture(deployHallmark);
        expect(await certificate.supportsInterface(CERTIFICATE_INTERFACE_ID[name])).to.equal(false);
      });
    }
  });
});
