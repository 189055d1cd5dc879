/**
 * The demo collection: two brands, certificates with real histories and digital garments, built through
 * the contracts' public functions exactly as a brand, its partners and customers would, with every
 * metadata and event document published to IPFS and committed on-chain by its sha256.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { ethers as ethersLib } from "ethers";
import { newClaimCode } from "../../server/chain/claim-code.js";
import { garmentsDomain, signTypedMessage } from "../../server/chain/eip712.js";
import { publishBrandProfile } from "../../server/issuer/brands.js";
import type { MetadataStore } from "../../server/ipfs/metadata-store.js";
import { buildTwinCollection } from "../../server/issuer/twinCollection.js";
import type {
  BrandRegistry,
  HallmarkCertificate,
  HallmarkGarments,
} from "../../types/ethers-contracts/index.js";
import { tagUidCommitment } from "../../server/tags/tag-binding.js";
import {
  BrandSaltSetting,
  normaliseSerial,
  saltOf,
  serialRuleOf,
} from "../../server/verification/serial-rule.js";
import { DemoCatalogue, demoGtin } from "./catalogue.js";
import { DEMO_TAGGED_PIECES, demoTagOracle, demoTagUid } from "./tags.js";
import type { DemoBrand } from "./catalogue.js";

const ROLE = {
  ISSUER: ethersLib.id("hallmark.role.ISSUER"),
  RESALE_PARTNER: ethersLib.id("hallmark.role.RESALE_PARTNER"),
  TAG_ORACLE: ethersLib.id("hallmark.role.TAG_ORACLE"),
  REPAIRER: ethersLib.id("hallmark.role.REPAIRER"),
};
const Kind = { Sale: 0, AuthenticatedResale: 1, Repair: 2, Inspection: 3 };

/**
 * The demo brands' serial salts (HALLMARK_BRAND_SALTS). A real brand keeps its salt secret and gives it
 * only to its verifier. Maison Aurelle declares that its serials compare without case, spaces or dashes
 * (`ma 2024 0001` is MA-2024-0001), so its serials are hashed in that form; Volta Milano's compare exactly.
 */
export const DEMO_BRAND_SALTS: Record<string, BrandSaltSetting> = {
  "1": {
    salt: ethersLib.id("maison-aurelle-demo-salt"),
    serial: { ignoreCase: true, ignore: " -" },
  },
  "2": ethersLib.id("volta-milano-demo-salt"),
};

/** The salted hash the chain holds for a demo serial, as the brand's issuer computes it (its serial rule applied). */
export function demoSerialHash(brand: "1" | "2", serial: string): string {
  const setting = DEMO_BRAND_SALTS[brand];
  return ethersLib.solidityPackedKeccak256(
    ["bytes32", "string"],
    [saltOf(setting), normaliseSerial(serialRuleOf(BrandSaltSetting.parse(setting)), serial)],
  );
}

/** The demo brands' names and GS1 company prefixes (what their passports' GTINs start with). */
export const DEMO_BRANDS: Readonly<Record<1 | 2, DemoBrand>> = {
  // Their ids, EORI numbers and atelier GLNs: the textile passport data and its sealed sections (#19).
  1: { name: "Maison Aurelle", gs1Prefix: "8012345", id: 1, eori: "FR12345678901", gln: "8012345000012" },
  2: { name: "Volta Milano", gs1Prefix: "8054321", id: 2, eori: "IT09876543210", gln: "8054321000012" },
};

/** Maison Aurelle's public profile (hallmark.brand-profile.v1): how customers reach the brand. */
export const DEMO_BRAND_PROFILE = {
  schema: "hallmark.brand-profile.v1",
  name: "Maison Aurelle",
  website: "https://maison-aurelle.example",
  contact: {
    supportUrl: "https://maison-aurelle.example/client-service",
    email: "care@maison-aurelle.example",
    phone: "+33 1 84 88 20 00",
  },
} as const;

/** HALLMARK_GS1_PREFIXES for the demo: each brand's company prefix. */
export const DEMO_GS1_PREFIXES: Record<string, number> = {
  [DEMO_BRANDS[1].gs1Prefix]: 1,
  [DEMO_BRANDS[2].gs1Prefix]: 2,
};

export interface DemoClaimCode {
  tokenId: string;
  serial: string;
  code: string;
}

export interface DemoSummary {
  brands: number;
  certificates: number;
  designs: number;
  tokens: {
    resold: string;
    stolen: string;
    revoked: string;
    repaired: string;
    succeeded: string;
    successor: string;
  };
  claimCodes: DemoClaimCode[];
  /** Pieces carrying a simulated NTAG 424 DNA (scripts/demo/tags.ts). */
  tags: { serial: string; brandId: number; tokenId: string; uid: string }[];
  highlights: string[];
  /** Each brand's issuer, whose key signs the brand's transactions (and relays its customers' claims). */
  issuers: { brandId: number; address: string }[];
}

export async function seedDemo(
  ethers: HardhatEthers,
  contracts: { registry: BrandRegistry; certificate: HallmarkCertificate; garments: HallmarkGarments },
  store: MetadataStore,
): Promise<DemoSummary> {
  const { registry, certificate, garments } = contracts;
  const [, adminA, issuerA, partner, repairer, vaultA, adminB, issuerB, alice, bob, carol, dana] =
    await ethers.getSigners();
  const catalogue = new DemoCatalogue(store);
  const highlights: string[] = [];
  const send = async (tx: Promise<ethersLib.ContractTransactionResponse>) => (await tx).wait();

  // Maison Aurelle publishes a public profile (its contact details show on stolen, revoked and
  // unknown pages); Volta Milano has none, so the pages' fallback shows too.
  const aurelleProfile = await publishBrandProfile(store, DEMO_BRAND_PROFILE);
  await send(
    registry.registerBrand(
      "Maison Aurelle",
      aurelleProfile,
      adminA.address,
      vaultA.address,
      adminA.address,
      500,
    ),
  );
  await send(registry.registerBrand("Volta Milano", "", adminB.address, adminB.address, adminB.address, 750));
  await send(registry.connect(adminA).grantBrandRole(1, ROLE.ISSUER, issuerA.address));
  await send(registry.connect(adminA).grantBrandRole(1, ROLE.RESALE_PARTNER, partner.address));
  await send(registry.connect(adminA).grantBrandRole(1, ROLE.REPAIRER, repairer.address));
  await send(registry.connect(adminB).grantBrandRole(2, ROLE.ISSUER, issuerB.address));
  // The verifier's tag oracle (the demo tag keystore's): its attestations of fresh taps claim pieces.
  await send(registry.connect(adminA).grantBrandRole(1, ROLE.TAG_ORACLE, demoTagOracle().address));

  // Maison Aurelle: 24 bags into the brand vault; the last six wait there with claim codes.
  const items = [];
  for (let i = 0; i < 24; i++) {
    const serial = `MA-2024-${String(i + 1).padStart(4, "0")}`;
    const serialHash = demoSerialHash("1", serial);
    // The resold, stolen and revoked bags and one in the vault carry a simulated NTAG 424 DNA (#18).
    const tagUid = DEMO_TAGGED_PIECES.includes(i) ? demoTagUid(i) : undefined;
    const metadata = await catalogue.certificate(
      DEMO_BRANDS[1],
      serial,
      i,
      undefined,
      tagUid === undefined ? undefined : tagUidCommitment(saltOf(DEMO_BRAND_SALTS["1"]), tagUid),
    );
    const claimCode = i >= 18 ? newClaimCode() : undefined;
    items.push({
      serial,
      tagUid,
      claimCode,
      input: {
        serialHash,
        metadataDigest: metadata.digest,
        chip: ethersLib.ZeroAddress,
        claimKey: claimCode?.key.address ?? ethersLib.ZeroAddress,
      },
    });
  }
  await send(
    certificate.connect(issuerA).issueBatch(
      1,
      vaultA.address,
      items.map((x) => x.input),
    ),
  );
  const ids = await Promise.all(items.map((x) => certificate.tokenIdOf(1, x.input.serialHash)));
  const [resold, stolen, revoked, repaired, superseded] = ids;

  const sale = (city: string) =>
    catalogue.provenance({
      kind: "sold",
      actor: { name: `Maison Aurelle ${city}`, role: "retailer" },
      date: "2024-05-04T11:00:00Z",
      place: { city, country: "FR" },
    });

  // Sold in Paris, repaired, then resold through an authorized partner after inspection.
  await send(certificate.connect(vaultA).transferFrom(vaultA.address, alice.address, resold));
  await send(
    certificate.connect(issuerA).recordProvenance(resold, Kind.Sale, (await sale("Paris")).digest, 0),
  );
  const repair = await catalogue.provenance({
    kind: "repaired",
    actor: { name: "Atelier Aurelle Firenze", role: "repairer", address: repairer.address },
    date: "2025-01-09T10:00:00Z",
    repair: { description: "Handle re-stitched with waxed linen thread", partsReplaced: ["handle thread"] },
  });
  await send(certificate.connect(repairer).recordProvenance(resold, Kind.Repair, repair.digest, 8));
  const resale = await catalogue.provenance({
    kind: "authenticated-resale",
    actor: { name: "Seconde Main Paris", role: "resale-partner", address: partner.address },
    date: "2026-02-11T15:42:00Z",
    inspection: {
      conditionGrade: "very-good",
      findings: [{ area: "corners", description: "Light wear on the two bottom corners", severity: "minor" }],
      photos: [],
    },
    price: { amount: "1850.00", currency: "EUR" },
  });
  await send(certificate.connect(alice).approve(partner.address, resold));
  await send(certificate.connect(partner).authenticatedResale(resold, bob.address, resale.digest, 9));
  highlights.push(`sold, repaired and resold through a partner: token ${resold}`);
  // Its label's GS1 Digital Link: the GTIN is the one its passport commits to (MA-2024-0001 is piece 0).
  highlights.push(`its label's GS1 Digital Link: /01/${demoGtin(DEMO_BRANDS[1], 0)}/21/MA-2024-0001`);

  await send(certificate.connect(vaultA).transferFrom(vaultA.address, carol.address, stolen));
  await send(certificate.connect(carol).reportStolen(stolen, "taken from a boutique fitting room"));
  highlights.push(`reported stolen: token ${stolen}`);

  await send(certificate.connect(adminA).revoke(revoked, "counterfeit tag found at inspection"));
  highlights.push(`revoked: token ${revoked}`);

  await send(certificate.connect(vaultA).transferFrom(vaultA.address, dana.address, repaired));
  await send(
    certificate.connect(issuerA).recordProvenance(repaired, Kind.Sale, (await sale("Lyon")).digest, 0),
  );
  await send(certificate.connect(repairer).recordProvenance(repaired, Kind.Repair, repair.digest, 7));
  highlights.push(`sold and repaired: token ${repaired}`);

  // A tag replaced: the brand issues a successor certificate to the same owner.
  await send(certificate.connect(vaultA).transferFrom(vaultA.address, dana.address, superseded));
  const replacementSerial = "MA-2024-0005-R1";
  const replacementHash = demoSerialHash("1", replacementSerial);
  const replacement = await catalogue.certificate(DEMO_BRANDS[1], replacementSerial, 4);
  // The owner hands the bag in for a new tag and consents to its certificate being retired.
  await send(certificate.connect(dana).approve(issuerA.address, superseded));
  await send(
    certificate.connect(issuerA).issueSuccessor(
      superseded,
      {
        serialHash: replacementHash,
        metadataDigest: replacement.digest,
        chip: ethersLib.ZeroAddress,
        claimKey: ethersLib.ZeroAddress,
      },
      "NFC tag replaced after water damage",
    ),
  );
  const successor = await certificate.tokenIdOf(1, replacementHash);
  highlights.push(`tag replaced: token ${superseded} succeeded by ${successor}`);

  const claimCodes = items
    .map((x, i) => ({ tokenId: ids[i].toString(), serial: x.serial, code: x.claimCode?.code ?? "" }))
    .filter((x) => x.code !== "");
  highlights.push(`${claimCodes.length} unclaimed in the brand vault with claim codes`);

  // Volta Milano: jackets sold directly to a customer's wallet.
  const itemsB = [];
  for (let i = 0; i < 8; i++) {
    const serial = `VM-J-${i + 1}`;
    const metadata = await catalogue.certificate(DEMO_BRANDS[2], serial, i);
    itemsB.push({
      serialHash: demoSerialHash("2", serial),
      metadataDigest: metadata.digest,
      chip: ethersLib.ZeroAddress,
      claimKey: ethersLib.ZeroAddress,
    });
  }
  await send(certificate.connect(issuerB).issueBatch(2, alice.address, itemsB));

  // Digital garments: a capped edition sold by an airdrop and a voucher, and the digital twin of the bags.
  const editionDoc = await catalogue.garment(
    "Sac Aurelle 30 — digital edition",
    500,
    "Sac Aurelle 30 — édition numérique",
  );
  const design = {
    maxSupply: 500,
    closesAt: 0,
    metadataDigest: editionDoc.digest,
    royaltyReceiver: ethersLib.ZeroAddress,
    royaltyBps: 0,
    locked: false,
    redeemable: true,
    twinCollectionRoot: ethersLib.ZeroHash,
  };
  await send(garments.connect(issuerA).createDesign(1, design));
  const edition = await garments.designCount();
  await send(garments.connect(issuerA).mintEditions(edition, [alice.address, carol.address], [2, 1]));
  const voucher = {
    designId: edition,
    buyer: bob.address,
    amount: 1,
    price: ethersLib.parseEther("0.05"),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 7 * 24 * 3600),
    nonce: ethersLib.id("demo-voucher-1"),
  };
  const domain = garmentsDomain((await ethers.provider.getNetwork()).chainId, await garments.getAddress());
  const signature = await signTypedMessage(issuerA, "Voucher", domain, voucher);
  await send(
    garments.connect(bob).redeemVoucher(voucher, issuerA.address, signature, { value: voucher.price }),
  );
  highlights.push(`garment design ${edition}: 500-edition cap, 4 minted (airdrop and a voucher sale)`);

  const twins = buildTwinCollection(ids.slice(0, 12));
  const twinDoc = await catalogue.garment(
    "Sac Aurelle 30 — digital twin",
    12,
    "Sac Aurelle 30 — jumeau numérique",
  );
  await send(
    garments.connect(issuerA).createDesign(1, {
      ...design,
      maxSupply: 12,
      redeemable: false,
      twinCollectionRoot: twins.root,
      metadataDigest: twinDoc.digest,
    }),
  );
  const twinDesign = await garments.designCount();
  await send(
    garments.connect(bob).claimTwin(twinDesign, resold, twins.positionOf(resold), twins.proofOf(resold)),
  );
  highlights.push(
    `garment design ${twinDesign}: digital twin of the first 12 bags; token ${resold}'s twin claimed`,
  );

  return {
    brands: 2,
    certificates: items.length + 1 + itemsB.length,
    designs: 2,
    tokens: {
      resold: resold.toString(),
      stolen: stolen.toString(),
      revoked: revoked.toString(),
      repaired: repaired.toString(),
      succeeded: superseded.toString(),
      successor: successor.toString(),
    },
    claimCodes,
    tags: items.flatMap((x, i) =>
      x.tagUid === undefined
        ? []
        : [{ serial: x.serial, brandId: 1, tokenId: ids[i].toString(), uid: x.tagUid }],
    ),
    issuers: [
      { brandId: 1, address: issuerA.address },
      { brandId: 2, address: issuerB.address },
    ],
    highlights,
  };
}
