import { expect } from "chai";
import { Wallet, ZeroAddress, ZeroHash, id } from "ethers";
import type { BaseContract, TransactionReceipt, TypedDataDomain } from "ethers";
import {
  CHIP_CLAIM_TYPES,
  CLAIM_TYPES,
  Status,
  deployHallmark,
  deployWithCertificate,
  eip712Domain,
  ethers,
  item,
  networkHelpers,
  toHighS,
  tokenIdOf,
} from "./fixtures.js";

type Certificate = Awaited<ReturnType<typeof deployHallmark>>["certificate"];

/** A one-time claim code: its private key is what the buyer receives, its address is the claim key. */
function claimCode(label: string): Wallet {
  return new Wallet(id(`hallmark.test.claim-code.${label}`));
}

/** The key inside an NFC chip (EIP-5791 style): it only ever signs, the piece carries it. */
function chipKey(label: string): Wallet {
  return new Wallet(id(`hallmark.test.chip.${label}`));
}

async function inOneHour(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 3600n;
}

interface ClaimValue {
  tokenId: bigint;
  recipient: string;
  deadline: bigint;
  nonce?: bigint;
}

/** The claim code's key signs Claim(tokenId, recipient, nonce, deadline); the buyer signs nothing. */
async function signClaim(
  code: Wallet,
  certificate: Certificate,
  value: ClaimValue,
  domain: Partial<TypedDataDomain> = {},
): Promise<string> {
  const nonce = value.nonce ?? (await certificate.claimStateOf(value.tokenId)).claimNonce;
  return code.signTypedData({ ...(await eip712Domain(certificate)), ...domain }, CLAIM_TYPES, {
    ...value,
    nonce,
  });
}

interface ChipClaimValue {
  tokenId: bigint;
  recipient: string;
  blockNumber?: bigint;
  blockHash?: string;
  nonce?: bigint;
}

/** The chip signs ChipClaim(tokenId, recipient, blockNumber, blockHash, nonce), by default for the latest block. */
async function signChipClaim(
  chip: Wallet,
  certificate: Certificate,
  value: ChipClaimValue,
  domain: Partial<TypedDataDomain> = {},
): Promise<{ signature: string; blockNumber: bigint }> {
  const blockNumber = value.blockNumber ?? BigInt(await ethers.provider.getBlockNumber());
  const blockHash = value.blockHash ?? (await ethers.provider.getBlock(blockNumber))?.hash ?? ZeroHash;
  const nonce = value.nonce ?? (await certificate.chipOf(value.tokenId)).nonce;
  const signature = await chip.signTypedData(
    { ...(await eip712Domain(certificate)), ...domain },
    CHIP_CLAIM_TYPES,
    {
      tokenId: value.tokenId,
      recipient: value.recipient,
      blockNumber,
      blockHash,
      nonce,
    },
  );
  return { signature, blockNumber };
}

/** The block a transaction sent now is mined in (automine). */
async function nextBlock(): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber()) + 1n;
}

/** The position in the receipt of the first `name` log emitted by `contract`. */
async function logIndexOf(
  receipt: TransactionReceipt,
  contract: BaseContract,
  name: string,
): Promise<number> {
  const address = (await contract.getAddress()).toLowerCase();
  const log = receipt.logs.find(
    (entry) => entry.address.toLowerCase() === address && contract.interface.parseLog(entry)?.name === name,
  );
  if (!log) throw new Error(`no ${name} log in the receipt`);
  return log.index;
}

/** alice's certificate with a claim code set by alice (claim nonce 1). */
async function withClaimCode() {
  const fx = await deployWithCertificate();
  const code = claimCode("A-0001");
  await fx.certificate.connect(fx.alice).setClaimKey(fx.tokenId, code.address);
  return { ...fx, code };
}

/** A certificate minted into brand A's vault with a claim key (claim nonce 0). */
async function withVaultClaimCode() {
  const fx = await deployHallmark();
  const code = claimCode("A-VAULT-1");
  const input = item("A-VAULT-1", { claimKey: code.address });
  const issued = fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.vaultA.address, input);
  await issued;
  return { ...fx, code, issued, tokenId: tokenIdOf(fx.brandA, input.serialHash) };
}

/** Two chipped certificates of brand A: one held in the brand vault, one owned by alice. */
async function withChips() {
  const fx = await deployHallmark();
  const vaultChip = chipKey("A-CHIP-VAULT");
  const aliceChip = chipKey("A-CHIP-ALICE");
  const vaultInput = item("A-CHIP-VAULT", { chip: vaultChip.address });
  const aliceInput = item("A-CHIP-ALICE", { chip: aliceChip.address });
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.vaultA.address, vaultInput);
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, aliceInput);
  return {
    ...fx,
    vaultChip,
    aliceChip,
    vaultToken: tokenIdOf(fx.brandA, vaultInput.serialHash),
    aliceToken: tokenIdOf(fx.brandA, aliceInput.serialHash),
  };
}

describe("HallmarkCertificate", function () {
  describe("setClaimKey", function () {
    describe("when the caller owns the certificate", function () {
      it("sets the claim key and emits ClaimKeySet", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const code = claimCode("A-0001");
        await expect(certificate.connect(alice).setClaimKey(tokenId, code.address))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, code.address, alice.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([code.address, 1n, false]);
      });

      it("starts a new nonce with every key, so a signature made for an earlier setting stays dead", async function () {
        const { certificate, alice, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const earlier = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(alice).setClaimKey(tokenId, code.address);
        expect((await certificate.claimStateOf(tokenId)).claimNonce).to.equal(2n);
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, earlier))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });

      it("replaces the key: the old code is refused and the new one works", async function () {
        const { certificate, alice, bob, carol, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const newCode = claimCode("A-0001-reissued");
        await certificate.connect(alice).setClaimKey(tokenId, newCode.address);
        const deadline = await inOneHour();
        const oldSignature = await signClaim(code, certificate, {
          tokenId,
          recipient: bob.address,
          deadline,
        });
        await expect(certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, oldSignature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
        const newSignature = await signClaim(newCode, certificate, {
          tokenId,
          recipient: bob.address,
          deadline,
        });
        await certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, newSignature);
        expect(await certificate.ownerOf(tokenId)).to.equal(bob.address);
      });
    });

    describe("when the owner clears the key with the zero address", function () {
      it("emits ClaimKeySet with a zero key and bumps the nonce", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(withClaimCode);
        await expect(certificate.connect(alice).setClaimKey(tokenId, ZeroAddress))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, ZeroAddress, alice.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 2n, false]);
      });

      it("makes the code unusable (HallmarkNoClaimKey)", async function () {
        const { certificate, alice, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(alice).setClaimKey(tokenId, ZeroAddress);
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkNoClaimKey")
          .withArgs(tokenId);
      });
    });

    describe("when the caller is approved for the certificate", function () {
      it("lets the approved address set the key", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const code = claimCode("A-0001");
        await certificate.connect(alice).approve(bob.address, tokenId);
        await expect(certificate.connect(bob).setClaimKey(tokenId, code.address))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, code.address, bob.address);
      });

      it("lets an operator of all the owner's certificates set the key", async function () {
        const { certificate, alice, carol, tokenId } =
          await networkHelpers.loadFixture(deployWithCertificate);
        const code = claimCode("A-0001");
        await certificate.connect(alice).setApprovalForAll(carol.address, true);
        await expect(certificate.connect(carol).setClaimKey(tokenId, code.address))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, code.address, carol.address);
      });
    });

    describe("when the caller is neither the owner nor approved", function () {
      it("reverts with ERC721InsufficientApproval", async function () {
        const { certificate, mallory, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        await expect(certificate.connect(mallory).setClaimKey(tokenId, mallory.address))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(mallory.address, tokenId);
      });

      it("reverts with ERC721InsufficientApproval for the brand's own issuer on a customer's certificate", async function () {
        const { certificate, issuerA, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        await expect(certificate.connect(issuerA).setClaimKey(tokenId, issuerA.address))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(issuerA.address, tokenId);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, alice, brandA } = await networkHelpers.loadFixture(deployWithCertificate);
        const missing = tokenIdOf(brandA, item("A-MISSING").serialHash);
        await expect(certificate.connect(alice).setClaimKey(missing, alice.address))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });
  });

  describe("claimWithCode", function () {
    describe("when a relayer submits the claim code's signature naming the recipient", function () {
      it("moves the certificate to the named recipient and emits ClaimedWithCode and Transfer", async function () {
        const { certificate, alice, bob, carol, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, signature))
          .to.emit(certificate, "ClaimedWithCode")
          .withArgs(tokenId, alice.address, bob.address)
          .and.to.emit(certificate, "Transfer")
          .withArgs(alice.address, bob.address, tokenId);
        expect(await certificate.ownerOf(tokenId)).to.equal(bob.address);
      });

      it("clears the claim key (ClaimKeySet to zero) and bumps the nonce", async function () {
        const { certificate, bob, carol, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, signature))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, ZeroAddress, carol.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 2n, false]);
      });

      it("lets the recipient submit it with no signature of their own", async function () {
        const { certificate, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(bob).claimWithCode(tokenId, bob.address, deadline, signature);
        expect(await certificate.ownerOf(tokenId)).to.equal(bob.address);
      });

      it("accepts a claim mined exactly at its deadline", async function () {
        const { certificate, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await networkHelpers.time.setNextBlockTimestamp(deadline);
        await certificate.claimWithCode(tokenId, bob.address, deadline, signature);
        expect(await certificate.ownerOf(tokenId)).to.equal(bob.address);
      });
    });

    // Transfer, event, then the receiver's hook: a hook that reads the log sees the claim complete.
    describe("when the recipient is a contract", function () {
      it("emits ClaimedWithCode after the Transfer and before calling the recipient's onERC721Received", async function () {
        const { certificate, alice, carol, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const recipient = await ethers.deployContract("LoggingReceiver");
        const recipientAddress = await recipient.getAddress();
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, {
          tokenId,
          recipient: recipientAddress,
          deadline,
        });
        const tx = certificate.connect(carol).claimWithCode(tokenId, recipientAddress, deadline, signature);
        await expect(tx)
          .to.emit(recipient, "ERC721Received")
          .withArgs(carol.address, alice.address, tokenId, "0x");
        const receipt = await (await tx).wait();
        if (!receipt) throw new Error("transaction was not mined");
        const transfer = await logIndexOf(receipt, certificate, "Transfer");
        const claimed = await logIndexOf(receipt, certificate, "ClaimedWithCode");
        const hook = await logIndexOf(receipt, recipient, "ERC721Received");
        expect(transfer).to.be.lessThan(claimed);
        expect(claimed).to.be.lessThan(hook);
        expect(await certificate.ownerOf(tokenId)).to.equal(recipientAddress);
      });
    });

    describe("when the same code is submitted a second time", function () {
      it("reverts with HallmarkNoClaimKey", async function () {
        const { certificate, bob, carol, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, signature);
        await expect(certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkNoClaimKey")
          .withArgs(tokenId);
      });
    });

    describe("when a front-runner copies the signature", function () {
      it("reverts with HallmarkInvalidSignature when the recipient is changed", async function () {
        const { certificate, bob, mallory, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(
          certificate.connect(mallory).claimWithCode(tokenId, mallory.address, deadline, signature),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidSignature when the deadline is changed", async function () {
        const { certificate, bob, mallory, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(
          certificate.connect(mallory).claimWithCode(tokenId, bob.address, deadline + 1n, signature),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the deadline has passed", function () {
      it("reverts with HallmarkSignatureExpired", async function () {
        const { certificate, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkSignatureExpired")
          .withArgs(deadline);
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with HallmarkInvalidRecipient", async function () {
        const { certificate, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: ZeroAddress, deadline });
        await expect(certificate.claimWithCode(tokenId, ZeroAddress, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidRecipient")
          .withArgs(ZeroAddress);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, bob, brandA, code } = await networkHelpers.loadFixture(withClaimCode);
        const missing = tokenIdOf(brandA, item("A-MISSING").serialHash);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, {
          tokenId: missing,
          recipient: bob.address,
          deadline,
          nonce: 0n,
        });
        await expect(certificate.claimWithCode(missing, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });

    describe("when no claim key was ever set", function () {
      it("reverts with HallmarkNoClaimKey", async function () {
        const { certificate, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const deadline = await inOneHour();
        const signature = await signClaim(claimCode("A-0001"), certificate, {
          tokenId,
          recipient: bob.address,
          deadline,
        });
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkNoClaimKey")
          .withArgs(tokenId);
      });
    });

    describe("when the signature is not the claim key's", function () {
      it("reverts with HallmarkInvalidSignature for a signature by another key", async function () {
        const { certificate, bob, tokenId } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(claimCode("guessed"), certificate, {
          tokenId,
          recipient: bob.address,
          deadline,
        });
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidSignature for a signature that is not 65 bytes", async function () {
        const { certificate, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(
          certificate.claimWithCode(tokenId, bob.address, deadline, ethers.dataSlice(signature, 0, 64)),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the signature was made for another certificate", function () {
      it("reverts with HallmarkInvalidSignature even if both share the claim key", async function () {
        const { certificate, issuerA, alice, bob, brandA, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const other = item("A-0002");
        const otherId = tokenIdOf(brandA, other.serialHash);
        await certificate.connect(issuerA).issue(brandA, alice.address, other);
        await certificate.connect(alice).setClaimKey(otherId, code.address);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, {
          tokenId: otherId,
          recipient: bob.address,
          deadline,
        });
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the signature is replayed from another deployment", function () {
      it("reverts with HallmarkInvalidSignature for a signature made for another certificate contract", async function () {
        const { certificate, registry, issuerA, alice, bob, brandA, input, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const twin = await ethers.deployContract("HallmarkCertificate", [await registry.getAddress()]);
        await twin.connect(issuerA).issue(brandA, alice.address, input);
        await twin.connect(alice).setClaimKey(tokenId, code.address);
        const deadline = await inOneHour();
        const signature = await signClaim(code, twin, { tokenId, recipient: bob.address, deadline });
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
        await twin.claimWithCode(tokenId, bob.address, deadline, signature);
        expect(await twin.ownerOf(tokenId)).to.equal(bob.address);
        expect(await certificate.ownerOf(tokenId)).to.equal(alice.address);
      });

      it("reverts with HallmarkInvalidSignature for a signature made for another chain id", async function () {
        const { certificate, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(
          code,
          certificate,
          { tokenId, recipient: bob.address, deadline },
          { chainId: 1n },
        );
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the signature is the malleable high-s twin of a valid one", function () {
      it("reverts with HallmarkInvalidSignature", async function () {
        const { certificate, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, toHighS(signature)))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the certificate changed hands after the code was set", function () {
      it("clears the key and bumps the nonce on an ordinary transfer, emitting ClaimKeySet to zero", async function () {
        const { certificate, alice, carol, tokenId } = await networkHelpers.loadFixture(withClaimCode);
        await expect(certificate.connect(alice).transferFrom(alice.address, carol.address, tokenId))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, ZeroAddress, alice.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 2n, false]);
      });

      it("reverts with HallmarkNoClaimKey for the old code", async function () {
        const { certificate, alice, bob, carol, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(alice).transferFrom(alice.address, carol.address, tokenId);
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkNoClaimKey")
          .withArgs(tokenId);
      });

      it("reverts with HallmarkInvalidSignature for the old signature even if the new owner sets the same key", async function () {
        const { certificate, alice, bob, carol, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(alice).transferFrom(alice.address, carol.address, tokenId);
        await certificate.connect(carol).setClaimKey(tokenId, code.address);
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(tokenId);
      });
    });

    describe("when the certificate is locked", function () {
      it("reverts with HallmarkCertificateLocked while it is reported stolen", async function () {
        const { certificate, alice, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(alice).reportStolen(tokenId, "taken from a hotel room");
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
          .withArgs(tokenId, Status.Stolen);
      });

      it("reverts with HallmarkCertificateLocked while it is revoked", async function () {
        const { certificate, adminA, bob, tokenId, code } = await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await certificate.connect(adminA).revoke(tokenId, "counterfeit");
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
          .withArgs(tokenId, Status.Revoked);
      });

      it("reverts with HallmarkBrandPaused while the brand is paused", async function () {
        const { certificate, registry, adminA, bob, brandA, tokenId, code } =
          await networkHelpers.loadFixture(withClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await registry.connect(adminA).pauseBrand(brandA, "issuer key leaked");
        await expect(certificate.claimWithCode(tokenId, bob.address, deadline, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the certificate was minted into the brand vault with a claim key", function () {
      it("records the key at mint with ClaimKeySet and nonce 0", async function () {
        const { certificate, issuerA, tokenId, code, issued } =
          await networkHelpers.loadFixture(withVaultClaimCode);
        await expect(issued)
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, code.address, issuerA.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([code.address, 0n, false]);
      });

      it("moves the certificate from the vault to the buyer the code names", async function () {
        const { certificate, vaultA, bob, carol, tokenId, code } =
          await networkHelpers.loadFixture(withVaultClaimCode);
        const deadline = await inOneHour();
        const signature = await signClaim(code, certificate, { tokenId, recipient: bob.address, deadline });
        await expect(certificate.connect(carol).claimWithCode(tokenId, bob.address, deadline, signature))
          .to.emit(certificate, "ClaimedWithCode")
          .withArgs(tokenId, vaultA.address, bob.address);
        expect(await certificate.ownerOf(tokenId)).to.equal(bob.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 1n, false]);
      });
    });
  });

  describe("setChipClaimsEnabled", function () {
    describe("when the owner opts in and out", function () {
      it("enables chip claims and emits ChipClaimsEnabled(true)", async function () {
        const { certificate, alice, aliceToken } = await networkHelpers.loadFixture(withChips);
        await expect(certificate.connect(alice).setChipClaimsEnabled(aliceToken, true))
          .to.emit(certificate, "ChipClaimsEnabled")
          .withArgs(aliceToken, true);
        expect((await certificate.claimStateOf(aliceToken)).chipClaimsEnabled).to.equal(true);
      });

      it("disables chip claims and emits ChipClaimsEnabled(false)", async function () {
        const { certificate, alice, aliceToken } = await networkHelpers.loadFixture(withChips);
        await certificate.connect(alice).setChipClaimsEnabled(aliceToken, true);
        await expect(certificate.connect(alice).setChipClaimsEnabled(aliceToken, false))
          .to.emit(certificate, "ChipClaimsEnabled")
          .withArgs(aliceToken, false);
        expect((await certificate.claimStateOf(aliceToken)).chipClaimsEnabled).to.equal(false);
      });
    });

    describe("when the caller is approved for the certificate", function () {
      it("lets the approved address opt in", async function () {
        const { certificate, alice, bob, aliceToken } = await networkHelpers.loadFixture(withChips);
        await certificate.connect(alice).approve(bob.address, aliceToken);
        await expect(certificate.connect(bob).setChipClaimsEnabled(aliceToken, true))
          .to.emit(certificate, "ChipClaimsEnabled")
          .withArgs(aliceToken, true);
      });
    });

    describe("when the caller is neither the owner nor approved", function () {
      it("reverts with ERC721InsufficientApproval", async function () {
        const { certificate, mallory, aliceToken } = await networkHelpers.loadFixture(withChips);
        await expect(certificate.connect(mallory).setChipClaimsEnabled(aliceToken, true))
          .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
          .withArgs(mallory.address, aliceToken);
      });
    });

    describe("when the certificate has no chip", function () {
      it("reverts with HallmarkNoChip", async function () {
        const { certificate, alice, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        await expect(certificate.connect(alice).setChipClaimsEnabled(tokenId, true))
          .to.be.revertedWithCustomError(certificate, "HallmarkNoChip")
          .withArgs(tokenId);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, alice, brandA } = await networkHelpers.loadFixture(withChips);
        const missing = tokenIdOf(brandA, item("A-MISSING").serialHash);
        await expect(certificate.connect(alice).setChipClaimsEnabled(missing, true))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });

    describe("when the certificate is transferred", function () {
      it("resets the opt-in and emits ChipClaimsEnabled(false)", async function () {
        const { certificate, alice, bob, aliceToken } = await networkHelpers.loadFixture(withChips);
        await certificate.connect(alice).setChipClaimsEnabled(aliceToken, true);
        await expect(certificate.connect(alice).transferFrom(alice.address, bob.address, aliceToken))
          .to.emit(certificate, "ChipClaimsEnabled")
          .withArgs(aliceToken, false);
        expect(await certificate.claimStateOf(aliceToken)).to.deep.equal([ZeroAddress, 1n, false]);
      });
    });
  });

  describe("claimWithChip", function () {
    describe("when the certificate is held in the brand vault", function () {
      it("moves it to the recipient the chip names without any opt-in, and emits ClaimedWithChip", async function () {
        const { certificate, vaultA, bob, carol, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(
          certificate.connect(carol).claimWithChip(vaultToken, bob.address, blockNumber, signature),
        )
          .to.emit(certificate, "ClaimedWithChip")
          .withArgs(vaultToken, vaultA.address, bob.address)
          .and.to.emit(certificate, "Transfer")
          .withArgs(vaultA.address, bob.address, vaultToken);
        expect(await certificate.ownerOf(vaultToken)).to.equal(bob.address);
      });

      it("increments the chip nonce", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature);
        expect(await certificate.chipOf(vaultToken)).to.deep.equal([vaultChip.address, 1n]);
      });

      it("accepts a block exactly CHIP_BLOCK_WINDOW blocks old", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const window = await certificate.CHIP_BLOCK_WINDOW();
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await networkHelpers.mine(window - 1n);
        expect(await nextBlock()).to.equal(blockNumber + window);
        await certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature);
        expect(await certificate.ownerOf(vaultToken)).to.equal(bob.address);
      });
    });

    // Transfer, event, then the receiver's hook: a hook that reads the log sees the claim complete.
    describe("when the recipient is a contract", function () {
      it("emits ClaimedWithChip after the Transfer and before calling the recipient's onERC721Received", async function () {
        const { certificate, vaultA, carol, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        const recipient = await ethers.deployContract("LoggingReceiver");
        const recipientAddress = await recipient.getAddress();
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: recipientAddress,
        });
        const tx = certificate
          .connect(carol)
          .claimWithChip(vaultToken, recipientAddress, blockNumber, signature);
        await expect(tx)
          .to.emit(recipient, "ERC721Received")
          .withArgs(carol.address, vaultA.address, vaultToken, "0x");
        const receipt = await (await tx).wait();
        if (!receipt) throw new Error("transaction was not mined");
        const transfer = await logIndexOf(receipt, certificate, "Transfer");
        const claimed = await logIndexOf(receipt, certificate, "ClaimedWithChip");
        const hook = await logIndexOf(receipt, recipient, "ERC721Received");
        expect(transfer).to.be.lessThan(claimed);
        expect(claimed).to.be.lessThan(hook);
        expect(await certificate.ownerOf(vaultToken)).to.equal(recipientAddress);
      });
    });

    describe("when a customer owns the certificate and has not opted in", function () {
      it("reverts with HallmarkChipClaimsDisabled", async function () {
        const { certificate, bob, aliceToken, aliceChip } = await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(aliceChip, certificate, {
          tokenId: aliceToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(aliceToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkChipClaimsDisabled")
          .withArgs(aliceToken);
      });

      it("reverts with HallmarkChipClaimsDisabled when a thief holding the piece claims it with the chip", async function () {
        const { certificate, alice, mallory, aliceToken, aliceChip } =
          await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(aliceChip, certificate, {
          tokenId: aliceToken,
          recipient: mallory.address,
        });
        await expect(
          certificate.connect(mallory).claimWithChip(aliceToken, mallory.address, blockNumber, signature),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkChipClaimsDisabled")
          .withArgs(aliceToken);
        expect(await certificate.ownerOf(aliceToken)).to.equal(alice.address);
      });
    });

    describe("when the owner has opted in", function () {
      it("moves the certificate, emits ClaimedWithChip and resets the opt-in", async function () {
        const { certificate, alice, bob, aliceToken, aliceChip } =
          await networkHelpers.loadFixture(withChips);
        await certificate.connect(alice).setChipClaimsEnabled(aliceToken, true);
        const { signature, blockNumber } = await signChipClaim(aliceChip, certificate, {
          tokenId: aliceToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(aliceToken, bob.address, blockNumber, signature))
          .to.emit(certificate, "ClaimedWithChip")
          .withArgs(aliceToken, alice.address, bob.address)
          .and.to.emit(certificate, "ChipClaimsEnabled")
          .withArgs(aliceToken, false);
        expect(await certificate.ownerOf(aliceToken)).to.equal(bob.address);
        expect((await certificate.claimStateOf(aliceToken)).chipClaimsEnabled).to.equal(false);
      });

      it("reverts with HallmarkChipClaimsDisabled once the certificate was transferred (opt-in reset)", async function () {
        const { certificate, alice, bob, carol, aliceToken, aliceChip } =
          await networkHelpers.loadFixture(withChips);
        await certificate.connect(alice).setChipClaimsEnabled(aliceToken, true);
        await certificate.connect(alice).transferFrom(alice.address, bob.address, aliceToken);
        const { signature, blockNumber } = await signChipClaim(aliceChip, certificate, {
          tokenId: aliceToken,
          recipient: carol.address,
        });
        await expect(certificate.claimWithChip(aliceToken, carol.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkChipClaimsDisabled")
          .withArgs(aliceToken);
      });

      it("reverts with HallmarkCertificateLocked once the owner reports the piece stolen", async function () {
        const { certificate, alice, mallory, aliceToken, aliceChip } =
          await networkHelpers.loadFixture(withChips);
        await certificate.connect(alice).setChipClaimsEnabled(aliceToken, true);
        await certificate.connect(alice).reportStolen(aliceToken, "bag snatched");
        const { signature, blockNumber } = await signChipClaim(aliceChip, certificate, {
          tokenId: aliceToken,
          recipient: mallory.address,
        });
        await expect(certificate.claimWithChip(aliceToken, mallory.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
          .withArgs(aliceToken, Status.Stolen);
      });
    });

    describe("when a used chip signature is replayed", function () {
      it("reverts with HallmarkInvalidSignature because the nonce moved on", async function () {
        const { certificate, vaultA, alice, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: alice.address,
        });
        await certificate.claimWithChip(vaultToken, alice.address, blockNumber, signature);
        // Alice sends the piece back for repair: it is in brand custody again, where no opt-in is needed.
        await certificate.connect(alice).transferFrom(alice.address, vaultA.address, vaultToken);
        await expect(certificate.claimWithChip(vaultToken, alice.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
        const fresh = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: alice.address,
        });
        await certificate.claimWithChip(vaultToken, alice.address, fresh.blockNumber, fresh.signature);
        expect(await certificate.chipOf(vaultToken)).to.deep.equal([vaultChip.address, 2n]);
      });
    });

    describe("when the signed block is not a recent past block", function () {
      it("reverts with HallmarkStaleBlock for a block older than CHIP_BLOCK_WINDOW", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const window = await certificate.CHIP_BLOCK_WINDOW();
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await networkHelpers.mine(window);
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkStaleBlock")
          .withArgs(blockNumber, blockNumber + window + 1n);
      });

      it("reverts with HallmarkStaleBlock for the block the claim is mined in", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const current = await nextBlock();
        const { signature } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          blockNumber: current,
          blockHash: ZeroHash,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, current, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkStaleBlock")
          .withArgs(current, current);
      });

      it("reverts with HallmarkStaleBlock for a future block", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const current = await nextBlock();
        const { signature } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          blockNumber: current + 5n,
          blockHash: ZeroHash,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, current + 5n, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkStaleBlock")
          .withArgs(current + 5n, current);
      });
    });

    describe("when the signed block hash is not the hash of the signed block", function () {
      it("reverts with HallmarkInvalidSignature", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const latest = BigInt(await ethers.provider.getBlockNumber());
        const previousHash = (await ethers.provider.getBlock(latest - 1n))?.hash ?? ZeroHash;
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          blockNumber: latest,
          blockHash: previousHash,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });

      it("reverts with HallmarkInvalidSignature when submitted with another block number", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        await networkHelpers.mine(2);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber - 1n, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when a front-runner copies the chip signature and names another recipient", function () {
      it("reverts with HallmarkInvalidSignature", async function () {
        const { certificate, bob, mallory, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(
          certificate.connect(mallory).claimWithChip(vaultToken, mallory.address, blockNumber, signature),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when the signature is not the bound chip's", function () {
      it("reverts with HallmarkInvalidSignature for a signature by another key", async function () {
        const { certificate, bob, vaultToken, aliceChip } = await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(aliceChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });

      it("reverts with HallmarkInvalidSignature for the malleable high-s twin of the chip's signature", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, toHighS(signature)))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when the chip signature is replayed from another deployment", function () {
      it("reverts with HallmarkInvalidSignature for a signature made for another chain id", async function () {
        const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(
          vaultChip,
          certificate,
          { tokenId: vaultToken, recipient: bob.address },
          { chainId: 1n },
        );
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });

      it("reverts with HallmarkInvalidSignature for a signature made for another certificate contract", async function () {
        const { certificate, registry, issuerA, vaultA, bob, brandA, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        const twin = await ethers.deployContract("HallmarkCertificate", [await registry.getAddress()]);
        await twin
          .connect(issuerA)
          .issue(brandA, vaultA.address, item("A-CHIP-VAULT", { chip: vaultChip.address }));
        const { signature, blockNumber } = await signChipClaim(vaultChip, twin, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when the certificate has no chip", function () {
      it("reverts with HallmarkNoChip", async function () {
        const { certificate, alice, bob, tokenId } = await networkHelpers.loadFixture(deployWithCertificate);
        const { signature, blockNumber } = await signChipClaim(chipKey("none"), certificate, {
          tokenId,
          recipient: bob.address,
          nonce: 0n,
        });
        await expect(certificate.connect(alice).claimWithChip(tokenId, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkNoChip")
          .withArgs(tokenId);
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with HallmarkInvalidRecipient", async function () {
        const { certificate, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: ZeroAddress,
        });
        await expect(certificate.claimWithChip(vaultToken, ZeroAddress, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidRecipient")
          .withArgs(ZeroAddress);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, bob, brandA, vaultChip } = await networkHelpers.loadFixture(withChips);
        const missing = tokenIdOf(brandA, item("A-MISSING").serialHash);
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: missing,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(missing, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(missing);
      });
    });

    describe("when the certificate in the vault is revoked", function () {
      it("reverts with HallmarkCertificateLocked", async function () {
        const { certificate, adminA, bob, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        await certificate.connect(adminA).revoke(vaultToken, "destroyed in transit");
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
          .withArgs(vaultToken, Status.Revoked);
      });
    });

    // claimWithChip reads the vault and the pause flag in one registry call and checks what _update would,
    // then moves the certificate without _update's own registry call: the move's guarantees, tested here.
    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused, although the vault holds the piece and the chip signed", async function () {
        const { certificate, registry, adminA, bob, brandA, vaultToken, vaultChip } =
          await networkHelpers.loadFixture(withChips);
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
        });
        await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the piece also has a claim key", function () {
      it("moves it, clears the claim key with ClaimKeySet and starts a new claim nonce, keeping the chip", async function () {
        const fx = await networkHelpers.loadFixture(withChips);
        const { certificate, issuerA, bob, brandA, vaultA } = fx;
        const chip = chipKey("A-CHIP-CODE");
        const code = claimCode("A-CHIP-CODE");
        const input = item("A-CHIP-CODE", { chip: chip.address, claimKey: code.address });
        await certificate.connect(issuerA).issue(brandA, vaultA.address, input);
        const tokenId = tokenIdOf(brandA, input.serialHash);
        const { signature, blockNumber } = await signChipClaim(chip, certificate, {
          tokenId,
          recipient: bob.address,
        });
        await expect(certificate.connect(bob).claimWithChip(tokenId, bob.address, blockNumber, signature))
          .to.emit(certificate, "ClaimKeySet")
          .withArgs(tokenId, ethers.ZeroAddress, bob.address)
          .and.to.emit(certificate, "ClaimedWithChip")
          .withArgs(tokenId, vaultA.address, bob.address);
        expect(await certificate.ownerOf(tokenId)).to.equal(bob.address);
        expect(await certificate.claimStateOf(tokenId)).to.deep.equal([ethers.ZeroAddress, 1n, false]);
        expect(await certificate.chipOf(tokenId)).to.deep.equal([chip.address, 1n]);
      });
    });

    describe("when the chip signature is not a 65-byte ECDSA signature with v of 27 or 28", function () {
      for (const [name, reshape] of [
        [
          "its 64-byte compact form (ERC-2098)",
          (sig: string) => ethers.Signature.from(sig).compactSerialized,
        ],
        ["65 bytes with v = 29", (sig: string) => ethers.concat([ethers.dataSlice(sig, 0, 64), "0x1d"])],
        ["66 bytes (one byte appended)", (sig: string) => ethers.concat([sig, "0x00"])],
      ] as const) {
        it(`reverts with HallmarkInvalidSignature for ${name}`, async function () {
          const { certificate, bob, vaultToken, vaultChip } = await networkHelpers.loadFixture(withChips);
          const { signature, blockNumber } = await signChipClaim(vaultChip, certificate, {
            tokenId: vaultToken,
            recipient: bob.address,
          });
          await expect(certificate.claimWithChip(vaultToken, bob.address, blockNumber, reshape(signature)))
            .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
            .withArgs(vaultToken);
        });
      }
    });
  });
});
