/**
 * What `hallmark` exits with, so a script knows whether to retry (BSD sysexits.h values, which shells
 * and supervisors already know). A refusal that retrying cannot change (a missing role, a bad row)
 * never exits with the "retry" code.
 */
import { HallmarkError } from "../../server/errors.js";
import { ManifestError, SignerError, TransactionRefusedError } from "../../server/issuer/errors.js";

export const EXIT = {
  ok: 0,
  /** Declined at a confirmation prompt: nothing was done. */
  cancelled: 1,
  /** EX_USAGE: a flag or argument is wrong or missing. */
  usage: 64,
  /** EX_DATAERR: the input is refused (a manifest row, a document, a transaction the contract refuses for its arguments). */
  data: 65,
  /** EX_NOINPUT: a file named does not exist or cannot be read. */
  noInput: 66,
  /** EX_SOFTWARE: an unexpected failure (a bug: run again with HALLMARK_DEBUG=1 and report it). */
  software: 70,
  /** EX_TEMPFAIL: the chain, IPFS or the verifier is unreachable or busy: retry later as is. */
  retry: 75,
  /** EX_NOPERM: the key may not do this (a role it lacks, a vault approval, a wrong keystore password). */
  permission: 77,
} as const;

/** A mistake in how the command was called. */
export class UsageError extends Error {}

/** The person declined at a confirmation prompt (or there was nobody to ask and no --yes). */
export class CancelledError extends Error {}

/** Custom errors that mean "this key may not": fixed by a role grant or an approval, never by retrying. */
const PERMISSION_ERRORS = new Set([
  "HallmarkMissingBrandRole",
  "HallmarkUnauthorizedStatusChange",
  "HallmarkUnauthorizedProvenance",
  "HallmarkIssuerKeyCompromised",
  "HallmarkBrandPaused",
  "ERC721InsufficientApproval",
  "ERC1155MissingApprovalForAll",
  "AccessControlUnauthorizedAccount",
]);

const RETRYABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "NETWORK_ERROR",
  "TIMEOUT",
  "SERVER_ERROR",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current =
      (current as { cause?: unknown; error?: unknown }).cause ?? (current as { error?: unknown }).error;
  }
  return undefined;
}

export function exitCodeOf(error: unknown): number {
  const file = codeOf(error);
  if (file === "ENOENT" || file === "EACCES" || file === "EISDIR") return EXIT.noInput;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof CancelledError) return EXIT.cancelled;
  if (error instanceof ManifestError) return EXIT.data;
  if (error instanceof TransactionRefusedError)
    return error.errorName !== null && PERMISSION_ERRORS.has(error.errorName) ? EXIT.permission : EXIT.data;
  // A run that found its own earlier batch still pending: waiting is the fix.
  if (error instanceof SignerError) return /still pending/.test(error.message) ? EXIT.retry : EXIT.permission;
  if (error instanceof HallmarkError) return error.retryable ? EXIT.retry : EXIT.data;
  if (file !== undefined && RETRYABLE_CODES.has(file)) return EXIT.retry;
  return EXIT.software;
}
