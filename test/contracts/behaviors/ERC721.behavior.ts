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
import { ethers, networkHelpers } from "../fixtures.js";

type Tx = Promise<ContractTransactionResponse>;

/** The ERC-721 surface the shared spec drives; any typechain ERC-721 contract satisfies it. */
export interface ERC721Contract extends BaseContract {
  name(): Promise<string>;
  symbol(): Promise<string>;
  tokenURI(tokenId: BigNumberish): Promise<string>;
  balanceOf(owner: AddressLike): Promise<bigint>;
  ownerOf(tokenId: BigNumberish): Promise<string>;
  getApproved(tokenId: BigNumberish): Promise<string>;
  isApprovedForAll(owner: AddressLike, operator: AddressLike): Promise<boolean>;
  approve(to: AddressLike, tokenId: BigNumberish): Tx;
  setApprovalForAll(operator: AddressLike, approved: boolean): Tx;
  transferFrom(from: AddressLike, to: AddressLike, tokenId: BigNumberish): Tx;
  "safeTransferFrom(address,address,uint256)"(from: AddressLike, to: AddressLike, tokenId: BigNumberish): Tx;
  "safeTransferFrom(address,address,uint256,bytes)"(
    from: AddressLike,
    to: AddressLike,
    tokenId: BigNumberish,
    data: BytesLike,
  ): Tx;
  supportsInterface(interfaceId: BytesLike): Promise<boolean>;
  connect(runner: ContractRunner | null): ERC721Contract;
}

/** What a contract under the shared ERC-721 spec must provide. */
export interface ERC721Fixture {
  token: ERC721Contract;
  /** Holds `tokenId` and `secondTokenId`, and nothing else. */
  owner: HardhatEthersSigner;
  approved: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  other: HardhatEthersSigner;
  tokenId: bigint;
  secondTokenId: bigint;
  nonexistentTokenId: bigint;
  /** A contract that accepts ERC-721 tokens (implements onERC721Received). */
  receiver: BaseContract;
  /** A contract without onERC721Received. */
  nonReceiver: BaseContract;
  name: string;
  symbol: string;
}

export const INTERFACE_ID = {
  ERC165: "0x01ffc9a7",
  ERC721: "0x80ac58cd",
  ERC721Metadata: "0x5b5e139f",
  invalid: "0xffffffff",
} as const;

type TransferFunction = "transferFrom" | "safeTransferFrom" | "safeTransferFrom with data";

function transfer(
  token: ERC721Contract,
  fn: TransferFunction,
  from: AddressLike,
  to: AddressLike,
  tokenId: BigNumberish,
): Tx {
  switch (fn) {
    case "transferFrom":
      return token.transferFrom(from, to, tokenId);
    case "safeTransferFrom":
      return token["safeTransferFrom(address,address,uint256)"](from, to, tokenId);
    case "safeTransferFrom with data":
      return token["safeTransferFrom(address,address,uint256,bytes)"](from, to, tokenId, "0x42");
  }
}

/**
 * The behaviour every ERC-721 contract of the project must show (OpenZeppelin 5 semantics and errors).
 * `fixture` must be a stable function reference: it is cached by loadFixture.
 */
export function shouldBehaveLikeERC721(fixture: () => Promise<ERC721Fixture>): void {
  const load = () => networkHelpers.loadFixture(fixture);

  describe("ERC-721 behaviour", function () {
    describe("balanceOf", function () {
      it("counts the tokens an account holds", async function () {
        const { token, owner, other } = await load();
        expect(await token.balanceOf(owner.address)).to.equal(2n);
        expect(await token.balanceOf(other.address)).to.equal(0n);
      });

      describe("when asked about the zero address", function () {
        it("reverts with ERC721InvalidOwner", async function () {
          const { token } = await load();
          await expect(token.balanceOf(ethers.ZeroAddress))
            .to.be.revertedWithCustomError(token, "ERC721InvalidOwner")
            .withArgs(ethers.ZeroAddress);
        });
      });
    });

    describe("ownerOf", function () {
      it("returns the holder of a token", async function () {
        const { token, owner, tokenId } = await load();
        expect(await token.ownerOf(tokenId)).to.equal(owner.address);
      });

      describe("when the token does not exist", function () {
        it("reverts with ERC721NonexistentToken", async function () {
          const { token, nonexistentTokenId } = await load();
          await expect(token.ownerOf(nonexistentTokenId))
            .to.be.revertedWithCustomError(token, "ERC721NonexistentToken")
            .withArgs(nonexistentTokenId);
        });
      });
    });

    const transferFunctions: TransferFunction[] = [
      "transferFrom",
      "safeTransferFrom",
      "safeTransferFrom with data",
    ];
    for (const fn of transferFunctions) {
      describe(fn, function () {
        describe("when called by the owner", function () {
          it("moves the token, updates balances and emits Transfer", async function () {
            const { token, owner, other, tokenId } = await load();
            await expect(transfer(token.connect(owner), fn, owner.address, other.address, tokenId))
              .to.emit(token, "Transfer")
              .withArgs(owner.address, other.address, tokenId);
            expect(await token.ownerOf(tokenId)).to.equal(other.address);
            expect(await token.balanceOf(owner.address)).to.equal(1n);
            expect(await token.balanceOf(other.address)).to.equal(1n);
          });

          it("clears the token's approval", async function () {
            const { token, owner, approved, other, tokenId } = await load();
            await token.connect(owner).approve(approved.address, tokenId);
            await transfer(token.connect(owner), fn, owner.address, other.address, tokenId);
            expect(await token.getApproved(tokenId)).to.equal(ethers.ZeroAddress);
          });
        });

        describe("when called by the approved account", function () {
          it("moves the token", async function () {
            const { token, owner, approved, other, tokenId } = await load();
            await token.connect(owner).approve(approved.address, tokenId);
            await expect(transfer(token.connect(approved), fn, owner.address, other.address, tokenId))
              .to.emit(token, "Transfer")
              .withArgs(owner.address, other.address, tokenId);
            expect(await token.ownerOf(tokenId)).to.equal(other.address);
          });
        });

        describe("when called by an operator", function () {
          it("moves the token", async function () {
            const { token, owner, operator, other, tokenId } = await load();
            await token.connect(owner).setApprovalForAll(operator.address, true);
            await expect(transfer(token.connect(operator), fn, owner.address, other.address, tokenId))
              .to.emit(token, "Transfer")
              .withArgs(owner.address, other.address, tokenId);
            expect(await token.ownerOf(tokenId)).to.equal(other.address);
          });
        });

        describe("when called by an account neither owner, approved nor operator", function () {
          it("reverts with ERC721InsufficientApproval", async function () {
            const { token, owner, other, tokenId } = await load();
            await expect(transfer(token.connect(other), fn, owner.address, other.address, tokenId))
              .to.be.revertedWithCustomError(token, "ERC721InsufficientApproval")
              .withArgs(other.address, tokenId);
          });
        });

        describe("when `from` is not the owner", function () {
          it("reverts with ERC721IncorrectOwner", async function () {
            const { token, owner, other, tokenId } = await load();
            await expect(transfer(token.connect(owner), fn, other.address, other.address, tokenId))
              .to.be.revertedWithCustomError(token, "ERC721IncorrectOwner")
              .withArgs(other.address, tokenId, owner.address);
          });
        });

        describe("when the recipient is the zero address", function () {
          it("reverts with ERC721InvalidReceiver", async function () {
            const { token, owner, tokenId } = await load();
            await expect(transfer(token.connect(owner), fn, owner.address, ethers.ZeroAddress, tokenId))
              .to.be.revertedWithCustomError(token, "ERC721InvalidReceiver")
              .withArgs(ethers.ZeroAddress);
          });
        });

        describe("when the token does not exist", function () {
          it("reverts with ERC721NonexistentToken", async function () {
            const { token, owner, other, nonexistentTokenId } = await load();
            await expect(transfer(token.connect(owner), fn, owner.address, other.address, nonexistentTokenId))
              .to.be.revertedWithCustomError(token, "ERC721NonexistentToken")
              .withArgs(nonexistentTokenId);
          });
        });

        describe("when the recipient is a contract implementing onERC721Received", function () {
          it("moves the token to the contract", async function () {
            const { token, owner, receiver, tokenId } = await load();
            const to = await receiver.getAddress();
            await expect(transfer(token.connect(owner), fn, owner.address, to, tokenId))
              .to.emit(token, "Transfer")
              .withArgs(owner.address, to, tokenId);
            expect(await token.ownerOf(tokenId)).to.equal(to);
          });
        });

        describe("when the recipient is a contract without onERC721Received", function () {
          if (fn === "transferFrom") {
            it("moves the token anyway (transferFrom does not check the recipient)", async function () {
              const { token, owner, nonReceiver, tokenId } = await load();
              const to = await nonReceiver.getAddress();
              await transfer(token.connect(owner), fn, owner.address, to, tokenId);
              expect(await token.ownerOf(tokenId)).to.equal(to);
            });
          } else {
            it("reverts with ERC721InvalidReceiver", async function () {
              const { token, owner, nonReceiver, tokenId } = await load();
              const to = await nonReceiver.getAddress();
              await expect(transfer(token.connect(owner), fn, owner.address, to, tokenId))
                .to.be.revertedWithCustomError(token, "ERC721InvalidReceiver")
                .withArgs(to);
            });
          }
        });
      });
    }

    describe("approve", function () {
      describe("when called by the owner", function () {
        it("sets the approved account and emits Approval", async function () {
          const { token, owner, approved, tokenId } = await load();
          await expect(token.connect(owner).approve(approved.address, tokenId))
            .to.emit(token, "Approval")
            .withArgs(owner.address, approved.address, tokenId);
          expect(await token.getApproved(tokenId)).to.equal(approved.address);
        });

        it("clears the approval when given the zero address", async function () {
          const { token, owner, approved, tokenId } = await load();
          await token.connect(owner).approve(approved.address, tokenId);
          await expect(token.connect(owner).approve(ethers.ZeroAddress, tokenId))
            .to.emit(token, "Approval")
            .withArgs(owner.address, ethers.ZeroAddress, tokenId);
          expect(await token.getApproved(tokenId)).to.equal(ethers.ZeroAddress);
        });
      });

      describe("when called by an operator of the owner", function () {
        it("sets the approved account", async function () {
          const { token, owner, operator, approved, tokenId } = await load();
          await token.connect(owner).setApprovalForAll(operator.address, true);
          await expect(token.connect(operator).approve(approved.address, tokenId))
            .to.emit(token, "Approval")
            .withArgs(owner.address, approved.address, tokenId);
          expect(await token.getApproved(tokenId)).to.equal(approved.address);
        });
      });

      describe("when called by the approved account of the token", function () {
        it("reverts with ERC721InvalidApprover", async function () {
          const { token, owner, approved, other, tokenId } = await load();
          await token.connect(owner).approve(approved.address, tokenId);
          await expect(token.connect(approved).approve(other.address, tokenId))
            .to.be.revertedWithCustomError(token, "ERC721InvalidApprover")
            .withArgs(approved.address);
        });
      });

      describe("when called by another account", function () {
        it("reverts with ERC721InvalidApprover", async function () {
          const { token, other, tokenId } = await load();
          await expect(token.connect(other).approve(other.address, tokenId))
            .to.be.revertedWithCustomError(token, "ERC721InvalidApprover")
            .withArgs(other.address);
        });
      });

      describe("when the token does not exist", function () {
        it("reverts with ERC721NonexistentToken", async function () {
          const { token, owner, approved, nonexistentTokenId } = await load();
          await expect(token.connect(owner).approve(approved.address, nonexistentTokenId))
            .to.be.revertedWithCustomError(token, "ERC721NonexistentToken")
            .withArgs(nonexistentTokenId);
        });
      });
    });

    describe("getApproved", function () {
      it("returns the zero address when nobody is approved", async function () {
        const { token, tokenId } = await load();
        expect(await token.getApproved(tokenId)).to.equal(ethers.ZeroAddress);
      });

      describe("when the token does not exist", function () {
        it("reverts with ERC721NonexistentToken", async function () {
          const { token, nonexistentTokenId } = await load();
          await expect(token.getApproved(nonexistentTokenId))
            .to.be.revertedWithCustomError(token, "ERC721NonexistentToken")
            .withArgs(nonexistentTokenId);
        });
      });
    });

    describe("setApprovalForAll", function () {
      it("approves an operator for every token of the caller and emits ApprovalForAll", async function () {
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

      it("gives the operator no power over another owner's tokens", async function () {
        const { token, owner, operator, other } = await load();
        await token.connect(other).setApprovalForAll(operator.address, true);
        expect(await token.isApprovedForAll(owner.address, operator.address)).to.equal(false);
      });

      describe("when the operator is the zero address", function () {
        it("reverts with ERC721InvalidOperator", async function () {
          const { token, owner } = await load();
          await expect(token.connect(owner).setApprovalForAll(ethers.ZeroAddress, true))
            .to.be.revertedWithCustomError(token, "ERC721InvalidOperator")
            .withArgs(ethers.ZeroAddress);
        });
      });
    });

    describe("metadata", function () {
      it("has a name and a symbol", async function () {
        const { token, name, symbol } = await load();
        expect(await token.name()).to.equal(name);
        expect(await token.symbol()).to.equal(symbol);
      });

      describe("tokenURI", function () {
        describe("when the token does not exist", function () {
          it("reverts with ERC721NonexistentToken", async function () {
            const { token, nonexistentTokenId } = await load();
            await expect(token.tokenURI(nonexistentTokenId))
              .to.be.revertedWithCustomError(token, "ERC721NonexistentToken")
              .withArgs(nonexistentTokenId);
          });
        });
      });
    });

    describe("supportsInterface", function () {
      for (const name of ["ERC165", "ERC721", "ERC721Metadata"] as const) {
        it(`supports ${name} (${INTERFACE_ID[name]})`, async function () {
          const { token } = await load();
          expect(await token.supportsInterface(INTERFACE_ID[name])).to.equal(true);
        });
      }

      it("does not support 0xffffffff", async function () {
        const { token } = await load();
        expect(await token.supportsInterface(INTERFACE_ID.invalid)).to.equal(false);
      });
    });
  });
}
