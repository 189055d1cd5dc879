import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import {
  batchCallData,
  passkeyAccountInterface,
  userOperationHash,
} from "../../../server/chain/passkey/user-operation.js";
import { Status, ethers, networkHelpers } from "../fixtures.js";
import {
  deployPasskeyStack,
  deployWithPasskeyOwner,
  handleOps,
  signedOperation,
  SoftPasskey,
  type PasskeyStack,
} from "./fixtures.js";

const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);
const time = networkHelpers.time;
const DAY = 24n * 3600n;

async function transferCall(fx: PasskeyStack & { tokenId: bigint }, from: string, to: string) {
  return {
    target: await fx.certificate.getAddress(),
    value: 0n,
    data: fx.certificate.interface.encodeFunctionData("transferFrom", [from, to, fx.tokenId]),
  };
}

function selfCall(account: string, _fx: PasskeyStack, fn: string, args: unknown[]) {
  return { target: account, value: 0n, data: passkeyAccountInterface.encodeFunctionData(fn, args) };
}

/** deployWithPasskeyOwner with the seller's account deployed by its first (sponsored) operation. */
async function deployedSeller() {
  const fx = await deployWithPasskeyOwner();
  const { op } = await signedOperation(
    fx,
    fx.seller,
    [selfCall(fx.sellerAccount, fx, "setRecovery", [fx.adminA.address, 3n * DAY])],
    { deploy: true },
  );
  await handleOps(fx, fx.relayer, [op]);
  const account = await ethers.getContractAt("HallmarkPasskeyAccount", fx.sellerAccount);
  return { ...fx, account };
}

describe("HallmarkPasskeyAccountFactory", function () {
  describe("accountAddress", function () {
    it("is where createAccount deploys the account, known before it exists", async function () {
      const fx = await loadFixture(deployPasskeyStack);
      expect(await ethers.provider.getCode(fx.sellerAccount)).to.equal("0x");
      await expect(fx.factory.createAccount(fx.seller.qx, fx.seller.qy))
        .to.emit(fx.factory, "AccountCreated")
        .withArgs(fx.sellerAccount, fx.seller.qx, fx.seller.qy);
      const account = await ethers.getContractAt("HallmarkPasskeyAccount", fx.sellerAccount);
      expect(await account.isPasskey(fx.seller.qx, fx.seller.qy)).to.equal(true);
      expect(ethersLib.keccak256(await ethers.provider.getCode(fx.sellerAccount))).to.equal(
        await fx.factory.accountCodeHash(),
      );
    });

    it("differs per passkey", async function () {
      const fx = await loadFixture(deployPasskeyStack);
      expect(fx.sellerAccount).to.not.equal(fx.buyerAccount);
    });
  });

  describe("createAccount", function () {
    it("returns the existing account without redeploying it", async function () {
      const fx = await loadFixture(deployPasskeyStack);
      await fx.factory.createAccount(fx.seller.qx, fx.seller.qy);
      await expect(fx.factory.createAccount(fx.seller.qx, fx.seller.qy)).to.not.emit(
        fx.factory,
        "AccountCreated",
      );
      expect(await fx.factory.createAccount.staticCall(fx.seller.qx, fx.seller.qy)).to.equal(
        fx.sellerAccount,
      );
    });

    it("reverts for a point that is not on the P-256 curve", async function () {
      const fx = await loadFixture(deployPasskeyStack);
      const account = await ethers.getContractAt("HallmarkPasskeyAccount", await fx.factory.implementation());
      await expect(fx.factory.createAccount(ethersLib.toBeHex(1, 32), ethersLib.toBeHex(2, 32)))
        .to.be.revertedWithCustomError(account, "HallmarkInvalidPasskey")
        .withArgs(ethersLib.toBeHex(1, 32), ethersLib.toBeHex(2, 32));
    });
  });

  describe("initialize", function () {
    it("cannot be called again on a deployed account, nor on the implementation", async function () {
      const fx = await loadFixture(deployPasskeyStack);
      await fx.factory.createAccount(fx.seller.qx, fx.seller.qy);
      const account = await ethers.getContractAt("HallmarkPasskeyAccount", fx.sellerAccount);
      const implementation = await ethers.getContractAt(
        "HallmarkPasskeyAccount",
        await fx.factory.implementation(),
      );
      const mallory = new SoftPasskey("mallory");
      await expect(account.initialize(mallory.qx, mallory.qy)).to.be.revertedWithCustomError(
        account,
        "InvalidInitialization",
      );
      await expect(implementation.initialize(mallory.qx, mallory.qy)).to.be.revertedWithCustomError(
        implementation,
        "InvalidInitialization",
      );
    });
  });
});

describe("HallmarkPasskeyAccount", function () {
  describe("first operation", function () {
    it("deploys the account and transfers the certificate it received before it existed", async function () {
      const fx = await loadFixture(deployWithPasskeyOwner);
      const { op } = await signedOperation(
        fx,
        fx.seller,
        [await transferCall(fx, fx.sellerAccount, fx.buyerAccount)],
        { deploy: true },
      );
      await expect(handleOps(fx, fx.relayer, [op])).to.emit(fx.factory, "AccountCreated");
      expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.buyerAccount);
    });
  });

  describe("validateUserOp", function () {
    it("hashes an operation as the EntryPoint does (chain id and EntryPoint included)", async function () {
      const fx = await loadFixture(deployWithPasskeyOwner);
      const { op, hash } = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      const { chainId } = await ethers.provider.getNetwork();
      expect(userOperationHash(op, await fx.entryPoint.getAddress(), chainId)).to.equal(hash);
    });

    it("refuses the same operation a second time (nonce)", async function () {
      const fx = await loadFixture(deployedSeller);
      const { op } = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      await handleOps(fx, fx.relayer, [op]);
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
        .withArgs(0n, "AA25 invalid account nonce");
    });

    it("refuses an operation signed for another chain", async function () {
      const fx = await loadFixture(deployedSeller);
      const unsigned = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      const otherChainHash = userOperationHash(unsigned.op, await fx.entryPoint.getAddress(), 10n);
      const { op } = await signedOperation(
        fx,
        fx.seller,
        [await transferCall(fx, fx.sellerAccount, fx.buyerAccount)],
        { signHash: otherChainHash },
      );
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
        .withArgs(0n, "AA24 signature error");
    });

    it("refuses an operation signed for another EntryPoint, and the other EntryPoint cannot drive it", async function () {
      const fx = await loadFixture(deployedSeller);
      const otherEntryPoint = await ethers.deployContract("EntryPoint");
      const call = await transferCall(fx, fx.sellerAccount, fx.buyerAccount);
      const unsigned = await signedOperation(fx, fx.seller, [call]);
      const otherHash = userOperationHash(unsigned.op, await otherEntryPoint.getAddress(), 31337n);
      const { op } = await signedOperation(fx, fx.seller, [call], { signHash: otherHash });
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
        .withArgs(0n, "AA24 signature error");
      const unsponsored = await signedOperation({ ...fx, entryPoint: otherEntryPoint }, fx.seller, [call], {
        paymaster: null,
      });
      await expect(handleOps({ entryPoint: otherEntryPoint }, fx.relayer, [unsponsored.op]))
        .to.be.revertedWithCustomError(otherEntryPoint, "FailedOpWithRevert")
        .withArgs(
          0n,
          "AA23 reverted",
          fx.account.interface.encodeErrorResult("AccountUnauthorized", [await otherEntryPoint.getAddress()]),
        );
    });

    for (const [title, assertion] of [
      ["without user verification (UV flag unset)", { flags: 0x01 }],
      ["with a high-s signature", { highS: true }],
      ["made for registration (webauthn.create)", { type: "webauthn.create" }],
    ] as const) {
      it(`refuses an assertion ${title}`, async function () {
        const fx = await loadFixture(deployedSeller);
        const call = await transferCall(fx, fx.sellerAccount, fx.buyerAccount);
        const { op } = await signedOperation(fx, fx.seller, [call], { assertion });
        await expect(handleOps(fx, fx.relayer, [op]))
          .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
          .withArgs(0n, "AA24 signature error");
        // The same operation, properly signed, goes through: the refusal was the assertion's.
        const good = await signedOperation(fx, fx.seller, [call]);
        await handleOps(fx, fx.relayer, [good.op]);
        expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.buyerAccount);
      });
    }

    it("refuses a signature by a passkey that is not the account's", async function () {
      const fx = await loadFixture(deployedSeller);
      const { op } = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      op.signature = fx.buyer.sign(await fx.entryPoint.getUserOpHash(op));
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
        .withArgs(0n, "AA24 signature error");
    });

    it("refuses a signature too short to name a passkey, or not a WebAuthn assertion", async function () {
      const fx = await loadFixture(deployedSeller);
      for (const signature of ["0x1234", ethersLib.concat([fx.seller.qx, fx.seller.qy, "0x1234"])]) {
        const { op } = await signedOperation(fx, fx.seller, [
          await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
        ]);
        op.signature = signature;
        await expect(handleOps(fx, fx.relayer, [op]))
          .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
          .withArgs(0n, "AA24 signature error");
      }
    });
  });

  describe("execute (ERC-7821)", function () {
    it("reverts for a caller other than the EntryPoint or the account", async function () {
      const fx = await loadFixture(deployedSeller);
      const data = batchCallData([await transferCall(fx, fx.sellerAccount, fx.alice.address)]);
      const [mode, executionData] = fx.account.interface.decodeFunctionData("execute", data) as unknown as [
        string,
        string,
      ];
      await expect(fx.account.connect(fx.mallory).execute(mode, executionData))
        .to.be.revertedWithCustomError(fx.account, "AccountUnauthorized")
        .withArgs(fx.mallory.address);
    });

    it("reverts for an unsupported execution mode", async function () {
      const fx = await loadFixture(deployedSeller);
      const entryPoint = await ethers.getImpersonatedSigner(await fx.entryPoint.getAddress());
      await networkHelpers.setBalance(entryPoint.address, ethersLib.parseEther("1"));
      await expect(
        fx.account.connect(entryPoint).execute(ethersLib.ZeroHash, "0x"),
      ).to.be.revertedWithCustomError(fx.account, "UnsupportedExecutionMode");
    });

    it("runs a batch of several calls in one operation", async function () {
      const fx = await loadFixture(deployedSeller);
      const second = new SoftPasskey("seller's second phone");
      const { op } = await signedOperation(fx, fx.seller, [
        selfCall(fx.sellerAccount, fx, "addPasskey", [second.qx, second.qy]),
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      await handleOps(fx, fx.relayer, [op]);
      expect(await fx.account.passkeyCount()).to.equal(2n);
      expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.buyerAccount);
    });
  });

  describe("passkeys", function () {
    it("a second passkey added by the first signs for the account", async function () {
      const fx = await loadFixture(deployedSeller);
      const second = new SoftPasskey("seller's second phone");
      const add = await signedOperation(fx, fx.seller, [
        selfCall(fx.sellerAccount, fx, "addPasskey", [second.qx, second.qy]),
      ]);
      await expect(handleOps(fx, fx.relayer, [add.op])).to.emit(fx.account, "PasskeyAdded");
      const { op } = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      op.signature = second.sign(await fx.entryPoint.getUserOpHash(op));
      await handleOps(fx, fx.relayer, [op]);
      expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.buyerAccount);
    });

    it("a removed passkey no longer signs; the last one cannot be removed", async function () {
      const fx = await loadFixture(deployedSeller);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      const second = new SoftPasskey("second");
      await fx.account.connect(self).addPasskey(second.qx, second.qy);
      await expect(fx.account.connect(self).addPasskey(second.qx, second.qy))
        .to.be.revertedWithCustomError(fx.account, "HallmarkPasskeyExists")
        .withArgs(second.qx, second.qy);
      await expect(fx.account.connect(self).removePasskey(second.qx, second.qy)).to.emit(
        fx.account,
        "PasskeyRemoved",
      );
      expect(await fx.account.isPasskey(second.qx, second.qy)).to.equal(false);
      await expect(
        fx.account.connect(self).removePasskey(second.qx, second.qy),
      ).to.be.revertedWithCustomError(fx.account, "HallmarkLastPasskey");
      await fx.account.connect(self).addPasskey(second.qx, second.qy);
      const third = new SoftPasskey("third");
      await expect(fx.account.connect(self).removePasskey(third.qx, third.qy))
        .to.be.revertedWithCustomError(fx.account, "HallmarkUnknownPasskey")
        .withArgs(third.qx, third.qy);
    });

    it("holds at most MAX_PASSKEYS", async function () {
      const fx = await loadFixture(deployedSeller);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      const max = await fx.account.MAX_PASSKEYS();
      for (let i = 1n; i < max; i++) {
        const key = new SoftPasskey(`device ${i}`);
        await fx.account.connect(self).addPasskey(key.qx, key.qy);
      }
      const extra = new SoftPasskey("one too many");
      await expect(fx.account.connect(self).addPasskey(extra.qx, extra.qy))
        .to.be.revertedWithCustomError(fx.account, "HallmarkTooManyPasskeys")
        .withArgs(max);
    });

    it("cannot be changed by anyone but the account", async function () {
      const fx = await loadFixture(deployedSeller);
      const key = new SoftPasskey("mallory");
      await expect(fx.account.connect(fx.mallory).addPasskey(key.qx, key.qy))
        .to.be.revertedWithCustomError(fx.account, "AccountUnauthorized")
        .withArgs(fx.mallory.address);
      await expect(fx.account.connect(fx.adminA).cancelRecovery())
        .to.be.revertedWithCustomError(fx.account, "AccountUnauthorized")
        .withArgs(fx.adminA.address);
    });
  });

  describe("recovery", function () {
    const newPhone = new SoftPasskey("new phone after losing every device");

    it("is set up by the owner with at least the minimum delay", async function () {
      const fx = await loadFixture(deployedSeller);
      expect(await fx.account.recovery()).to.deep.equal([fx.adminA.address, 3n * DAY]);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      await expect(fx.account.connect(self).setRecovery(fx.carol.address, 3600n))
        .to.be.revertedWithCustomError(fx.account, "HallmarkRecoveryDelayTooShort")
        .withArgs(3600n, 2n * DAY);
      await expect(fx.account.connect(self).setRecovery(ethersLib.ZeroAddress, 0n))
        .to.emit(fx.account, "RecoverySet")
        .withArgs(ethersLib.ZeroAddress, 0n);
      await expect(fx.account.connect(fx.adminA).startRecovery(newPhone.qx, newPhone.qy))
        .to.be.revertedWithCustomError(fx.account, "HallmarkNotRecoverer")
        .withArgs(fx.adminA.address);
    });

    it("replaces every passkey after the delay: the old one stops signing, the new one signs", async function () {
      const fx = await loadFixture(deployedSeller);
      await expect(fx.account.connect(fx.mallory).startRecovery(newPhone.qx, newPhone.qy))
        .to.be.revertedWithCustomError(fx.account, "HallmarkNotRecoverer")
        .withArgs(fx.mallory.address);
      await expect(fx.account.completeRecovery()).to.be.revertedWithCustomError(
        fx.account,
        "HallmarkNoPendingRecovery",
      );
      await fx.account.connect(fx.adminA).startRecovery(newPhone.qx, newPhone.qy);
      const [, , readyAt] = await fx.account.pendingRecovery();
      await expect(fx.account.completeRecovery())
        .to.be.revertedWithCustomError(fx.account, "HallmarkRecoveryNotReady")
        .withArgs(readyAt);
      await time.increaseTo(readyAt);
      await expect(fx.account.connect(fx.mallory).completeRecovery())
        .to.emit(fx.account, "RecoveryCompleted")
        .withArgs(newPhone.qx, newPhone.qy);
      expect(await fx.account.isPasskey(fx.seller.qx, fx.seller.qy)).to.equal(false);
      expect(await fx.account.passkeyCount()).to.equal(1n);

      const call = await transferCall(fx, fx.sellerAccount, fx.buyerAccount);
      const stale = await signedOperation(fx, fx.seller, [call]);
      await expect(handleOps(fx, fx.relayer, [stale.op]))
        .to.be.revertedWithCustomError(fx.entryPoint, "FailedOp")
        .withArgs(0n, "AA24 signature error");
      stale.op.signature = newPhone.sign(stale.hash);
      await handleOps(fx, fx.relayer, [stale.op]);
      expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.buyerAccount);
    });

    it("is cancelled by the owner's passkey in a sponsored operation, and cannot then complete", async function () {
      const fx = await loadFixture(deployedSeller);
      await fx.account.connect(fx.adminA).startRecovery(newPhone.qx, newPhone.qy);
      const { op } = await signedOperation(fx, fx.seller, [
        selfCall(fx.sellerAccount, fx, "cancelRecovery", []),
      ]);
      await expect(handleOps(fx, fx.relayer, [op]))
        .to.emit(fx.account, "RecoveryCancelled")
        .withArgs(newPhone.qx, newPhone.qy);
      await time.increase(3n * DAY);
      await expect(fx.account.completeRecovery()).to.be.revertedWithCustomError(
        fx.account,
        "HallmarkNoPendingRecovery",
      );
      expect(await fx.account.isPasskey(fx.seller.qx, fx.seller.qy)).to.equal(true);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      await expect(fx.account.connect(self).cancelRecovery()).to.be.revertedWithCustomError(
        fx.account,
        "HallmarkNoPendingRecovery",
      );
    });

    it("a new recoverer, or a restart, drops the pending recovery", async function () {
      const fx = await loadFixture(deployedSeller);
      const other = new SoftPasskey("other");
      await fx.account.connect(fx.adminA).startRecovery(newPhone.qx, newPhone.qy);
      await expect(fx.account.connect(fx.adminA).startRecovery(other.qx, other.qy))
        .to.emit(fx.account, "RecoveryCancelled")
        .withArgs(newPhone.qx, newPhone.qy);
      const self = await ethers.getImpersonatedSigner(fx.sellerAccount);
      await networkHelpers.setBalance(fx.sellerAccount, ethersLib.parseEther("1"));
      await expect(fx.account.connect(self).setRecovery(fx.carol.address, 2n * DAY))
        .to.emit(fx.account, "RecoveryCancelled")
        .withArgs(other.qx, other.qy);
      expect(await fx.account.pendingRecovery()).to.deep.equal([ethersLib.ZeroHash, ethersLib.ZeroHash, 0n]);
    });
  });

  describe("supportsInterface", function () {
    it("announces ERC-165, EIP-1271, ERC-721 and ERC-1155 receiving, and its own interface", async function () {
      const fx = await loadFixture(deployedSeller);
      for (const id of ["0x01ffc9a7", "0x1626ba7e", "0x4e2312e0"]) {
        expect(await fx.account.supportsInterface(id)).to.equal(true, id);
      }
      const iface = fx.account.interface;
      const own = [
        "addPasskey",
        "removePasskey",
        "setRecovery",
        "startRecovery",
        "cancelRecovery",
        "completeRecovery",
        "isPasskey",
        "passkeyCount",
        "recovery",
        "pendingRecovery",
      ]
        .map((name) => BigInt(iface.getFunction(name as "addPasskey").selector))
        .reduce((a, b) => a ^ b, 0n);
      expect(await fx.account.supportsInterface(ethersLib.toBeHex(own, 4))).to.equal(true);
      expect(await fx.account.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("stolen and revoked certificates", function () {
    it("a passkey owner reports stolen in a sponsored operation; the certificate then does not move", async function () {
      const fx = await loadFixture(deployedSeller);
      const report = await signedOperation(fx, fx.seller, [
        {
          target: await fx.certificate.getAddress(),
          value: 0n,
          data: fx.certificate.interface.encodeFunctionData("reportStolen", [fx.tokenId, "phone thief"]),
        },
      ]);
      await handleOps(fx, fx.relayer, [report.op]);
      expect(await fx.certificate.statusOf(fx.tokenId)).to.equal(Status.Stolen);
      const move = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      const reason = fx.certificate.interface.encodeErrorResult("HallmarkCertificateLocked", [
        fx.tokenId,
        Status.Stolen,
      ]);
      await expect(handleOps(fx, fx.relayer, [move.op]))
        .to.emit(fx.entryPoint, "UserOperationRevertReason")
        .withArgs(move.hash, fx.sellerAccount, 2n, reason);
      expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.sellerAccount);
    });

    it("a certificate the brand revoked does not move from a passkey owner either", async function () {
      const fx = await loadFixture(deployedSeller);
      await fx.certificate.connect(fx.adminA).revoke(fx.tokenId, "counterfeit");
      const move = await signedOperation(fx, fx.seller, [
        await transferCall(fx, fx.sellerAccount, fx.buyerAccount),
      ]);
      await expect(handleOps(fx, fx.relayer, [move.op])).to.emit(fx.entryPoint, "UserOperationRevertReason");
      expect(await fx.certificate.ownerOf(fx.tokenId)).to.equal(fx.sellerAccount);
    });
  });
});
