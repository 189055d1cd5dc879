/**
 * The one interface every chain access goes through (EIP-1193). In dev and tests it is the
 * in-process Hardhat connection's provider; in production HttpJsonRpcProvider (./http.ts).
 */
export interface RequestArguments {
  method: string;
  params?: readonly unknown[];
}

export interface Eip1193 {
  request(args: RequestArguments): Promise<unknown>;
}

/** One call's outcome in a JSON-RPC batch: its result, or the error the node answered for it. */
export type BatchOutcome = { result: unknown } | { error: Error };

/**
 * A transport that can send several calls in one round trip (a JSON-RPC batch). Optional: readers
 * fall back to one request per call when a transport lacks it or the node refuses batches.
 */
export interface BatchingEip1193 extends Eip1193 {
  requestBatch(calls: readonly RequestArguments[]): Promise<BatchOutcome[]>;
}

export function canBatch(provider: Eip1193): provider is BatchingEip1193 {
  return typeof (provider as Partial<BatchingEip1193>).requestBatch === "function";
}
