import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { passkeyAccountInterface } from "../../../server/chain/passkey/user-operation.js";
import { designInput, ethers, item, networkHelpers, tokenIdOf } from "../fixtures.js";
import { deployWithPasskeyOwner, GAS, handleOps, LIMITS, signedOperation, SoftPasskey } from "./fixtures.js";

const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);
const time = networkHelpers.time;

describe("HallmarkPaymaster", function () {
  async function stack() {
    const fx = await deployWithPasskeyOwner();
    const certificate = await fx.certificate.getAddress();
    const transfer = (to: string, tokenId = fx.tokenId) => ({
      target: certificate,
      value: 0n,
      data: fx.certificate.interface.encodeFunctionData("transferFrom", [fx.sellerAccount, to, tokenId]),
    });
    const setClaimKey = (tokenId = fx.tokenId) => ({
      target: certificate,
      value: 0n,
      data: fx.certificate.interface.encodeFunctionData("setClaimKey", [tokenId, ethersLib.ZeroAddress]),
    });
    const refused = (errorName: string, args: unknown[]) =>
      fx.paymaster.interface.encodeErrorResult(errorName, args);
    return { ...fx, transfer, setClaimKey, refused };
  }

  describe("validatePaymasterUserOp", function () {
    it("sponsors a certificate call of a passkey account and counts it for the account and the brand", async function () {
      const fx = await loadFixture(stack);
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.emit(fx.entryPoint, "UserOperationEvent")
        .withArgs(anyValue, fx.sellerAccount, await fx.paymaster.getAddress(), 0n, true, anyValue, anyValue);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(1n);
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(1n);
      expect(await ethers.provider.getBalance(fx.sellerAccount)).to.equal(0n);
    });

    it("sponsors a zero-fee operation (the verifier's default): the deposit does not move, the relayer is paid nothing, the operation still counts", async function () {
      const fx = await loadFixture(stack);
      const paymaster = await fx.paymaster.getAddress();
      const deposit = await fx.entryPoint.balanceOf(paymaster);
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true, fees: "none" });
      const relayerBefore = await ethers.provider.getBalance(fx.relayer.address);
      const receipt = await (await handleOps(fx, fx.relayer, [op])).wait();
      await expect(receipt)
        .to.emit(fx.entryPoint, "UserOperationEvent")
        .withArgs(anyValue, fx.sellerAccount, paymaster, 0n, true, 0n, anyValue);
      expect(await fx.entryPoint.balanceOf(paymaster)).to.equal(deposit);
      // The relayer spent the transaction's gas and got nothing back: what a zero-fee loop would cost it.
      const spent = receipt!.gasUsed * receipt!.gasPrice;
      expect(await ethers.provider.getBalance(fx.relayer.address)).to.equal(relayerBefore - spent);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(1n);
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(1n);
    });

    it("stops a loop of zero-fee operations at the account's daily limit: the relayer's balance is not drained either", async function () {
      const fx = await loadFixture(stack);
      await time.increaseTo((BigInt(await time.latest()) / 86_400n + 1n) * 86_400n + 60n);
      for (let i = 0; i < Number(LIMITS.opsPerAccountPerDay); i++) {
        const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], {
          deploy: i === 0,
          fees: "none",
        });
        await handleOps(fx, fx.relayer, [op]);
      }
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { fees: "none" });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(
          0n,
          "AA33 reverted",
          fx.refused("HallmarkAccountDailyLimit", [fx.sellerAccount, LIMITS.opsPerAccountPerDay]),
        );
    });

    it("applies each brand's own limits once set, the default to the others, and keeps the day's count across a change", async function () {
      const fx = await loadFixture(stack);
      expect(await fx.paymaster.defaultLimits()).to.deep.equal(Object.values(LIMITS));
      const first = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true, fees: "none" });
      await handleOps(fx, fx.relayer, [first.op]);
      await fx.paymaster.connect(fx.groupAdmin).setLimits(fx.brandA, { ...LIMITS, opsPerBrandPerDay: 1n });
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(1n);
      expect((await fx.paymaster.limits(fx.brandA)).opsPerBrandPerDay).to.equal(1n);
      expect(await fx.paymaster.limits(fx.brandB)).to.deep.equal(Object.values(LIMITS));
      expect(await fx.paymaster.limits(0n)).to.deep.equal(Object.values(LIMITS));
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { fees: "none" });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkBrandDailyLimit", [fx.brandA, 1n]));
    });

    it("refuses a call to a contract other than Hallmark's", async function () {
      const fx = await loadFixture(stack);
      const registry = await fx.registry.getAddress();
      const data = fx.registry.interface.encodeFunctionData("renounceRole", [
        ethersLib.ZeroHash,
        fx.sellerAccount,
      ]);
      const { op } = await signedOperation(fx, fx.seller, [{ target: registry, value: 0n, data }], {
        deploy: true,
      });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkCallNotSponsored", [registry, data.slice(0, 10)]));
    });

    it("refuses a function of Hallmark's contracts that is not listed (approve, a brand's role)", async function () {
      const fx = await loadFixture(stack);
      const certificate = await fx.certificate.getAddress();
      const garments = await fx.garments.getAddress();
      for (const [target, data] of [
        [
          certificate,
          fx.certificate.interface.encodeFunctionData("setApprovalForAll", [fx.mallory.address, true]),
        ],
        [garments, fx.garments.interface.encodeFunctionData("setApprovalForAll", [fx.mallory.address, true])],
        [certificate, "0x"],
        [fx.sellerAccount, passkeyAccountInterface.encodeFunctionData("execute", [ethersLib.ZeroHash, "0x"])],
      ] as const) {
        const { op } = await signedOperation(fx, fx.seller, [{ target, value: 0n, data }], { deploy: true });
        const selector = data === "0x" ? "0x00000000" : data.slice(0, 10);
        await expect(handleOps(fx, fx.relayer, [op]))
          .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
          .withArgs(0n, "AA33 reverted", fx.refused("HallmarkCallNotSponsored", [target, selector]));
      }
    });

    it("refuses a call carrying value", async function () {
      const fx = await loadFixture(stack);
      const call = { ...fx.setClaimKey(), value: 1n };
      const { op } = await signedOperation(fx, fx.seller, [call], { deploy: true });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkValueNotSponsored", [call.target, 1n]));
    });

    it("refuses call data other than an ERC-7821 batch, and an empty batch", async function () {
      const fx = await loadFixture(stack);
      const direct = passkeyAccountInterface.encodeFunctionData("cancelRecovery");
      const single = passkeyAccountInterface.encodeFunctionData("execute", [
        ethersLib.ZeroHash,
        ethersLib.AbiCoder.defaultAbiCoder().encode(
          ["address", "uint256", "bytes"],
          [fx.sellerAccount, 0, "0x"],
        ),
      ]);
      for (const [callData, selector] of [
        [direct, direct.slice(0, 10)],
        ["0x", "0x00000000"],
        [single, single.slice(0, 10)],
        [undefined, passkeyAccountInterface.getFunction("execute")!.selector],
      ] as const) {
        const { op } = await signedOperation(fx, fx.seller, [], { deploy: true, callData });
        await expect(handleOps(fx, fx.relayer, [op]))
          .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
          .withArgs(0n, "AA33 reverted", fx.refused("HallmarkUnsupportedOperation", [selector]));
      }
    });

    it("refuses a sender that is not a passkey account of Hallmark's factory", async function () {
      const fx = await loadFixture(stack);
      const otherFactory = await ethers.deployContract("HallmarkPasskeyAccountFactory", [
        await fx.entryPoint.getAddress(),
      ]);
      const impostor = { ...fx, factory: otherFactory };
      const sender = await otherFactory.accountAddress(fx.seller.qx, fx.seller.qy);
      const { op } = await signedOperation(impostor, fx.seller, [fx.setClaimKey()], { deploy: true });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkNotPasskeyAccount", [sender]));
    });

    it("refuses an operation whose gas limits could cost more than the cap", async function () {
      const fx = await loadFixture(stack);
      await fx.paymaster.connect(fx.groupAdmin).setLimits(fx.brandA, { ...LIMITS, maxCostPerOp: 1000n });
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true });
      const maxCost =
        (GAS.verification + GAS.call + GAS.paymasterVerification + GAS.preVerification) * GAS.maxFee;
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkOperationTooCostly", [maxCost, 1000n]));
    });

    it("refuses calls about two brands' pieces in one operation", async function () {
      const fx = await loadFixture(stack);
      const input = item("B-PK-0001");
      await fx.certificate.connect(fx.issuerB).issue(fx.brandB, fx.sellerAccount, input);
      const tokenB = tokenIdOf(fx.brandB, input.serialHash);
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey(), fx.setClaimKey(tokenB)], {
        deploy: true,
      });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkMixedBrands", [fx.brandA, fx.brandB]));
    });

    it("stops an account at its daily limit, and sponsors it again the next day", async function () {
      const fx = await loadFixture(stack);
      await time.increaseTo((BigInt(await time.latest()) / 86_400n + 1n) * 86_400n + 60n);
      for (let i = 0n; i < LIMITS.opsPerAccountPerDay; i++) {
        const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: i === 0n });
        await handleOps(fx, fx.relayer, [op]);
      }
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()]);
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(
          0n,
          "AA33 reverted",
          fx.refused("HallmarkAccountDailyLimit", [fx.sellerAccount, LIMITS.opsPerAccountPerDay]),
        );
      await time.increase(86_400n);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(0n);
      await handleOps(fx, fx.relayer, [op]);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(1n);
    });

    it("counts an account's operations by its EntryPoint nonce, so it refuses any nonce key but 0", async function () {
      const fx = await loadFixture(stack);
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true, nonceKey: 1n });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkNonceKeyNotSponsored", [1n]));
    });

    it("sponsors no account at all under a daily limit of 0", async function () {
      const fx = await loadFixture(stack);
      await fx.paymaster.connect(fx.groupAdmin).setLimits(fx.brandA, { ...LIMITS, opsPerAccountPerDay: 0n });
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkAccountDailyLimit", [fx.sellerAccount, 0n]));
    });

    it("stops a brand at its daily limit: many accounts in a loop cannot drain the deposit", async function () {
      const fx = await loadFixture(stack);
      await fx.paymaster
        .connect(fx.groupAdmin)
        .setLimits(fx.brandA, { ...LIMITS, opsPerBrandPerDay: 3n, opsPerAccountPerDay: 100n });
      await time.increaseTo((BigInt(await time.latest()) / 86_400n + 1n) * 86_400n + 60n);
      const deposit = await fx.entryPoint.balanceOf(await fx.paymaster.getAddress());
      let refusedAt = -1;
      for (let i = 0; i < 6; i++) {
        const key = new SoftPasskey(`sybil ${i}`);
        const call = fx.setClaimKey();
        const { op } = await signedOperation(fx, key, [call], { deploy: true });
        try {
          await handleOps(fx, fx.relayer, [op]);
        } catch (error) {
          const limit = fx.refused("HallmarkBrandDailyLimit", [fx.brandA, 3n]);
          expect(String(error)).to.contain(`FailedOpWithRevert(0, "AA33 reverted", "${limit}")`);
          refusedAt = i;
          break;
        }
      }
      expect(refusedAt).to.equal(3);
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(3n);
      const spent = deposit - (await fx.entryPoint.balanceOf(await fx.paymaster.getAddress()));
      expect(spent).to.be.lessThanOrEqual(3n * LIMITS.maxCostPerOp);
    });

    it("sponsors a brand again the next day: the day's count replaces the last day's", async function () {
      const fx = await loadFixture(stack);
      await fx.paymaster
        .connect(fx.groupAdmin)
        .setLimits(fx.brandA, { ...LIMITS, opsPerBrandPerDay: 1n, opsPerAccountPerDay: 100n });
      await time.increaseTo((BigInt(await time.latest()) / 86_400n + 1n) * 86_400n + 60n);
      const first = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true });
      await handleOps(fx, fx.relayer, [first.op]);
      const { op } = await signedOperation(fx, fx.seller, [fx.setClaimKey()]);
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOpWithRevert")
        .withArgs(0n, "AA33 reverted", fx.refused("HallmarkBrandDailyLimit", [fx.brandA, 1n]));
      await time.increase(86_400n);
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(0n);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(0n);
      await handleOps(fx, fx.relayer, [op]);
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(1n);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(1n);
    });

    it("counts account upkeep (cancelling a recovery, adding a passkey) under brand 0", async function () {
      const fx = await loadFixture(stack);
      const second = new SoftPasskey("second");
      const { op } = await signedOperation(
        fx,
        fx.seller,
        [
          {
            target: fx.sellerAccount,
            value: 0n,
            data: passkeyAccountInterface.encodeFunctionData("addPasskey", [second.qx, second.qy]),
          },
        ],
        { deploy: true },
      );
      await handleOps(fx, fx.relayer, [op]);
      expect(await fx.paymaster.brandOpsToday(0n)).to.equal(1n);
    });

    it("sponsors garment transfers and twin claims, counted for the design's brand", async function () {
      const fx = await loadFixture(stack);
      await fx.garments.connect(fx.issuerA).createDesign(fx.brandA, designInput());
      await fx.garments.connect(fx.issuerA).mintEditions(1n, [fx.sellerAccount], [1n]);
      const garments = await fx.garments.getAddress();
      const transfer = {
        target: garments,
        value: 0n,
        data: fx.garments.interface.encodeFunctionData("safeTransferFrom", [
          fx.sellerAccount,
          fx.buyerAccount,
          1n,
          1n,
          "0x",
        ]),
      };
      const claimTwin = {
        target: garments,
        value: 0n,
        data: fx.garments.interface.encodeFunctionData("claimTwin", [1n, fx.tokenId, 0n, []]),
      };
      const { op } = await signedOperation(fx, fx.seller, [transfer], { deploy: true });
      await handleOps(fx, fx.relayer, [op]);
      expect(await fx.garments.balanceOf(fx.buyerAccount, 1n)).to.equal(1n);
      // The twin claim fails in execution (the design is not a twin), after validation counted it for brand A
      // and, by the nonce the EntryPoint used up, for the account.
      const twin = await signedOperation(fx, fx.seller, [claimTwin]);
      await expect(handleOps(fx, fx.relayer, [twin.op])).to.emit(fx.entryPoint, "UserOperationRevertReason");
      expect(await fx.paymaster.brandOpsToday(fx.brandA)).to.equal(2n);
      expect(await fx.paymaster.accountOpsToday(fx.sellerAccount)).to.equal(2n);
    });

    it("can only be called by the EntryPoint", async function () {
      const fx = await loadFixture(stack);
      const { op, hash } = await signedOperation(fx, fx.seller, [fx.setClaimKey()], { deploy: true });
      await expect(fx.paymaster.connect(fx.mallory).validatePaymasterUserOp(op, hash, 0n))
        .to.be.revertedWithCustomError(fx.paymaster, "PaymasterUnauthorized")
        .withArgs(fx.mallory.address);
    });
  });

  describe("setLimits, withdraw", function () {
    it("belong to the group admin", async function () {
      const fx = await loadFixture(stack);
      await expect(fx.paymaster.connect(fx.adminA).setLimits(fx.brandA, LIMITS))
        .to.be.revertedWithCustomError(fx.paymaster, "HallmarkNotGroupAdmin")
        .withArgs(fx.adminA.address);
      await expect(fx.paymaster.connect(fx.adminA).withdraw(fx.adminA.address, 1n))
        .to.be.revertedWithCustomError(fx.paymaster, "HallmarkNotGroupAdmin")
        .withArgs(fx.adminA.address);
      await expect(
        fx.paymaster.connect(fx.groupAdmin).setLimits(fx.brandA, { ...LIMITS, opsPerBrandPerDay: 7n }),
      )
        .to.emit(fx.paymaster, "LimitsSet")
        .withArgs(fx.brandA, LIMITS.opsPerAccountPerDay, 7n, LIMITS.maxCostPerOp);
      expect((await fx.paymaster.limits(fx.brandA)).opsPerBrandPerDay).to.equal(7n);
      const amount = ethersLib.parseEther("1");
      await expect(
        fx.paymaster.connect(fx.groupAdmin).withdraw(fx.carol.address, amount),
      ).to.changeEtherBalance(ethers, fx.carol, amount);
    });
  });
});
