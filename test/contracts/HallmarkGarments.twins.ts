import { expect } from "chai";
import { concat, encodeBytes32String, keccak256, toBeHex, zeroPadValue } from "ethers";
import { buildTwinCollection } from "../../server/issuer/twinCollection.js";
import {
  deployGarments,
  designInput,
  ethers,
  item,
  metadataDigest,
  networkHelpers,
  tokenIdOf,
  twinLeaf,
  twinTree,
} from "./fixtures.js";

const TRAIT = { minted: encodeBytes32String("minted"), redeemed: encodeBytes32String("redeemed") } as const;
const TWINS_CLAIMED = encodeBytes32String("twinsClaimed");
const REQUEST = metadataDigest(JSON.stringify({ ship: "Via Roma 1, Firenze", size: "M" }));

const word = (n: bigint): string => zeroPadValue(toBeHex(n), 32);

/**
 * Certificates of brand A owned by alice (x2) and bob, one of brand B owned by alice, and a brand A twin design
 * whose collection holds the three brand A certificates and, wrongly, the brand B one.
 */
async function deployTwins() {
  const fx = await deployGarments();
  const { certificate, garments, issuerA, issuerB, brandA, brandB, alice, bob } = fx;
  const issue = async (brandId: bigint, issuer: typeof issuerA, to: string, serial: string) => {
    const input = item(serial);
    await certificate.connect(issuer).issue(brandId, to, input);
    return tokenIdOf(brandId, input.serialHash);
  };
  const certA1 = await issue(brandA, issuerA, alice.address, "TW-A1");
  const certA2 = await issue(brandA, issuerA, alice.address, "TW-A2");
  const certA3 = await issue(brandA, issuerA, bob.address, "TW-A3");
  const certB = await issue(brandB, issuerB, alice.address, "TW-B1");
  const notIssued = tokenIdOf(brandA, item("TW-NEVER").serialHash);
  const outside = await issue(brandA, issuerA, alice.address, "TW-OUTSIDE");
  const tree = twinTree([certA1, certA2, certA3, certB, notIssued]);
  await garments.connect(issuerA).createDesign(brandA, designInput({ twinCollectionRoot: tree.root }));
  const twinId = await garments.designCount();
  await garments.connect(issuerA).createDesign(brandA, designInput());
  const plainId = await garments.designCount();
  return { ...fx, certA1, certA2, certA3, certB, notIssued, outside, tree, twinId, plainId };
}

/** A redeemable design of which alice holds 5 editions. */
async function deployRedeemable() {
  const fx = await deployGarments();
  const { garments, issuerA, brandA, alice } = fx;
  await garments.connect(issuerA).createDesign(brandA, designInput({ redeemable: true }));
  await garments.connect(issuerA).createDesign(brandA, designInput());
  await garments.connect(issuerA).mintEditions(1n, [alice.address], [5n]);
  await garments.connect(issuerA).mintEditions(2n, [alice.address], [5n]);
  return { ...fx, redeemableId: 1n, plainId: 2n };
}

describe("HallmarkGarments", function () {
  describe("claimTwin", function () {
    const load = () => networkHelpers.loadFixture(deployTwins);

    describe("when the owner of an Active certificate in the collection claims", function () {
      it("mints one twin to the owner and emits TwinClaimed", async function () {
        const { garments, twinId, certA1, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.emit(garments, "TwinClaimed")
          .withArgs(twinId, certA1, alice.address)
          .and.to.emit(garments, "TransferSingle")
          .withArgs(alice.address, ethers.ZeroAddress, alice.address, twinId, 1n)
          .and.to.emit(garments, "TraitUpdated")
          .withArgs(TRAIT.minted, twinId, word(1n));
        expect(await garments.balanceOf(alice.address, twinId)).to.equal(1n);
        expect(await garments.twinClaimedAt(twinId, tree.position(certA1))).to.equal(true);
        expect((await garments.design(twinId)).minted).to.equal(1n);
      });

      it("records the claim on the certificate: TraitUpdated from the certificate contract, twinsClaimed 1", async function () {
        const { garments, certificate, twinId, certA1, certA2, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TWINS_CLAIMED, certA1, word(1n));
        expect(await certificate.getTraitValue(certA1, TWINS_CLAIMED)).to.equal(word(1n));
        expect(await certificate.getTraitValue(certA2, TWINS_CLAIMED)).to.equal(word(0n));
        expect(await certificate.twinContract()).to.equal(await garments.getAddress());
      });

      it("counts on the certificate one twin per design claimed with it", async function () {
        const { garments, certificate, issuerA, brandA, twinId, certA1, tree, alice } = await load();
        await garments.connect(issuerA).createDesign(brandA, designInput({ twinCollectionRoot: tree.root }));
        const secondTwin = await garments.designCount();
        await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
        await expect(
          garments.connect(alice).claimTwin(secondTwin, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.emit(certificate, "TraitUpdated")
          .withArgs(TWINS_CLAIMED, certA1, word(2n));
        expect(await garments.twinClaimedAt(secondTwin, tree.position(certA1))).to.equal(true);
      });

      it("keeps the certificate's count when the certificate changes hands", async function () {
        const { garments, certificate, twinId, certA1, tree, alice, carol } = await load();
        await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
        // A pending claim code shares the count's storage slot: clearing it on the move must keep the count.
        await certificate.connect(alice).setClaimKey(certA1, carol.address);
        await certificate.connect(alice).transferFrom(alice.address, carol.address, certA1);
        expect(await certificate.getTraitValue(certA1, TWINS_CLAIMED)).to.equal(word(1n));
        const [claimKey, claimNonce] = await certificate.claimStateOf(certA1);
        expect(claimKey).to.equal(ethers.ZeroAddress);
        expect(claimNonce).to.equal(2n);
      });

      it("mints one twin per certificate to an owner of several", async function () {
        const { garments, twinId, certA1, certA2, tree, alice } = await load();
        await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
        await garments.connect(alice).claimTwin(twinId, certA2, tree.position(certA2), tree.proof(certA2));
        expect(await garments.balanceOf(alice.address, twinId)).to.equal(2n);
      });

      it("accepts the proofs the issuer's twin collection builds", async function () {
        const { garments, issuerA, brandA, certA1, certA3, alice, bob } = await load();
        const collection = buildTwinCollection([certA1, certA3]);
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ twinCollectionRoot: collection.root }));
        const id = await garments.designCount();
        await garments
          .connect(alice)
          .claimTwin(id, certA1, collection.positionOf(certA1), collection.proofOf(certA1));
        await garments
          .connect(bob)
          .claimTwin(id, certA3, collection.positionOf(certA3), collection.proofOf(certA3));
        expect(await garments.balanceOfBatch([alice.address, bob.address], [id, id])).to.deep.equal([1n, 1n]);
      });

      it("takes a certificate listed twice at its first position only (one position, one twin)", async function () {
        const { garments, issuerA, brandA, certA1, certA3, bob } = await load();
        const collection = buildTwinCollection([certA3, certA1, certA3]);
        expect([collection.positionOf(certA3), collection.positionOf(certA1)]).to.deep.equal([0n, 1n]);
        expect(() => collection.positionOf(12345n)).to.throw(RangeError);
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ twinCollectionRoot: collection.root }));
        const id = await garments.designCount();
        await expect(garments.connect(bob).claimTwin(id, certA3, 2n, collection.proofOf(certA3)))
          .to.be.revertedWithCustomError(garments, "HallmarkNotInTwinCollection")
          .withArgs(id, certA3);
        await garments.connect(bob).claimTwin(id, certA3, 0n, collection.proofOf(certA3));
        expect(await garments.twinClaimedAt(id, 0n)).to.equal(true);
      });

      it("accepts a collection of one certificate with an empty proof", async function () {
        const { garments, issuerA, brandA, certA3, bob } = await load();
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ twinCollectionRoot: twinLeaf(0n, certA3) }));
        const id = await garments.designCount();
        await garments.connect(bob).claimTwin(id, certA3, 0n, []);
        expect(await garments.balanceOf(bob.address, id)).to.equal(1n);
      });

      it("mints a twin of a locked design", async function () {
        const { garments, issuerA, brandA, certA3, bob } = await load();
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ locked: true, twinCollectionRoot: twinLeaf(0n, certA3) }));
        const id = await garments.designCount();
        await garments.connect(bob).claimTwin(id, certA3, 0n, []);
        expect(await garments.balanceOf(bob.address, id)).to.equal(1n);
      });
    });

    describe("when the twin of the certificate was claimed already", function () {
      it("reverts with HallmarkTwinAlreadyClaimed", async function () {
        const { garments, twinId, certA1, tree, alice } = await load();
        await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkTwinAlreadyClaimed")
          .withArgs(twinId, certA1);
      });

      it("reverts with HallmarkTwinAlreadyClaimed for the certificate's next owner", async function () {
        const { garments, certificate, twinId, certA1, tree, alice, carol } = await load();
        await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
        await certificate.connect(alice).transferFrom(alice.address, carol.address, certA1);
        await expect(
          garments.connect(carol).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkTwinAlreadyClaimed")
          .withArgs(twinId, certA1);
      });
    });

    describe("when the design is not a digital twin", function () {
      it("reverts with HallmarkNotATwin", async function () {
        const { garments, plainId, certA1, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(plainId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotATwin")
          .withArgs(plainId);
      });
    });

    describe("when the certificate is of another brand, even if in the collection", function () {
      it("reverts with HallmarkNotInTwinCollection", async function () {
        const { garments, twinId, certB, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(twinId, certB, tree.position(certB), tree.proof(certB)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotInTwinCollection")
          .withArgs(twinId, certB);
      });
    });

    describe("when the proof is not the certificate's", function () {
      it("reverts with HallmarkNotInTwinCollection for another certificate's proof", async function () {
        const { garments, twinId, certA1, certA3, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA3)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotInTwinCollection")
          .withArgs(twinId, certA1);
      });

      it("reverts with HallmarkNotInTwinCollection for an empty proof", async function () {
        const { garments, twinId, certA1, tree, alice } = await load();
        await expect(garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), []))
          .to.be.revertedWithCustomError(garments, "HallmarkNotInTwinCollection")
          .withArgs(twinId, certA1);
      });

      it("reverts with HallmarkNotInTwinCollection for a certificate outside the collection", async function () {
        const { garments, twinId, outside, certA1, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(twinId, outside, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotInTwinCollection")
          .withArgs(twinId, outside);
      });

      it("reverts with HallmarkNotInTwinCollection when an inner node is passed as the certificate id", async function () {
        const { garments, twinId, certA1, tree, alice } = await load();
        const proof = tree.proof(certA1);
        // The parent node of certA1's leaf, passed as if it were a certificate id with the rest of the proof: a
        // second-preimage attempt the double-hashed leaf (and the brand check) stop.
        const [a, b] = [twinLeaf(tree.position(certA1), certA1), proof[0]].sort((x, y) =>
          BigInt(x) < BigInt(y) ? -1 : 1,
        );
        const innerNode = BigInt(keccak256(concat([a, b])));
        await expect(
          garments.connect(alice).claimTwin(twinId, innerNode, tree.position(certA1), proof.slice(1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotInTwinCollection")
          .withArgs(twinId, innerNode);
      });
    });

    describe("when the caller does not own the certificate", function () {
      it("reverts with HallmarkNotCertificateOwner", async function () {
        const { garments, twinId, certA3, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(twinId, certA3, tree.position(certA3), tree.proof(certA3)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotCertificateOwner")
          .withArgs(certA3, alice.address);
      });

      it("reverts with HallmarkNotCertificateOwner for an operator approved on the certificate", async function () {
        const { garments, certificate, twinId, certA1, tree, alice, carol } = await load();
        await certificate.connect(alice).setApprovalForAll(carol.address, true);
        await expect(
          garments.connect(carol).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkNotCertificateOwner")
          .withArgs(certA1, carol.address);
      });
    });

    describe("when the certificate was never issued", function () {
      it("reverts with ERC721NonexistentToken from the certificate contract", async function () {
        const { garments, certificate, twinId, notIssued, tree, alice } = await load();
        await expect(
          garments
            .connect(alice)
            .claimTwin(twinId, notIssued, tree.position(notIssued), tree.proof(notIssued)),
        )
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(notIssued);
      });
    });

    describe("when the certificate is not Active", function () {
      it("reverts with HallmarkCertificateNotActive for a certificate reported stolen", async function () {
        const { garments, certificate, twinId, certA1, tree, alice } = await load();
        await certificate.connect(alice).reportStolen(certA1, "taken from a hotel room");
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkCertificateNotActive")
          .withArgs(certA1);
      });

      it("reverts with HallmarkCertificateNotActive for a revoked certificate", async function () {
        const { garments, certificate, adminA, twinId, certA3, tree, bob } = await load();
        await certificate.connect(adminA).revoke(certA3, "counterfeit");
        await expect(
          garments.connect(bob).claimTwin(twinId, certA3, tree.position(certA3), tree.proof(certA3)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkCertificateNotActive")
          .withArgs(certA3);
      });

      it("lets the owner claim once the certificate is restored", async function () {
        const { garments, certificate, adminA, twinId, certA1, tree, alice } = await load();
        await certificate.connect(alice).reportStolen(certA1, "lost");
        await certificate.connect(adminA).restore(certA1, "found");
        await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
        expect(await garments.balanceOf(alice.address, twinId)).to.equal(1n);
      });
    });

    describe("when the design's cap is reached", function () {
      it("reverts with HallmarkEditionSoldOut: twins count against the cap", async function () {
        const { garments, issuerA, brandA, tree, certA1, certA3, alice, bob } = await load();
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ maxSupply: 1n, twinCollectionRoot: tree.root }));
        const id = await garments.designCount();
        await garments.connect(alice).claimTwin(id, certA1, tree.position(certA1), tree.proof(certA1));
        await expect(garments.connect(bob).claimTwin(id, certA3, tree.position(certA3), tree.proof(certA3)))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(id, 1n, 1n, 1n);
        expect(await garments.twinClaimedAt(id, tree.position(certA3))).to.equal(false);
      });

      it("reverts with HallmarkEditionSoldOut when direct mints took the editions", async function () {
        const { garments, issuerA, brandA, tree, certA1, alice, carol } = await load();
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ maxSupply: 2n, twinCollectionRoot: tree.root }));
        const id = await garments.designCount();
        await garments.connect(issuerA).mintEditions(id, [carol.address], [2n]);
        await expect(garments.connect(alice).claimTwin(id, certA1, tree.position(certA1), tree.proof(certA1)))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(id, 2n, 1n, 2n);
      });
    });

    describe("when the edition has closed", function () {
      it("reverts with HallmarkEditionClosed", async function () {
        const { garments, issuerA, brandA, tree, certA1, alice } = await load();
        const closesAt = BigInt(await networkHelpers.time.latest()) + 100n;
        await garments
          .connect(issuerA)
          .createDesign(brandA, designInput({ maxSupply: 0n, closesAt, twinCollectionRoot: tree.root }));
        const id = await garments.designCount();
        await networkHelpers.time.increaseTo(closesAt + 1n);
        await expect(garments.connect(alice).claimTwin(id, certA1, tree.position(certA1), tree.proof(certA1)))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionClosed")
          .withArgs(id, closesAt);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { garments, registry, adminA, brandA, twinId, certA1, tree, alice } = await load();
        await registry.connect(adminA).pauseBrand(brandA, "key compromise");
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the garments contract is not the certificates' twin contract", function () {
      it("reverts with HallmarkNotTwinContract from the certificate contract", async function () {
        const { garments, certificate, groupAdmin, twinId, certA1, tree, alice, carol } = await load();
        await certificate.connect(groupAdmin).setTwinContract(carol.address);
        await expect(
          garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkNotTwinContract")
          .withArgs(await garments.getAddress());
        expect(await garments.twinClaimedAt(twinId, tree.position(certA1))).to.equal(false);
      });
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments, certA1, tree, alice } = await load();
        await expect(
          garments.connect(alice).claimTwin(99n, certA1, tree.position(certA1), tree.proof(certA1)),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });
  });

  describe("claimed twins, one bit per position", function () {
    /**
     * A collection of 512 certificates of brand A, two bitmap words: alice owns the certificates at positions 0,
     * 255, 256 and 511 (each word's first and last bit); the other positions name certificates never issued.
     */
    async function deployTwoWords() {
      const fx = await deployGarments();
      const { certificate, garments, issuerA, brandA, alice } = fx;
      const owned = new Map<bigint, bigint>();
      for (const position of [0n, 255n, 256n, 511n]) {
        const input = item(`TW-BIT-${position}`);
        await certificate.connect(issuerA).issue(brandA, alice.address, input);
        owned.set(position, tokenIdOf(brandA, input.serialHash));
      }
      const ids = Array.from(
        { length: 512 },
        (_, i) => owned.get(BigInt(i)) ?? tokenIdOf(brandA, item(`TW-NEVER-${i}`).serialHash),
      );
      const tree = twinTree(ids);
      await garments.connect(issuerA).createDesign(brandA, designInput({ twinCollectionRoot: tree.root }));
      return { ...fx, tree, owned, twinId: await garments.designCount() };
    }
    const loadWords = () => networkHelpers.loadFixture(deployTwoWords);
    const claimAt = async (fx: Awaited<ReturnType<typeof deployTwoWords>>, position: bigint) => {
      const certificateId = fx.owned.get(position)!;
      return fx.garments
        .connect(fx.alice)
        .claimTwin(fx.twinId, certificateId, position, fx.tree.proof(certificateId));
    };

    it("sets bit 255 of word 0 for position 255 and bit 0 of word 1 for position 256", async function () {
      const fx = await loadWords();
      await claimAt(fx, 255n);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 0n)).to.equal(1n << 255n);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 1n)).to.equal(0n);
      await claimAt(fx, 256n);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 0n)).to.equal(1n << 255n);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 1n)).to.equal(1n);
      expect(await fx.garments.twinClaimedAt(fx.twinId, 255n)).to.equal(true);
      expect(await fx.garments.twinClaimedAt(fx.twinId, 256n)).to.equal(true);
      expect(await fx.garments.twinClaimedAt(fx.twinId, 254n)).to.equal(false);
      expect(await fx.garments.twinClaimedAt(fx.twinId, 257n)).to.equal(false);
    });

    it("sets each word's first and last bit, and only those", async function () {
      const fx = await loadWords();
      for (const position of [0n, 255n, 256n, 511n]) await claimAt(fx, position);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 0n)).to.equal((1n << 255n) | 1n);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 1n)).to.equal((1n << 255n) | 1n);
      expect(await fx.garments.balanceOf(fx.alice.address, fx.twinId)).to.equal(4n);
    });

    for (const position of [0n, 255n, 256n, 511n]) {
      it(`refuses the claim at position ${position} the second time with HallmarkTwinAlreadyClaimed`, async function () {
        const fx = await loadWords();
        await claimAt(fx, position);
        await expect(claimAt(fx, position))
          .to.be.revertedWithCustomError(fx.garments, "HallmarkTwinAlreadyClaimed")
          .withArgs(fx.twinId, fx.owned.get(position)!);
      });
    }

    it("refuses a certificate claimed at a position that is not its own with HallmarkNotInTwinCollection", async function () {
      const fx = await loadWords();
      const certificateId = fx.owned.get(255n)!;
      await expect(
        fx.garments.connect(fx.alice).claimTwin(fx.twinId, certificateId, 256n, fx.tree.proof(certificateId)),
      )
        .to.be.revertedWithCustomError(fx.garments, "HallmarkNotInTwinCollection")
        .withArgs(fx.twinId, certificateId);
      expect(await fx.garments.twinClaimBitmap(fx.twinId, 1n)).to.equal(0n);
    });
  });

  describe("twinClaimBitmap", function () {
    it("is zero for a design without claims and for a design that is not a twin", async function () {
      const { garments, twinId, plainId } = await networkHelpers.loadFixture(deployTwins);
      expect(await garments.twinClaimBitmap(twinId, 0n)).to.equal(0n);
      expect(await garments.twinClaimBitmap(plainId, 0n)).to.equal(0n);
    });
  });

  describe("twinClaimedAt", function () {
    it("is false until the twin is claimed, per design", async function () {
      const { garments, twinId, plainId, certA1, tree, alice } =
        await networkHelpers.loadFixture(deployTwins);
      expect(await garments.twinClaimedAt(twinId, tree.position(certA1))).to.equal(false);
      await garments.connect(alice).claimTwin(twinId, certA1, tree.position(certA1), tree.proof(certA1));
      expect(await garments.twinClaimedAt(twinId, tree.position(certA1))).to.equal(true);
      expect(await garments.twinClaimedAt(plainId, tree.position(certA1))).to.equal(false);
    });
  });

  describe("redeemForPhysical", function () {
    const load = () => networkHelpers.loadFixture(deployRedeemable);

    describe("when a holder burns editions of a redeemable design", function () {
      it("burns them and emits RedemptionRequested, TransferSingle and TraitUpdated", async function () {
        const { garments, redeemableId, alice } = await load();
        await expect(garments.connect(alice).redeemForPhysical(redeemableId, 2n, REQUEST))
          .to.emit(garments, "RedemptionRequested")
          .withArgs(redeemableId, alice.address, 2n, REQUEST)
          .and.to.emit(garments, "TransferSingle")
          .withArgs(alice.address, alice.address, ethers.ZeroAddress, redeemableId, 2n)
          .and.to.emit(garments, "TraitUpdated")
          .withArgs(TRAIT.redeemed, redeemableId, word(2n));
        expect(await garments.balanceOf(alice.address, redeemableId)).to.equal(3n);
        expect(await garments.redeemedBy(redeemableId, alice.address)).to.equal(2n);
        const d = await garments.design(redeemableId);
        expect(d.burned).to.equal(2n);
        expect(d.minted).to.equal(5n);
        expect(await garments.getTraitValue(redeemableId, TRAIT.redeemed)).to.equal(word(2n));
      });

      it("adds up redemptions per holder and per design", async function () {
        const { garments, issuerA, redeemableId, alice, bob } = await load();
        await garments.connect(issuerA).mintEditions(redeemableId, [bob.address], [4n]);
        await garments.connect(alice).redeemForPhysical(redeemableId, 1n, REQUEST);
        await garments.connect(alice).redeemForPhysical(redeemableId, 2n, REQUEST);
        await expect(garments.connect(bob).redeemForPhysical(redeemableId, 4n, REQUEST))
          .to.emit(garments, "TraitUpdated")
          .withArgs(TRAIT.redeemed, redeemableId, word(7n));
        expect(await garments.redeemedBy(redeemableId, alice.address)).to.equal(3n);
        expect(await garments.redeemedBy(redeemableId, bob.address)).to.equal(4n);
      });

      it("does not free editions under the cap", async function () {
        const { garments, issuerA, redeemableId, alice, bob } = await load();
        await garments.connect(alice).redeemForPhysical(redeemableId, 5n, REQUEST);
        await expect(garments.connect(issuerA).mintEditions(redeemableId, [bob.address], [96n]))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(redeemableId, 5n, 96n, 100n);
      });
    });

    describe("when the design is not redeemable", function () {
      it("reverts with HallmarkNotRedeemable", async function () {
        const { garments, plainId, alice } = await load();
        await expect(garments.connect(alice).redeemForPhysical(plainId, 1n, REQUEST))
          .to.be.revertedWithCustomError(garments, "HallmarkNotRedeemable")
          .withArgs(plainId);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with HallmarkInvalidAmount", async function () {
        const { garments, redeemableId, alice } = await load();
        await expect(garments.connect(alice).redeemForPhysical(redeemableId, 0n, REQUEST))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidAmount")
          .withArgs();
      });
    });

    describe("when the holder has fewer editions than burned", function () {
      it("reverts with ERC1155InsufficientBalance", async function () {
        const { garments, redeemableId, alice, bob } = await load();
        await expect(garments.connect(alice).redeemForPhysical(redeemableId, 6n, REQUEST))
          .to.be.revertedWithCustomError(garments, "ERC1155InsufficientBalance")
          .withArgs(alice.address, 5n, 6n, redeemableId);
        await expect(garments.connect(bob).redeemForPhysical(redeemableId, 1n, REQUEST))
          .to.be.revertedWithCustomError(garments, "ERC1155InsufficientBalance")
          .withArgs(bob.address, 0n, 1n, redeemableId);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { garments, registry, adminA, brandA, redeemableId, alice } = await load();
        await registry.connect(adminA).pauseBrand(brandA, "audit");
        await expect(garments.connect(alice).redeemForPhysical(redeemableId, 1n, REQUEST))
          .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments, alice } = await load();
        await expect(garments.connect(alice).redeemForPhysical(99n, 1n, REQUEST))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });
  });

  describe("redeemedBy", function () {
    it("is zero for a holder who redeemed nothing", async function () {
      const { garments, redeemableId, alice } = await networkHelpers.loadFixture(deployRedeemable);
      expect(await garments.redeemedBy(redeemableId, alice.address)).to.equal(0n);
    });
  });
});
