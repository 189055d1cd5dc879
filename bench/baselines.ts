import { BASELINE, BATCH_SIZES, type BenchContext } from "./lib/context.js";
import { gasOf } from "./lib/gas-table.js";
import { pieceDocuments } from "./lib/metadata.js";

export const SECTION = "Baselines (OpenZeppelin 5 ERC-721)";
export const TRANSFER_BASELINE_OPERATION = "ERC721 transferFrom to a new holder";

/**
 * Reference implementations measured in the same run as our contracts, under the same conditions: the
 * recipient already holds a token of the contract (a warm-up mint is not measured), so every measured mint
 * pays for a fresh owner slot and a balance update, as our vault mints do.
 */
export async function benchBaselines({ ethers, table }: BenchContext): Promise<void> {
  const [deployer, , , , , vault, alice, , , , , , dave] = await ethers.getSigners();

  table.defineBaseline({
    key: BASELINE.uriStorage,
    label: "ERC721URIStorage",
    description:
      "contracts/mocks/BaselineURIStorage.sol — OpenZeppelin ERC721URIStorage minting sequential ids and " +
      "storing a 66-character `ipfs://bafkrei…` URI (CIDv1 raw sha2-256, 59 characters) per token: the usual " +
      "way an NFT commits to its metadata.",
  });
  table.defineBaseline({
    key: BASELINE.bareMint,
    label: "bare _mint",
    description:
      "contracts/mocks/BaselineMint.sol — OpenZeppelin ERC721 `_mint` in a loop with nothing else: the floor " +
      "(owner slot + Transfer log) any ERC-721 mint pays.",
  });
  table.defineBaseline({
    key: BASELINE.transfer,
    label: "ERC721 transferFrom",
    description:
      "OpenZeppelin ERC721 `transferFrom` on BaselineMint, from a holder of one token to a new holder " +
      "(same balances as the Hallmark transfer row).",
  });

  const uriStorage = await ethers.deployContract("BaselineURIStorage", [], deployer);
  const bareMint = await ethers.deployContract("BaselineMint", [], deployer);

  // Warm-up: the vault's balance slot becomes non-zero, as it is for a brand vault in steady state.
  await gasOf(
    uriStorage.mintBatch(
      vault.address,
      pieceDocuments("BASE-WARM", 1).map((d) => d.uri),
    ),
  );
  await gasOf(bareMint.mintBatch(vault.address, 1));

  for (const size of BATCH_SIZES) {
    const uris = pieceDocuments(`BASE-${size}`, size).map((d) => d.uri);
    const gas = await gasOf(uriStorage.mintBatch(vault.address, uris));
    table.addBaseline(BASELINE.uriStorage, SECTION, "ERC721URIStorage mint + ipfs:// URI", size, gas);
  }
  for (const size of BATCH_SIZES) {
    const gas = await gasOf(bareMint.mintBatch(vault.address, size));
    table.addBaseline(BASELINE.bareMint, SECTION, "bare ERC721 _mint", size, gas);
  }

  // alice holds exactly one token and hands it to dave, who holds none.
  await gasOf(bareMint.mintBatch(alice.address, 1));
  const aliceToken = await bareMint.totalMinted();
  const gas = await gasOf(bareMint.connect(alice).transferFrom(alice.address, dave.address, aliceToken));
  table.addBaseline(BASELINE.transfer, SECTION, TRANSFER_BASELINE_OPERATION, 1, gas);
}
