import { expect } from "chai";
import { TypedDataEncoder, encodeBytes32String, id, parseEther, toBeHex, zeroPadValue } from "ethers";
import type { HallmarkGarments } from "../../types/ethers-contracts/index.js";
import type { Voucher } from "./fixtures.js";
import {
  ROLE,
  VOUCHER_TYPES,
  deployGarments,
  designInput,
  ethers,
  networkHelpers,
  signVoucher,
  toHighS,
  voucherFor,
} from "./fixtures.js";

const PRICE = parseEther("0.25");
const TRAIT_MINTED = encodeBytes32String("minted");

const word = (n: bigint): string => zeroPadValue(toBeHex(n), 32);
const hashOf = (v: Voucher): string => TypedDataEncoder.hashStruct("Voucher", VOUCHER_TYPES, v);

/** A drop of brand A: a design capped at 10, and one of brand B. */
async function deployDrop() {
  const fx = await deployGarments();
  const { garments, issuerA, issuerB, brandA, brandB } = fx;
  await garments.connect(issuerA).createDesign(brandA, designInput({ maxSupply: 10n }));
  await garments.connect(issuerB).createDesign(brandB, designInput({ maxSupply: 10n }));
  return { ...fx, designId: 1n, designB: 2n };
}

function redeem(
  garments: HallmarkGarments,
  voucher: Voucher,
  signer: string,
  signature: string,
  value = voucher.price,
) {
  return garments.redeemVoucher(voucher, signer, signature, { value });
}

describe("HallmarkGarments", function () {
  const load = () => networkHelpers.loadFixture(deployDrop);

  describe("redeemVoucher", function () {
    describe("when the voucher names the caller as buyer", function () {
      it("mints the editions to the buyer, emits VoucherRedeemed and keeps the payment for the brand", async function () {
        const { garments, issuerA, brandA, designId, alice } = await load();
        const voucher = voucherFor(designId, { buyer: alice.address, amount: 3n, price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        const tx = redeem(garments.connect(alice), voucher, issuerA.address, signature);
        await expect(tx)
          .to.emit(garments, "VoucherRedeemed")
          .withArgs(designId, alice.address, issuerA.address, hashOf(voucher), 3n, PRICE)
          .and.to.emit(garments, "TransferSingle")
          .withArgs(alice.address, ethers.ZeroAddress, alice.address, designId, 3n)
          .and.to.emit(garments, "TraitUpdated")
          .withArgs(TRAIT_MINTED, designId, word(3n));
        await expect(tx).to.changeEtherBalances(ethers, [alice, garments], [-PRICE, PRICE]);
        expect(await garments.balanceOf(alice.address, designId)).to.equal(3n);
        expect(await garments.proceedsOf(designId)).to.equal(PRICE);
        expect(await garments.voucherUsed(brandA, voucher.nonce)).to.equal(true);
        expect((await garments.design(designId)).minted).to.equal(3n);
      });
    });

    describe("when the voucher names no buyer", function () {
      it("mints to whoever redeems it", async function () {
        const { garments, issuerA, designId, bob } = await load();
        const voucher = voucherFor(designId, { price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(redeem(garments.connect(bob), voucher, issuerA.address, signature))
          .to.emit(garments, "VoucherRedeemed")
          .withArgs(designId, bob.address, issuerA.address, hashOf(voucher), 1n, PRICE);
        expect(await garments.balanceOf(bob.address, designId)).to.equal(1n);
      });
    });

    describe("when the voucher is free", function () {
      it("mints without payment and adds nothing to the proceeds", async function () {
        const { garments, issuerA, designId, bob } = await load();
        const voucher = voucherFor(designId);
        await redeem(
          garments.connect(bob),
          voucher,
          issuerA.address,
          await signVoucher(issuerA, garments, voucher),
        );
        expect(await garments.balanceOf(bob.address, designId)).to.equal(1n);
        expect(await garments.proceedsOf(designId)).to.equal(0n);
      });
    });

    describe("when two vouchers differ only by nonce", function () {
      it("redeems both", async function () {
        const { garments, issuerA, designId, bob } = await load();
        for (const nonce of [id("n1"), id("n2")]) {
          const voucher = voucherFor(designId, { nonce });
          await redeem(
            garments.connect(bob),
            voucher,
            issuerA.address,
            await signVoucher(issuerA, garments, voucher),
          );
        }
        expect(await garments.balanceOf(bob.address, designId)).to.equal(2n);
      });
    });

    describe("when the design is locked", function () {
      it("mints the editions", async function () {
        const { garments, issuerA, brandA, bob } = await load();
        await garments.connect(issuerA).createDesign(brandA, designInput({ locked: true }));
        const voucher = voucherFor(3n);
        await redeem(
          garments.connect(bob),
          voucher,
          issuerA.address,
          await signVoucher(issuerA, garments, voucher),
        );
        expect(await garments.balanceOf(bob.address, 3n)).to.equal(1n);
      });
    });

    describe("when the voucher was redeemed already", function () {
      it("reverts with HallmarkVoucherUsed for the named buyer", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId, { buyer: alice.address, price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        await redeem(garments.connect(alice), voucher, issuerA.address, signature);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkVoucherUsed")
          .withArgs(hashOf(voucher));
      });

      it("reverts with HallmarkVoucherUsed for another caller of an open voucher", async function () {
        const { garments, issuerA, designId, alice, bob } = await load();
        const voucher = voucherFor(designId);
        const signature = await signVoucher(issuerA, garments, voucher);
        await redeem(garments.connect(alice), voucher, issuerA.address, signature);
        await expect(redeem(garments.connect(bob), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkVoucherUsed")
          .withArgs(hashOf(voucher));
      });

      it("reverts with HallmarkVoucherUsed for a high-s re-encoding of the same signature", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const signature = await signVoucher(issuerA, garments, voucher);
        await redeem(garments.connect(alice), voucher, issuerA.address, signature);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, toHighS(signature)))
          .to.be.revertedWithCustomError(garments, "HallmarkVoucherUsed")
          .withArgs(hashOf(voucher));
      });

      it("reverts with HallmarkVoucherUsed when a second issuer signed the same voucher", async function () {
        const { garments, registry, adminA, brandA, issuerA, designId, alice, carol } = await load();
        await registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, carol.address);
        const voucher = voucherFor(designId);
        await redeem(
          garments.connect(alice),
          voucher,
          issuerA.address,
          await signVoucher(issuerA, garments, voucher),
        );
        await expect(
          redeem(
            garments.connect(alice),
            voucher,
            carol.address,
            await signVoucher(carol, garments, voucher),
          ),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkVoucherUsed")
          .withArgs(hashOf(voucher));
      });
    });

    describe("when the voucher names another buyer", function () {
      it("reverts with HallmarkVoucherNotForCaller", async function () {
        const { garments, issuerA, designId, alice, mallory } = await load();
        const voucher = voucherFor(designId, { buyer: alice.address, price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(redeem(garments.connect(mallory), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkVoucherNotForCaller")
          .withArgs(alice.address, mallory.address);
      });
    });

    describe("when the voucher has expired", function () {
      it("reverts with HallmarkVoucherExpired", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
        const voucher = voucherFor(designId, { deadline });
        const signature = await signVoucher(issuerA, garments, voucher);
        await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkVoucherExpired")
          .withArgs(deadline);
      });

      it("is still redeemable in the block of its deadline", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
        const voucher = voucherFor(designId, { deadline });
        const signature = await signVoucher(issuerA, garments, voucher);
        await networkHelpers.time.setNextBlockTimestamp(deadline);
        await redeem(garments.connect(alice), voucher, issuerA.address, signature);
        expect(await garments.balanceOf(alice.address, designId)).to.equal(1n);
      });
    });

    describe("when the payment differs from the price", function () {
      for (const [label, sent] of [
        ["less", PRICE - 1n],
        ["more", PRICE + 1n],
        ["nothing", 0n],
      ] as const) {
        it(`reverts with HallmarkWrongPayment when sending ${label}`, async function () {
          const { garments, issuerA, designId, alice } = await load();
          const voucher = voucherFor(designId, { price: PRICE });
          const signature = await signVoucher(issuerA, garments, voucher);
          await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature, sent))
            .to.be.revertedWithCustomError(garments, "HallmarkWrongPayment")
            .withArgs(PRICE, sent);
        });
      }

      it("reverts with HallmarkWrongPayment when paying for a free voucher", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature, 1n))
          .to.be.revertedWithCustomError(garments, "HallmarkWrongPayment")
          .withArgs(0n, 1n);
      });
    });

    describe("when the voucher's amount is zero", function () {
      it("reverts with HallmarkInvalidAmount", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId, { amount: 0n });
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidAmount")
          .withArgs();
      });
    });

    describe("when the design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments, issuerA, alice } = await load();
        const voucher = voucherFor(99n);
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });

    describe("when the signature is not valid for the design's brand", function () {
      it("reverts with HallmarkInvalidVoucherSignature when the signer is no issuer", async function () {
        const { garments, designId, alice, mallory } = await load();
        const voucher = voucherFor(designId, { buyer: mallory.address });
        const signature = await signVoucher(mallory, garments, voucher);
        await expect(redeem(garments.connect(mallory), voucher, mallory.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(mallory.address);
        expect(await garments.balanceOf(alice.address, designId)).to.equal(0n);
      });

      it("reverts with HallmarkInvalidVoucherSignature when the signer is the brand admin, not an issuer", async function () {
        const { garments, adminA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const signature = await signVoucher(adminA, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, adminA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(adminA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature when the issuer's role was revoked after signing", async function () {
        const { garments, registry, adminA, brandA, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId, { price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        await registry.connect(adminA).revokeBrandRole(brandA, ROLE.ISSUER, issuerA.address);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature when the issuer was declared compromised", async function () {
        const { garments, registry, adminA, brandA, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const signature = await signVoucher(issuerA, garments, voucher);
        const head = BigInt(await ethers.provider.getBlockNumber());
        await registry.connect(adminA).declareIssuerCompromised(brandA, issuerA.address, head);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature when an issuer of another brand signed", async function () {
        const { garments, issuerB, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const signature = await signVoucher(issuerB, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, issuerB.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerB.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature when another key signed in the issuer's name", async function () {
        const { garments, issuerA, designId, mallory } = await load();
        const voucher = voucherFor(designId, { buyer: mallory.address });
        const signature = await signVoucher(mallory, garments, voucher);
        await expect(redeem(garments.connect(mallory), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature when a field was changed after signing", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId, { buyer: alice.address, amount: 1n, price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        for (const tampered of [
          { ...voucher, amount: 5n },
          { ...voucher, price: 1n },
          { ...voucher, deadline: voucher.deadline + 1n },
          { ...voucher, nonce: id("other") },
        ]) {
          await expect(redeem(garments.connect(alice), tampered, issuerA.address, signature))
            .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
            .withArgs(issuerA.address);
        }
      });

      it("reverts with HallmarkInvalidVoucherSignature for a voucher of brand A's design pointed at brand B's", async function () {
        const { garments, issuerA, designB, alice } = await load();
        const voucher = voucherFor(designB);
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature for a high-s signature", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const signature = toHighS(await signVoucher(issuerA, garments, voucher));
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature for a malformed signature", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, "0x1234"))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });
    });

    describe("when the voucher was signed for another contract or chain", function () {
      it("reverts with HallmarkInvalidVoucherSignature on another garments contract", async function () {
        const { garments, registry, certificate, issuerA, brandA, designId, alice } = await load();
        const other = await ethers.deployContract("HallmarkGarments", [
          await registry.getAddress(),
          await certificate.getAddress(),
        ]);
        await other.connect(issuerA).createDesign(brandA, designInput({ maxSupply: 10n }));
        const voucher = voucherFor(designId);
        const signature = await signVoucher(issuerA, garments, voucher);
        await redeem(garments.connect(alice), voucher, issuerA.address, signature);
        await expect(redeem(other.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(other, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });

      it("reverts with HallmarkInvalidVoucherSignature for a signature over another chain id", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId);
        const { chainId } = await ethers.provider.getNetwork();
        const signature = await signVoucher(issuerA, garments, voucher, chainId + 1n);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(issuerA.address);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { garments, registry, adminA, brandA, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId, { price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        await registry.connect(adminA).pauseBrand(brandA, "key compromise");
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when several vouchers are in flight for the last editions", function () {
      it("redeems them in order until the cap and reverts the next with HallmarkEditionSoldOut", async function () {
        const { garments, issuerA, designId, alice, bob, carol, brandA } = await load();
        const vouchers = [alice, bob, carol].map((buyer) =>
          voucherFor(designId, { buyer: buyer.address, amount: 4n, price: PRICE }),
        );
        const signatures = await Promise.all(vouchers.map((v) => signVoucher(issuerA, garments, v)));
        await redeem(garments.connect(alice), vouchers[0], issuerA.address, signatures[0]);
        await redeem(garments.connect(bob), vouchers[1], issuerA.address, signatures[1]);
        await expect(redeem(garments.connect(carol), vouchers[2], issuerA.address, signatures[2]))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(designId, 8n, 4n, 10n);
        expect((await garments.design(designId)).minted).to.equal(8n);
        expect(await garments.voucherUsed(brandA, vouchers[2].nonce)).to.equal(false);
      });

      it("counts direct mints and vouchers against the same cap", async function () {
        const { garments, issuerA, designId, alice, bob } = await load();
        const voucher = voucherFor(designId, { buyer: alice.address, amount: 3n });
        const signature = await signVoucher(issuerA, garments, voucher);
        await garments.connect(issuerA).mintEditions(designId, [bob.address], [8n]);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionSoldOut")
          .withArgs(designId, 8n, 3n, 10n);
      });

      it("redeems a voucher of exactly the editions left", async function () {
        const { garments, issuerA, designId, alice } = await load();
        const voucher = voucherFor(designId, { amount: 10n });
        await redeem(
          garments.connect(alice),
          voucher,
          issuerA.address,
          await signVoucher(issuerA, garments, voucher),
        );
        expect((await garments.design(designId)).minted).to.equal(10n);
      });
    });

    describe("when the edition has closed", function () {
      it("reverts with HallmarkEditionClosed", async function () {
        const { garments, issuerA, brandA, alice } = await load();
        const closesAt = BigInt(await networkHelpers.time.latest()) + 100n;
        await garments.connect(issuerA).createDesign(brandA, designInput({ maxSupply: 0n, closesAt }));
        const voucher = voucherFor(3n);
        const signature = await signVoucher(issuerA, garments, voucher);
        await networkHelpers.time.increaseTo(closesAt + 1n);
        await expect(redeem(garments.connect(alice), voucher, issuerA.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkEditionClosed")
          .withArgs(3n, closesAt);
      });
    });

    describe("when the issuer is an EIP-1271 smart wallet", function () {
      async function deployWalletIssuer() {
        const fx = await deployDrop();
        const wallet = await ethers.deployContract("SmartWallet", [fx.carol.address]);
        await fx.registry
          .connect(fx.adminA)
          .grantBrandRole(fx.brandA, ROLE.ISSUER, await wallet.getAddress());
        return { ...fx, wallet };
      }

      it("accepts a voucher the wallet's owner signed and names the wallet as signer", async function () {
        const { garments, wallet, carol, designId, alice } =
          await networkHelpers.loadFixture(deployWalletIssuer);
        const voucher = voucherFor(designId, { buyer: alice.address, price: PRICE });
        const signature = await signVoucher(carol, garments, voucher);
        const walletAddress = await wallet.getAddress();
        await expect(redeem(garments.connect(alice), voucher, walletAddress, signature))
          .to.emit(garments, "VoucherRedeemed")
          .withArgs(designId, alice.address, walletAddress, hashOf(voucher), 1n, PRICE);
        expect(await garments.balanceOf(alice.address, designId)).to.equal(1n);
      });

      it("reverts with HallmarkInvalidVoucherSignature when another key signed", async function () {
        const { garments, wallet, designId, mallory } = await networkHelpers.loadFixture(deployWalletIssuer);
        const voucher = voucherFor(designId);
        const signature = await signVoucher(mallory, garments, voucher);
        const walletAddress = await wallet.getAddress();
        await expect(redeem(garments.connect(mallory), voucher, walletAddress, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(walletAddress);
      });

      it("reverts with HallmarkInvalidVoucherSignature once the wallet lost the issuer role", async function () {
        const { garments, registry, adminA, brandA, wallet, carol, designId, alice } =
          await networkHelpers.loadFixture(deployWalletIssuer);
        const voucher = voucherFor(designId);
        const signature = await signVoucher(carol, garments, voucher);
        const walletAddress = await wallet.getAddress();
        await registry.connect(adminA).revokeBrandRole(brandA, ROLE.ISSUER, walletAddress);
        await expect(redeem(garments.connect(alice), voucher, walletAddress, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(walletAddress);
      });

      it("does not accept the wallet owner's signature in the owner's own name", async function () {
        const { garments, carol, designId, alice } = await networkHelpers.loadFixture(deployWalletIssuer);
        const voucher = voucherFor(designId);
        const signature = await signVoucher(carol, garments, voucher);
        await expect(redeem(garments.connect(alice), voucher, carol.address, signature))
          .to.be.revertedWithCustomError(garments, "HallmarkInvalidVoucherSignature")
          .withArgs(carol.address);
      });
    });

    describe("when the buyer is a contract", function () {
      it("mints to a contract accepting ERC-1155 tokens", async function () {
        const { garments, issuerA, designId } = await load();
        const buyer = await ethers.deployContract("ERC1155ReceiverMock");
        const voucher = voucherFor(designId, { buyer: await buyer.getAddress(), amount: 2n, price: PRICE });
        const signature = await signVoucher(issuerA, garments, voucher);
        await buyer.execute(
          await garments.getAddress(),
          garments.interface.encodeFunctionData("redeemVoucher", [voucher, issuerA.address, signature]),
          { value: PRICE },
        );
        expect(await garments.balanceOf(await buyer.getAddress(), designId)).to.equal(2n);
        expect(await buyer.singleReceived()).to.equal(1n);
      });

      it("reverts with ERC1155InvalidReceiver for a contract refusing the editions", async function () {
        const { garments, issuerA, designId, brandA } = await load();
        const buyer = await ethers.deployContract("ERC1155ReceiverMock");
        await buyer.setMode(1n); // WrongSelector
        const buyerAddress = await buyer.getAddress();
        const voucher = voucherFor(designId, { buyer: buyerAddress });
        const signature = await signVoucher(issuerA, garments, voucher);
        await expect(
          buyer.execute(
            await garments.getAddress(),
            garments.interface.encodeFunctionData("redeemVoucher", [voucher, issuerA.address, signature]),
          ),
        )
          .to.be.revertedWithCustomError(garments, "ERC1155InvalidReceiver")
          .withArgs(buyerAddress);
        expect(await garments.voucherUsed(brandA, voucher.nonce)).to.equal(false);
      });

      it("refuses a second voucher redeemed from onERC1155Received with ReentrancyGuardReentrantCall", async function () {
        const { garments, issuerA, designId, brandA } = await load();
        const buyer = await ethers.deployContract("ERC1155ReceiverMock");
        const buyerAddress = await buyer.getAddress();
        const outer = voucherFor(designId, { buyer: buyerAddress, nonce: id("outer") });
        const inner = voucherFor(designId, { buyer: buyerAddress, nonce: id("inner") });
        const garmentsAddress = await garments.getAddress();
        await buyer.arm(
          garmentsAddress,
          garments.interface.encodeFunctionData("redeemVoucher", [
            inner,
            issuerA.address,
            await signVoucher(issuerA, garments, inner),
          ]),
        );
        await buyer.execute(
          garmentsAddress,
          garments.interface.encodeFunctionData("redeemVoucher", [
            outer,
            issuerA.address,
            await signVoucher(issuerA, garments, outer),
          ]),
        );
        expect(await buyer.reentryAttempted()).to.equal(true);
        expect(await buyer.reentrySucceeded()).to.equal(false);
        expect(await buyer.reentryRevertData()).to.equal(
          garments.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
        );
        expect(await garments.balanceOf(buyerAddress, designId)).to.equal(1n);
        expect(await garments.voucherUsed(brandA, inner.nonce)).to.equal(false);
      });
    });
  });

  describe("voucher nonces", function () {
    const nonce = (n: bigint): string => word(n);
    /** Redeems a free voucher of `designId` with nonce `n` for alice. */
    async function redeemNonce(
      fx: Awaited<ReturnType<typeof deployDrop>>,
      n: bigint,
      designId = fx.designId,
    ) {
      const issuer = designId === fx.designB ? fx.issuerB : fx.issuerA;
      const voucher = voucherFor(designId, { buyer: fx.alice.address, nonce: nonce(n) });
      const signature = await signVoucher(issuer, fx.garments, voucher);
      return redeem(fx.garments.connect(fx.alice), voucher, issuer.address, signature);
    }

    describe("when a nonce of the brand was used by another voucher", function () {
      it("reverts with HallmarkVoucherUsed, whatever else the voucher says", async function () {
        const fx = await load();
        await redeemNonce(fx, 7n);
        const other = voucherFor(fx.designId, { buyer: fx.bob.address, amount: 2n, nonce: nonce(7n) });
        const signature = await signVoucher(fx.issuerA, fx.garments, other);
        await expect(redeem(fx.garments.connect(fx.bob), other, fx.issuerA.address, signature))
          .to.be.revertedWithCustomError(fx.garments, "HallmarkVoucherUsed")
          .withArgs(hashOf(other));
      });
    });

    describe("when another brand used the same nonce", function () {
      it("redeems: each brand numbers its own vouchers", async function () {
        const fx = await load();
        await redeemNonce(fx, 7n, fx.designB);
        await expect(redeemNonce(fx, 7n)).to.emit(fx.garments, "VoucherRedeemed");
        expect(await fx.garments.voucherUsed(fx.brandA, nonce(7n))).to.equal(true);
        expect(await fx.garments.voucherUsed(fx.brandB, nonce(7n))).to.equal(true);
      });
    });

    describe("voucherNonceBitmap", function () {
      it("marks nonce 0 as the first bit of word 0 and nonce 255 as its last bit", async function () {
        const fx = await load();
        await redeemNonce(fx, 0n);
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 0n)).to.equal(1n);
        await redeemNonce(fx, 255n);
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 0n)).to.equal(1n | (1n << 255n));
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 1n)).to.equal(0n);
        expect(await fx.garments.voucherUsed(fx.brandA, nonce(254n))).to.equal(false);
        expect(await fx.garments.voucherUsed(fx.brandA, nonce(256n))).to.equal(false);
      });

      it("puts nonce 256 in the first bit of word 1, leaving word 0 alone", async function () {
        const fx = await load();
        await redeemNonce(fx, 255n);
        await redeemNonce(fx, 256n);
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 0n)).to.equal(1n << 255n);
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 1n)).to.equal(1n);
        expect(await fx.garments.voucherUsed(fx.brandA, nonce(255n))).to.equal(true);
        expect(await fx.garments.voucherUsed(fx.brandA, nonce(256n))).to.equal(true);
        expect(await fx.garments.voucherUsed(fx.brandA, nonce(257n))).to.equal(false);
      });

      it("keeps the largest nonce in the last bit of the last word", async function () {
        const fx = await load();
        const max = 2n ** 256n - 1n;
        await redeemNonce(fx, max);
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, max >> 8n)).to.equal(1n << 255n);
        await expect(redeemNonce(fx, max)).to.be.revertedWithCustomError(fx.garments, "HallmarkVoucherUsed");
      });

      it("refuses a used nonce at each end of a word and redeems its neighbours", async function () {
        const fx = await load();
        for (const n of [0n, 255n, 256n, 511n]) await redeemNonce(fx, n);
        for (const n of [0n, 255n, 256n, 511n]) {
          await expect(redeemNonce(fx, n)).to.be.revertedWithCustomError(fx.garments, "HallmarkVoucherUsed");
        }
        for (const n of [1n, 254n, 257n, 510n]) {
          await expect(redeemNonce(fx, n)).to.emit(fx.garments, "VoucherRedeemed");
        }
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 0n)).to.equal(
          (1n << 0n) | (1n << 1n) | (1n << 254n) | (1n << 255n),
        );
        expect(await fx.garments.voucherNonceBitmap(fx.brandA, 1n)).to.equal(
          (1n << 0n) | (1n << 1n) | (1n << 254n) | (1n << 255n),
        );
      });
    });
  });

  describe("hashVoucher", function () {
    it("is the EIP-712 struct hash of the voucher", async function () {
      const { garments, designId, alice } = await load();
      const voucher = voucherFor(designId, { buyer: alice.address, amount: 7n, price: PRICE });
      expect(await garments.hashVoucher(voucher)).to.equal(hashOf(voucher));
    });

    // hashVoucher hashes the voucher's words as they sit in calldata: a narrow field with dirty high bits
    // must be refused, or two encodings of one voucher would hash apart.
    for (const [field, word] of [
      ["buyer", 2],
      ["amount", 3],
      ["deadline", 5],
    ] as const) {
      it(`refuses a voucher whose ${field} word has bits beyond its type`, async function () {
        const { garments, designId, alice } = await load();
        const voucher = voucherFor(designId, { buyer: alice.address, amount: 7n, price: PRICE });
        const data = garments.interface.encodeFunctionData("hashVoucher", [voucher]);
        const offset = 2 + 8 + (word - 1) * 64; // hex characters: 0x, selector, then 32-byte words
        const dirty = data.slice(0, offset) + "ff" + data.slice(offset + 2);
        await expect(ethers.provider.call({ to: await garments.getAddress(), data: dirty })).to.revert(
          ethers,
        );
        expect(await ethers.provider.call({ to: await garments.getAddress(), data })).to.equal(
          hashOf(voucher),
        );
      });
    }

    it("matches the VOUCHER_TYPEHASH of the documented type string", async function () {
      const { garments } = await load();
      expect(await garments.VOUCHER_TYPEHASH()).to.equal(
        id(
          "Voucher(uint256 designId,address buyer,uint32 amount,uint256 price,uint64 deadline,bytes32 nonce)",
        ),
      );
    });
  });

  describe("eip712Domain", function () {
    it('is "Hallmark Garments", version "1", on this chain and contract', async function () {
      const { garments } = await load();
      const domain = await garments.eip712Domain();
      const { chainId } = await ethers.provider.getNetwork();
      expect(domain.name).to.equal("Hallmark Garments");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(await garments.getAddress());
    });
  });

  describe("withdrawProceeds", function () {
    /**
     * Brand A sold 2 vouchers of its first design (2 × PRICE) and one of a second design, `designA2` (PRICE);
     * brand B one of its design (PRICE). Proceeds are kept per design.
     */
    async function deployWithProceeds() {
      const fx = await deployDrop();
      const { garments, issuerA, issuerB, designId, designB, alice, bob } = fx;
      await garments.connect(issuerA).createDesign(fx.brandA, designInput({ maxSupply: 10n }));
      const designA2 = 3n;
      for (const [issuer, design, buyer] of [
        [issuerA, designId, alice],
        [issuerA, designId, bob],
        [issuerA, designA2, bob],
        [issuerB, designB, alice],
      ] as const) {
        const voucher = voucherFor(design, { buyer: buyer.address, price: PRICE });
        await redeem(
          garments.connect(buyer),
          voucher,
          issuer.address,
          await signVoucher(issuer, garments, voucher),
        );
      }
      return { ...fx, designA2 };
    }
    const loadProceeds = () => networkHelpers.loadFixture(deployWithProceeds);

    describe("when called by the brand admin", function () {
      it("keeps each design's proceeds apart until withdrawn", async function () {
        const { garments, designId, designA2, designB } = await loadProceeds();
        expect(await garments.proceedsOf(designId)).to.equal(2n * PRICE);
        expect(await garments.proceedsOf(designA2)).to.equal(PRICE);
        expect(await garments.proceedsOf(designB)).to.equal(PRICE);
      });

      it("sends the named designs' proceeds in one transfer, zeroes them and emits ProceedsWithdrawn", async function () {
        const { garments, adminA, brandA, designId, designA2, designB, carol } = await loadProceeds();
        const tx = garments.connect(adminA).withdrawProceeds(brandA, [designId, designA2], carol.address);
        await expect(tx)
          .to.emit(garments, "ProceedsWithdrawn")
          .withArgs(brandA, carol.address, 3n * PRICE);
        await expect(tx).to.changeEtherBalances(ethers, [garments, carol], [-3n * PRICE, 3n * PRICE]);
        expect(await garments.proceedsOf(designId)).to.equal(0n);
        expect(await garments.proceedsOf(designA2)).to.equal(0n);
        expect(await garments.proceedsOf(designB)).to.equal(PRICE);
      });

      it("leaves the designs it does not name untouched", async function () {
        const { garments, adminA, brandA, designId, designA2, carol } = await loadProceeds();
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [designA2], carol.address))
          .to.emit(garments, "ProceedsWithdrawn")
          .withArgs(brandA, carol.address, PRICE);
        expect(await garments.proceedsOf(designId)).to.equal(2n * PRICE);
      });

      it("pays a design named twice once", async function () {
        const { garments, adminA, brandA, designId, carol } = await loadProceeds();
        const tx = garments.connect(adminA).withdrawProceeds(brandA, [designId, designId], carol.address);
        await expect(tx)
          .to.emit(garments, "ProceedsWithdrawn")
          .withArgs(brandA, carol.address, 2n * PRICE);
        await expect(tx).to.changeEtherBalances(ethers, [garments, carol], [-2n * PRICE, 2n * PRICE]);
      });

      it("pays out while the brand is paused (containment does not freeze funds)", async function () {
        const { garments, registry, adminA, brandA, designId } = await loadProceeds();
        await registry.connect(adminA).pauseBrand(brandA, "key compromise");
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [designId], adminA.address))
          .to.emit(garments, "ProceedsWithdrawn")
          .withArgs(brandA, adminA.address, 2n * PRICE);
      });
    });

    describe("when a named design is another brand's", function () {
      it("reverts with HallmarkDesignOfAnotherBrand and moves nothing", async function () {
        const { garments, adminA, brandA, designId, designB } = await loadProceeds();
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [designId, designB], adminA.address))
          .to.be.revertedWithCustomError(garments, "HallmarkDesignOfAnotherBrand")
          .withArgs(designB, brandA);
        expect(await garments.proceedsOf(designId)).to.equal(2n * PRICE);
        expect(await garments.proceedsOf(designB)).to.equal(PRICE);
      });

      it("reverts with HallmarkDesignOfAnotherBrand for the other brand's own admin too", async function () {
        const { garments, adminB, brandB, designId } = await loadProceeds();
        await expect(garments.connect(adminB).withdrawProceeds(brandB, [designId], adminB.address))
          .to.be.revertedWithCustomError(garments, "HallmarkDesignOfAnotherBrand")
          .withArgs(designId, brandB);
      });
    });

    describe("when a named design does not exist", function () {
      it("reverts with HallmarkUnknownDesign", async function () {
        const { garments, adminA, brandA } = await loadProceeds();
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [99n], adminA.address))
          .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
          .withArgs(99n);
      });
    });

    describe("when called by an issuer of the brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, issuerA, brandA, designId } = await loadProceeds();
        await expect(garments.connect(issuerA).withdrawProceeds(brandA, [designId], issuerA.address))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, issuerA.address);
      });
    });

    describe("when called by the admin of another brand", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, adminB, brandA, designId } = await loadProceeds();
        await expect(garments.connect(adminB).withdrawProceeds(brandA, [designId], adminB.address))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, adminB.address);
      });
    });

    describe("when called by the group admin", function () {
      it("reverts with HallmarkMissingBrandRole", async function () {
        const { garments, groupAdmin, brandA, designId } = await loadProceeds();
        await expect(garments.connect(groupAdmin).withdrawProceeds(brandA, [designId], groupAdmin.address))
          .to.be.revertedWithCustomError(garments, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.BRAND_ADMIN, groupAdmin.address);
      });
    });

    describe("when there is nothing to withdraw", function () {
      it("reverts with HallmarkWithdrawalFailed(brandId, 0)", async function () {
        const { garments, adminA, brandA, designId } = await load();
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [designId], adminA.address))
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 0n);
      });

      it("reverts with HallmarkWithdrawalFailed(brandId, 0) for an empty list of designs", async function () {
        const { garments, adminA, brandA } = await loadProceeds();
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [], adminA.address))
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 0n);
      });

      it("reverts with HallmarkWithdrawalFailed(brandId, 0) on a second withdrawal", async function () {
        const { garments, adminA, brandA, designId } = await loadProceeds();
        await garments.connect(adminA).withdrawProceeds(brandA, [designId], adminA.address);
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [designId], adminA.address))
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 0n);
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with HallmarkWithdrawalFailed and keeps the proceeds", async function () {
        const { garments, adminA, brandA, designId } = await loadProceeds();
        await expect(garments.connect(adminA).withdrawProceeds(brandA, [designId], ethers.ZeroAddress))
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 2n * PRICE);
        expect(await garments.proceedsOf(designId)).to.equal(2n * PRICE);
      });
    });

    describe("when the recipient refuses ether", function () {
      it("reverts with HallmarkWithdrawalFailed and keeps the proceeds", async function () {
        const { garments, adminA, brandA, designId } = await loadProceeds();
        const receiver = await ethers.deployContract("ERC1155ReceiverMock");
        await receiver.setRefuseEther(true);
        await expect(
          garments.connect(adminA).withdrawProceeds(brandA, [designId], await receiver.getAddress()),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 2n * PRICE);
        expect(await garments.proceedsOf(designId)).to.equal(2n * PRICE);
      });

      it("reverts with HallmarkWithdrawalFailed for a contract without receive()", async function () {
        const { garments, adminA, brandA, registry, designId } = await loadProceeds();
        await expect(
          garments.connect(adminA).withdrawProceeds(brandA, [designId], await registry.getAddress()),
        )
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 2n * PRICE);
      });
    });

    describe("when the recipient is a brand admin contract re-entering from receive()", function () {
      async function deployHostileAdmin() {
        const fx = await deployWithProceeds();
        const admin = await ethers.deployContract("ERC1155ReceiverMock");
        await fx.registry
          .connect(fx.groupAdmin)
          .grantBrandRole(fx.brandA, ROLE.BRAND_ADMIN, await admin.getAddress());
        return { ...fx, admin };
      }

      it("refuses the nested withdrawal with ReentrancyGuardReentrantCall and pays once", async function () {
        const { garments, brandA, designId, admin } = await networkHelpers.loadFixture(deployHostileAdmin);
        const adminAddress = await admin.getAddress();
        const call = garments.interface.encodeFunctionData("withdrawProceeds", [
          brandA,
          [designId],
          adminAddress,
        ]);
        await admin.arm(await garments.getAddress(), call);
        const tx = admin.execute(await garments.getAddress(), call);
        await expect(tx)
          .to.emit(garments, "ProceedsWithdrawn")
          .withArgs(brandA, adminAddress, 2n * PRICE);
        await expect(tx).to.changeEtherBalances(ethers, [garments, admin], [-2n * PRICE, 2n * PRICE]);
        expect(await admin.reentryAttempted()).to.equal(true);
        expect(await admin.reentrySucceeded()).to.equal(false);
        expect(await admin.reentryRevertData()).to.equal(
          garments.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
        );
        expect(await garments.proceedsOf(designId)).to.equal(0n);
      });

      it("has zeroed the proceeds before sending them (checks-effects-interactions)", async function () {
        const { garments, brandA, designId, admin } = await networkHelpers.loadFixture(deployHostileAdmin);
        const adminAddress = await admin.getAddress();
        await admin.arm(
          await garments.getAddress(),
          garments.interface.encodeFunctionData("proceedsOf", [designId]),
        );
        await admin.execute(
          await garments.getAddress(),
          garments.interface.encodeFunctionData("withdrawProceeds", [brandA, [designId], adminAddress]),
        );
        expect(await admin.reentrySucceeded()).to.equal(true);
        expect(await admin.reentryRevertData()).to.equal(word(0n));
      });

      it("reverts the whole withdrawal with HallmarkWithdrawalFailed when the receiver bubbles the refusal", async function () {
        const { garments, brandA, designId, admin } = await networkHelpers.loadFixture(deployHostileAdmin);
        const adminAddress = await admin.getAddress();
        const call = garments.interface.encodeFunctionData("withdrawProceeds", [
          brandA,
          [designId],
          adminAddress,
        ]);
        await admin.arm(await garments.getAddress(), call);
        await admin.setBubbleReentryFailure(true);
        await expect(admin.execute(await garments.getAddress(), call))
          .to.be.revertedWithCustomError(garments, "HallmarkWithdrawalFailed")
          .withArgs(brandA, 2n * PRICE);
        expect(await garments.proceedsOf(designId)).to.equal(2n * PRICE);
      });
    });
  });

  describe("proceedsOf", function () {
    it("keeps a design's proceeds beside its minted count without touching the design's other fields", async function () {
      const { garments, issuerA, brandA, alice, bob } = await load();
      const closesAt = 2n ** 40n - 1n;
      await garments.connect(issuerA).createDesign(
        brandA,
        designInput({
          maxSupply: 7n,
          closesAt,
          royaltyReceiver: bob.address,
          royaltyBps: 10_000n,
          redeemable: true,
        }),
      );
      const designId = await garments.designCount();
      const voucher = voucherFor(designId, { buyer: alice.address, amount: 3n, price: PRICE });
      await redeem(
        garments.connect(alice),
        voucher,
        issuerA.address,
        await signVoucher(issuerA, garments, voucher),
      );
      await garments.connect(alice).redeemForPhysical(designId, 2n, id("request"));
      const d = await garments.design(designId);
      expect([d.brandId, d.maxSupply, d.minted, d.burned, d.closesAt]).to.deep.equal([
        brandA,
        7n,
        3n,
        2n,
        closesAt,
      ]);
      expect([d.locked, d.redeemable, d.royaltyReceiver, d.royaltyBps]).to.deep.equal([
        false,
        true,
        bob.address,
        10_000n,
      ]);
      expect(await garments.proceedsOf(designId)).to.equal(PRICE);
    });

    it("is zero for a design without sales", async function () {
      const { garments, designB } = await load();
      expect(await garments.proceedsOf(designB)).to.equal(0n);
    });

    it("reverts with HallmarkUnknownDesign for a design that does not exist", async function () {
      const { garments } = await load();
      await expect(garments.proceedsOf(99n))
        .to.be.revertedWithCustomError(garments, "HallmarkUnknownDesign")
        .withArgs(99n);
    });
  });
});
