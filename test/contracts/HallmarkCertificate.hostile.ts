import { expect } from "chai";
import { Wallet, ZeroHash, id } from "ethers";
import type { ContractTransactionResponse } from "ethers";
import {
  CHIP_CLAIM_TYPES,
  CLAIM_TYPES,
  ROLE,
  deployHallmark,
  eip712Domain,
  ethers,
  item,
  metadataDigest,
  networkHelpers,
  tokenIdOf,
} from "./fixtures.js";

type Certificate = Awaited<ReturnType<typeof deployHallmark>>["certificate"];

/** BadReceiver.Mode */
const BadMode = { WrongSelector: 0n, RevertWithError: 1n, RevertEmpty: 2n } as const;

const REPORT = metadataDigest("inspection report: authentic, grade 8");

function claimCode(label: string): Wallet {
  return new Wallet(id(`hallmark.test.claim-code.${label}`));
}

function chipKey(label: string): Wallet {
  return new Wallet(id(`hallmark.test.chip.${label}`));
}

async function signClaim(code: Wallet, certificate: Certificate, tokenId: bigint, recipient: string) {
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  const { claimNonce } = await certificate.claimStateOf(tokenId);
  const signature = await code.signTypedData(await eip712Domain(certificate), CLAIM_TYPES, {
    tokenId,
    recipient,
    nonce: claimNonce,
    deadline,
  });
  return { deadline, signature };
}

/** Signs for the block before the latest, so the signature is also valid inside an eth_call at the head. */
async function signChipClaim(chip: Wallet, certificate: Certificate, tokenId: bigint, recipient: string) {
  const blockNumber = BigInt(await ethers.provider.getBlockNumber()) - 1n;
  const blockHash = (await ethers.provider.getBlock(blockNumber))?.hash ?? ZeroHash;
  const { nonce } = await certificate.chipOf(tokenId);
  const signature = await chip.signTypedData(await eip712Domain(certificate), CHIP_CLAIM_TYPES, {
    tokenId,
    recipient,
    blockNumber,
    blockHash,
    nonce,
  });
  return { blockNumber, signature };
}

/**
 * A ReentrantReceiver holding every power it could abuse if the guard were missing: issuer and resale partner
 * of brand A, owner of a certificate it may resell, plus vault certificates with a claim code and a chip it
 * knows. It also owns the predecessor that issueSuccessor replaces, and approved issuerA for it (a succession
 * needs the owner's consent). Each outer scenario has its own certificate so that its re-entry targets stay
 * untouched.
 */
async function deployHostile() {
  const fx = await deployHallmark();
  const { certificate, registry, adminA, issuerA, partnerA, vaultA, brandA } = fx;
  const receiver = await ethers.deployContract("ReentrantReceiver");
  const receiverAddress = await receiver.getAddress();
  await registry.connect(adminA).grantBrandRole(brandA, ROLE.ISSUER, receiverAddress);
  await registry.connect(adminA).grantBrandRole(brandA, ROLE.RESALE_PARTNER, receiverAddress);

  const innerCode = claimCode("H-INNER-CODE");
  const innerChip = chipKey("H-INNER-CHIP");
  const outerCode = claimCode("H-OUTER-CODE");
  const outerChip = chipKey("H-OUTER-CHIP");
  const inputs = {
    stash: item("H-STASH"),
    predecessor: item("H-PREDECESSOR"),
    innerCode: item("H-INNER-CODE", { claimKey: innerCode.address }),
    innerChip: item("H-INNER-CHIP", { chip: innerChip.address }),
    outerCode: item("H-OUTER-CODE", { claimKey: outerCode.address }),
    outerChip: item("H-OUTER-CHIP", { chip: outerChip.address }),
    partnerStock: item("H-PARTNER-STOCK"),
  };
  // The mock only makes calls from its hook: it consents to the succession when the predecessor arrives.
  // (approve is not guarded, as in OpenZeppelin's ERC-721, so this call from inside issueBatch goes through.)
  const predecessorId = tokenIdOf(brandA, inputs.predecessor.serialHash);
  await receiver.arm(
    await certificate.getAddress(),
    certificate.interface.encodeFunctionData("approve", [issuerA.address, predecessorId]),
  );
  await certificate.connect(issuerA).issueBatch(brandA, receiverAddress, [inputs.stash, inputs.predecessor]);
  if ((await certificate.getApproved(predecessorId)) !== issuerA.address) {
    throw new Error("the receiver did not approve issuerA for the predecessor");
  }
  await certificate
    .connect(issuerA)
    .issueBatch(brandA, vaultA.address, [
      inputs.innerCode,
      inputs.innerChip,
      inputs.outerCode,
      inputs.outerChip,
    ]);
  await certificate.connect(issuerA).issue(brandA, partnerA.address, inputs.partnerStock);
  const ids = Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, tokenIdOf(brandA, input.serialHash)]),
  ) as Record<keyof typeof inputs, bigint>;
  return { ...fx, receiver, receiverAddress, innerCode, innerChip, outerCode, outerChip, ids };
}

type Hostile = Awaited<ReturnType<typeof deployHostile>>;

/** Calls the receiver makes from its hook; each sends something to mallory, so her balance shows any success. */
const reentries: Record<string, (fx: Hostile) => string | Promise<string>> = {
  issue: ({ certificate, brandA, mallory }) =>
    certificate.interface.encodeFunctionData("issue", [brandA, mallory.address, item("H-INNER-ISSUE")]),
  issueBatch: ({ certificate, brandA, mallory }) =>
    certificate.interface.encodeFunctionData("issueBatch", [
      brandA,
      mallory.address,
      [item("H-INNER-BATCH-1"), item("H-INNER-BATCH-2")],
    ]),
  claimWithCode: async ({ certificate, mallory, innerCode, ids }) => {
    const { deadline, signature } = await signClaim(innerCode, certificate, ids.innerCode, mallory.address);
    return certificate.interface.encodeFunctionData("claimWithCode", [
      ids.innerCode,
      mallory.address,
      deadline,
      signature,
    ]);
  },
  claimWithChip: async ({ certificate, mallory, innerChip, ids }) => {
    const { blockNumber, signature } = await signChipClaim(
      innerChip,
      certificate,
      ids.innerChip,
      mallory.address,
    );
    return certificate.interface.encodeFunctionData("claimWithChip", [
      ids.innerChip,
      mallory.address,
      blockNumber,
      signature,
    ]);
  },
  authenticatedResale: ({ certificate, mallory, ids }) =>
    certificate.interface.encodeFunctionData("authenticatedResale", [ids.stash, mallory.address, REPORT, 8]),
};

interface OuterCall {
  /** Sends the outer transaction that delivers certificates to the receiver. */
  send: (fx: Hostile) => Promise<ContractTransactionResponse>;
  /** The certificates the receiver must own once the outer call completed. */
  delivered: (fx: Hostile) => bigint[];
}

const outerCalls: Record<string, OuterCall> = {
  "a mint by issue": {
    send: ({ certificate, issuerA, brandA, receiverAddress }) =>
      certificate.connect(issuerA).issue(brandA, receiverAddress, item("H-OUTER-ISSUE")),
    delivered: ({ brandA }) => [tokenIdOf(brandA, item("H-OUTER-ISSUE").serialHash)],
  },
  "a mint by issueBatch": {
    send: ({ certificate, issuerA, brandA, receiverAddress }) =>
      certificate
        .connect(issuerA)
        .issueBatch(brandA, receiverAddress, [
          item("H-OUTER-BATCH-1"),
          item("H-OUTER-BATCH-2"),
          item("H-OUTER-BATCH-3"),
        ]),
    delivered: ({ brandA }) =>
      ["H-OUTER-BATCH-1", "H-OUTER-BATCH-2", "H-OUTER-BATCH-3"].map((s) =>
        tokenIdOf(brandA, item(s).serialHash),
      ),
  },
  "a mint by issueSuccessor": {
    send: ({ certificate, issuerA, ids }) =>
      certificate.connect(issuerA).issueSuccessor(ids.predecessor, item("H-SUCCESSOR"), "tag replaced"),
    delivered: ({ brandA }) => [tokenIdOf(brandA, item("H-SUCCESSOR").serialHash)],
  },
  "a claim by claimWithCode": {
    send: async ({ certificate, carol, outerCode, receiverAddress, ids }) => {
      const { deadline, signature } = await signClaim(outerCode, certificate, ids.outerCode, receiverAddress);
      return certificate.connect(carol).claimWithCode(ids.outerCode, receiverAddress, deadline, signature);
    },
    delivered: ({ ids }) => [ids.outerCode],
  },
  "a claim by claimWithChip": {
    send: async ({ certificate, carol, outerChip, receiverAddress, ids }) => {
      const { blockNumber, signature } = await signChipClaim(
        outerChip,
        certificate,
        ids.outerChip,
        receiverAddress,
      );
      return certificate.connect(carol).claimWithChip(ids.outerChip, receiverAddress, blockNumber, signature);
    },
    delivered: ({ ids }) => [ids.outerChip],
  },
  "a resale by authenticatedResale": {
    send: ({ certificate, partnerA, receiverAddress, ids }) =>
      certificate.connect(partnerA).authenticatedResale(ids.partnerStock, receiverAddress, REPORT, 7),
    delivered: ({ ids }) => [ids.partnerStock],
  },
};

describe("HallmarkCertificate", function () {
  describe("re-entrancy from onERC721Received", function () {
    describe("when the re-entering calls are made outside a hook", function () {
      for (const [name, encode] of Object.entries(reentries)) {
        it(`lets the receiver's ${name} call succeed, so only the guard can stop it inside a hook`, async function () {
          const fx = await networkHelpers.loadFixture(deployHostile);
          const data = await encode(fx);
          await ethers.provider.call({
            from: fx.receiverAddress,
            to: await fx.certificate.getAddress(),
            data,
          });
        });
      }
    });

    for (const [outerName, outer] of Object.entries(outerCalls)) {
      describe(`when the receiver re-enters during ${outerName}`, function () {
        for (const [innerName, encode] of Object.entries(reentries)) {
          it(`reverts the re-entry into ${innerName} with ReentrancyGuardReentrantCall and completes the outer call`, async function () {
            const fx = await networkHelpers.loadFixture(deployHostile);
            const { certificate, receiver, receiverAddress, mallory } = fx;
            await receiver.arm(await certificate.getAddress(), await encode(fx));
            const receivedBefore = await receiver.received();
            const balanceBefore = await certificate.balanceOf(receiverAddress);
            const delivered = outer.delivered(fx);

            await outer.send(fx);

            expect(await receiver.reentrySucceeded()).to.equal(false);
            const reentryError = certificate.interface.parseError(await receiver.reentryRevertData());
            expect(reentryError?.name).to.equal("ReentrancyGuardReentrantCall");
            expect(await receiver.reentryCall()).to.equal("0x");
            for (const tokenId of delivered)
              expect(await certificate.ownerOf(tokenId)).to.equal(receiverAddress);
            expect(await certificate.balanceOf(receiverAddress)).to.equal(
              balanceBefore + BigInt(delivered.length),
            );
            expect(await receiver.received()).to.equal(receivedBefore + BigInt(delivered.length));
            expect(await certificate.balanceOf(mallory.address)).to.equal(0n);
          });
        }
      });
    }

    describe("when the re-entry is refused", function () {
      it("leaves the re-entry's targets where they were", async function () {
        const fx = await networkHelpers.loadFixture(deployHostile);
        const { certificate, receiver, receiverAddress, vaultA, ids } = fx;
        await receiver.arm(await certificate.getAddress(), await reentries.claimWithCode(fx));
        await outerCalls["a claim by claimWithChip"].send(fx);
        expect(await certificate.ownerOf(ids.innerCode)).to.equal(vaultA.address);
        expect((await certificate.claimStateOf(ids.innerCode)).claimKey).to.equal(fx.innerCode.address);
        expect(await certificate.ownerOf(ids.stash)).to.equal(receiverAddress);
        expect(await certificate.chipOf(ids.innerChip)).to.deep.equal([fx.innerChip.address, 0n]);
      });
    });
  });

  describe("safe delivery to a contract that refuses certificates", function () {
    async function deployBadReceiver() {
      const fx = await deployHallmark();
      const bad = await ethers.deployContract("BadReceiver");
      const badAddress = await bad.getAddress();
      // A refusing owner that can still approve: BadReceiver cannot call out.
      const refusingOwner = await ethers.deployContract("LoggingReceiver");
      const code = claimCode("H-BAD-CODE");
      const chip = chipKey("H-BAD-CHIP");
      const codeInput = item("H-BAD-CODE", { claimKey: code.address });
      const chipInput = item("H-BAD-CHIP", { chip: chip.address });
      const stockInput = item("H-BAD-STOCK");
      const aliceInput = item("H-BAD-ALICE");
      await fx.certificate
        .connect(fx.issuerA)
        .issueBatch(fx.brandA, fx.vaultA.address, [codeInput, chipInput]);
      await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.partnerA.address, stockInput);
      await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, aliceInput);
      return {
        ...fx,
        bad,
        badAddress,
        refusingOwner,
        code,
        chip,
        codeToken: tokenIdOf(fx.brandA, codeInput.serialHash),
        chipToken: tokenIdOf(fx.brandA, chipInput.serialHash),
        stockToken: tokenIdOf(fx.brandA, stockInput.serialHash),
        aliceToken: tokenIdOf(fx.brandA, aliceInput.serialHash),
      };
    }

    describe("when the receiver returns a wrong selector", function () {
      it("reverts issue with ERC721InvalidReceiver", async function () {
        const { certificate, issuerA, brandA, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        await expect(certificate.connect(issuerA).issue(brandA, badAddress, item("H-BAD-1")))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
      });

      it("reverts issueBatch with ERC721InvalidReceiver", async function () {
        const { certificate, issuerA, brandA, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        await expect(
          certificate.connect(issuerA).issueBatch(brandA, badAddress, [item("H-BAD-1"), item("H-BAD-2")]),
        )
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
      });

      it("reverts issueSuccessor with ERC721InvalidReceiver when the predecessor's owner refuses", async function () {
        const { certificate, issuerA, alice, aliceToken, refusingOwner } =
          await networkHelpers.loadFixture(deployBadReceiver);
        const ownerAddress = await refusingOwner.getAddress();
        // An unsafe transfer can always put a certificate in a contract that cannot take a new one; that
        // owner consents to the succession, then returns a wrong selector to the successor's delivery.
        await certificate.connect(alice).transferFrom(alice.address, ownerAddress, aliceToken);
        await refusingOwner.execute(
          await certificate.getAddress(),
          certificate.interface.encodeFunctionData("approve", [issuerA.address, aliceToken]),
        );
        await refusingOwner.setRefusing(true);
        await expect(
          certificate.connect(issuerA).issueSuccessor(aliceToken, item("H-BAD-SUCCESSOR"), "tag replaced"),
        )
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(ownerAddress);
        expect(await certificate.successorOf(aliceToken)).to.equal(0n);
      });

      it("reverts claimWithCode with ERC721InvalidReceiver and leaves the code usable", async function () {
        const { certificate, bob, carol, code, codeToken, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        const toBad = await signClaim(code, certificate, codeToken, badAddress);
        await expect(
          certificate.connect(carol).claimWithCode(codeToken, badAddress, toBad.deadline, toBad.signature),
        )
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
        const toBob = await signClaim(code, certificate, codeToken, bob.address);
        await certificate
          .connect(carol)
          .claimWithCode(codeToken, bob.address, toBob.deadline, toBob.signature);
        expect(await certificate.ownerOf(codeToken)).to.equal(bob.address);
      });

      it("reverts claimWithChip with ERC721InvalidReceiver and leaves the chip nonce unchanged", async function () {
        const { certificate, carol, chip, chipToken, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        const { blockNumber, signature } = await signChipClaim(chip, certificate, chipToken, badAddress);
        await expect(certificate.connect(carol).claimWithChip(chipToken, badAddress, blockNumber, signature))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
        expect(await certificate.chipOf(chipToken)).to.deep.equal([chip.address, 0n]);
      });

      it("reverts authenticatedResale with ERC721InvalidReceiver", async function () {
        const { certificate, partnerA, stockToken, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        await expect(certificate.connect(partnerA).authenticatedResale(stockToken, badAddress, REPORT, 7))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
      });

      it("reverts safeTransferFrom with ERC721InvalidReceiver", async function () {
        const { certificate, alice, aliceToken, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        const asAlice = certificate.connect(alice);
        await expect(
          asAlice["safeTransferFrom(address,address,uint256)"](alice.address, badAddress, aliceToken),
        )
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
      });
    });

    describe("when the receiver reverts without data", function () {
      it("reverts issue with ERC721InvalidReceiver", async function () {
        const { certificate, issuerA, brandA, bad, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        await bad.setMode(BadMode.RevertEmpty);
        await expect(certificate.connect(issuerA).issue(brandA, badAddress, item("H-BAD-1")))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(badAddress);
      });
    });

    describe("when the receiver reverts with its own error", function () {
      it("bubbles the receiver's error up from issue", async function () {
        const { certificate, issuerA, brandA, bad, badAddress } =
          await networkHelpers.loadFixture(deployBadReceiver);
        await bad.setMode(BadMode.RevertWithError);
        const input = item("H-BAD-1");
        await expect(certificate.connect(issuerA).issue(brandA, badAddress, input))
          .to.be.revertedWithCustomError(bad, "BadReceiverRefused")
          .withArgs(tokenIdOf(brandA, input.serialHash));
      });
    });

    describe("when the recipient contract has no onERC721Received at all", function () {
      it("reverts issue with ERC721InvalidReceiver", async function () {
        const { certificate, registry, issuerA, brandA } =
          await networkHelpers.loadFixture(deployBadReceiver);
        const registryAddress = await registry.getAddress();
        await expect(certificate.connect(issuerA).issue(brandA, registryAddress, item("H-BAD-1")))
          .to.be.revertedWithCustomError(certificate, "ERC721InvalidReceiver")
          .withArgs(registryAddress);
      });
    });
  });
});
