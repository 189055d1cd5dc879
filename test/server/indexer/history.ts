/**
 * A scripted on-chain history for the indexer tests: two brands with roles, a batch minted to the
 * vault, a sale and transfer, a claim by code, an authenticated resale, a repair, stolen and
 * restored, a revocation, a successor, a metadata update, garment designs with direct mints,
 * a voucher, a twin claim and a transfer of editions, then an issuer compromise.
 */
import type { network } from "hardhat";
import { ethers as ethersLib } from "ethers";
import type { Deployments } from "../../../server/chain/deployments.js";
import { certificateDomain, garmentsDomain, signTypedMessage } from "../../../server/chain/eip712.js";

export type Connection = Awaited<ReturnType<typeof network.create>>;
type HardhatEthers = Connection["ethers"];

export const ROLE = {
  BRAND_ADMIN: ethersLib.id("hallmark.role.BRAND_ADMIN"),
  ISSUER: ethersLib.id("hallmark.role.ISSUER"),
  RESALE_PARTNER: ethersLib.id("hallmark.role.RESALE_PARTNER"),
  REPAIRER: ethersLib.id("hallmark.role.REPAIRER"),
} as const;
export const SALT = ethersLib.id("indexer-test-salt");
export const serialHash = (serial: string): string =>
  ethersLib.solidityPackedKeccak256(["bytes32", "string"], [SALT, serial]);
export const digest = (text: string): string => ethersLib.sha256(ethersLib.toUtf8Bytes(text));
export const tokenIdOf = (brandId: bigint, serial: string): bigint =>
  (brandId << 224n) | (BigInt(serialHash(serial)) & ((1n << 224n) - 1n));
export const item = (serial: string, extra: { chip?: string; claimKey?: string } = {}) => ({
  serialHash: serialHash(serial),
  metadataDigest: digest(`metadata of ${serial}`),
  chip: extra.chip ?? ethersLib.ZeroAddress,
  claimKey: extra.claimKey ?? ethersLib.ZeroAddress,
});

export const FAR_DEADLINE = 4_102_444_800n;

/** Deploys the three contracts and registers two brands with their roles. */
export async function deployStack(ethers: HardhatEthers) {
  const signers = await ethers.getSigners();
  const [groupAdmin, adminA, issuerA, partnerA, repairerA, vaultA, adminB, issuerB, alice, bob, carol] =
    signers;
  const startBlock = await ethers.provider.getBlockNumber();
  const registry = await ethers.deployContract("BrandRegistry", [3n * 24n * 3600n, groupAdmin.address]);
  const certificate = await ethers.deployContract("HallmarkCertificate", [await registry.getAddress()]);
  const garments = await ethers.deployContract("HallmarkGarments", [
    await registry.getAddress(),
    await certificate.getAddress(),
  ]);
  await certificate.setTwinContract(await garments.getAddress());
  await registry.registerBrand(
    "Maison A",
    "ipfs://brand-a",
    adminA.address,
    vaultA.address,
    adminA.address,
    500n,
  );
  await registry.registerBrand(
    "Maison B",
    "ipfs://brand-b",
    adminB.address,
    adminB.address,
    adminB.address,
    750n,
  );
  await registry.connect(adminA).grantBrandRole(1n, ROLE.ISSUER, issuerA.address);
  await registry.connect(adminA).grantBrandRole(1n, ROLE.RESALE_PARTNER, partnerA.address);
  await registry.connect(adminA).grantBrandRole(1n, ROLE.REPAIRER, repairerA.address);
  await registry.connect(adminB).grantBrandRole(2n, ROLE.ISSUER, issuerB.address);
  const { chainId } = await ethers.provider.getNetwork();
  const deployments: Deployments = {
    chainId: Number(chainId),
    startBlock,
    contracts: {
      BrandRegistry: await registry.getAddress(),
      HallmarkCertificate: await certificate.getAddress(),
      HallmarkGarments: await garments.getAddress(),
    },
  };
  return {
    ethers,
    registry,
    certificate,
    garments,
    deployments,
    chainId,
    groupAdmin,
    adminA,
    issuerA,
    partnerA,
    repairerA,
    vaultA,
    adminB,
    issuerB,
    alice,
    bob,
    carol,
  };
}

export type Stack = Awaited<ReturnType<typeof deployStack>>;

export const SERIALS = ["A-1", "A-2", "A-3", "A-4", "A-5"] as const;

/** Runs the scripted history on a deployed stack; answers the ids it produced. */
/** Runs one step of a script, naming it when it fails. */
async function step<T>(n: number, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new Error(`scripted history step ${n} failed: ${(error as Error).message}`, { cause: error });
  }
}

export async function scriptHistory(s: Stack) {
  const { certificate, garments, registry, ethers } = s;
  const claimWallet = ethersLib.Wallet.createRandom();
  const chip = ethersLib.Wallet.createRandom();
  const [t1, t2, t3, t4, t5] = SERIALS.map((serial) => tokenIdOf(1n, serial));
  const successor = tokenIdOf(1n, "A-4-bis");
  const brandB1 = tokenIdOf(2n, "B-1");

  // Mint batch to the vault: A-2 with a claim code, A-1 with a chip.
  await step(1, () =>
    certificate.connect(s.issuerA).issueBatch(
      1n,
      s.vaultA.address,
      SERIALS.map((serial) =>
        item(
          serial,
          serial === "A-2"
            ? { claimKey: claimWallet.address }
            : serial === "A-1"
              ? { chip: chip.address }
              : {},
        ),
      ),
    ),
  );
  await step(2, () => certificate.connect(s.issuerB).issue(2n, s.alice.address, item("B-1")));

  // Sale by the brand, then the vault hands A-1 to alice.
  await step(3, () => certificate.connect(s.issuerA).recordProvenance(t1, 0n, digest("sale receipt"), 0));
  await step(4, () => certificate.connect(s.vaultA).transferFrom(s.vaultA.address, s.alice.address, t1));

  // Claim by code: bob claims A-2 from the vault.
  const [, claimNonce] = await certificate.claimStateOf(t2);
  const domain = certificateDomain(s.chainId, await certificate.getAddress());
  const claimSignature = await signTypedMessage(claimWallet, "Claim", domain, {
    tokenId: t2,
    recipient: s.bob.address,
    nonce: claimNonce,
    deadline: FAR_DEADLINE,
  });
  await step(5, () =>
    certificate.connect(s.bob).claimWithCode(t2, s.bob.address, FAR_DEADLINE, claimSignature),
  );

  // Authenticated resale of A-1 from alice to carol through the partner.
  await step(6, () => certificate.connect(s.alice).approve(s.partnerA.address, t1));
  await step(7, () =>
    certificate.connect(s.partnerA).authenticatedResale(t1, s.carol.address, digest("resale report"), 8),
  );

  // Repair, stolen, restored.
  await step(8, () => certificate.connect(s.repairerA).recordProvenance(t1, 2n, digest("repair report"), 7));
  await step(9, () => certificate.connect(s.carol).reportStolen(t1, "stolen in Milan"));
  await step(10, () => certificate.connect(s.adminA).restore(t1, "recovered by police"));

  // Revocation, successor, metadata update.
  await step(11, () => certificate.connect(s.adminA).revoke(t3, "counterfeit tag found"));
  await step(12, () => certificate.connect(s.vaultA).approve(s.issuerA.address, t4));
  await step(12, () => certificate.connect(s.issuerA).issueSuccessor(t4, item("A-4-bis"), "tag replaced"));
  await step(13, () => certificate.connect(s.issuerA).updateMetadata(t5, digest("metadata v2 of A-5")));

  // Garments: a capped design with direct mints, a voucher, a twin design claimed by bob (owner of A-2).
  const designInput = {
    maxSupply: 10n,
    closesAt: 0n,
    metadataDigest: digest("tote design"),
    royaltyReceiver: s.adminA.address,
    royaltyBps: 250n,
    locked: false,
    redeemable: true,
    twinCollectionRoot: ethersLib.ZeroHash,
  };
  await step(14, () => garments.connect(s.issuerA).createDesign(1n, designInput));
  const design1 = 1n;
  await step(15, () =>
    garments.connect(s.issuerA).mintEditions(design1, [s.alice.address, s.carol.address], [2n, 1n]),
  );
  const voucher = {
    designId: design1,
    buyer: ethersLib.ZeroAddress,
    amount: 2n,
    price: 0n,
    deadline: FAR_DEADLINE,
    nonce: ethersLib.id("v1"),
  };
  const voucherSignature = await signTypedMessage(
    s.issuerA,
    "Voucher",
    garmentsDomain(s.chainId, await garments.getAddress()),
    voucher,
  );
  await step(16, () => garments.connect(s.bob).redeemVoucher(voucher, s.issuerA.address, voucherSignature));
  await step(17, () =>
    garments.connect(s.alice).safeTransferFrom(s.alice.address, s.carol.address, design1, 1n, "0x"),
  );
  await step(18, () => garments.connect(s.carol).redeemForPhysical(design1, 1n, digest("shipping request")));

  // Twin: a collection of one certificate (A-2, at position 0): the root is the leaf itself.
  const leaf = ethersLib.keccak256(
    ethersLib.keccak256(ethersLib.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [0n, t2])),
  );
  await step(19, () =>
    garments.connect(s.issuerA).createDesign(1n, {
      ...designInput,
      maxSupply: 0n,
      closesAt: FAR_DEADLINE,
      royaltyReceiver: ethersLib.ZeroAddress,
      royaltyBps: 0n,
      redeemable: false,
      locked: true,
      metadataDigest: digest("twin design"),
      twinCollectionRoot: leaf,
    }),
  );
  const design2 = 2n;
  await step(20, () => garments.connect(s.bob).claimTwin(design2, t2, 0n, []));

  // The issuer key of brand A is declared compromised from the successor's block on.
  const compromiseFrom = BigInt(await ethers.provider.getBlockNumber()) - 3n;
  await step(21, () =>
    registry.connect(s.adminA).declareIssuerCompromised(1n, s.issuerA.address, compromiseFrom),
  );

  return {
    t1,
    t2,
    t3,
    t4,
    t5,
    successor,
    brandB1,
    design1,
    design2,
    compromiseFrom: Number(compromiseFrom),
    claimWallet,
    chip,
  };
}
