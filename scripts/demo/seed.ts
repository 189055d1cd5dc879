/**
 * The demo collection: two brands and certificates with real histories, built through the contracts'
 * public functions exactly as a brand, its partners and customers would.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { ethers as ethersLib, Wallet } from "ethers";
import { buildTwinCollection } from "../../server/issuer/twinCollection.js";
import type {
  BrandRegistry,
  HallmarkCertificate,
  HallmarkGarments,
} from "../../types/ethers-contracts/index.js";

const ROLE = {
  ISSUER: ethersLib.id("hallmark.role.ISSUER"),
  RESALE_PARTNER: ethersLib.id("hallmark.role.RESALE_PARTNER"),
  REPAIRER: ethersLib.id("hallmark.role.REPAIRER"),
};
const Kind = { Sale: 0, AuthenticatedResale: 1, Repair: 2, Inspection: 3 };

export interface DemoSummary {
  brands: number;
  certificates: number;
  designs: number;
  highlights: string[];
}

function sha256Json(document: unknown): string {
  return ethersLib.sha256(ethersLib.toUtf8Bytes(JSON.stringify(document)));
}

export async function seedDemo(
  ethers: HardhatEthers,
  registry: BrandRegistry,
  certificate: HallmarkCertificate,
  garments: HallmarkGarments,
): Promise<DemoSummary> {
  const [, adminA, issuerA, partner, repairer, vaultA, adminB, issuerB, alice, bob, carol] =
    await ethers.getSigners();
  const highlights: string[] = [];

  await (
    await registry.registerBrand("Maison Aurelle", "", adminA.address, vaultA.address, adminA.address, 500)
  ).wait();
  await (
    await registry.registerBrand("Volta Milano", "", adminB.address, adminB.address, adminB.address, 750)
  ).wait();
  await (await registry.connect(adminA).grantBrandRole(1, ROLE.ISSUER, issuerA.address)).wait();
  await (await registry.connect(adminA).grantBrandRole(1, ROLE.RESALE_PARTNER, partner.address)).wait();
  await (await registry.connect(adminA).grantBrandRole(1, ROLE.REPAIRER, repairer.address)).wait();
  await (await registry.connect(adminB).grantBrandRole(2, ROLE.ISSUER, issuerB.address)).wait();

  const salt = ethersLib.id("maison-aurelle-demo-salt");
  const items = Array.from({ length: 24 }, (_, i) => {
    const serial = `MA-2024-${String(i + 1).padStart(4, "0")}`;
    const claimKey = i >= 18 ? Wallet.createRandom() : undefined;
    return {
      serial,
      claimKey,
      input: {
        serialHash: ethersLib.solidityPackedKeccak256(["bytes32", "string"], [salt, serial]),
        metadataDigest: sha256Json({ name: `Aurelle Sac ${serial}`, serial }),
        chip: ethersLib.ZeroAddress,
        claimKey: claimKey?.address ?? ethersLib.ZeroAddress,
      },
    };
  });
  await (
    await certificate.connect(issuerA).issueBatch(
      1,
      vaultA.address,
      items.map((x) => x.input),
    )
  ).wait();
  const ids = await Promise.all(items.map((x) => certificate.tokenIdOf(1, x.input.serialHash)));

  // Sold, repaired and resold through a partner.
  const [sold, stolen, revoked] = ids;
  await (await certificate.connect(vaultA).transferFrom(vaultA.address, alice.address, sold)).wait();
  await (
    await certificate.connect(issuerA).recordProvenance(sold, Kind.Sale, sha256Json({ kind: "sale" }), 0)
  ).wait();
  await (
    await certificate.connect(repairer).recordProvenance(sold, Kind.Repair, sha256Json({ kind: "repair" }), 8)
  ).wait();
  await (await certificate.connect(alice).approve(partner.address, sold)).wait();
  await (
    await certificate
      .connect(partner)
      .authenticatedResale(sold, bob.address, sha256Json({ kind: "resale" }), 9)
  ).wait();
  highlights.push(`resold through a partner: token ${sold}`);

  await (await certificate.connect(vaultA).transferFrom(vaultA.address, carol.address, stolen)).wait();
  await (await certificate.connect(carol).reportStolen(stolen, "taken from a boutique fitting room")).wait();
  highlights.push(`reported stolen: token ${stolen}`);

  await (await certificate.connect(adminA).revoke(revoked, "counterfeit tag found at inspection")).wait();
  highlights.push(`revoked: token ${revoked}`);

  const claimable = items.filter((x) => x.claimKey);
  highlights.push(
    `${claimable.length} unclaimed in the brand vault with claim codes, e.g. ${claimable[0]?.claimKey?.privateKey}`,
  );

  const saltB = ethersLib.id("volta-milano-demo-salt");
  const itemsB = Array.from({ length: 8 }, (_, i) => ({
    serialHash: ethersLib.solidityPackedKeccak256(["bytes32", "string"], [saltB, `VM-${i + 1}`]),
    metadataDigest: sha256Json({ name: `Volta jacket ${i + 1}` }),
    chip: ethersLib.ZeroAddress,
    claimKey: ethersLib.ZeroAddress,
  }));
  await (await certificate.connect(issuerB).issueBatch(2, alice.address, itemsB)).wait();

  // Digital garments: a capped edition sold by vouchers, and the digital twin of the physical bags.
  const design = {
    maxSupply: 500,
    closesAt: 0,
    metadataDigest: sha256Json({ name: "Aurelle Sac — digital edition" }),
    royaltyReceiver: ethersLib.ZeroAddress,
    royaltyBps: 0,
    locked: false,
    redeemable: true,
    twinCollectionRoot: ethersLib.ZeroHash,
  };
  await (await garments.connect(issuerA).createDesign(1, design)).wait();
  const edition = await garments.designCount();
  await (
    await garments.connect(issuerA).mintEditions(edition, [alice.address, carol.address], [2, 1])
  ).wait();
  const voucher = {
    designId: edition,
    buyer: bob.address,
    amount: 1,
    price: ethersLib.parseEther("0.05"),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 7 * 24 * 3600),
    nonce: ethersLib.id("demo-voucher-1"),
  };
  const domain = {
    name: "Hallmark Garments",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await garments.getAddress(),
  };
  const types = {
    Voucher: [
      { name: "designId", type: "uint256" },
      { name: "buyer", type: "address" },
      { name: "amount", type: "uint32" },
      { name: "price", type: "uint256" },
      { name: "deadline", type: "uint64" },
      { name: "nonce", type: "bytes32" },
    ],
  };
  const signature = await issuerA.signTypedData(domain, types, voucher);
  await (
    await garments.connect(bob).redeemVoucher(voucher, issuerA.address, signature, { value: voucher.price })
  ).wait();
  highlights.push(`garment design ${edition}: 500-edition cap, 4 minted (airdrop and a voucher sale)`);

  const twins = buildTwinCollection(ids.slice(0, 12));
  await (
    await garments
      .connect(issuerA)
      .createDesign(1, {
        ...design,
        maxSupply: 12,
        redeemable: false,
        twinCollectionRoot: twins.root,
        metadataDigest: sha256Json({ name: "Aurelle Sac — digital twin" }),
      })
  ).wait();
  const twinDesign = await garments.designCount();
  await (await garments.connect(bob).claimTwin(twinDesign, sold, twins.proofOf(sold))).wait();
  highlights.push(
    `garment design ${twinDesign}: digital twin of the first 12 bags; token ${sold}'s twin claimed`,
  );

  return { brands: 2, certificates: items.length + itemsB.length, designs: 2, highlights };
}
