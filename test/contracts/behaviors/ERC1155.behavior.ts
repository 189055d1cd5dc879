import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import type {
  AddressLike,
  BaseContract,
  BigNumberish,
  BytesLike,
  ContractRunner,
  ContractTransactionResponse,
} from "ethers";
import type { ERC1155ReceiverMock } from "../../../types/ethers-contracts/index.js";
import { ethers, networkHelpers } from "../fixtures.js";

type Tx = Promise<ContractTransactionResponse>;

/** The ERC-1155 surface the shared spec drives; any typechain ERC-1155 contract satisfies it. */
export interface ERC1155Contract extends BaseContract {
  balanceOf(account: AddressLike, id: BigNumberish): Promise<bigint>;
  balanceOfBatch(accounts: AddressLike[], ids: BigNumberish[]): Promise<bigint[]>;
  isApprovedForAll(account: AddressLike, operator: AddressLike): Promise<boolean>;
  setApprovalForAll(operator: AddressLike, approved: boolean): Tx;
  safeTransferFrom(
    from: AddressLike,
    to: AddressLike,
    id: BigNumberish,
    value: BigNumberish,
    data: BytesLike,
  ): Tx;
  safeBatchTransferFrom(
    from: AddressLike,
    to: AddressLike,
    ids: BigNumberish[],
    values: BigNumberish[],
    data: BytesLike,
  ): Tx;
  uri(id: BigNumberish): Promise<string>;
  supportsInterface(interfaceId: BytesLike): Promise<boolean>;
  connect(runner: ContractRunner | null): ERC1155Contract;
}

/** What a contract under the shared ERC-1155 spec must provide. */
export interface ERC1155Fixture {
  token: ERC1155Contract;
  /** Holds `amount` of `tokenId` and `secondAmount` of `secondTokenId`, and nothing else. */
  owner: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  other: HardhatEthersSigner;
  tokenId: bigint;
  secondTokenId: bigint;
  amount: bigint;
  secondAmount: bigint;
  /** An ERC1155ReceiverMock in Accept mode (the spec switches its mode to refuse). */
  receiver: ERC1155ReceiverMock;
  /** A contract without the ERC-1155 receiver hooks. */
  nonReceiver: BaseContract;
}

export const ERC1155_INTERFACE_ID = {
  ERC165: "0x01ffc9a7",
  ERC1155: "0xd9b67a26",
  ERC1155MetadataURI: "0x0e89341c",
  invalid: "0xffffffff",
} as const;

/** ERC1155ReceiverMock.Mode */
const ReceiverMode = { Accept: 0n, WrongSelector: 1n, RevertWithError: 2n, RevertEmpty: 3n } as const;

const DATA = "0x42";

/**
 * The behaviour every ERC-1155 contract of the project must show (OpenZeppelin 5 semantics and errors).
 * `fixture` must be a stable function reference: it is cached by loadFixture.
 */
export function shouldBehaveLikeERC1155(fixture: () => Promise<ERC1155Fixture>): void {
  const load = () => networkHelpers.loadFixture(fixture);

  describe("ERC-1155 behaviour", function () {
    describe("balanceOf", function () {
      it("counts the editions of each id an account holds", async function () {
        const { token, owner, other, tokenId, secondTokenId, amount, secondAmount } = await load();
        expect(await token.balanceOf(owner.address, tokenId)).to.equal(amount);
        expect(await token.balanceOf(owner.address, secondTokenId)).to.equal(secondAmount);
        expect(await token.balanceOf(other.address, tokenId)).to.equal(0n);
      });

      it("answers zero for the zero address", async function () {
        const { token, tokenId } = await load();
        expect(await token.balanceOf(ethers.ZeroAddress, tokenId)).to.equal(0n);
      });
    });

    describe("balanceOfBatch", function () {
      it("returns the balances of each (account, id) pair in order", async function () {
        const { token, owner, other, tokenId, secondTokenId, amount, secondAmount } = await load();
        expect(
          await token.balanceOfBatch(
            [owner.address, other.address, owner.address],
            [tokenId, tokenId, secondTokenId],
          ),
        ).to.deep.equal([amount, 0n, secondAmount]);
      });

      it("returns an empty list for empty arrays", async function () {
        const { token } = await load();
        expect(await token.balanceOfBatch([], [])).to.deep.equal([]);
      });

      describe("when the arrays differ in length", function () {
        it("reverts with ERC1155InvalidArrayLength", async function () {
          const { token, owner, tokenId, secondTokenId } = await load();
          await expect(token.balanceOfBatch([owner.address], [tokenId, secondTokenId]))
            .to.be.revertedWithCustomError(token, "ERC1155InvalidArrayLength")
            .withArgs(2n, 1n);
        });
      });
    });

    describe("setApprovalForAll", function () {
      it("approves an operator for every id of the caller and emits ApprovalForAll", async function () {
        const { token, owner, operator } = await load();
        await expect(token.connect(owner).setApprovalForAll(operator.address, true))
          .to.emit(token, "ApprovalForAll")
          .withArgs(owner.address, operator.address, true);
        expect(await token.isApprovedForAll(owner.address, operator.address)).to.equal(true);
      });

      it("withdraws the approval", async function () {
        const { token, owner, operator } = await load();
        await token.connect(owner).setApprovalForAll(operator.address, true);
        await expect(token.connect(owner).setApprovalForAll(operator.address, false))
          .to.emit(token, "ApprovalForAll")
          .withArgs(owner.address, operator.address, false);
        expect(await token.isApprovedForAll(owner.address, operator.address)).to.equal(false);
      });

      it("gives the operator no power over another account's editions", async function () {
        const { token, owner, operator, other } = await load();
        await token.connect(other).setApprovalForAll(operator.address, true);
        expect(await token.isApprovedForAll(owner.address, operator.address)).to.equal(false);
      });

      describe("when the operator is the zero address", function () {
        it("reverts with ERC1155InvalidOperator", async function () {
          const { token, owner } = await load();
          await expect(token.connect(owner).setApprovalForAll(ethers.ZeroAddress, true))
            .to.be.revertedWithCustomError(token, "ERC1155InvalidOperator")
            .withArgs(ethers.ZeroAddress);
        });
      });
    });

    describe("safeTransferFrom", function () {
      describe("when called by the holder", function () {
        it("moves the editions, updates balances and emits TransferSingle", async function () {
          const { token, owner, other, tokenId, amount } = await load();
          await expect(token.connect(owner).safeTransferFrom(owner.address, other.address, tokenId, 2n, DATA))
            .to.emit(token, "TransferSingle")
            .withArgs(owner.address, owner.address, other.address, tokenId, 2n);
          expect(await token.balanceOf(owner.address, tokenId)).to.equal(amount - 2n);
          expect(await token.balanceOf(other.address, tokenId)).to.equal(2n);
        });

        it("moves zero editions without changing balances", async function () {
          const { token, owner, other, tokenId, amount } = await load();
          await expect(token.connect(owner).safeTransferFrom(owner.address, other.address, tokenId, 0n, DATA))
            .to.emit(token, "TransferSingle")
            .withArgs(owner.address, owner.address, other.address, tokenId, 0n);
          expect(await token.balanceOf(owner.address, tokenId)).to.equal(amount);
        });
      });

      describe("when called by an approved operator", function () {
        it("moves the editions and names the operator in TransferSingle", async function () {
          const { token, owner, operator, other, tokenId, amount } = await load();
          await token.connect(owner).setApprovalForAll(operator.address, true);
          await expect(
            token.connect(operator).safeTransferFrom(owner.address, other.address, tokenId, amount, DATA),
          )
            .to.emit(token, "TransferSingle")
            .withArgs(operator.address, owner.address, other.address, tokenId, amount);
          expect(await token.balanceOf(other.address, tokenId)).to.equal(amount);
        });
      });

      describe("when called by an account neither holder nor operator", function () {
        it("reverts with ERC1155MissingApprovalForAll", async function () {
          const { token, owner, other, tokenId } = await load();
          await expect(token.connect(other).safeTransferFrom(owner.address, other.address, tokenId, 1n, DATA))
            .to.be.revertedWithCustomError(token, "ERC1155MissingApprovalForAll")
            .withArgs(other.address, owner.address);
        });
      });

      describe("when the operator's approval was withdrawn", function () {
        it("reverts with ERC1155MissingApprovalForAll", async function () {
          const { token, owner, operator, other, tokenId } = await load();
          await token.connect(owner).setApprovalForAll(operator.address, true);
          await token.connect(owner).setApprovalForAll(operator.address, false);
          await expect(
            token.connect(operator).safeTransferFrom(owner.address, other.address, tokenId, 1n, DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155MissingApprovalForAll")
            .withArgs(operator.address, owner.address);
        });
      });

      describe("when the holder has fewer editions than sent", function () {
        it("reverts with ERC1155InsufficientBalance", async function () {
          const { token, owner, other, tokenId, amount } = await load();
          await expect(
            token.connect(owner).safeTransferFrom(owner.address, other.address, tokenId, amount + 1n, DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InsufficientBalance")
            .withArgs(owner.address, amount, amount + 1n, tokenId);
        });
      });

      describe("when the recipient is the zero address", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, tokenId } = await load();
          await expect(
            token.connect(owner).safeTransferFrom(owner.address, ethers.ZeroAddress, tokenId, 1n, DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(ethers.ZeroAddress);
        });
      });

      describe("when the recipient is a contract accepting ERC-1155 tokens", function () {
        it("moves the editions and calls onERC1155Received", async function () {
          const { token, owner, receiver, tokenId } = await load();
          const to = await receiver.getAddress();
          await expect(token.connect(owner).safeTransferFrom(owner.address, to, tokenId, 1n, DATA))
            .to.emit(token, "TransferSingle")
            .withArgs(owner.address, owner.address, to, tokenId, 1n);
          expect(await token.balanceOf(to, tokenId)).to.equal(1n);
          expect(await receiver.singleReceived()).to.equal(1n);
        });
      });

      describe("when the recipient contract answers with a wrong value", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, receiver, tokenId } = await load();
          await receiver.setMode(ReceiverMode.WrongSelector);
          const to = await receiver.getAddress();
          await expect(token.connect(owner).safeTransferFrom(owner.address, to, tokenId, 1n, DATA))
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(to);
        });
      });

      describe("when the recipient contract reverts with an error", function () {
        it("bubbles the receiver's error up", async function () {
          const { token, owner, receiver, tokenId } = await load();
          await receiver.setMode(ReceiverMode.RevertWithError);
          await expect(
            token
              .connect(owner)
              .safeTransferFrom(owner.address, await receiver.getAddress(), tokenId, 1n, DATA),
          )
            .to.be.revertedWithCustomError(receiver, "ReceiverRefused")
            .withArgs(tokenId, 1n);
        });
      });

      describe("when the recipient contract reverts without data", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, receiver, tokenId } = await load();
          await receiver.setMode(ReceiverMode.RevertEmpty);
          const to = await receiver.getAddress();
          await expect(token.connect(owner).safeTransferFrom(owner.address, to, tokenId, 1n, DATA))
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(to);
        });
      });

      describe("when the recipient is a contract without the receiver hooks", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, nonReceiver, tokenId } = await load();
          const to = await nonReceiver.getAddress();
          await expect(token.connect(owner).safeTransferFrom(owner.address, to, tokenId, 1n, DATA))
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(to);
        });
      });
    });

    describe("safeBatchTransferFrom", function () {
      describe("when called by the holder", function () {
        it("moves every id, updates balances and emits TransferBatch", async function () {
          const { token, owner, other, tokenId, secondTokenId, amount, secondAmount } = await load();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(
                owner.address,
                other.address,
                [tokenId, secondTokenId],
                [1n, secondAmount],
                DATA,
              ),
          )
            .to.emit(token, "TransferBatch")
            .withArgs(
              owner.address,
              owner.address,
              other.address,
              [tokenId, secondTokenId],
              [1n, secondAmount],
            );
          expect(
            await token.balanceOfBatch(
              [owner.address, owner.address, other.address, other.address],
              [tokenId, secondTokenId, tokenId, secondTokenId],
            ),
          ).to.deep.equal([amount - 1n, 0n, 1n, secondAmount]);
        });
      });

      describe("when called by an approved operator", function () {
        it("moves every id and names the operator in TransferBatch", async function () {
          const { token, owner, operator, other, tokenId, secondTokenId } = await load();
          await token.connect(owner).setApprovalForAll(operator.address, true);
          await expect(
            token
              .connect(operator)
              .safeBatchTransferFrom(owner.address, other.address, [tokenId, secondTokenId], [1n, 1n], DATA),
          )
            .to.emit(token, "TransferBatch")
            .withArgs(operator.address, owner.address, other.address, [tokenId, secondTokenId], [1n, 1n]);
        });
      });

      describe("when called by an account neither holder nor operator", function () {
        it("reverts with ERC1155MissingApprovalForAll", async function () {
          const { token, owner, other, tokenId, secondTokenId } = await load();
          await expect(
            token
              .connect(other)
              .safeBatchTransferFrom(owner.address, other.address, [tokenId, secondTokenId], [1n, 1n], DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155MissingApprovalForAll")
            .withArgs(other.address, owner.address);
        });
      });

      describe("when ids and values differ in length", function () {
        it("reverts with ERC1155InvalidArrayLength", async function () {
          const { token, owner, other, tokenId, secondTokenId } = await load();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(owner.address, other.address, [tokenId, secondTokenId], [1n], DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InvalidArrayLength")
            .withArgs(2n, 1n);
        });
      });

      describe("when the holder has fewer editions of one id than sent", function () {
        it("reverts with ERC1155InsufficientBalance for that id", async function () {
          const { token, owner, other, tokenId, secondTokenId, secondAmount } = await load();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(
                owner.address,
                other.address,
                [tokenId, secondTokenId],
                [1n, secondAmount + 1n],
                DATA,
              ),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InsufficientBalance")
            .withArgs(owner.address, secondAmount, secondAmount + 1n, secondTokenId);
        });
      });

      describe("when the recipient is the zero address", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, tokenId, secondTokenId } = await load();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(
                owner.address,
                ethers.ZeroAddress,
                [tokenId, secondTokenId],
                [1n, 1n],
                DATA,
              ),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(ethers.ZeroAddress);
        });
      });

      describe("when the recipient is a contract accepting ERC-1155 tokens", function () {
        it("moves every id and calls onERC1155BatchReceived", async function () {
          const { token, owner, receiver, tokenId, secondTokenId } = await load();
          const to = await receiver.getAddress();
          await token
            .connect(owner)
            .safeBatchTransferFrom(owner.address, to, [tokenId, secondTokenId], [1n, 1n], DATA);
          expect(await token.balanceOfBatch([to, to], [tokenId, secondTokenId])).to.deep.equal([1n, 1n]);
          expect(await receiver.batchReceived()).to.equal(1n);
        });
      });

      describe("when the recipient contract answers with a wrong value", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, receiver, tokenId, secondTokenId } = await load();
          await receiver.setMode(ReceiverMode.WrongSelector);
          const to = await receiver.getAddress();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(owner.address, to, [tokenId, secondTokenId], [1n, 1n], DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(to);
        });
      });

      describe("when the recipient contract reverts with an error", function () {
        it("bubbles the receiver's error up", async function () {
          const { token, owner, receiver, tokenId, secondTokenId } = await load();
          await receiver.setMode(ReceiverMode.RevertWithError);
          const to = await receiver.getAddress();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(owner.address, to, [tokenId, secondTokenId], [1n, 2n], DATA),
          )
            .to.be.revertedWithCustomError(receiver, "ReceiverRefused")
            .withArgs(tokenId, 1n);
        });
      });

      describe("when the recipient contract reverts without data", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, receiver, tokenId, secondTokenId } = await load();
          await receiver.setMode(ReceiverMode.RevertEmpty);
          const to = await receiver.getAddress();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(owner.address, to, [tokenId, secondTokenId], [1n, 1n], DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(to);
        });
      });

      describe("when the recipient is a contract without the receiver hooks", function () {
        it("reverts with ERC1155InvalidReceiver", async function () {
          const { token, owner, nonReceiver, tokenId, secondTokenId } = await load();
          const to = await nonReceiver.getAddress();
          await expect(
            token
              .connect(owner)
              .safeBatchTransferFrom(owner.address, to, [tokenId, secondTokenId], [1n, 1n], DATA),
          )
            .to.be.revertedWithCustomError(token, "ERC1155InvalidReceiver")
            .withArgs(to);
        });
      });
    });

    describe("supportsInterface", function () {
      for (const name of ["ERC165", "ERC1155", "ERC1155MetadataURI"] as const) {
        it(`supports ${name} (${ERC1155_INTERFACE_ID[name]})`, async function () {
          const { token } = await load();
          expect(await token.supportsInterface(ERC1155_INTERFACE_ID[name])).to.equal(true);
        });
      }

      it("does not support 0xffffffff", async function () {
        const { token } = await load();
        expect(await token.supportsInterface(ERC1155_INTERFACE_ID.invalid)).to.equal(false);
      });
    });
  });
}
