import { UnprocessableError } from "../errors.js";
import type { HallmarkErrorOptions } from "../errors.js";

/** One problem in one manifest row, located by row (1-based, header excluded), line and field. */
export interface ManifestProblem {
  row: number;
  /** Line of the row in a CSV file (differs from row + 1 when quoted fields span lines). */
  line?: number;
  serial?: string;
  /** Manifest column, then the document path when the schema refused it: "materials (passport.materials.0.percentage)". */
  field: string;
  message: string;
}

/** A manifest that cannot be minted: every problem of every row, found before anything was sent. */
export class ManifestError extends UnprocessableError {
  override readonly type = "invalid-manifest";

  constructor(
    readonly problems: readonly ManifestProblem[],
    options: HallmarkErrorOptions = {},
  ) {
    super(`The manifest has ${problems.length} problem${problems.length === 1 ? "" : "s"}`, {
      ...options,
      details: problems.map((p) => ({ path: `row ${p.row}.${p.field}`, message: p.message })),
    });
  }
}

/** The signer cannot act: wrong keystore password, missing role, chain mismatch. */
export class SignerError extends UnprocessableError {
  override readonly type = "signer";
}

/** A transaction the chain refused, with the contract's custom error when it could be decoded. */
export class TransactionRefusedError extends UnprocessableError {
  override readonly type = "transaction-refused";

  constructor(
    message: string,
    readonly errorName: string | null,
    readonly errorArgs: readonly unknown[],
    options: HallmarkErrorOptions = {},
  ) {
    super(message, options);
  }
}

export function formatProblem(problem: ManifestProblem): string {
  const where =
    problem.line !== undefined && problem.line !== problem.row + 1
      ? `row ${problem.row} (line ${problem.line})`
      : `row ${problem.row}`;
  const serial = problem.serial ? ` [${problem.serial}]` : "";
  return `${where}${serial}: ${problem.field}: ${problem.message}`;
}
