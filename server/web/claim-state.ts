import { z } from "zod";
import { getAddress, Interface, isHexString, ZeroAddress } from "ethers";
import { DependencyUnavailableError } from "../errors.js";
import type { Eip1193 } from "../chain/eip1193.js";
import { AddressString, BlockNumber, DecimalString } from "../verification/answers/chain-values.js";

/** What the claim page needs to sign a Claim: the key the code must match and the nonce it signs over. */
export const ClaimState = z.object({
  /** Address of the current one-time claim key, or null when none (used, withdrawn, never set). */
  claimKey: AddressString.nullable(),
  nonce: DecimalString,
  /** Unix seconds of the head block: deadlines are counted from the chain's clock, not the phone's. */
  chainTime: z.int().nonnegative(),
  block: BlockNumber,
});
export type ClaimState = z.output<typeof ClaimState>;

/** GET /claim/{tokenId}/state: the claim state of a certificate (its schema is the OpenAPI document's). */
export const ClaimStateAnswer = ClaimState.extend({ tokenId: DecimalString });

export interface ClaimStateReader {
  claimStateOf(tokenId: bigint): Promise<ClaimState>;
}

const claimInterface = new Interface([
  "function claimStateOf(uint256 tokenId) view returns (address claimKey, uint48 claimNonce, bool chipClaimsEnabled)",
]);

/** Reads claimStateOf at the head through the verifier's EIP-1193 transport. */
export class ChainClaimStateReader implements ClaimStateReader {
  constructor(
    private readonly provider: Eip1193,
    private readonly certificateAddress: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async claimStateOf(tokenId: bigint): Promise<ClaimState> {
    const head = (await this.rpc("eth_getBlockByNumber", ["latest", false])) as {
      number?: unknown;
      timestamp?: unknown;
    } | null;
    if (head === null || typeof head.number !== "string" || typeof head.timestamp !== "string") {
      throw new DependencyUnavailableError("Chain RPC unavailable: no head block", 5);
    }
    const data = claimInterface.encodeFunctionData("claimStateOf", [tokenId]);
    const result = await this.rpc("eth_call", [{ to: this.certificateAddress, data }, head.number]);
    if (typeof result !== "string" || !isHexString(result) || result === "0x") {
      throw new DependencyUnavailableError("Chain RPC unavailable: claimStateOf answered nothing", 5);
    }
    const [claimKey, nonce] = claimInterface.decodeFunctionResult("claimStateOf", result);
    const key = getAddress(String(claimKey));
    return {
      claimKey: key === ZeroAddress ? null : key,
      nonce: (nonce as bigint).toString(),
      chainTime: Number(BigInt(head.timestamp)),
      block: Number(BigInt(head.number)),
    };
  }

  private async rpc(method: string, params: unknown[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DependencyUnavailableError(`Chain RPC unavailable: ${method} timed out`, 5)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.provider.request({ method, params }), timeout]);
    } catch (error) {
      if (error instanceof DependencyUnavailableError) throw error;
      throw new DependencyUnavailableError(`Chain RPC unavailable: ${method} failed`, 5, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
