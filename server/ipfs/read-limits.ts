import { ContentTooLargeError, DependencyUnavailableError, HallmarkError } from "../errors.js";

/**
 * Every read is bounded in size and time, because the bytes may come from a remote node or a
 * gateway that never stops sending, and a verifier must answer in about a second.
 */
export interface ReadLimits {
  /** Largest content, in bytes, a read may return. */
  maxBytes: number;
  /**
   * Deadline in milliseconds. For a whole read (`get`, `stat`, `list`, `getBlock`) it bounds the
   * read; for a stream it bounds resolving the path and the first bytes only, because a large
   * model sent to a slow client may rightly take minutes.
   */
  timeoutMs: number;
  /**
   * Longest wait for any one block of a streamed body, in milliseconds (default `timeoutMs`): a
   * source that stalls mid-file is given up on without cutting a download that keeps moving.
   */
  idleTimeoutMs?: number;
}

/** Defaults for metadata documents; callers raise maxBytes for media. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 262_144, timeoutMs: 10_000 };

export function deadlineSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
}

export function assertWithinLimit(size: bigint | number, maxBytes: number, what: string): void {
  if (BigInt(size) > BigInt(maxBytes)) {
    throw new ContentTooLargeError(
      `${what} is ${size.toString()} bytes, above the ${maxBytes}-byte read limit`,
    );
  }
}

/**
 * Maps what low-level libraries throw during a read into the Hallmark taxonomy. Our own errors
 * pass through; a fired deadline becomes a retryable DependencyUnavailableError.
 */
export function toReadError(error: unknown, signal: AbortSignal, what: string): HallmarkError {
  if (error instanceof HallmarkError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === "TimeoutError";
    return new DependencyUnavailableError(
      timedOut ? `Timed out reading ${what}` : `Read of ${what} was aborted`,
      5,
      {
        cause: error,
      },
    );
  }
  return new DependencyUnavailableError(`Could not read ${what}`, 5, { cause: error });
}
