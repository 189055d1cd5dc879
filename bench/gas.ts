/**
 * Gas benchmark: `npm run bench:gas` (hardhat run bench/gas.ts).
 *
 * Deploys every contract and its baselines on a fresh in-process EDR chain, measures gasUsed from the
 * receipts, writes docs/benchmarks/gas.md and prints the headline figure on one line. A new contract adds
 * its rows by writing a bench/<contract>.ts section like bench/certificate.ts and listing it in SECTIONS.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import hre, { network } from "hardhat";
import { format, resolveConfig } from "prettier";
import { benchBaselines } from "./baselines.js";
import {
  BATCH_GOAL_GAS_PER_ITEM,
  BATCH_MINT_OPERATION,
  CERTIFICATE_SECTION,
  CHIP_BATCH_OPERATION,
  CHIP_CLAIM_OPERATION,
  TRANSFER_OPERATION,
  benchCertificate,
} from "./certificate.js";
import { BASELINE, type BenchContext } from "./lib/context.js";
// --- garments section (bench/garments.ts) ---
import {
  GARMENTS_SECTION,
  GARMENT_BASELINE,
  TWIN_AFTER_CODE_OPERATION,
  VOUCHER_REDEEM_OPERATION,
  benchGarments,
} from "./garments.js";
// --- end garments section ---
import { goalsAndFloorsSection } from "./floors.js";
import { GasTable } from "./lib/gas-table.js";
// --- passkey section (bench/passkey.ts) ---
import { benchPasskey } from "./passkey.js";
// --- end passkey section ---
import { renderReport, type Toolchain } from "./lib/report.js";

const OUTPUT = path.join(hre.config.paths.root, "docs", "benchmarks", "gas.md");
const COMMAND = "npm run bench:gas";

/** Each section adds its rows to the table and may return Markdown notes for the report. */
const SECTIONS: ((ctx: BenchContext) => Promise<string | void>)[] = [
  benchBaselines,
  benchCertificate,
  benchGarments, // garments section
];

async function toolchain(chainHardfork: string): Promise<Toolchain> {
  const buildInfoId = await hre.artifacts.getBuildInfoId("HallmarkCertificate");
  const buildInfoPath =
    buildInfoId === undefined ? undefined : await hre.artifacts.getBuildInfoPath(buildInfoId);
  if (buildInfoPath === undefined)
    throw new Error("no build info for HallmarkCertificate: run `npx hardhat build`");
  const buildInfo = JSON.parse(await readFile(buildInfoPath, "utf8")) as {
    solcLongVersion: string;
    input: {
      settings: { evmVersion?: string; optimizer?: { enabled?: boolean; runs?: number }; viaIR?: boolean };
    };
  };
  const { settings } = buildInfo.input;
  return {
    solc: buildInfo.solcLongVersion,
    optimizer:
      settings.optimizer?.enabled === true ? `enabled, ${settings.optimizer.runs ?? 200} runs` : "disabled",
    evmVersion: settings.evmVersion ?? "solc default",
    viaIR: settings.viaIR === true,
    chainHardfork,
  };
}

// Prague, the contracts' compile target: no per-transaction gas cap (Osaka's EIP-7825 caps a transaction at
// 2^24 gas, which the 500-item URI-storage baseline exceeds). The report states the cap's effect on batch sizes.
const connection = await network.create({ override: { hardfork: "prague" } });
try {
  const table = new GasTable();
  const ctx: BenchContext = { ethers: connection.ethers, table };
  const notes: string[] = [];
  for (const section of SECTIONS) {
    const note = await section(ctx);
    if (typeof note === "string") notes.push(note);
  }
  notes.push(goalsAndFloorsSection(table));

  const hardfork = "hardfork" in connection.networkConfig ? connection.networkConfig.hardfork : "unknown";
  const report = renderReport({
    table,
    notes,
    toolchain: await toolchain(hardfork),
    date: new Date().toISOString().slice(0, 10),
    command: COMMAND,
  });
  await mkdir(path.dirname(OUTPUT), { recursive: true });
  // Formatted like the rest of the repository, so `prettier --check` passes on the generated file.
  const prettierOptions = (await resolveConfig(OUTPUT)) ?? {};
  await writeFile(OUTPUT, await format(report, { ...prettierOptions, filepath: OUTPUT }));

  const ours = table.find(CERTIFICATE_SECTION, BATCH_MINT_OPERATION, 100).perItem;
  const baseline = table.baselinePerItem(BASELINE.uriStorage, 100);
  console.log(`certificate batch mint: ${ours} gas/item (baseline: ${baseline} gas/item)`);
  if (ours > BATCH_GOAL_GAS_PER_ITEM) {
    console.warn(
      `WARNING: certificate batch mint exceeds the goal of ${BATCH_GOAL_GAS_PER_ITEM} gas/item in a batch of 100 ` +
        `by ${ours - BATCH_GOAL_GAS_PER_ITEM} gas/item (see docs/benchmarks/gas.md)`,
    );
  }

  // --- garments section ---
  const voucherRedeem = table.find(GARMENTS_SECTION, VOUCHER_REDEEM_OPERATION, 1).gas;
  const baselineMint = table.baselineGas(GARMENT_BASELINE.mint, 1);
  console.log(`garment voucher redeem: ${voucherRedeem} gas (baseline mint: ${baselineMint} gas)`);
  const twinClaim = table.find(GARMENTS_SECTION, TWIN_AFTER_CODE_OPERATION, 1).gas;
  console.log(`twin claim: ${twinClaim} gas (baseline mint: ${baselineMint} gas)`);
  // --- end garments section ---

  // Issue #16's goal lines for the certificate's other paths.
  console.log(`chip claim: ${table.find(CERTIFICATE_SECTION, CHIP_CLAIM_OPERATION, 1).gas} gas`);
  console.log(
    `chip-bound batch mint: ${table.find(CERTIFICATE_SECTION, CHIP_BATCH_OPERATION, 100).perItem} gas/item`,
  );
  const transfer = table.find(CERTIFICATE_SECTION, TRANSFER_OPERATION, 1).gas;
  console.log(
    `transfer to a new holder: ${transfer} gas (baseline: ${table.baselineGas(BASELINE.transfer, 1)} gas)`,
  );

  // --- passkey section: its own Osaka and Prague chains (bench/passkey.ts) ---
  await benchPasskey();
  // --- end passkey section ---
} finally {
  await connection.close();
}
