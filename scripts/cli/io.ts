/**
 * The CLI's argument parsers and output: results as JSON on stdout, everything for a person on stderr.
 */
import { readFile } from "node:fs/promises";
import { InvalidArgumentError } from "commander";
import { getAddress, isAddress } from "ethers";
import type { CallOutcome } from "../../server/issuer/transactions.js";
import { UsageError } from "./exit-codes.js";
import { describeEstimate } from "./runtime.js";

export function brandIdArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff)
    throw new InvalidArgumentError("a brand id (1..2^32-1)");
  return n;
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("a non-negative integer");
  return n;
}

export function tokenArg(value: string): bigint {
  try {
    const token = BigInt(value.trim());
    if (token <= 0n || token >= 1n << 256n) throw new Error();
    return token;
  } catch {
    throw new InvalidArgumentError("a token id (decimal or 0x hex)");
  }
}

export function addressArg(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("a 0x address");
  return getAddress(value.toLowerCase());
}

export async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new UsageError(
      `${file} cannot be read as JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

export function out(value: unknown): void {
  process.stdout.write(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n",
  );
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function reportOutcome(
  action: string,
  outcome: CallOutcome,
  extra: Record<string, unknown> = {},
): void {
  if (outcome.dryRun) {
    log(`dry run: ${action} would cost ${describeEstimate(outcome.estimate)}`);
    out({ dryRun: true, action, ...outcome.estimate, ...extra });
  } else {
    log(`${action}: tx ${outcome.transaction.hash} confirmed in block ${outcome.transaction.block}`);
    out({
      action,
      txHash: outcome.transaction.hash,
      block: outcome.transaction.block,
      gasUsed: outcome.transaction.gasUsed,
      ...extra,
    });
  }
}
