/**
 * A fetch-based EIP-1193 transport for any EVM JSON-RPC endpoint: a per-attempt timeout, retries
 * with exponential backoff (and jitter) on HTTP 429, 5xx, network failures and timeouts, honouring
 * Retry-After. JSON-RPC error objects are not retried: they surface as JsonRpcError.
 */
import type { BatchingEip1193, BatchOutcome, RequestArguments } from "./eip1193.js";
import { JsonRpcError, RpcTimeoutError, RpcUnavailableError } from "./rpc-errors.js";

export interface HttpJsonRpcProviderOptions {
  /** Per-attempt timeout in ms (default 10,000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff delay in ms (default 250), doubled per retry. */
  backoffMs?: number;
  /** Longest single wait in ms, Retry-After included (default 30,000). */
  maxBackoffMs?: number;
  /** Extra headers (e.g. an API key header). Never logged. */
  headers?: Record<string, string>;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

interface JsonRpcResponse {
  jsonrpc?: string;
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Parses Retry-After (delta seconds or an HTTP date) into ms, or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function resultOf(payload: JsonRpcResponse): unknown {
  if (payload.error !== undefined && payload.error !== null) {
    const code = typeof payload.error.code === "number" ? payload.error.code : -32603;
    const message = typeof payload.error.message === "string" ? payload.error.message : "JSON-RPC error";
    throw new JsonRpcError(message, code, payload.error.data);
  }
  if (!("result" in payload)) throw new JsonRpcError("JSON-RPC response without result", -32603);
  return payload.result;
}

export class HttpJsonRpcProvider implements BatchingEip1193 {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextId = 1;
  /** Counters for diagnostics and tests. */
  readonly stats = { requests: 0, attempts: 0, retries: 0, batches: 0 };

  constructor(url: string, options: HttpJsonRpcProviderOptions = {}) {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      throw new TypeError(`unsupported RPC URL scheme ${parsed.protocol}`);
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 5;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** The endpoint without credentials or query (safe to log). */
  get safeUrl(): string {
    const u = new URL(this.url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : "/…"}`;
  }

  async request(args: RequestArguments): Promise<unknown> {
    this.stats.requests += 1;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: this.nextId++,
      method: args.method,
      params: args.params ?? [],
    });
    return resultOf((await this.post(body, args.method)) as JsonRpcResponse);
  }

  /**
   * Several calls in one HTTP request (a JSON-RPC batch), answered in the calls' order. A node that
   * refuses batches answers with an HTTP 4xx or a single error object: that throws (JsonRpcError or
   * RpcUnavailableError), and callers fall back to one request per call.
   */
  async requestBatch(calls: readonly RequestArguments[]): Promise<BatchOutcome[]> {
    if (calls.length === 0) return [];
    this.stats.requests += 1;
    this.stats.batches += 1;
    const ids = calls.map(() => this.nextId++);
    const body = JSON.stringify(
      calls.map((call, i) => ({
        jsonrpc: "2.0",
        id: ids[i],
        method: call.method,
        params: call.params ?? [],
      })),
    );
    const payload = await this.post(body, `a batch of ${calls.length} calls`);
    if (!Array.isArray(payload)) {
      resultOf(payload as JsonRpcResponse); // An error object: thrown as such.
      throw new JsonRpcError("JSON-RPC batch answered with a single response", -32600);
    }
    const byId = new Map<unknown, JsonRpcResponse>();
    for (const answer of payload as JsonRpcResponse[])
      if (typeof answer === "object" && answer !== null) byId.set(answer.id, answer);
    return ids.map((id): BatchOutcome => {
      const answer = byId.get(id);
      if (answer === undefined)
        return { error: new JsonRpcError("JSON-RPC batch answer missing a call", -32603) };
      try {
        return { result: resultOf(answer) };
      } catch (error) {
        return { error: error as Error };
      }
    });
  }

  /** POSTs one JSON-RPC body with the retry policy; answers the parsed JSON (errors in it are the caller's). */
  private async post(body: string, what: string): Promise<unknown> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) this.stats.retries += 1;
      this.stats.attempts += 1;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.fetchImpl(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json", ...this.headers },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.status === 429 || response.status >= 500) {
          retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
          await response.body?.cancel().catch(() => undefined);
          lastError = new RpcUnavailableError(
            `RPC node answered HTTP ${response.status} to ${what}`,
            response.status,
            Math.ceil((retryAfterMs ?? 5000) / 1000),
          );
        } else if (!response.ok) {
          await response.body?.cancel().catch(() => undefined);
          throw new RpcUnavailableError(
            `RPC node answered HTTP ${response.status} to ${what}`,
            response.status,
          );
        } else {
          return await response.json();
        }
      } catch (error) {
        if (error instanceof JsonRpcError) throw error;
        if (
          error instanceof RpcUnavailableError &&
          error.httpStatus !== null &&
          error.httpStatus < 500 &&
          error.httpStatus !== 429
        ) {
          throw error;
        }
        const name = (error as { name?: string }).name;
        if (name === "TimeoutError" || name === "AbortError") {
          lastError = new RpcTimeoutError(`RPC node did not answer ${what} within ${this.timeoutMs} ms`, 5, {
            cause: error,
          });
        } else if (error instanceof SyntaxError) {
          lastError = new RpcUnavailableError(`RPC node sent a malformed answer to ${what}`, null, 5, {
            cause: error,
          });
        } else {
          lastError = new RpcUnavailableError(`RPC node unreachable for ${what}`, null, 5, {
            cause: error,
          });
        }
      }
      if (attempt < this.retries) {
        const backoff = this.backoffMs * 2 ** attempt;
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        await this.sleep(Math.min(this.maxBackoffMs, Math.max(retryAfterMs ?? 0, jittered)));
      }
    }
    throw lastError ?? new RpcUnavailableError(`RPC request ${what} failed`, null);
  }
}
