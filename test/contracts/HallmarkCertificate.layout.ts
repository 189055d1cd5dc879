import { expect } from "chai";
import { AbiCoder, Wallet, ZeroAddress, id, keccak256 } from "ethers";
import {
  CHIP_CLAIM_TYPES,
  CLAIM_TYPES,
  Status,
  deployHallmark,
  eip712Domain,
  ethers,
  item,
  networkHelpers,
  tokenIdOf,
} from "./fixtures.js";

/**
 * Storage slot of `_pieces` (PieceState per token) and of `_chipPieceClaimKeys`: after OpenZeppelin's ERC721
 * (0-5), EIP712's fallback name and version (6-7) and Nonces (8). Checked against the contract's own writes below.
 */
const PIECES_SLOT = 9n;
const CHIP_PIECE_CLAIM_KEYS_SLOT = 10n;

/** PieceState as it sits in its slot: Solidity packs the fields from the low-order end, in declaration order. */
interface PieceWord {
  key: string;
  chipNonce: bigint;
  claimNonce: bigint;
  status: bigint;
  hasChip: boolean;
  chipClaimsEnabled: boolean;
  hasClaimKey: boolean;
  twinsClaimed: bigint;
}

const bits = (word: bigint, offset: bigint, width: bigint): bigint => (word >> offset) & ((1n << width) - 1n);

function decodePiece(word: bigint): PieceWord {
  return {
    key: ethers.getAddress(ethers.toBeHex(bits(word, 0n, 160n), 20)),
    chipNonce: bits(word, 160n, 24n),
    claimNonce: bits(word, 184n, 24n),
    status: bits(word, 208n, 8n),
    hasChip: bits(word, 216n, 8n) === 1n,
    chipClaimsEnabled: bits(word, 224n, 8n) === 1n,
    hasClaimKey: bits(word, 232n, 8n) === 1n,
    twinsClaimed: bits(word, 240n, 16n),
  };
}

const mappingSlot = (tokenId: bigint, base: bigint): string =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [tokenId, base]));

const chipKey = (label: string): Wallet => new Wallet(id(`hallmark.test.layout.chip.${label}`));
const claimCode = (label: string): Wallet => new Wallet(id(`hallmark.test.layout.code.${label}`));

async function deployLayout() {
  const fx = await deployHallmark();
  const address = await fx.certificate.getAddress();
  const readWord = async (tokenId: bigint, base: bigint): Promise<bigint> =>
    BigInt(await ethers.provider.getStorage(address, mappingSlot(tokenId, base)));
  const pieceOf = async (tokenId: bigint): Promise<PieceWord> =>
    decodePiece(await readWord(tokenId, PIECES_SLOT));
  const storedClaimKeyOf = async (tokenId: bigint): Promise<string> =>
    ethers.getAddress(ethers.toBeHex(await readWord(tokenId, CHIP_PIECE_CLAIM_KEYS_SLOT), 20));

  /** Issues one certificate of brand A to the vault with the given keys. */
  const issue = async (serial: string, keys: { chip?: Wallet; code?: Wallet }): Promise<bigint> => {
    const input = item(serial, {
      chip: keys.chip?.address ?? ZeroAddress,
      claimKey: keys.code?.address ?? ZeroAddress,
    });
    await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.vaultA.address, input);
    return tokenIdOf(fx.brandA, input.serialHash);
  };

  const claimWithCode = async (tokenId: bigint, code: Wallet, recipient: string) => {
    const [, nonce] = await fx.certificate.claimStateOf(tokenId);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const signature = await code.signTypedData(await eip712Domain(fx.certificate), CLAIM_TYPES, {
      tokenId,
      recipient,
      nonce,
      deadline,
    });
    return fx.certificate.claimWithCode(tokenId, recipient, deadline, signature);
  };

  const claimWithChip = async (tokenId: bigint, chip: Wallet, recipient: string) => {
    const [, nonce] = await fx.certificate.chipOf(tokenId);
    const block = await ethers.provider.getBlock("latest");
    if (block === null || block.hash === null) throw new Error("no latest block");
    const signature = await chip.signTypedData(await eip712Domain(fx.certificate), CHIP_CLAIM_TYPES, {
      tokenId,
      recipient,
      blockNumber: block.number,
      blockHash: block.hash,
      nonce,
    });
    return fx.certificate.claimWithChip(tokenId, recipient, block.number, signature);
  };

  return { ...fx, pieceOf, storedClaimKeyOf, issue, claimWithCode, claimWithChip };
}

describe("HallmarkCertificate", function () {
  const load = () => networkHelpers.loadFixture(deployLayout);

  describe("token state layout (one PieceState slot per token)", function () {
    describe("when a piece has neither chip nor claim key", function () {
      it("writes no token state at all", async function () {
        const fx = await load();
        const tokenId = await fx.issue("L-PLAIN", {});
        expect(await fx.pieceOf(tokenId)).to.deep.equal(decodePiece(0n));
        expect(await fx.storedClaimKeyOf(tokenId)).to.equal(ZeroAddress);
      });
    });

    describe("when a piece has a chip and a claim key", function () {
      it("keeps the chip and both flags in the token's slot and the claim key in a second slot", async function () {
        const fx = await load();
        const chip = chipKey("both");
        const code = claimCode("both");
        const tokenId = await fx.issue("L-BOTH", { chip, code });
        expect(await fx.pieceOf(tokenId)).to.deep.equal({
          ...decodePiece(0n),
          key: chip.address,
          hasChip: true,
          hasClaimKey: true,
        });
        expect(await fx.storedClaimKeyOf(tokenId)).to.equal(code.address);
        expect(await fx.certificate.chipOf(tokenId)).to.deep.equal([chip.address, 0n]);
        expect(await fx.certificate.claimStateOf(tokenId)).to.deep.equal([code.address, 0n, false]);
      });

      it("keeps the chip through a move that clears the claim key, and the old key counts for nothing", async function () {
        const fx = await load();
        const chip = chipKey("move");
        const code = claimCode("move");
        const tokenId = await fx.issue("L-MOVE", { chip, code });
        await fx.certificate.connect(fx.vaultA).transferFrom(fx.vaultA.address, fx.alice.address, tokenId);

        const piece = await fx.pieceOf(tokenId);
        expect(piece).to.deep.include({
          key: chip.address,
          hasChip: true,
          hasClaimKey: false,
          claimNonce: 1n,
        });
        // The second slot is left as it was (clearing it would cost a cold read and a write) ...
        expect(await fx.storedClaimKeyOf(tokenId)).to.equal(code.address);
        // ... but no view shows it and no claim accepts it.
        expect(await fx.certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 1n, false]);
        expect(await fx.certificate.chipOf(tokenId)).to.deep.equal([chip.address, 0n]);
        await expect(fx.claimWithCode(tokenId, code, fx.bob.address))
          .to.be.revertedWithCustomError(fx.certificate, "HallmarkNoClaimKey")
          .withArgs(tokenId);
      });

      it("clears the flag, not the chip, when the chip claims the piece", async function () {
        const fx = await load();
        const chip = chipKey("chip-claim");
        const tokenId = await fx.issue("L-CHIPCLAIM", { chip, code: claimCode("chip-claim") });
        await fx.claimWithChip(tokenId, chip, fx.carol.address);
        expect(await fx.pieceOf(tokenId)).to.deep.include({
          key: chip.address,
          chipNonce: 1n,
          claimNonce: 1n,
          hasChip: true,
          hasClaimKey: false,
        });
        expect(await fx.certificate.chipOf(tokenId)).to.deep.equal([chip.address, 1n]);
      });
    });

    describe("when a piece has a claim key and no chip", function () {
      it("keeps the claim key in the token's slot, with no second slot and no chip in the views", async function () {
        const fx = await load();
        const code = claimCode("code-only");
        const tokenId = await fx.issue("L-CODE", { code });
        expect(await fx.pieceOf(tokenId)).to.deep.equal({
          ...decodePiece(0n),
          key: code.address,
          hasClaimKey: true,
        });
        expect(await fx.storedClaimKeyOf(tokenId)).to.equal(ZeroAddress);
        expect(await fx.certificate.chipOf(tokenId)).to.deep.equal([ZeroAddress, 0n]);
        expect(await fx.certificate.getTraitValue(tokenId, ethers.encodeBytes32String("chip"))).to.equal(
          ethers.ZeroHash,
        );
        await expect(fx.certificate.connect(fx.vaultA).setChipClaimsEnabled(tokenId, true))
          .to.be.revertedWithCustomError(fx.certificate, "HallmarkNoChip")
          .withArgs(tokenId);
      });

      it("clears the key from the slot when claimed, keeping the bumped nonce", async function () {
        const fx = await load();
        const code = claimCode("code-claim");
        const tokenId = await fx.issue("L-CODECLAIM", { code });
        await fx.claimWithCode(tokenId, code, fx.bob.address);
        expect(await fx.pieceOf(tokenId)).to.deep.equal({
          ...decodePiece(0n),
          key: ZeroAddress,
          claimNonce: 1n,
        });
        expect(await fx.certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 1n, false]);
      });
    });

    describe("when a piece has a chip and no claim key", function () {
      it("puts a later claim key in the second slot, leaving the chip and its nonce", async function () {
        const fx = await load();
        const chip = chipKey("chip-only");
        const code = claimCode("chip-only");
        const tokenId = await fx.issue("L-CHIP", { chip });
        await fx.claimWithChip(tokenId, chip, fx.alice.address);
        await fx.certificate.connect(fx.alice).setClaimKey(tokenId, code.address);

        expect(await fx.pieceOf(tokenId)).to.deep.include({
          key: chip.address,
          chipNonce: 1n,
          claimNonce: 1n,
          hasChip: true,
          hasClaimKey: true,
        });
        expect(await fx.storedClaimKeyOf(tokenId)).to.equal(code.address);
        expect(await fx.certificate.claimStateOf(tokenId)).to.deep.equal([code.address, 1n, false]);
        await expect(fx.claimWithCode(tokenId, code, fx.bob.address)).to.emit(
          fx.certificate,
          "ClaimedWithCode",
        );
        expect(await fx.certificate.chipOf(tokenId)).to.deep.equal([chip.address, 1n]);
      });

      it("withdraws a claim key set with the zero address", async function () {
        const fx = await load();
        const chip = chipKey("withdraw");
        const code = claimCode("withdraw");
        const tokenId = await fx.issue("L-WITHDRAW", { chip });
        await fx.certificate.connect(fx.vaultA).setClaimKey(tokenId, code.address);
        await fx.certificate.connect(fx.vaultA).setClaimKey(tokenId, ZeroAddress);
        expect(await fx.certificate.claimStateOf(tokenId)).to.deep.equal([ZeroAddress, 2n, false]);
        await expect(fx.claimWithCode(tokenId, code, fx.bob.address))
          .to.be.revertedWithCustomError(fx.certificate, "HallmarkNoClaimKey")
          .withArgs(tokenId);
      });

      it("keeps status, opt-in and twin count beside the chip without disturbing it", async function () {
        const fx = await load();
        const chip = chipKey("status");
        const tokenId = await fx.issue("L-STATUS", { chip });
        await fx.certificate.connect(fx.vaultA).setChipClaimsEnabled(tokenId, true);
        expect(await fx.pieceOf(tokenId)).to.deep.include({ key: chip.address, chipClaimsEnabled: true });
        // The group admin may link any account as the twin contract; here an account stands in for it.
        await fx.certificate.connect(fx.groupAdmin).setTwinContract(fx.mallory.address);
        await fx.certificate.connect(fx.mallory).recordTwinClaim(tokenId, fx.vaultA.address);
        await fx.certificate.connect(fx.vaultA).reportStolen(tokenId, "lost in transit");

        expect(await fx.pieceOf(tokenId)).to.deep.equal({
          ...decodePiece(0n),
          key: chip.address,
          status: Status.Stolen,
          hasChip: true,
          chipClaimsEnabled: true,
          twinsClaimed: 1n,
        });
        expect(await fx.certificate.statusOf(tokenId)).to.equal(Status.Stolen);
        expect(await fx.certificate.chipOf(tokenId)).to.deep.equal([chip.address, 0n]);
      });
    });
  });
});
