import { ethers as ethersLib } from "ethers";
import { certificateDomain, signTypedMessage } from "../server/chain/eip712.js";
import { BASELINE, BATCH_SIZES, type BenchContext } from "./lib/context.js";
import { type GasTable, calldataGas, gasOf, perItem } from "./lib/gas-table.js";
import { pieceDocuments, type PieceDocument } from "./lib/metadata.js";

export const CERTIFICATE_SECTION = "HallmarkCertificate (ERC-721)";
export const BATCH_MINT_OPERATION = "issueBatch to the brand vault";
export const TRANSFER_OPERATION = "transferFrom to a new holder";
export const CHIP_BATCH_OPERATION = "issueBatch to the brand vault, each with a chip key";
export const CHIP_CLAIM_OPERATION = "claimWithChip (vault → new owner)";
const CHIP_CLAIM_WITH_KEY_OPERATION = "claimWithChip of a piece with a claim key (vault → new owner)";

const BRAND_SALT = ethersLib.id("bench-brand-salt");
const ROLE = {
  ISSUER: ethersLib.id("hallmark.role.ISSUER"),
  RESALE_PARTNER: ethersLib.id("hallmark.role.RESALE_PARTNER"),
  REPAIRER: ethersLib.id("hallmark.role.REPAIRER"),
} as const;
const PROVENANCE_REPAIR = 2;

interface CertificateInput {
  serialHash: string;
  metadataDigest: string;
  chip: string;
  claimKey: string;
}

function input(doc: PieceDocument, keys: { chip?: string; claimKey?: string } = {}): CertificateInput {
  return {
    serialHash: ethersLib.solidityPackedKeccak256(["bytes32", "string"], [BRAND_SALT, doc.serial]),
    metadataDigest: doc.metadataDigest,
    chip: keys.chip ?? ethersLib.ZeroAddress,
    claimKey: keys.claimKey ?? ethersLib.ZeroAddress,
  };
}

/**
 * A key pair of its own, as a chip or a claim code has (never funded, never on-chain). Derived from a label
 * rather than random so that calldata, and so gas, are the same from run to run.
 */
const keyFor = (label: string): ethersLib.Wallet => new ethersLib.Wallet(ethersLib.id(`bench-key:${label}`));

/** A fixed claim deadline (2100-01-01) keeps the calldata identical between runs. */
const CLAIM_DEADLINE = 4_102_444_800n;

/**
 * The certificate's operations, each in its own transaction, in the order a piece lives them: minting,
 * claiming, selling, servicing, reporting. Mints go to the brand vault, which already holds certificates (a
 * warm-up mint is not measured), matching the baselines.
 */
export async function benchCertificate({ ethers, table }: BenchContext): Promise<string> {
  const [
    groupAdmin,
    brandAdmin,
    issuer,
    partner,
    repairer,
    vault,
    alice,
    bob,
    carol,
    ,
    ,
    erin,
    dave,
    ,
    ,
    ,
    ,
    ,
    frank,
  ] = await ethers.getSigners();

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
  await gasOf(registry.connect(brandAdmin).grantBrandRole(brandId, ROLE.ISSUER, issuer.address));
  await gasOf(registry.connect(brandAdmin).grantBrandRole(brandId, ROLE.RESALE_PARTNER, partner.address));
  await gasOf(registry.connect(brandAdmin).grantBrandRole(brandId, ROLE.REPAIRER, repairer.address));

  const asIssuer = certificate.connect(issuer);
  const tokenIdOf = (item: CertificateInput): Promise<bigint> =>
    certificate.tokenIdOf(brandId, item.serialHash);
  const row = (operation: string, items: number, gas: bigint, compareWith?: string, note?: string): void =>
    table.add({ section: CERTIFICATE_SECTION, operation, items, gas, compareWith, note });

  // Warm-up: the vault's balance slot becomes non-zero.
  await gasOf(asIssuer.issue(brandId, vault.address, input(pieceDocuments("WARM", 1)[0])));

  // --- minting
  const single = input(pieceDocuments("SINGLE", 1)[0]);
  row(
    "issue one certificate to the brand vault",
    1,
    await gasOf(asIssuer.issue(brandId, vault.address, single)),
    BASELINE.uriStorage,
  );

  const customerItem = input(pieceDocuments("DIRECT", 1)[0]);
  row(
    "issue one certificate to a new customer",
    1,
    await gasOf(asIssuer.issue(brandId, alice.address, customerItem)),
    BASELINE.uriStorage,
    "also pays the customer's fresh balance slot",
  );

  const plainBatches = new Map<number, CertificateInput[]>();
  for (const size of BATCH_SIZES) {
    const plain = pieceDocuments(`PLAIN-${size}`, size).map((d) => input(d));
    plainBatches.set(size, plain);
    row(
      BATCH_MINT_OPERATION,
      size,
      await gasOf(asIssuer.issueBatch(brandId, vault.address, plain)),
      BASELINE.uriStorage,
    );
  }
  const plain = plainBatches.get(100) ?? [];

  const chipKeys = new Map<string, ethersLib.Wallet>();
  const withChips = pieceDocuments("CHIP-ONLY", 100).map((d) => {
    const chip = keyFor(`chip:${d.serial}`);
    const item = input(d, { chip: chip.address });
    chipKeys.set(item.serialHash, chip);
    return item;
  });
  row(
    CHIP_BATCH_OPERATION,
    100,
    await gasOf(asIssuer.issueBatch(brandId, vault.address, withChips)),
    BASELINE.uriStorage,
  );
  const withKeys = pieceDocuments("CHIP", 100).map((d) => {
    const chip = keyFor(`chip:${d.serial}`);
    const item = input(d, { chip: chip.address, claimKey: keyFor(`code:${d.serial}`).address });
    chipKeys.set(item.serialHash, chip);
    return item;
  });
  row(
    `${BATCH_MINT_OPERATION}, each with a chip key and a claim key`,
    100,
    await gasOf(asIssuer.issueBatch(brandId, vault.address, withKeys)),
    BASELINE.uriStorage,
  );

  const domainFields = await certificate.eip712Domain();
  const domain = certificateDomain(domainFields.chainId, domainFields.verifyingContract);

  // --- claim by code: the vault sets a one-time key, the code's holder signs a Claim naming the recipient.
  const codeTokenId = await tokenIdOf(plain[0]);
  const code = keyFor("code:setClaimKey");
  row(
    "setClaimKey (owner sets a one-time claim key)",
    1,
    await gasOf(certificate.connect(vault).setClaimKey(codeTokenId, code.address)),
  );
  const [, claimNonce] = await certificate.claimStateOf(codeTokenId);
  const deadline = CLAIM_DEADLINE;
  const claimSignature = await signTypedMessage(code, "Claim", domain, {
    tokenId: codeTokenId,
    recipient: bob.address,
    nonce: claimNonce,
    deadline,
  });
  row(
    "claimWithCode (vault → new owner)",
    1,
    await gasOf(certificate.connect(bob).claimWithCode(codeTokenId, bob.address, deadline, claimSignature)),
  );

  // --- chip claim: the piece is in brand custody, its chip signs a recent block hash and the recipient.
  const chipClaim = async (item: CertificateInput, recipient: string): Promise<bigint> => {
    const tokenId = await tokenIdOf(item);
    const chip = chipKeys.get(item.serialHash);
    if (chip === undefined) throw new Error("chip key missing");
    const [, chipNonce] = await certificate.chipOf(tokenId);
    const recent = await ethers.provider.getBlock("latest");
    if (recent === null || recent.hash === null) throw new Error("no latest block");
    const chipSignature = await signTypedMessage(chip, "ChipClaim", domain, {
      tokenId,
      recipient,
      blockNumber: recent.number,
      blockHash: recent.hash,
      nonce: chipNonce,
    });
    return gasOf(
      certificate
        .connect(await ethers.getSigner(recipient))
        .claimWithChip(tokenId, recipient, recent.number, chipSignature),
    );
  };
  row(CHIP_CLAIM_OPERATION, 1, await chipClaim(withChips[0], carol.address));
  row(
    CHIP_CLAIM_WITH_KEY_OPERATION,
    1,
    await chipClaim(withKeys[0], frank.address),
    undefined,
    "the piece was minted with a claim key too, which the claim clears",
  );

  // --- ordinary transfer: alice holds one certificate and hands it to dave, who holds none.
  const aliceTokenId = await tokenIdOf(customerItem);
  row(
    TRANSFER_OPERATION,
    1,
    await gasOf(certificate.connect(alice).transferFrom(alice.address, dave.address, aliceTokenId)),
    BASELINE.transfer,
  );

  // --- provenance, resale, theft
  const repairReport = ethersLib.sha256(ethersLib.toUtf8Bytes("repair report: handle re-stitched"));
  row(
    "recordProvenance (Repair, by a repairer)",
    1,
    await gasOf(
      certificate.connect(repairer).recordProvenance(aliceTokenId, PROVENANCE_REPAIR, repairReport, 8),
    ),
  );

  await gasOf(certificate.connect(bob).approve(partner.address, codeTokenId));
  const inspection = ethersLib.sha256(ethersLib.toUtf8Bytes("inspection report: authentic, grade 9"));
  row(
    "authenticatedResale (approved partner → new owner)",
    1,
    await gasOf(certificate.connect(partner).authenticatedResale(codeTokenId, erin.address, inspection, 9)),
  );

  row(
    "reportStolen (by the owner)",
    1,
    await gasOf(
      certificate
        .connect(erin)
        .reportStolen(codeTokenId, "taken from a car in Milan, police report 2026/114"),
    ),
  );

  const batchCalldata = certificate.interface.encodeFunctionData("issueBatch", [
    brandId,
    vault.address,
    plain,
  ]);
  return batchMintBreakdown(table, calldataGas(batchCalldata));
}

/** Issue #2's goal: at most this much gas per certificate in a batch of 100, serial and metadata included. */
export const BATCH_GOAL_GAS_PER_ITEM = 30_000n;
/** The contract's largest batch (HallmarkCertificate.MAX_BATCH). */
const MAX_BATCH = 500;

/** EIP-7825 (Osaka): no transaction may use more than 2^24 gas. */
const OSAKA_TX_GAS_CAP = 16_777_216n;
const FRESH_SLOT = 22_100n; // cold SLOAD of the duplicate check (2,100) + SSTORE from zero (20,000)
const TRANSFER_LOG = 1_875n; // LOG4: 375 + 4 topics × 375, no data
const ISSUED_LOG = 1_756n; // LOG3: 375 + 3 topics × 375 + 32 bytes × 8
const TX_BASE = 21_000n;

const fmt = (gas: bigint | number): string => gas.toLocaleString("en-US");

/** Where the per-item gas of a 100-item batch goes, and what a batch may hold under Osaka's cap. */
function batchMintBreakdown(table: GasTable, batchCalldataGas: bigint): string {
  const b100 = table.find(CERTIFICATE_SECTION, BATCH_MINT_OPERATION, 100);
  const b500 = table.find(CERTIFICATE_SECTION, BATCH_MINT_OPERATION, 500);
  const keyed = table.find(
    CERTIFICATE_SECTION,
    `${BATCH_MINT_OPERATION}, each with a chip key and a claim key`,
    100,
  );
  const calldata = perItem(batchCalldataGas, 100);
  const base = perItem(TX_BASE, 100);
  const rest = b100.perItem - FRESH_SLOT - TRANSFER_LOG - ISSUED_LOG - calldata - base;
  const floor = FRESH_SLOT + TRANSFER_LOG;

  // Linear fit through the 100- and 500-item batches: gas = fixed + marginal × items.
  const marginal = Number(b500.gas - b100.gas) / 400;
  const fixed = Number(b100.gas) - 100 * marginal;
  const maxPlain = Math.floor((Number(OSAKA_TX_GAS_CAP) - fixed) / marginal);
  const keyedMarginal = (Number(keyed.gas) - fixed) / 100;
  const maxKeyed = Math.floor((Number(OSAKA_TX_GAS_CAP) - fixed) / keyedMarginal);
  const bare100 = table.baselinePerItem(BASELINE.bareMint, 100) ?? 0n;
  const transfer = table.find(CERTIFICATE_SECTION, TRANSFER_OPERATION, 1);
  const transferExtra = transfer.perItem - (transfer.baselinePerItem ?? 0n);
  const uri100 = table.baselinePerItem(BASELINE.uriStorage, 100) ?? 0n;
  const goal =
    b100.perItem > BATCH_GOAL_GAS_PER_ITEM
      ? `> **Warning: above the goal.** Issue #2 asks for at most ${fmt(BATCH_GOAL_GAS_PER_ITEM)} gas per certificate in a batch of 100; this run measured ${fmt(b100.perItem)}, ${fmt(b100.perItem - BATCH_GOAL_GAS_PER_ITEM)} over.`
      : `Goal (issue #2): at most ${fmt(BATCH_GOAL_GAS_PER_ITEM)} gas per certificate in a batch of 100 — met, with ${fmt(BATCH_GOAL_GAS_PER_ITEM - b100.perItem)} to spare.`;
  const fits = (items: number): string =>
    items >= MAX_BATCH
      ? `above the contract's \`MAX_BATCH\` of ${MAX_BATCH}, so a full batch of plain items fits`
      : `below the contract's \`MAX_BATCH\` of ${MAX_BATCH}`;

  return `## Where the gas of a certificate goes

A certificate mint in a batch of 100 to the brand vault costs **${fmt(b100.perItem)} gas per item**, the
transaction's fixed part included. The floor of any ERC-721 mint is one fresh storage slot for the owner
(22,100) plus the Transfer log (1,875), ${fmt(floor)} gas; OpenZeppelin's bare \`_mint\` in the same loop
costs ${fmt(bare100)} per item here, and ERC721URIStorage with an \`ipfs://\` URI ${fmt(uri100)}.

${goal}

| Part (batch of 100, per item) | Gas |
| --- | ---: |
| Owner slot: the duplicate check's cold read (2,100) and the write from zero (20,000) | ${fmt(FRESH_SLOT)} |
| \`Transfer\` log (LOG4, no data) | ${fmt(TRANSFER_LOG)} |
| \`CertificateIssued\` log (LOG3, 32 bytes: the metadata digest) | ${fmt(ISSUED_LOG)} |
| Calldata: 128 bytes per item (serial hash, digest, two zero addresses), 16 gas per non-zero byte, 4 per zero | ${fmt(calldata)} |
| Transaction base cost (21,000 / 100) | ${fmt(base)} |
| The rest: loop and ABI decoding, the ERC-721 \`_update\` path (balance +1, warm owner reads), the role check in the registry and the reentrancy guard once per transaction | ${fmt(rest)} |
| **Total** | **${fmt(b100.perItem)}** |

Why it is this low — the design choices the figure rests on:

- **No slot for uniqueness.** The token id is the brand id (top 32 bits) joined to the low 224 bits of
  \`keccak256(brandSalt ‖ serial)\`. "One certificate per (brand, serial)" is then the ERC-721 rule that a token id
  has one owner: the duplicate check reads the owner slot the mint writes anyway, so it costs no extra slot
  (a \`serial → tokenId\` mapping would cost another 22,100).
- **Commitments in events, not storage.** The sha256 of the metadata document goes in \`CertificateIssued\`
  (1,756 gas) instead of a stored URI: a 66-character \`ipfs://bafkrei…\` string takes a length slot and three
  data slots, about 88,400 gas, which is most of the ERC721URIStorage figure. The CID is derived from the digest
  (CIDv1, raw codec, sha2-256), so nothing is lost. The serial hash travels inside the token id (its low 224 bits).
- **Optional state only when used.** Chip key, claim key and status are written only when set: a chip and a
  claim key add two fresh slots and two logs (${fmt(keyed.perItem)} gas per item in the keyed batch), a plain
  item pays for none.
- **One role check per batch.** The registry is called once per transaction, not per item.

Moving a certificate costs ${fmt(transferExtra)} gas more than a plain ERC-721 transfer. That is the price of
writing every transfer rule once, in \`_update\`: it reads the status slot (Stolen and Revoked certificates don't
move) and the claim-state slot (a move clears a pending claim code and the chip-claim opt-in), each a cold
read of 2,100, and asks the registry whether the brand is paused (a cold call, 2,600, plus a cold read, 2,100).

### Batch size and the per-transaction gas cap

Fitting the 100- and 500-item batches, a plain batch costs about ${fmt(Math.round(fixed))} gas plus
${fmt(Math.round(marginal))} per item. Since Osaka (EIP-7825) a transaction may use at most 2^24 =
16,777,216 gas, so on a chain with that cap one transaction holds at most about **${fmt(maxPlain)} plain items**
(${fits(maxPlain)}) and about **${fmt(maxKeyed)} items with chip and claim keys** (${fits(maxKeyed)}). The issuing
CLI must therefore size batches by estimated gas rather than by that constant. (This run uses a Prague chain, which has no such cap,
so that the 500-item URI-storage baseline, ${fmt(table.baselineGas(BASELINE.uriStorage, 500) ?? 0n)} gas, fits in one transaction.)
`;
}
