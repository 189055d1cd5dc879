import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { GasTable } from "./gas-table.js";

/** What every contract's benchmark receives: one chain connection for the whole run and the shared table. */
export interface BenchContext {
  ethers: HardhatEthers;
  table: GasTable;
}

/** The batch sizes every mint benchmark measures, so rows line up with their baselines. */
export const BATCH_SIZES = [1, 10, 100, 500] as const;

/** Keys of the baseline series measured by bench/baselines.ts. */
export const BASELINE = {
  uriStorage: "erc721-uri-storage",
  bareMint: "erc721-bare-mint",
  transfer: "erc721-transfer",
} as const;
