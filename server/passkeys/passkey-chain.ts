import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { concat, getAddress, toBeHex, ZeroAddress } from "ethers";
import type { ErrorDescription, Provider, TransactionRequest } from "ethers";
import { customErrorsOf, decodeCustomError } from "../chain/contract-errors.js";
import { revertOf } from "../chain/contracts.js";
import type { CertificateStatusCode } from "../chain/contracts.js";
import { DependencyUnavailableError } from "../errors.js";
import { EntryPoint__factory } from "../../types/ethers-contracts/factories/@account-abstraction/contracts/core/EntryPoint__factory.js";
import { HallmarkPasskeyAccountFactory__factory } from "../../types/ethers-contracts/factories/contracts/account/HallmarkPasskeyAccountFactory__factory.js";
import { HallmarkPasskeyAccount__factory } from "../../types/ethers-contracts/factories/contracts/account/HallmarkPasskeyAccount__factory.js";
import { HallmarkPaymaster__factory } from "../../types/ethers-contracts/factories/contracts/account/HallmarkPaymaster__factory.js";
import { HallmarkCertificate__factory } from "../../types/ethers-contracts/factories/contracts/certificate/HallmarkCertificate__factory.js";
import { HallmarkGarments__factory } from "../../types/ethers-contracts/factories/contracts/garments/HallmarkGarments__factory.js";
import { BrandRegistry__factory } from "../../types/ethers-contracts/factories/contracts/registry/BrandRegistry__factory.js";

/**
 * The reads (and estimates) the passkey routes make at the chain head: the EntryPoint's nonces, the
 * factory's addresses, the paymaster's limits and counters, a passkey account's keys and recovery, the
 * certificate's owner and status. Transport failures become DependencyUnavailableError (503); a revert
 * becomes ChainRefusal, decoded against every contract an operation touches.
 */
export interface PasskeyAddresses {
  entryPoint: string;
  factory: string;
  paymaster: string;
  certificate: string;
  garments: string;
}

export interface PaymasterLimits {
  opsPerAccountPerDay: number;
  opsPerBrandPerDay: number;
  maxCostPerOp: bigint;
}

/** A call the chain refused, with its custom error decoded when it is one of ours or the EntryPoint's. */
export class ChainRefusal extends Error {
  constructor(
    readonly errorName: string | null,
    readonly args: readonly unknown[],
    readonly data: string,
  ) {
    super(errorName === null ? "execution reverted" : `execution reverted: ${errorName}`);
    this.name = "ChainRefusal";
  }

  /** `HallmarkCertificateLocked(42, 1)`, for a problem's message. */
  describe(): string {
    if (this.errorName === null) return "the call reverted";
    return `${this.errorName}(${this.args.map((arg) => (typeof arg === "bigint" ? arg.toString() : String(arg))).join(", ")})`;
  }
}

const STATUS_BY_CODE: readonly CertificateStatusCode[] = ["active", "stolen", "revoked"];

/** Every custom error an operation can meet: the EntryPoint's, the paymaster's, the account's, Hallmark's. */
export const operationErrors = customErrorsOf(
  EntryPoint__factory.abi,
  HallmarkPaymaster__factory.abi,
  HallmarkPasskeyAccount__factory.abi,
  HallmarkPasskeyAccountFactory__factory.abi,
  HallmarkCertificate__factory.abi,
  HallmarkGarments__factory.abi,
  BrandRegistry__factory.abi,
);

export function decodeOperationError(data: string): ErrorDescription | null {
  return decodeCustomError(operationErrors, data);
}

/**
 * Who pays a sponsored operation's gas (HALLMARK_RELAY_FEES). "none": the operation's fees are zero, so the
 * EntryPoint moves no ether and the relayer key (the brand group's own wallet) pays the transaction's gas;
 * "reimburse": the network's fees, and the EntryPoint pays the relayer back from the paymaster's deposit.
 */
export type RelayFees = "none" | "reimburse";

/** EIP-7951's P256VERIFY precompile address. */
const P256_PRECOMPILE = "0x0000000000000000000000000000000000000100";

export class PasskeyChain {
  readonly entryPoint;
  readonly factory;
  readonly paymaster;
  readonly certificate;
  private precompile: Promise<boolean> | null = null;

  constructor(
    readonly provider: Provider,
    readonly addresses: PasskeyAddresses,
    readonly chainId: bigint,
    /** Zero fees by default: the verifier is the only bundler and its key is the brand group's. */
    readonly relayFees: RelayFees = "none",
  ) {
    this.entryPoint = EntryPoint__factory.connect(addresses.entryPoint, provider);
    this.factory = HallmarkPasskeyAccountFactory__factory.connect(addresses.factory, provider);
    this.paymaster = HallmarkPaymaster__factory.connect(addresses.paymaster, provider);
    this.certificate = HallmarkCertificate__factory.connect(addresses.certificate, provider);
  }

  account(address: string) {
    return HallmarkPasskeyAccount__factory.connect(address, this.provider);
  }

  accountAddress(qx: string, qy: string): Promise<string> {
    return this.read("accountAddress", async () => getAddress(await this.factory.accountAddress(qx, qy)));
  }

  isDeployed(address: string): Promise<boolean> {
    return this.read("eth_getCode", async () => (await this.provider.getCode(address)) !== "0x");
  }

  /** The EntryPoint's next nonce of `sender` for nonce key `key` (key in the high 192 bits). */
  nonce(sender: string, key = 0n): Promise<bigint> {
    return this.read("getNonce", () => this.entryPoint.getNonce(sender, key));
  }

  async ownerOf(tokenId: bigint): Promise<string | null> {
    try {
      return await this.read("ownerOf", async () => getAddress(await this.certificate.ownerOf(tokenId)));
    } catch (error) {
      if (error instanceof ChainRefusal) return null; // never minted, or burned
      throw error;
    }
  }

  statusOf(tokenId: bigint): Promise<CertificateStatusCode> {
    return this.read(
      "statusOf",
      async () => STATUS_BY_CODE[Number(await this.certificate.statusOf(tokenId))] ?? "active",
    );
  }

  isPasskey(account: string, qx: string, qy: string): Promise<boolean> {
    return this.read("isPasskey", () => this.account(account).isPasskey(qx, qy));
  }

  passkeyCount(account: string): Promise<number> {
    return this.read("passkeyCount", async () => Number(await this.account(account).passkeyCount()));
  }

  hasPendingRecovery(account: string): Promise<boolean> {
    return this.read(
      "pendingRecovery",
      async () => (await this.account(account).pendingRecovery())[2] !== 0n,
    );
  }

  /** A brand's limits (brand 0: account upkeep): its own, or the paymaster's default. */
  limits(brandId: number): Promise<PaymasterLimits> {
    return this.read("limits", async () => {
      const limits = await this.paymaster.limits(brandId);
      return {
        opsPerAccountPerDay: Number(limits.opsPerAccountPerDay),
        opsPerBrandPerDay: Number(limits.opsPerBrandPerDay),
        maxCostPerOp: limits.maxCostPerOp,
      };
    });
  }

  accountOpsToday(account: string): Promise<number> {
    return this.read("accountOpsToday", async () => Number(await this.paymaster.accountOpsToday(account)));
  }

  brandOpsToday(brandId: number): Promise<number> {
    return this.read("brandOpsToday", async () => Number(await this.paymaster.brandOpsToday(brandId)));
  }

  /** What the paymaster has left on the EntryPoint to pay with. */
  paymasterDeposit(): Promise<bigint> {
    return this.read("balanceOf", () => this.entryPoint.balanceOf(this.addresses.paymaster));
  }

  /** The latest block's time (the paymaster's day is the block time's), in seconds. */
  headTime(): Promise<number> {
    return this.read(
      "eth_getBlockByNumber",
      async () => (await this.provider.getBlock("latest"))?.timestamp ?? 0,
    );
  }

  /**
   * maxFeePerGas and maxPriorityFeePerGas for an operation sent now: zero unless the relayer is reimbursed
   * (the paymaster still validates a zero-fee operation, its rules and daily limits included).
   */
  fees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    if (this.relayFees === "none") return Promise.resolve({ maxFeePerGas: 0n, maxPriorityFeePerGas: 0n });
    return this.read("fee data", async () => {
      const fee = await this.provider.getFeeData();
      const priority = fee.maxPriorityFeePerGas ?? 0n;
      const max = fee.maxFeePerGas ?? fee.gasPrice ?? 0n;
      return { maxFeePerGas: max < priority ? priority : max, maxPriorityFeePerGas: priority };
    });
  }

  /** eth_estimateGas; a revert is a ChainRefusal carrying the decoded error. */
  estimateGas(request: TransactionRequest): Promise<bigint> {
    return this.read("eth_estimateGas", () => this.provider.estimateGas(request));
  }

  /** eth_call at the head; a revert is a ChainRefusal. */
  call(request: TransactionRequest): Promise<string> {
    return this.read("eth_call", () => this.provider.call(request));
  }

  /**
   * Whether the chain verifies P-256 in a precompile (EIP-7951, Osaka and later): the account's
   * validation costs about 3,500 gas for it then, and several hundred thousand through OpenZeppelin's
   * Solidity fallback. Asked once, with a signature made here, and remembered.
   */
  hasP256Precompile(): Promise<boolean> {
    this.precompile ??= this.read("P256VERIFY", async () => {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const message = Buffer.from("hallmark p256 precompile probe");
      const signature = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
      const jwk = publicKey.export({ format: "jwk" });
      const input = concat([
        createHash("sha256").update(message).digest(),
        signature,
        Buffer.from(jwk.x ?? "", "base64url"),
        Buffer.from(jwk.y ?? "", "base64url"),
      ]);
      const answer = await this.provider.call({ to: P256_PRECOMPILE, data: input, from: ZeroAddress });
      return answer === toBeHex(1, 32);
    }).catch((error: unknown) => {
      this.precompile = null; // Ask again next time: the chain may have been down.
      throw error;
    });
    return this.precompile;
  }

  private async read<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ChainRefusal || error instanceof DependencyUnavailableError) throw error;
      const revert = revertOf(error);
      if (revert !== null) {
        const decoded = decodeOperationError(revert.data);
        throw new ChainRefusal(decoded?.name ?? null, decoded === null ? [] : [...decoded.args], revert.data);
      }
      throw new DependencyUnavailableError(`Chain RPC unavailable: ${what} failed`, 5, { cause: error });
    }
  }
}
