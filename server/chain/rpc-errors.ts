import { DependencyUnavailableError, HallmarkError, UpstreamError } from "../errors.js";
import type { HallmarkErrorOptions } from "../errors.js";

/**
 * The node answered with a JSON-RPC error object (a revert, an invalid param, a provider limit).
 * Not a transport failure: retrying the same request will not help, except when `code` says
 * the provider is rate limiting (see isRateLimit).
 */
export class JsonRpcError extends UpstreamError {
  override readonly type = "rpc-error";
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
    options: HallmarkErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** The node did not answer within the timeout (after the retries allowed). */
export class RpcTimeoutError extends DependencyUnavailableError {
  readonly reason = "timeout";
}

/** The node answered with an HTTP error (429, 5xx, …) or the connection failed, after the retries allowed. */
export class RpcUnavailableError extends DependencyUnavailableError {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    retryAfterSeconds = 5,
    options: HallmarkErrorOptions = {},
  ) {
    super(message, retryAfterSeconds, options);
  }
}

/** eth_getLogs refused the block range as too large (too many results, limit exceeded). Halve it. */
export class LogRangeTooLargeError extends HallmarkError {
  readonly type = "rpc-log-range-too-large";
  readonly retryable = true;
  constructor(
    readonly fromBlock: number,
    readonly toBlock: number,
    options: HallmarkErrorOptions = {},
  ) {
    super(`eth_getLogs range ${fromBlock}..${toBlock} refused as too large`, options);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const data = (error as { data?: unknown }).data;
    const extra = typeof data === "object" && data !== null && "message" in data ? String(data.message) : "";
    return `${error.message} ${extra}`;
  }
  if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
  return String(error);
}

function codeOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = error.code;
    if (typeof code === "number") return code;
  }
  return undefined;
}

const RANGE_TOO_LARGE =
  /too many results|query returned more than|limit exceeded|block range|range is too (large|wide)|exceed(s|ed)? (the )?max(imum)? (block )?range|response size exceeded|log response size/i;

/** Whether an eth_getLogs failure means "ask for a smaller range" (any provider's wording, or -32005). */
export function isRangeTooLarge(error: unknown): boolean {
  if (error instanceof LogRangeTooLargeError) return true;
  const code = codeOf(error);
  const message = messageOf(error);
  if (code === -32005 && !/rate|too many requests/i.test(message)) return true;
  return RANGE_TOO_LARGE.test(message);
}

/** Whether a failure is transient (timeouts, 429, 5xx, network): the same request may succeed later. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HallmarkError) return error.retryable && !(error instanceof LogRangeTooLargeError);
  const code = codeOf(error);
  if (code === 429 || code === -32005)
    return /rate|too many requests/i.test(messageOf(error)) || code === 429;
  return /timeout|timed out|ECONNRESET|ECONNREFUSED|socket hang up|fetch failed|429|too many requests/i.test(
    messageOf(error),
  );
}
