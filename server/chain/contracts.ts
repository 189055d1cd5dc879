import { AbiCoder, concat, getAddress, Interface, isHexString, toBeHex } from "ethers";
import { DependencyUnavailableError } from "../errors.js";
import type { Eip1193 } from "./eip1193.js";
import { isErc6492 } from "./passkey/erc6492.js";
import { ERC6492_OWNERSHIP_CHECK_BYTECODE } from "./passkey/erc6492-ownership-check-bytecode.js";

/**
 * Typed reads of the certificate contract at the chain head, for what must be fresh (an
 * ownership proof, a chip check). Everything else the API serves comes from the index.
 * Calls go through a bare EIP-1193 provider: the in-process Hardhat connection in dev and
 * tests, HttpJsonRpcProvider (./http.ts) in production.
 */

export type CertificateStatusCode = "active" | "stolen" | "revoked";
const STATUS_BY_CODE: readonly CertificateStatusCode[] = ["active", "stolen", "revoked"];

/** Only the functions and errors the verifier reads; decoding a revert needs its error fragment. */
const CERTIFICATE_ABI = [
  "function ownerOf(uint256 tokenId) view returns (address)",
  "function statusOf(uint256 tokenId) view returns (uint8)",
  "function chipOf(uint256 tokenId) view returns (address chip, uint64 nonce)",
  "function verifyOwnership(uint256 tokenId, bytes32 challenge, bytes signature) view returns (bool)",
  "error ERC721NonexistentToken(uint256 tokenId)",
];

export const certificateInterface = new Interface(CERTIFICATE_ABI);

/** A call the contract itself refused (a revert), as opposed to an RPC that failed. */
export class ContractRevert extends Error {
  constructor(
    readonly errorName: string | null,
    readonly data: string,
  ) {
    super(errorName === null ? "execution reverted" : `execution reverted: ${errorName}`);
    this.name = "ContractRevert";
  }
}

export interface ChainReadOptions {
  /** Whole-call deadline; an RPC slower than this counts as down. Default 5 s. */
  timeoutMs?: number;
}

/** A block the reads are pinned to, so that several calls see one state. */
export type BlockTag = number | "latest";

export interface CertificateChainReader {
  headBlock(): Promise<number>;
  ownerOf(tokenId: bigint, block?: BlockTag): Promise<string | null>;
  statusOf(tokenId: bigint, block?: BlockTag): Promise<CertificateStatusCode | null>;
  chipOf(tokenId: bigint, block?: BlockTag): Promise<{ chip: string | null; nonce: bigint }>;
  verifyOwnership(tokenId: bigint, challenge: string, signature: string, block?: BlockTag): Promise<boolean>;
  /** Whether `address` holds code (a contract account, or an EIP-7702 delegated one): its signatures go to EIP-1271. */
  hasCode(address: string, block?: BlockTag): Promise<boolean>;
  /** Unix ms of the last failed call when it is more recent than the last successful one, else null. */
  failingSince(): number | null;
}

/** eth_call helpers over the certificate contract. Transport failures become DependencyUnavailableError (503). */
export class CertificateChain implements CertificateChainReader {
  private readonly timeoutMs: number;
  private lastSuccess = 0;
  private lastFailure = 0;

  constructor(
    private readonly provider: Eip1193,
    private readonly certificateAddress: string,
    options: ChainReadOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  failingSince(): number | null {
    return this.lastFailure > this.lastSuccess ? this.lastFailure : null;
  }

  async headBlock(): Promise<number> {
    const result = await this.rpc("eth_blockNumber", []);
    if (typeof result !== "string" || !isHexString(result))
      throw this.unavailable("eth_blockNumber answered a non-quantity");
    return Number(BigInt(result));
  }

  async ownerOf(tokenId: bigint, block: BlockTag = "latest"): Promise<string | null> {
    try {
      const [owner] = await this.call("ownerOf", [tokenId], block);
      return getAddress(String(owner));
    } catch (error) {
      if (error instanceof ContractRevert) return null; // ERC721NonexistentToken: never minted (or burned).
      throw error;
    }
  }

  async statusOf(tokenId: bigint, block: BlockTag = "latest"): Promise<CertificateStatusCode | null> {
    try {
      const [code] = await this.call("statusOf", [tokenId], block);
      return STATUS_BY_CODE[Number(code)] ?? null;
    } catch (error) {
      if (error instanceof ContractRevert) return null;
      throw error;
    }
  }

  async chipOf(tokenId: bigint, block: BlockTag = "latest"): Promise<{ chip: string | null; nonce: bigint }> {
    const [chip, nonce] = await this.call("chipOf", [tokenId], block);
    const address = getAddress(String(chip));
    return { chip: BigInt(address) === 0n ? null : address, nonce: BigInt(nonce as bigint) };
  }

  async verifyOwnership(
    tokenId: bigint,
    challenge: string,
    signature: string,
    block: BlockTag = "latest",
  ): Promise<boolean> {
    try {
      // A wallet that signs before it is deployed wraps its signature (ERC-6492); a view cannot deploy it, so
      // ERC6492OwnershipCheck does, in the throwaway state of an eth_call, and asks verifyOwnership.
      if (isErc6492(signature))
        return await this.counterfactualOwnership(tokenId, challenge, signature, block);
      const [valid] = await this.call("verifyOwnership", [tokenId, challenge, signature], block);
      return valid === true;
    } catch (error) {
      // A malformed signature can make ECDSA revert inside an EIP-1271 wallet: not a proof.
      if (error instanceof ContractRevert) return false;
      throw error;
    }
  }

  async hasCode(address: string, block: BlockTag = "latest"): Promise<boolean> {
    const code = await this.rpc("eth_getCode", [
      getAddress(address),
      block === "latest" ? "latest" : toBeHex(block),
    ]);
    if (typeof code !== "string" || !isHexString(code))
      throw this.unavailable("eth_getCode answered a non-hex result");
    return code !== "0x";
  }

  private async counterfactualOwnership(
    tokenId: bigint,
    challenge: string,
    signature: string,
    block: BlockTag,
  ): Promise<boolean> {
    const data = concat([
      ERC6492_OWNERSHIP_CHECK_BYTECODE,
      AbiCoder.defaultAbiCoder().encode(
        ["address", "uint256", "bytes32", "bytes"],
        [this.certificateAddress, tokenId, challenge, signature],
      ),
    ]);
    const tag = block === "latest" ? "latest" : toBeHex(block);
    const result = await this.rpc("eth_call", [{ data }, tag]);
    return result === "0x01";
  }

  private async call(
    name: string,
    args: readonly unknown[],
    block: BlockTag,
  ): Promise<ReturnType<Interface["decodeFunctionResult"]>> {
    const data = certificateInterface.encodeFunctionData(name, args);
    const tag = block === "latest" ? "latest" : toBeHex(block);
    const result = await this.rpc("eth_call", [{ to: this.certificateAddress, data }, tag]);
    if (typeof result !== "string" || !isHexString(result))
      throw this.unavailable(`eth_call ${name} answered a non-hex result`);
    if (result === "0x") throw this.unavailable(`No contract code at ${this.certificateAddress}`);
    return certificateInterface.decodeFunctionResult(name, result);
  }

  private async rpc(method: string, params: unknown[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.unavailable(`${method} timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      const result = await Promise.race([this.provider.request({ method, params }), timeout]);
      this.lastSuccess = Date.now();
      return result;
    } catch (error) {
      const revert = revertOf(error);
      if (revert !== null) {
        this.lastSuccess = Date.now(); // The node answered: it is up.
        throw revert;
      }
      this.lastFailure = Date.now();
      if (error instanceof DependencyUnavailableError) throw error;
      throw this.unavailable(`${method} failed`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private unavailable(message: string, cause?: unknown): DependencyUnavailableError {
    return new DependencyUnavailableError(`Chain RPC unavailable: ${message}`, 5, { cause });
  }
}

/**
 * Recognises a revert among provider errors. Providers disagree on where the revert data sits
 * (`data`, `data.data`, `error.data`, JSON-RPC code 3); a message saying "revert" without data
 * is a revert too (a plain `revert()` carries no data).
 */
export function revertOf(error: unknown): ContractRevert | null {
  const data = findRevertData(error, 0);
  if (data !== null) {
    let name: string | null;
    try {
      name = certificateInterface.parseError(data)?.name ?? null;
    } catch {
      name = null;
    }
    return new ContractRevert(name, data);
  }
  const message = error instanceof Error ? error.message : "";
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  if (code === 3 || /execution reverted|reverted with/i.test(message)) return new ContractRevert(null, "0x");
  return null;
}

function findRevertData(value: unknown, depth: number): string | null {
  if (depth > 4 || typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const data = record.data;
  if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
  for (const key of ["data", "error", "cause", "info"]) {
    const found = findRevertData(record[key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}
