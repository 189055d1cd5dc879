import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The mint receipt: one JSON line per certificate, appended and flushed after each confirmed
 * batch, so a run killed at any point leaves a file that says exactly what is on-chain (or less:
 * a batch mined after the kill is found on-chain by the next run).
 */
export interface ReceiptEntry {
  serial: string;
  tokenId: string;
  metadataCid: string;
  metadataDigest: string;
  /** For the claim-code sheet. */
  productName?: string;
  /** Root of the batch directory on IPFS (document at certificates/<tokenId>.json). */
  directoryCid?: string;
  to: string;
  txHash: string;
  block: number;
  /** "minted" by this tool in this run or an earlier one; "found" on-chain without a receipt line (a run killed after sending). */
  source: "minted" | "found";
}

export async function readReceipt(file: string): Promise<Map<string, ReceiptEntry>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  const entries = new Map<string, ReceiptEntry>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const entry = JSON.parse(line) as ReceiptEntry;
      if (typeof entry.serial === "string" && typeof entry.tokenId === "string")
        entries.set(entry.serial, entry);
    } catch {
      // A line cut by a crash mid-write: the chain check recovers that row.
    }
  }
  return entries;
}

export async function appendReceipt(file: string, entries: readonly ReceiptEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const handle = await open(file, "a");
  try {
    await handle.appendFile(entries.map((entry) => JSON.stringify(entry)).join("\n") + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
}
