import { expect } from "chai";
import { AbiCoder, Wallet, ZeroAddress, id, keccak256 } from "ethers";
import type { TypedDataDomain } from "ethers";
import {
  ROLE,
  Status,
  TAG_CLAIM_TYPES,
  deployHallmark,
  eip712Domain,
  ethers,
  item,
  networkHelpers,
  tokenIdOf,
} from "./fixtures.js";

type Certificate = Awaited<ReturnType<typeof deployHallmark>>["certificate"];

/** The brand's tag oracle: the verifier's key that checks NTAG 424 DNA taps and attests the fresh ones. */
const oracle = new Wallet(id("hallmark.test.tag-oracle.brand-a"));

interface TagClaimValue {
  tokenId: bigint;
  recipient: string;
  counter: bigint;
  deadline?: bigint;
}

async function inTenMinutes(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest()) + 600n;
}

/** The oracle signs TagClaim(tokenId, recipient, counter, deadline) for the tap it verified. */
async function attest(
  signer: Wallet,
  certificate: Certificate,
  value: TagClaimValue,
  domain: Partial<TypedDataDomain> = {},
): Promise<{ deadline: bigint; attestation: string }> {
  const deadline = value.deadline ?? (await inTenMinutes());
  const attestation = await signer.signTypedData(
    { ...(await eip712Domain(certificate)), ...domain },
    TAG_CLAIM_TYPES,
    { ...value, deadline },
  );
  return { deadline, attestation };
}

/** Brand A with a tag oracle; one tagged piece in the brand vault and one owned by alice. */
async function withTagOracle() {
  const fx = await deployHallmark();
  await fx.registry.connect(fx.adminA).grantBrandRole(fx.brandA, ROLE.TAG_ORACLE, oracle.address);
  const vaultInput = item("A-TAG-VAULT");
  const aliceInput = item("A-TAG-ALICE");
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.vaultA.address, vaultInput);
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.alice.address, aliceInput);
  return {
    ...fx,
    vaultToken: tokenIdOf(fx.brandA, vaultInput.serialHash),
    aliceToken: tokenIdOf(fx.brandA, aliceInput.serialHash),
  };
}

describe("HallmarkCertificate (TagAttestedClaims)", function () {
  describe("setTagClaimsEnabled", function () {
    it("lets the owner opt in to claims by presence, reported as ChipClaimsEnabled(true)", async function () {
      const { certificate, alice, aliceToken } = await networkHelpers.loadFixture(withTagOracle);
      await expect(certificate.connect(alice).setTagClaimsEnabled(aliceToken, true))
        .to.emit(certificate, "ChipClaimsEnabled")
        .withArgs(aliceToken, true);
      expect((await certificate.claimStateOf(aliceToken)).chipClaimsEnabled).to.equal(true);
    });

    it("lets the owner opt out again", async function () {
      const { certificate, alice, aliceToken } = await networkHelpers.loadFixture(withTagOracle);
      await certificate.connect(alice).setTagClaimsEnabled(aliceToken, true);
      await expect(certificate.connect(alice).setTagClaimsEnabled(aliceToken, false))
        .to.emit(certificate, "ChipClaimsEnabled")
        .withArgs(aliceToken, false);
      expect((await certificate.claimStateOf(aliceToken)).chipClaimsEnabled).to.equal(false);
    });

    it("reverts with ERC721InsufficientApproval for anyone else", async function () {
      const { certificate, mallory, aliceToken } = await networkHelpers.loadFixture(withTagOracle);
      await expect(certificate.connect(mallory).setTagClaimsEnabled(aliceToken, true))
        .to.be.revertedWithCustomError(certificate, "ERC721InsufficientApproval")
        .withArgs(mallory.address, aliceToken);
    });

    it("reverts with ERC721NonexistentToken for a token nobody minted", async function () {
      const { certificate, alice } = await networkHelpers.loadFixture(withTagOracle);
      await expect(certificate.connect(alice).setTagClaimsEnabled(42n, true))
        .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
        .withArgs(42n);
    });
  });

  describe("claimWithTag", function () {
    describe("when the brand vault holds the certificate", function () {
      it("moves it to the attested recipient, records the counter and emits ClaimedWithTag", async function () {
        const { certificate, vaultA, bob, carol, vaultToken } =
          await networkHelpers.loadFixture(withTagOracle);
        const value = { tokenId: vaultToken, recipient: bob.address, counter: 7n };
        const { deadline, attestation } = await attest(oracle, certificate, value);
        await expect(
          certificate
            .connect(carol)
            .claimWithTag(vaultToken, bob.address, 7n, deadline, oracle.address, attestation),
        )
          .to.emit(certificate, "ClaimedWithTag")
          .withArgs(vaultToken, vaultA.address, bob.address, 7n, oracle.address)
          .and.to.emit(certificate, "Transfer")
          .withArgs(vaultA.address, bob.address, vaultToken);
        expect(await certificate.ownerOf(vaultToken)).to.equal(bob.address);
        expect(await certificate.tagCounterOf(vaultToken)).to.equal(7n);
      });

      it("accepts an oracle that is an ERC-1271 wallet", async function () {
        const { certificate, registry, adminA, brandA, bob, vaultToken } =
          await networkHelpers.loadFixture(withTagOracle);
        const wallet = await ethers.deployContract("SmartWallet", [oracle.address]);
        const walletAddress = await wallet.getAddress();
        await registry.connect(adminA).grantBrandRole(brandA, ROLE.TAG_ORACLE, walletAddress);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, walletAddress, attestation);
        expect(await certificate.ownerOf(vaultToken)).to.equal(bob.address);
      });

      it("calls a contract recipient's onERC721Received", async function () {
        const { certificate, vaultA, carol, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const recipient = await ethers.deployContract("LoggingReceiver");
        const recipientAddress = await recipient.getAddress();
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: recipientAddress,
          counter: 1n,
        });
        await expect(
          certificate
            .connect(carol)
            .claimWithTag(vaultToken, recipientAddress, 1n, deadline, oracle.address, attestation),
        )
          .to.emit(recipient, "ERC721Received")
          .withArgs(carol.address, vaultA.address, vaultToken, "0x");
      });
    });

    describe("when a customer owns the certificate", function () {
      it("reverts with HallmarkChipClaimsDisabled until the owner opts in", async function () {
        const { certificate, mallory, aliceToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: aliceToken,
          recipient: mallory.address,
          counter: 1n,
        });
        await expect(
          certificate
            .connect(mallory)
            .claimWithTag(aliceToken, mallory.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkChipClaimsDisabled")
          .withArgs(aliceToken);
      });

      it("moves it once the owner opted in, and the move clears the opt-in", async function () {
        const { certificate, alice, bob, aliceToken } = await networkHelpers.loadFixture(withTagOracle);
        await certificate.connect(alice).setTagClaimsEnabled(aliceToken, true);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: aliceToken,
          recipient: bob.address,
          counter: 3n,
        });
        await expect(
          certificate.claimWithTag(aliceToken, bob.address, 3n, deadline, oracle.address, attestation),
        )
          .to.emit(certificate, "ClaimedWithTag")
          .withArgs(aliceToken, alice.address, bob.address, 3n, oracle.address)
          .and.to.emit(certificate, "ChipClaimsEnabled")
          .withArgs(aliceToken, false);
        expect(await certificate.ownerOf(aliceToken)).to.equal(bob.address);
        expect((await certificate.claimStateOf(aliceToken)).chipClaimsEnabled).to.equal(false);
      });
    });

    describe("when the attestation is replayed", function () {
      it("reverts with HallmarkStaleTagCounter, even once the new owner opted in", async function () {
        const { certificate, bob, carol, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: carol.address,
          counter: 5n,
        });
        const first = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 5n,
        });
        await certificate.claimWithTag(
          vaultToken,
          bob.address,
          5n,
          first.deadline,
          oracle.address,
          first.attestation,
        );
        await certificate.connect(bob).setTagClaimsEnabled(vaultToken, true);
        await expect(
          certificate.claimWithTag(vaultToken, carol.address, 5n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkStaleTagCounter")
          .withArgs(vaultToken, 5n, 5n);
      });

      it("reverts with HallmarkStaleTagCounter for an earlier tap attested late", async function () {
        const { certificate, bob, carol, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const first = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 9n,
        });
        await certificate.claimWithTag(
          vaultToken,
          bob.address,
          9n,
          first.deadline,
          oracle.address,
          first.attestation,
        );
        await certificate.connect(bob).setTagClaimsEnabled(vaultToken, true);
        const earlier = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: carol.address,
          counter: 8n,
        });
        await expect(
          certificate.claimWithTag(
            vaultToken,
            carol.address,
            8n,
            earlier.deadline,
            oracle.address,
            earlier.attestation,
          ),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkStaleTagCounter")
          .withArgs(vaultToken, 8n, 9n);
      });

      it("reverts with HallmarkStaleTagCounter for counter 0, which no tap gives", async function () {
        const { certificate, bob, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 0n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 0n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkStaleTagCounter")
          .withArgs(vaultToken, 0n, 0n);
      });
    });

    describe("when the attestation has expired", function () {
      it("reverts with HallmarkSignatureExpired", async function () {
        const { certificate, bob, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await networkHelpers.time.increaseTo(deadline + 1n);
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkSignatureExpired")
          .withArgs(deadline);
      });
    });

    describe("when the attestation is of another certificate", function () {
      it("reverts with HallmarkInvalidSignature", async function () {
        const { certificate, alice, bob, vaultToken, aliceToken } =
          await networkHelpers.loadFixture(withTagOracle);
        await certificate.connect(alice).setTagClaimsEnabled(aliceToken, true);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: aliceToken,
          recipient: bob.address,
          counter: 1n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when a front-runner copies the attestation and names another recipient or counter", function () {
      it("reverts with HallmarkInvalidSignature", async function () {
        const { certificate, bob, mallory, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 2n,
        });
        await expect(
          certificate
            .connect(mallory)
            .claimWithTag(vaultToken, mallory.address, 2n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 3n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when the attestation was signed for another deployment", function () {
      it("reverts with HallmarkInvalidSignature", async function () {
        const { certificate, bob, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(
          oracle,
          certificate,
          { tokenId: vaultToken, recipient: bob.address, counter: 1n },
          { verifyingContract: "0x000000000000000000000000000000000000dEaD" },
        );
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when the signer does not hold the brand's TAG_ORACLE role", function () {
      it("reverts with HallmarkMissingBrandRole for a key that never held it", async function () {
        const { certificate, registry, brandA, bob, vaultToken } =
          await networkHelpers.loadFixture(withTagOracle);
        const stranger = new Wallet(id("hallmark.test.tag-oracle.stranger"));
        const { deadline, attestation } = await attest(stranger, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, stranger.address, attestation),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.TAG_ORACLE, stranger.address);
      });

      it("reverts with HallmarkMissingBrandRole for another brand's oracle", async function () {
        const { certificate, registry, adminB, brandA, brandB, bob, vaultToken } =
          await networkHelpers.loadFixture(withTagOracle);
        const oracleB = new Wallet(id("hallmark.test.tag-oracle.brand-b"));
        await registry.connect(adminB).grantBrandRole(brandB, ROLE.TAG_ORACLE, oracleB.address);
        const { deadline, attestation } = await attest(oracleB, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracleB.address, attestation),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.TAG_ORACLE, oracleB.address);
      });

      it("reverts with HallmarkMissingBrandRole once the brand revoked the role (a leaked oracle key)", async function () {
        const { certificate, registry, adminA, brandA, bob, vaultToken } =
          await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await registry.connect(adminA).revokeBrandRole(brandA, ROLE.TAG_ORACLE, oracle.address);
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkMissingBrandRole")
          .withArgs(brandA, ROLE.TAG_ORACLE, oracle.address);
      });

      it("reverts with HallmarkInvalidSignature when a stranger's signature names the oracle", async function () {
        const { certificate, bob, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const stranger = new Wallet(id("hallmark.test.tag-oracle.stranger"));
        const { deadline, attestation } = await attest(stranger, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidSignature")
          .withArgs(vaultToken);
      });
    });

    describe("when the brand is paused", function () {
      it("reverts with HallmarkBrandPaused", async function () {
        const { certificate, registry, adminA, brandA, bob, vaultToken } =
          await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await registry.connect(adminA).pauseBrand(brandA, "incident");
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(registry, "HallmarkBrandPaused")
          .withArgs(brandA);
      });
    });

    describe("when the certificate is reported stolen", function () {
      it("reverts with HallmarkCertificateLocked", async function () {
        const { certificate, adminA, bob, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        await certificate.connect(adminA).reportStolen(vaultToken, "taken from the boutique");
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: bob.address,
          counter: 1n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, bob.address, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkCertificateLocked")
          .withArgs(vaultToken, Status.Stolen);
      });
    });

    describe("when the recipient is the zero address", function () {
      it("reverts with HallmarkInvalidRecipient", async function () {
        const { certificate, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: vaultToken,
          recipient: ZeroAddress,
          counter: 1n,
        });
        await expect(
          certificate.claimWithTag(vaultToken, ZeroAddress, 1n, deadline, oracle.address, attestation),
        )
          .to.be.revertedWithCustomError(certificate, "HallmarkInvalidRecipient")
          .withArgs(ZeroAddress);
      });
    });

    describe("when the certificate does not exist", function () {
      it("reverts with ERC721NonexistentToken", async function () {
        const { certificate, bob } = await networkHelpers.loadFixture(withTagOracle);
        const { deadline, attestation } = await attest(oracle, certificate, {
          tokenId: 42n,
          recipient: bob.address,
          counter: 1n,
        });
        await expect(certificate.claimWithTag(42n, bob.address, 1n, deadline, oracle.address, attestation))
          .to.be.revertedWithCustomError(certificate, "ERC721NonexistentToken")
          .withArgs(42n);
      });
    });
  });

  describe("tagCounterOf", function () {
    it("is 0 for a certificate never claimed with its tag", async function () {
      const { certificate, aliceToken } = await networkHelpers.loadFixture(withTagOracle);
      expect(await certificate.tagCounterOf(aliceToken)).to.equal(0n);
    });

    // The extension keeps its counters in an ERC-7201 namespace: adding it moved none of the certificate's slots
    // (HallmarkCertificate.layout.ts checks those).
    it("is kept in the ERC-7201 namespace hallmark.storage.TagAttestedClaims", async function () {
      const { certificate, bob, vaultToken } = await networkHelpers.loadFixture(withTagOracle);
      const { deadline, attestation } = await attest(oracle, certificate, {
        tokenId: vaultToken,
        recipient: bob.address,
        counter: 11n,
      });
      await certificate.claimWithTag(vaultToken, bob.address, 11n, deadline, oracle.address, attestation);
      const coder = AbiCoder.defaultAbiCoder();
      const namespace =
        BigInt(
          keccak256(coder.encode(["uint256"], [BigInt(id("hallmark.storage.TagAttestedClaims")) - 1n])),
        ) & ~0xffn;
      const slot = keccak256(coder.encode(["uint256", "uint256"], [vaultToken, namespace]));
      expect(BigInt(await ethers.provider.getStorage(await certificate.getAddress(), slot))).to.equal(11n);
    });
  });
});
