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
