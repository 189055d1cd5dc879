import { ethers as ethersLib } from "ethers";
import { certificateDomain, garmentsDomain, signTypedMessage } from "../server/chain/eip712.js";
import { buildTwinCollection } from "../server/issuer/twinCollection.js";
import type { BenchContext } from "./lib/context.js";
import { gasOf } from "./lib/gas-table.js";

export const GARMENTS_SECTION = "HallmarkGarments (ERC-1155)";
export const VOUCHER_REDEEM_OPERATION = "redeemVoucher (buyer named, paid) to a new holder";
export const GARMENT_BASELINE = {
  mint: "erc1155-supply-mint",
  mintToMany: "erc1155-supply-mint-many",
} as const;
export const BASELINE_SECTION = "Baselines (OpenZeppelin 5 ERC-1155)";
export const TWIN_OPERATION = "claimTwin (certificate owner, new holder)";
export const TWIN_AFTER_CODE_OPERATION = "claimTwin of a certificate claimed with a code (owner, new holder)";

const ISSUER_ROLE = ethersLib.id("hallmark.role.ISSUER");
/** 2100-01-01: fixed, so calldata (and so gas) is the same from run to run. */
const DEADLINE = 4_102_444_800n;
const PRICE = ethersLib.parseEther("0.1");
/** Certificates in the twin collection: a proof of log2(1,024) = 10 hashes. */
const TWIN_COLLECTION_SIZE = 1_024;

/** Fresh addresses (never funded, never on-chain) as direct-mint recipients, the same in every run. */
const recipients = (label: string, count: number): string[] =>
  Array.from(
    { length: count },
    (_, i) => new ethersLib.Wallet(ethersLib.id(`bench-garments:${label}:${i}`)).address,
  );

const designInput = (overrides: Record<string, unknown> = {}) => ({
  maxSupply: 1_000_000,
  closesAt: 0,
  metadataDigest: ethersLib.sha256(ethersLib.toUtf8Bytes("Selleria Tote — Digital Edition")),
  royaltyReceiver: ethersLib.ZeroAddress,
  royaltyBps: 0,
  locked: false,
  redeemable: false,
  twinCollectionRoot: ethersLib.ZeroHash,
  ...overrides,
});

/**
 * The garments' operations next to plain OpenZeppelin ERC1155 + ERC1155Supply minting the same amounts in the
 * same run. Both contracts are warmed up first (each id already has editions and the brand proceeds are
 * non-zero), so every measured mint pays the recipient's fresh balance slot and nothing that only the very
 * first mint of a contract pays.
 */
export async function benchGarments({ ethers, table }: BenchContext): Promise<string> {
  const signers = await ethers.getSigners();
  const [groupAdmin, brandAdmin, issuer, , , vault] = signers;
  const [warmBuyer, buyer1, buyer10, twinOwner, codeClaimer] = signers.slice(13, 18);

  table.defineBaseline({
    key: GARMENT_BASELINE.mint,
    label: "ERC1155Supply mint",
    description:
      "contracts/mocks/BaselineERC1155Supply.sol — OpenZeppelin ERC1155 + ERC1155Supply `_mint` of N editions of " +
      "one id to an account that holds none (no cap, roles, signature or payment): what a voucher redemption " +
      "mints, with supply tracking alone.",
  });
  table.defineBaseline({
    key: GARMENT_BASELINE.mintToMany,
    label: "ERC1155Supply mint to many",
    description:
      "contracts/mocks/BaselineERC1155Supply.sol — the same `_mint` in a loop, one edition to each of N accounts " +
      "that hold none: what a direct batch mint does.",
  });

  // --- baseline
  const baseline = await ethers.deployContract("BaselineERC1155Supply", [], groupAdmin);
  await gasOf(baseline.mint(vault.address, 1n, 1n)); // warm-up: totalSupply(1) and totalSupply() non-zero
  for (const editions of [1, 10]) {
    const to = recipients(`baseline-buyer-${editions}`, 1)[0];
    const gas = await gasOf(baseline.mint(to, 1n, editions));
    table.addBaseline(
      GARMENT_BASELINE.mint,
      BASELINE_SECTION,
      "ERC1155Supply mint N editions of one id",
      editions,
      gas,
    );
  }
  const baselineMany = recipients("baseline-many", 100);
  table.addBaseline(
    GARMENT_BASELINE.mintToMany,
    BASELINE_SECTION,
    "ERC1155Supply mint one edition to each of N accounts",
    100,
    await gasOf(
      baseline.mintToMany(
        1n,
        baselineMany,
        baselineMany.map(() => 1n),
      ),
    ),
  );

  // --- Hallmark: registry, certificates and garments of one brand
  const registry = await ethers.deployContract(
    "BrandRegistry",
    [3n * 24n * 3600n, groupAdmin.address],
    groupAdmin,
  );
  const certificate = await ethers.deployContract(
    "HallmarkCertificate",
    [await registry.getAddress()],
    groupAdmin,
  );
  const garments = await ethers.deployContract(
    "HallmarkGarments",
    [await registry.getAddress(), await certificate.getAddress()],
    groupAdmin,
  );
  await gasOf(certificate.setTwinContract(await garments.getAddress()));
  await gasOf(
    registry.registerBrand(
      "Maison Bench",
      "ipfs://brand",
      brandAdmin.address,
      vault.address,
      brandAdmin.address,
      500n,
    ),
  );
  const brandId = 1n;
  await gasOf(registry.connect(brandAdmin).grantBrandRole(brandId, ISSUER_ROLE, issuer.address));
  const asIssuer = garments.connect(issuer);
  const row = (operation: string, items: number, gas: bigint, compareWith?: string, note?: string): void =>
    table.add({ section: GARMENTS_SECTION, operation, items, gas, compareWith, note });

  row(
    "createDesign (capped edition, brand default royalty)",
    1,
    await gasOf(asIssuer.createDesign(brandId, designInput())),
  );
  const designId = await garments.designCount();
  await gasOf(asIssuer.mintEditions(designId, [vault.address], [1n])); // warm-up: minted count non-zero

  // --- vouchers: the brand signs off-chain, the buyer redeems and pays.
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = garmentsDomain(chainId, await garments.getAddress());
  // The brand numbers its vouchers from a counter (nonces 0, 1, 2, ...), as the contract's nonce bitmap expects:
  // the warm-up voucher pays the fresh slot of nonces 0-255, the measured ones update it.
  const redeem = async (buyer: (typeof signers)[number], amount: number, nonce: bigint): Promise<bigint> => {
    const voucher = {
      designId,
      buyer: buyer.address,
      amount,
      price: PRICE,
      deadline: DEADLINE,
      nonce: ethersLib.toBeHex(nonce, 32),
    };
    const signature = await signTypedMessage(issuer, "Voucher", domain, voucher);
    return gasOf(garments.connect(buyer).redeemVoucher(voucher, issuer.address, signature, { value: PRICE }));
  };
  await redeem(warmBuyer, 1, 0n); // the brand's proceeds slot becomes non-zero
  row(VOUCHER_REDEEM_OPERATION, 1, await redeem(buyer1, 1, 1n), GARMENT_BASELINE.mint);
  row(VOUCHER_REDEEM_OPERATION, 10, await redeem(buyer10, 10, 2n), GARMENT_BASELINE.mint);

  // --- direct batch mint: one edition to each of 100 accounts that hold none.
  const many = recipients("garments-many", 100);
  row(
    "mintEditions, one edition to each of N new holders",
    100,
    await gasOf(
      asIssuer.mintEditions(
        designId,
        many,
        many.map(() => 1n),
      ),
    ),
    GARMENT_BASELINE.mintToMany,
  );

  // --- digital twin: the owner of a certified piece claims with a proof from a collection of 1,024 certificates.
  const serialHash = ethersLib.id("bench-twin-serial");
  await gasOf(
    certificate.connect(issuer).issue(brandId, twinOwner.address, {
      serialHash,
      metadataDigest: ethersLib.id("bench-twin-metadata"),
      chip: ethersLib.ZeroAddress,
      claimKey: ethersLib.ZeroAddress,
    }),
  );
  const certificateId = await certificate.tokenIdOf(brandId, serialHash);
  // The usual path of a piece: issued to the brand vault with a claim code, claimed by its buyer.
  const claimCode = new ethersLib.Wallet(ethersLib.id("bench-garments:claim-code"));
  const claimedSerial = ethersLib.id("bench-twin-serial-claimed");
  await gasOf(
    certificate.connect(issuer).issue(brandId, vault.address, {
      serialHash: claimedSerial,
      metadataDigest: ethersLib.id("bench-twin-metadata-claimed"),
      chip: ethersLib.ZeroAddress,
      claimKey: claimCode.address,
    }),
  );
  const claimedId = await certificate.tokenIdOf(brandId, claimedSerial);
  const claimSignature = await signTypedMessage(
    claimCode,
    "Claim",
    certificateDomain(chainId, await certificate.getAddress()),
    { tokenId: claimedId, recipient: codeClaimer.address, nonce: 0n, deadline: DEADLINE },
  );
  await gasOf(
    certificate.connect(codeClaimer).claimWithCode(claimedId, codeClaimer.address, DEADLINE, claimSignature),
  );
  const others = Array.from({ length: TWIN_COLLECTION_SIZE - 2 }, (_, i) =>
    BigInt(ethersLib.solidityPackedKeccak256(["string", "uint256"], ["bench-twin", i])),
  );
  const collection = buildTwinCollection([certificateId, claimedId, ...others]);
  await gasOf(asIssuer.createDesign(brandId, designInput({ twinCollectionRoot: collection.root })));
  const twinId = await garments.designCount();
  await gasOf(asIssuer.mintEditions(twinId, [vault.address], [1n])); // warm-up: minted count non-zero
  const proof = collection.proofOf(certificateId);
  row(
    TWIN_OPERATION,
    1,
    await gasOf(
      garments
        .connect(twinOwner)
        .claimTwin(twinId, certificateId, collection.positionOf(certificateId), proof),
    ),
    GARMENT_BASELINE.mint,
    `proof of ${proof.length} hashes (collection of ${TWIN_COLLECTION_SIZE.toLocaleString("en-US")}); certificate issued straight to its owner`,
  );
  const claimedProof = collection.proofOf(claimedId);
  row(
    TWIN_AFTER_CODE_OPERATION,
    1,
    await gasOf(
      garments
        .connect(codeClaimer)
        .claimTwin(twinId, claimedId, collection.positionOf(claimedId), claimedProof),
    ),
    GARMENT_BASELINE.mint,
    `proof of ${claimedProof.length} hashes`,
  );

  return garmentsNotes(table);
}

const fmt = (gas: bigint | number): string => gas.toLocaleString("en-US");

function garmentsNotes(table: BenchContext["table"]): string {
  const one = table.find(GARMENTS_SECTION, VOUCHER_REDEEM_OPERATION, 1);
  const ten = table.find(GARMENTS_SECTION, VOUCHER_REDEEM_OPERATION, 10);
  const many = table.find(GARMENTS_SECTION, "mintEditions, one edition to each of N new holders", 100);
  const baseOne = table.baselineGas(GARMENT_BASELINE.mint, 1) ?? 0n;
  const baseTen = table.baselineGas(GARMENT_BASELINE.mint, 10) ?? 0n;
  const twinFresh = table.find(GARMENTS_SECTION, TWIN_OPERATION, 1).gas;
  const twinWarm = table.find(GARMENTS_SECTION, TWIN_AFTER_CODE_OPERATION, 1).gas;
  return `## Where the gas of a garment goes

A voucher redemption of one edition costs **${fmt(one.gas)} gas**, against ${fmt(baseOne)} for OpenZeppelin's
ERC1155Supply minting the same edition with nothing else; ${fmt(ten.gas)} for ten editions (baseline
${fmt(baseTen)}). The editions of one id share one balance slot per holder, so ten cost about what one does. What
the redemption adds to a bare mint: the EIP-712 digest and \`ecrecover\` (3,000) of the issuer's signature, one
call to the registry that reads the signer's issuer role and the brand's pause flag (cold), the voucher's nonce
(a bit of the brand's used-nonce bitmap word: what makes the voucher work once), the reentrancy guard (transient
storage) and the \`VoucherRedeemed\` and \`TraitUpdated\` logs. The design's minted count and its proceeds share the
design's first storage slot with its brand id, cap and closing time, so the cap check and the payment read and
write one slot the mint touches anyway.

A direct batch mint to 100 new holders costs ${fmt(many.perItem)} gas per holder: one role check per
transaction, then per recipient the fresh balance slot, \`TransferSingle\` and \`EditionsMinted\`, and the
\`_update\` hook's pause check, which asks the registry once per recipient (each \`_mint\` is its own update;
warm after the first).

A twin claim costs ${fmt(twinWarm)} gas for a certificate that was claimed with a one-time code (the usual path of a
piece sold from the brand vault), ${fmt(twinFresh)} for one issued straight to its owner, the first of its
collection's bitmap word. Besides the Merkle proof of the leaf \`(position, certificateId)\`, the collection's root
and the mint, it sets the certificate's bit in the design's claimed-twins bitmap (by its position: what makes the
twin claimable once) and makes one call to the certificate contract (\`recordTwinClaim\`), which checks that the
caller owns the certificate and that it is Active, and counts the twin (the certificate's \`twinsClaimed\` trait and
its \`TraitUpdated\` log). That count shares the certificate's claim-state slot, which a claim code has already
written: there it is an update; on a certificate whose slot was never written it is a fresh slot, and the first
claim of a bitmap word writes a fresh word: the ${fmt(twinFresh - twinWarm)} gas between the two rows.`;
}
