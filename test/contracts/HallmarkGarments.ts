import { expect } from "chai";
import { Interface, encodeBytes32String, toBeHex, zeroPadValue } from "ethers";
import { artifacts } from "hardhat";
import type { HallmarkGarments } from "../../types/ethers-contracts/index.js";
import { shouldBehaveLikeERC1155 } from "./behaviors/ERC1155.behavior.js";
import type { ERC1155Fixture } from "./behaviors/ERC1155.behavior.js";
import {
  decodeTraitMetadataURI,
  shouldDescribeTraitsPerERC7496,
  traitKeyOf,
} from "./behaviors/ERC7496.behavior.js";
import type { DesignInput, Signers } from "./fixtures.js";
import { ROLE, deployGarments, designInput, ethers, metadataDigest, networkHelpers } from "./fixtures.js";

const TRAIT = {
  minted: encodeBytes32String("minted"),
  redeemed: encodeBytes32String("redeemed"),
  locked: encodeBytes32String("locked"),
} as const;

const INTERFACE_ID = {
  ERC165: "0x01ffc9a7",
  ERC1155: "0xd9b67a26",
  ERC1155MetadataURI: "0x0e89341c",
  ERC2981: "0x2a55205a",
  ERC5192: "0xb45a3c0e",
  ERC7496: "0xaf332f3e",
} as const;

const word = (n: bigint): string => zeroPadValue(toBeHex(n), 32);

async function createDesign(
  garments: HallmarkGarments,
  issuer: Signers,
  brandId: bigint,
  input: DesignInput = designInput(),
): Promise<bigint> {
  await garments.connect(issuer).createDesign(brandId, input);
  return garments.designCount();
}

/** XOR of the selectors of an interface's functions: its ERC-165 id. */
async function interfaceIdOf(name: string): Promise<string> {
  const { abi } = await artifacts.readArtifact(name);
  const iface = new Interface(abi);
  let id = 0n;
  iface.forEachFunction((f) => (id ^= BigInt(f.selector)));
  return toBeHex(id, 4);
}

/** Two designs of brand A, a transferable one with editions held by alice. */
async function deployGarmentsWithDesigns() {
  const fx = await deployGarments();
  const { garments, issuerA, issuerB, brandA, brandB, alice } = fx;
  const designId = await createDesign(garments, issuerA, brandA);
  const lockedId = await createDesign(
    garments,
    issuerA,
    brandA,
    designInput({ locked: true, redeemable: true }),
  );
  const designB = await createDesign(garments, issuerB, brandB);
  await garments.connect(issuerA).mintEditions(designId, [alice.address], [5n]);
  await garments.connect(issuerA).mintEditions(lockedId, [alice.address], [2n]);
  await garments.connect(issuerB).mintEditions(designB, [alice.address], [3n]);
  return { ...fx, designId, lockedId, designB };
}

async function erc1155Fixture(): Promise<ERC1155Fixture> {
  const fx = await deployGarments();
  const { garments, issuerA, brandA, alice, bob, carol, registry } = fx;
  const tokenId = await createDesign(garments, issuerA, brandA);
  const secondTokenId = await createDesign(
    garments,
    issuerA,
    brandA,
    designInput({ maxSupply: 0n, closesAt: 2n ** 40n - 1n }),
  );
  await garments.connect(issuerA).mintEditions(tokenId, [alice.address], [5n]);
  await garments.connect(issuerA).mintEditions(secondTokenId, [alice.address], [3n]);
  const receiver = await ethers.deployContract("ERC1155ReceiverMock");
  return {
    token: garments,
    owner: alice,
    operator: bob,
    other: carol,
    tokenId,
    secondTokenId,
    amount: 5n,
    secondAmount: 3n,
    receiver,
    nonReceiver: registry,
  };
}

describe("HallmarkGarments", function () {
  const load = () => networkHelpers.loadFixture(deployGarmentsWithDesigns);

  shouldBehaveLikeERC1155(erc1155Fixture);

  describe("constructor", function () {
    it("keeps the registry and the certificate contract it was deployed with", async function () {
      const { garments, registry, certificate } = await networkHelpers.loadFixture(deployGarments);
      expect(await garments.registry()).to.equal(await registry.getAddress());
      expect(await garments.certificates()).to.equal(await certificate.getAddress());
      expect(await garments.designCount()).to.equal(0n);
    });
  });

  describe("createDesign", function () {
    describe("when called by an issuer of the brand", function () {
      it("stores the design under the next id and emits DesignCreated and DesignRoyaltySet", async function () {
        const { garments, issuerA, brandA, bob } = await networkHelpers.loadFixture(deployGarments);
        const input = designInput({
          maxSupply: 500n,
          royaltyReceiver: bob.address,
          royaltyBps: 1_000n,
          redeemable: true,
          twinCollectionRoot: metadataDigest("root"),
        });
        await expect(garments.connect(issuerA).createDesign(brandA, input))
          .to.emit(garments, "DesignCreated")
          .withArgs(
            1n,
            brandA,
            issuerA.address,
            500n,
            0n,
            input.metadataDigest,
            false,
            true,
            input.twinCollectionRoot,
          )
          .and.to.emit(garments, "DesignRoyaltySet")
          .withArgs(1n, bob.address, 1_000n);
        expect(await garments.designCount()).to.equal(1n);
        const d = await garments.design(1n);
        expect(d.brandId).to.equal(brandA);
        expect(d.maxSupply).to.equal(500n);
        expect(d.minted).to.equal(0n);
        expect(d.burned).to.equal(0n);
        expect(d.closesAt).to.equal(0n);
        expect(d.locked).to.equal(false);
        expect(d.redeemable).to.equal(true);
        expect(d.royaltyReceiver).to.equal(bob.address);
        expect(d.royaltyBps).to.equal(1_000n);
        expect(d.metadataDigest).to.equal(input.metadataDigest);
        expect(d.twinCollectionRoot).to.equal(input.twinCollectionRoot);
      });

      it("numbers designs from 1 across brands", async function () {
        const { garments, issuerA, issuerB, brandA, brandB } =
          await networkHelpers.loadFixture(deployGarments);
        expect(await createDesign(garments, issuerA, brandA)).to.equal(1n);
        expect(await createDesign(garments, issuerB, brandB)).to.equal(2n);
        expect((await garments.design(2n)).brandId).to.equal(brandB);
      });

      it("emits Locked (EIP-5192) for a locked design", async function () {
        const { garments, issuerA, brandA } = await networkHelpers.loadFixture(deployGarments);
        await expect(garments.connect(issuerA).createDesign(brandA, designInput({ locked: true })))
          .to.emit(garments, "Locked")
          .withArgs(1n);
        expect(await garments.locked(1n)).to.equal(true);
      });

      it("does not emit Locked for a transferable design", async function () {
        const { garments, issuerA, brandA } = await networkHelpers.loadFixture(deployGarments);
        await expect(garments.connect(issuerA).createDesign(brandA, designInput())).not.to.emit(
          garments,
          "Locked",
        );
        expect(await garments.locked(1n)).to.equal(false);
      });

      it("accepts an open edition with a closing time in the future", async function () {
        const { garments, issuerA, brandA } = await networkHelpers.loadFixture(deployGarments);
        const closesAt = BigInt(await networkHelpers.time.latest()) + 3600n;
        await garments.connect(issuerA).createDesign(brandA, designInput({ maxSupply: 0n, closesAt }));
        const d = await garments.design(1n);
        expect(d.maxSupply).to.equal(0n);
        expect(d.closesAt).to.equal(closesAt);
      });

      it("accepts a royalty of exactly 100% (10,000 bps)", async function () {
        const { garments, issuerA, brandA, bob } = await networkHelpers.loadFixture(deployGarments);
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ royaltyReceiver: bob.address, royaltyBps: 10_000n }));
        expect((await garments.design(1n)).royaltyBps).to.equal(10_000n);
      });
    });

    describe("when the caller is not an issuer of the brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, brandA, alice } = await networkHelpers.loadFixture(deployGarments);
        await expect(garments.connect(alice).createDesign(brandA, designInput()))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, alice.address);
      });
    });

    describe("when the caller is an issuer of another brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, brandA, issuerB } = await networkHelpers.loadFixture(deployGarments);
        await expect(garments.connect(issuerB).createDesign(brandA, designInput()))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });
    });

    describe("when the caller is the brand admin without the issuer role", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, brandA, adminA } = await networkHelpers.loadFixture(deployGarments);
        await expect(garments.connect(adminA).createDesign(brandA, designInput()))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, adminA.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { garments, registry, brandA, adminA, issuerA } =
          await networkHelpers.loadFixture(deployGarments);
        await registry.connect(adminA).pauseBrand(brandA, "key compromise");
        await expect(garments.connect(issuerA).createDesign(brandA, designInput()))
          .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the brand does not exist", function () {
      it("reverts with HallmarkUnknownBrand", async function () {
        const { garments, registry, issuerA } = await networkHelpers.loadFixture(deployGarments);
        await expect(garments.connect(issuerA).createDesign(99n, designInput()))
          .to.be.revertedWithCustomError(registry, "HallmarkUnknownBrand")
          .withArgs(99n);
      });
    });

    const invalid: [string, (now: bigint, receiver: string) => Partial<DesignInput>][] = [
      ["the metadata digest is zero", () => ({ metadataDigest: ethers.ZeroHash })],
      ["an open edition has no closing time", () => ({ maxSupply: 0n, closesAt: 0n })],
      ["the closing time is in the past", (now) => ({ closesAt: now - 1n })],
      ["the closing time is the current block's", (now) => ({ closesAt: now + 1n })],
      // A design's closing time is stored in 40 bits, beside its minted count and proceeds.
      ["the closing time does not fit 40 bits", () => ({ closesAt: 2n ** 40n })],
      [
        "the royalty exceeds 10,000 bps",
        (_now, receiver) => ({ royaltyReceiver: receiver, royaltyBps: 10_001n }),
      ],
      ["a royalty has no receiver", () => ({ royaltyBps: 500n })],
    ];
    for (const [condition, settings] of invalid) {
      describe(`when ${condition}`, function () {
        it("reverts with HallmarkInvalidDesign", async function () {
          const { garments, issuerA, brandA, bob } = await networkHelpers.loadFixture(deployGarments);
          const now = BigInt(await networkHelpers.time.latest());
          await networkHelpers.time.setNextBlockTimestamp(now + 1n);
          await expect(
            garments.connect(issuerA).createDesign(brandA, designInput(settings(now, bob.address))),
          )
            .to.be.revertedWithCustomError(garments, "HallmarkInvalidDesign")
            .withArgs();
        });
      });
    }
  });

  describe("mintEditions", function () {
    describe("when called by an issuer of the design's brand", function () {
      it("mints to every recipient, emitting EditionsMinted and TransferSingle per recipient", async function () {
        const { garments, issuerA, designId, alice, bob, carol } = await load();
        const tx = garments.connect(issuerA).mintEditions(designId, [bob.address, carol.address], [2n, 3n]);
        await expect(tx)
          .to.emit(garments, "EditionsMinted")
          .withArgs(designId, bob.address, 2n, issuerA.address)
          .and.to.emit(garments, "EditionsMinted")
          .withArgs(designId, carol.address, 3n, issuerA.address)
          .and.to.emit(garments, "TransferSingle")
          .withArgs(issuerA.address, ethers.ZeroAddress, bob.address, designId, 2n)
          .and.to.emit(garments, "TransferSingle")
          .withArgs(issuerA.address, ethers.ZeroAddress, carol.address, designId, 3n);
        expect(await garments.balanceOf(bob.address, designId)).to.equal(2n);
        expect(await garments.balanceOf(carol.address, designId)).to.equal(3n);
        expect(await garments.balanceOf(alice.address, designId)).to.equal(5n);
        expect((await garments.design(designId)).minted).to.equal(10n);
      });

      it("emits TraitUpdated with the new minted count once per call", async function () {
        const { garments, issuerA, designId, bob, carol } = await load();
        await expect(garments.connect(issuerA).mintEditions(designId, [bob.address, carol.address], [2n, 3n]))
          .to.emit(garments, "TraitUpdated")
          .withArgs(TRAIT.minted, designId, word(10n));
      });

      it("mints the cap exactly", async function () {
        const { garments, issuerA, designId, bob } = await load();
        await garments.connect(issuerA).mintEditions(designId, [bob.address], [95n]);
        expect((await garments.design(designId)).minted).to.equal(100n);
      });

      it("mints editions of a locked design", async function () {
        const { garments, issuerA, lockedId, bob } = await load();
        await expect(garments.connect(issuerA).mintEditions(lockedId, [bob.address], [1n]))
          .to.emit(garments, "TransferSingle")
          .withArgs(issuerA.address, ethers.ZeroAddress, bob.address, lockedId, 1n);
        expect(await garments.balanceOf(bob.address, lockedId)).to.equal(1n);
      });

      it("mints an open edition until its closing time, inclusive", async function () {
        const { garments, issuerA, brandA, bob } = await load();
        const closesAt = BigInt(await networkHelpers.time.latest()) + 100n;
        const id = await createDesign(garments, issuerA, brandA, designInput({ maxSupply: 0n, closesAt }));
        await garments.connect(issuerA).mintEditions(id, [bob.address], [1_000n]);
        await networkHelpers.time.setNextBlockTimestamp(closesAt);
        await garments.connect(issuerA).mintEditions(id, [bob.address], [1_000n]);
        expect(await garments.balanceOf(bob.address, id)).to.equal(2_000n);
      });
    });

    describe("when the caller is not an issuer", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, brandA, designId, mallory } = await load();
        await expect(garments.connect(mallory).mintEditions(designId, [mallory.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, mallory.address);
      });
    });

    describe("when the caller is an issuer of another brand", function () {
      it("reverts with HallmarkMissingBrandRole for the design's brand", async function () {
        const { garments, brandA, designId, issuerB } = await load();
        await expect(garments.connect(issuerB).mintEditions(designId, [issuerB.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.ISSUER, issuerB.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { garments, registry, brandA, adminA, issuerA, designId, bob } = await load();
        await registry.connect(adminA).pauseBrand(brandA, "audit");
        await expect(garments.connect(issuerA).mintEditions(designId, [bob.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments, issuerA, bob } = await load();
        await expect(garments.connect(issuerA).mintEditions(99n, [bob.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });

    describe("when the editions would exceed the cap", function () {
      it("reverts with HallmarkEditionSoldOut naming minted, requested and cap", async function () {
        const { garments, issuerA, designId, bob, carol } = await load();
        await expect(
          garments.connect(issuerA).mintEditions(designId, [bob.address, carol.address], [90n, 6n]),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(designId, 5n, 96n, 100n);
      });
    });

    describe("when one amount is zero", function () {
      it("reverts with HallmarkInvalidAmount", async function () {
        const { garments, issuerA, designId, bob, carol } = await load();
        await expect(garments.connect(issuerA).mintEditions(designId, [bob.address, carol.address], [1n, 0n]))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidAmount")
          .withArgs();
      });
    });

    describe("when every amount is zero", function () {
      it("reverts with HallmarkInvalidAmount", async function () {
        const { garments, issuerA, designId, bob } = await load();
        await expect(garments.connect(issuerA).mintEditions(designId, [bob.address], [0n]))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidAmount")
          .withArgs();
      });
    });

    describe("when the recipient list is empty", function () {
      it("reverts with HallmarkInvalidAmount", async function () {
        const { garments, issuerA, designId } = await load();
        await expect(garments.connect(issuerA).mintEditions(designId, [], []))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidAmount")
          .withArgs();
      });
    });

    describe("when recipients and amounts differ in length", function () {
      it("reverts with HallmarkInvalidAmount", async function () {
        const { garments, issuerA, designId, bob, carol } = await load();
        await expect(garments.connect(issuerA).mintEditions(designId, [bob.address, carol.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidAmount")
          .withArgs();
      });
    });

    describe("when the edition has closed", function () {
      it("reverts with HallmarkEditionClosed", async function () {
        const { garments, issuerA, brandA, bob } = await load();
        const closesAt = BigInt(await networkHelpers.time.latest()) + 100n;
        const id = await createDesign(garments, issuerA, brandA, designInput({ maxSupply: 0n, closesAt }));
        await networkHelpers.time.increaseTo(closesAt + 1n);
        await expect(garments.connect(issuerA).mintEditions(id, [bob.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionClosed")
          .withArgs(id, closesAt);
      });

      it("reverts with HallmarkEditionClosed for a capped design with a closing time too", async function () {
        const { garments, issuerA, brandA, bob } = await load();
        const closesAt = BigInt(await networkHelpers.time.latest()) + 100n;
        const id = await createDesign(garments, issuerA, brandA, designInput({ maxSupply: 10n, closesAt }));
        await networkHelpers.time.increaseTo(closesAt + 1n);
        await expect(garments.connect(issuerA).mintEditions(id, [bob.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionClosed")
          .withArgs(id, closesAt);
      });
    });

    describe("when an open edition's count would pass 2^32 - 1", function () {
      // The count is a uint32: it must refuse rather than wrap, or the minted trait would lie.
      it("reverts with HallmarkEditionSoldOut instead of wrapping the minted count", async function () {
        const { garments, issuerA, brandA, bob } = await load();
        const closesAt = BigInt(await networkHelpers.time.latest()) + 3600n;
        const id = await createDesign(garments, issuerA, brandA, designInput({ maxSupply: 0n, closesAt }));
        const max = 2n ** 32n - 1n;
        await garments.connect(issuerA).mintEditions(id, [bob.address], [max]);
        await expect(garments.connect(issuerA).mintEditions(id, [bob.address], [1n]))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(id, max, 1n, 0n);
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with ERC1155InvalidReceiver", async function () {
        const { garments, issuerA, designId } = await load();
        await expect(garments.connect(issuerA).mintEditions(designId, [ethers.ZeroAddress], [1n]))
          .to.be.revertedWithCustomError(garments, "ERC1155InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when a recipient is a contract without the receiver hooks", function () {
      it("reverts with ERC1155InvalidReceiver", async function () {
        const { garments, issuerA, designId, registry } = await load();
        const to = await registry.getAddress();
        await expect(garments.connect(issuerA).mintEditions(designId, [to], [1n]))
          .to.be.revertedWithCustomError(garments, "ERC1155InvalidReceiver")
          .withArgs(to);
      });
    });

    describe("when a recipient contract with the issuer role re-enters from onERC1155Received", function () {
      it("refuses the nested mint with ReentrancyGuardReentrantCall and mints the outer call once", async function () {
        const { garments, registry, adminA, brandA, issuerA, designId } = await load();
        const receiver = await ethers.deployContract("ERC1155ReceiverMock");
        const to = await receiver.getAddress();
        await registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, to);
        await receiver.arm(
          await garments.getAddress(),
          garments.interface.encodeFunctionData("mintEditions", [designId, [to], [90n]]),
        );
        await garments.connect(issuerA).mintEditions(designId, [to], [1n]);
        expect(await receiver.reentryAttempted()).to.equal(true);
        expect(await receiver.reentrySucceeded()).to.equal(false);
        expect(await receiver.reentryRevertData()).to.equal(
          garments.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
        );
        expect(await garments.balanceOf(to, designId)).to.equal(1n);
        expect((await garments.design(designId)).minted).to.equal(6n);
      });
    });
  });

  describe("safeTransferFrom of a design that was never created", function () {
    it("reverts with HallmarkUnknownDesign in the transfer hook, even for zero editions", async function () {
      const { garments, alice, bob } = await load();
      const unknown = (await garments.designCount()) + 1n;
      await expect(garments.connect(alice).safeTransferFrom(alice.address, bob.address, unknown, 0n, "0x"))
        .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
        .withArgs(unknown);
    });
  });

  describe("locked designs", function () {
    describe("safeTransferFrom", function () {
      it("reverts with HallmarkGarmentLocked when the holder sends", async function () {
        const { garments, lockedId, alice, bob } = await load();
        await expect(garments.connect(alice).safeTransferFrom(alice.address, bob.address, lockedId, 1n, "0x"))
          .to.be.revertedWithCustomError(garments, "HallmarkGarmentLocked")
          .withArgs(lockedId);
      });

      it("reverts with HallmarkGarmentLocked when an approved operator sends", async function () {
        const { garments, lockedId, alice, bob, carol } = await load();
        await garments.connect(alice).setApprovalForAll(carol.address, true);
        await expect(garments.connect(carol).safeTransferFrom(alice.address, bob.address, lockedId, 1n, "0x"))
          .to.be.revertedWithCustomError(garments, "HallmarkGarmentLocked")
          .withArgs(lockedId);
      });

      it("reverts with HallmarkGarmentLocked even for zero editions", async function () {
        const { garments, lockedId, alice, bob } = await load();
        await expect(garments.connect(alice).safeTransferFrom(alice.address, bob.address, lockedId, 0n, "0x"))
          .to.be.revertedWithCustomError(garments, "HallmarkGarmentLocked")
          .withArgs(lockedId);
      });
    });

    describe("safeBatchTransferFrom", function () {
      it("reverts with HallmarkGarmentLocked when one id of the batch is locked", async function () {
        const { garments, designId, lockedId, alice, bob } = await load();
        await expect(
          garments
            .connect(alice)
            .safeBatchTransferFrom(alice.address, bob.address, [designId, lockedId], [1n, 1n], "0x"),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkGarmentLocked")
          .withArgs(lockedId);
        expect(await garments.balanceOf(bob.address, designId)).to.equal(0n);
      });
    });

    it("leaves the holder's balance untouched", async function () {
      const { garments, lockedId, alice, bob } = await load();
      await expect(
        garments.connect(alice).safeTransferFrom(alice.address, bob.address, lockedId, 1n, "0x"),
      ).to.be.revertedWithCustomError(garments, "HallmarkGarmentLocked");
      expect(await garments.balanceOf(alice.address, lockedId)).to.equal(2n);
    });

    it("can still be burned for the physical piece when redeemable", async function () {
      const { garments, lockedId, alice } = await load();
      await garments.connect(alice).redeemForPhysical(lockedId, 1n, metadataDigest("request"));
      expect(await garments.balanceOf(alice.address, lockedId)).to.equal(1n);
    });
  });

  describe("paused brand", function () {
    it("blocks transfers of the brand's garments with HallmarkBrandPaused", async function () {
      const { garments, registry, adminA, brandA, designId, alice, bob } = await load();
      await registry.connect(adminA).pauseBrand(brandA, "key compromise");
      await expect(garments.connect(alice).safeTransferFrom(alice.address, bob.address, designId, 1n, "0x"))
        .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
        .withArgs(brandA);
    });

    it("blocks batch transfers that include one of the brand's garments", async function () {
      const { garments, registry, adminA, brandA, designId, designB, alice, bob } = await load();
      await registry.connect(adminA).pauseBrand(brandA, "key compromise");
      await expect(
        garments
          .connect(alice)
          .safeBatchTransferFrom(alice.address, bob.address, [designB, designId], [1n, 1n], "0x"),
      )
        .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
        .withArgs(brandA);
    });

    it("leaves another brand's garments free to move", async function () {
      const { garments, registry, adminA, brandA, designB, alice, bob } = await load();
      await registry.connect(adminA).pauseBrand(brandA, "key compromise");
      await garments.connect(alice).safeTransferFrom(alice.address, bob.address, designB, 1n, "0x");
      expect(await garments.balanceOf(bob.address, designB)).to.equal(1n);
    });

    it("lets the garments move again once unpaused", async function () {
      const { garments, registry, adminA, brandA, designId, alice, bob } = await load();
      await registry.connect(adminA).pauseBrand(brandA, "key compromise");
      await registry.connect(adminA).unpauseBrand(brandA);
      await garments.connect(alice).safeTransferFrom(alice.address, bob.address, designId, 1n, "0x");
      expect(await garments.balanceOf(bob.address, designId)).to.equal(1n);
    });
  });

  describe("setURIBase", function () {
    describe("when called by the brand admin", function () {
      it("sets the base of the brand's designs and emits URIBaseChanged", async function () {
        const { garments, adminA, brandA, designId, lockedId, designB } = await load();
        await expect(garments.connect(adminA).setURIBase(brandA, "https://a.example/garments/"))
          .to.emit(garments, "URIBaseChanged")
          .withArgs(brandA, "https://a.example/garments/");
        expect(await garments.uri(designId)).to.equal(`https://a.example/garments/${designId}`);
        expect(await garments.uri(lockedId)).to.equal(`https://a.example/garments/${lockedId}`);
        expect(await garments.uri(designB)).to.equal("");
      });

      it("clears the URI when set to the empty string", async function () {
        const { garments, adminA, brandA, designId } = await load();
        await garments.connect(adminA).setURIBase(brandA, "ipfs://base/");
        await garments.connect(adminA).setURIBase(brandA, "");
        expect(await garments.uri(designId)).to.equal("");
      });
    });

    describe("when called by an issuer of the brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, issuerA, brandA } = await load();
        await expect(garments.connect(issuerA).setURIBase(brandA, "x"))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });
    });

    describe("when called by the admin of another brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, adminB, brandA } = await load();
        await expect(garments.connect(adminB).setURIBase(brandA, "x"))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });
  });

  describe("uri", function () {
    it("is empty while the brand has no base", async function () {
      const { garments, designId } = await load();
      expect(await garments.uri(designId)).to.equal("");
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments } = await load();
        await expect(garments.uri(99n))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });
  });

  describe("royaltyInfo", function () {
    it("uses the design's own royalty when it has a receiver", async function () {
      const { garments, issuerA, brandA, bob } = await load();
      const id = await createDesign(
        garments,
        issuerA,
        brandA,
        designInput({ royaltyReceiver: bob.address, royaltyBps: 1_000n }),
      );
      const [receiver, amount] = await garments.royaltyInfo(id, 10_000n);
      expect(receiver).to.equal(bob.address);
      expect(amount).to.equal(1_000n);
    });

    it("uses the brand's default royalty when the design has no receiver", async function () {
      const { garments, designId, adminA, designB, adminB } = await load();
      expect(await garments.royaltyInfo(designId, 10_000n)).to.deep.equal([adminA.address, 500n]);
      expect(await garments.royaltyInfo(designB, 10_000n)).to.deep.equal([adminB.address, 750n]);
    });

    it("follows a change of the brand's default royalty", async function () {
      const { garments, registry, designId, adminA, brandA, carol } = await load();
      await registry.connect(adminA).setBrandRoyalty(brandA, carol.address, 250n);
      expect(await garments.royaltyInfo(designId, 1_000_000n)).to.deep.equal([carol.address, 25_000n]);
    });

    it("keeps an explicit zero royalty of the design over the brand's default", async function () {
      const { garments, issuerA, brandA, bob } = await load();
      const id = await createDesign(garments, issuerA, brandA, designInput({ royaltyReceiver: bob.address }));
      expect(await garments.royaltyInfo(id, 10_000n)).to.deep.equal([bob.address, 0n]);
    });

    it("rounds the royalty down", async function () {
      const { garments, designId, adminA } = await load();
      expect(await garments.royaltyInfo(designId, 19n)).to.deep.equal([adminA.address, 0n]);
      expect(await garments.royaltyInfo(designId, 39n)).to.deep.equal([adminA.address, 1n]);
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments } = await load();
        await expect(garments.royaltyInfo(99n, 1n))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });
  });

  describe("getTraitValue", function () {
    it("reads minted, redeemed and locked from the design's state", async function () {
      const { garments, lockedId, designId, alice } = await load();
      await garments.connect(alice).redeemForPhysical(lockedId, 1n, metadataDigest("request"));
      expect(await garments.getTraitValue(lockedId, TRAIT.minted)).to.equal(word(2n));
      expect(await garments.getTraitValue(lockedId, TRAIT.redeemed)).to.equal(word(1n));
      expect(await garments.getTraitValue(lockedId, TRAIT.locked)).to.equal(word(1n));
      expect(await garments.getTraitValue(designId, TRAIT.locked)).to.equal(ethers.ZeroHash);
      expect(await garments.getTraitValue(designId, TRAIT.redeemed)).to.equal(ethers.ZeroHash);
    });

    describe("when the trait key is unknown", function () {
      it("reverts with HallmarkUnknownTrait", async function () {
        const { garments, designId } = await load();
        const key = encodeBytes32String("colour");
        await expect(garments.getTraitValue(designId, key))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownTrait")
          .withArgs(key);
      });
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments } = await load();
        await expect(garments.getTraitValue(99n, TRAIT.minted))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });
  });

  describe("getTraitValues", function () {
    it("returns the values in the order of the keys", async function () {
      const { garments, lockedId } = await load();
      expect(
        await garments.getTraitValues(lockedId, [TRAIT.locked, TRAIT.minted, TRAIT.redeemed]),
      ).to.deep.equal([word(1n), word(2n), ethers.ZeroHash]);
    });

    it("returns an empty list for no keys", async function () {
      const { garments, designId } = await load();
      expect(await garments.getTraitValues(designId, [])).to.deep.equal([]);
    });

    describe("when one key is unknown", function () {
      it("reverts with HallmarkUnknownTrait", async function () {
        const { garments, designId } = await load();
        const key = encodeBytes32String("size");
        await expect(garments.getTraitValues(designId, [TRAIT.minted, key]))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownTrait")
          .withArgs(key);
      });
    });
  });

  describe("setTrait", function () {
    for (const name of ["minted", "redeemed", "locked"] as const) {
      it(`reverts with HallmarkTraitReadOnly for "${name}", which is derived from state`, async function () {
        const { garments, designId, issuerA } = await load();
        await expect(garments.connect(issuerA).setTrait(designId, TRAIT[name], word(7n)))
          .to.be.revertedWithCustomError(garments, "HallmarkTraitReadOnly")
          .withArgs(TRAIT[name]);
      });
    }
  });

  describe("getTraitMetadataURI", function () {
    shouldDescribeTraitsPerERC7496(async () => {
      const { garments, designId } = await load();
      return { token: garments, tokenId: designId, traitKeys: [TRAIT.minted, TRAIT.redeemed, TRAIT.locked] };
    });

    it("declares minted and redeemed unsigned counts and locked a boolean", async function () {
      const { garments } = await load();
      const { traits } = decodeTraitMetadataURI(await garments.getTraitMetadataURI());
      const byKey = Object.fromEntries(
        Object.entries(traits).map(([name, trait]) => [traitKeyOf(name), trait]),
      );
      const count = { type: "decimal", signed: false, decimals: 0 };
      expect(byKey[TRAIT.minted].dataType).to.deep.equal(count);
      expect(byKey[TRAIT.redeemed].dataType).to.deep.equal(count);
      expect(byKey[TRAIT.locked].dataType).to.deep.equal({ type: "boolean" });
    });
  });

  describe("locked", function () {
    it("tells whether the design's editions are locked", async function () {
      const { garments, designId, lockedId } = await load();
      expect(await garments.locked(designId)).to.equal(false);
      expect(await garments.locked(lockedId)).to.equal(true);
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments } = await load();
        await expect(garments.locked(99n))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });
  });

  describe("design", function () {
    describe("when the design does not exist", function () {
      for (const id of [0n, 4n, 2n ** 256n - 1n]) {
        it(`reverts with HallmarkUnknownDesign for id ${id === 4n ? "designCount + 1" : id}`, async function () {
          const { garments } = await load();
          await expect(garments.design(id))
            .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
            .withArgs(id);
        });
      }
    });
  });

  describe("supportsInterface", function () {
    for (const name of Object.keys(INTERFACE_ID) as (keyof typeof INTERFACE_ID)[]) {
      it(`supports ${name} (${INTERFACE_ID[name]})`, async function () {
        const { garments } = await load();
        expect(await garments.supportsInterface(INTERFACE_ID[name])).to.equal(true);
      });
    }

    it("computes the standard ids for ERC-5192 and ERC-7496 from the interfaces it implements", async function () {
      expect(await interfaceIdOf("IERC5192")).to.equal(INTERFACE_ID.ERC5192);
      expect(await interfaceIdOf("IERC7496")).to.equal(INTERFACE_ID.ERC7496);
    });

    it("supports IHallmarkGarments", async function () {
      const { garments } = await load();
      expect(await garments.supportsInterface(await interfaceIdOf("IHallmarkGarments"))).to.equal(true);
    });

    it("does not support ERC-721 (0x80ac58cd)", async function () {
      const { garments } = await load();
      expect(await garments.supportsInterface("0x80ac58cd")).to.equal(false);
    });
  });
});
