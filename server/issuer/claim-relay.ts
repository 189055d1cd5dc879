import type { Signer, TransactionReceipt, TransactionResponse } from "ethers";
import type { Logger } from "pino";
import {
  ConflictError,
  HallmarkError,
  DependencyUnavailableError,
  NotFoundError,
  UnprocessableError,
} from "../errors.js";
import { requireKeySignatureForm } from "../chain/signature-form.js";
import { MemoryClaimRelayLocks } from "./claim-relay-locks.js";
import type { ClaimRelayLocks } from "./claim-relay-locks.js";
import type { HallmarkContracts } from "./contracts.js";
import { TransactionRefusedError } from "./errors.js";
import type { BrandQueue } from "./jobs/brand-queue.js";
import { BrandNotConfiguredError } from "./service/issuer-service.js";
import { brandOfToken } from "./serials.js";
import { refusal } from "./transactions.js";

/**
 * The claim relay: a customer without a browser wallet signs the Claim with the code in the page,
 * and the verifier submits claimWithCode from the certificate's brand's issuer key, so the brand
 * pays its customers' claim gas. Relaying cannot redirect a claim: the signature names the
 * recipient and the contract checks it. Every claim is simulated first, so a used, expired or
 * wrong one costs nothing; the send waits its turn in the brand's queue, which owns the key's nonce.
 */
export interface ClaimToRelay {
  tokenId: bigint;
  recipient: string;
  deadline: bigint;
  /** The code's EIP-712 signature: never logged. */
  signature: string;
}

/**
 * A claim on a tag oracle's attestation of a fresh NTAG 424 DNA tap (claimWithTag): the verifier's
 * oracle signs it for the recipient the person holding the piece names, and the relay submits it.
 */
export interface TagClaimToRelay {
  tokenId: bigint;
  recipient: string;
  counter: bigint;
  deadline: bigint;
  oracle: string;
  /** The oracle's EIP-712 TagClaim signature. */
  attestation: string;
}

export interface RelayedClaim {
  txHash: string;
  /**
   * The block the claim was mined in, or null when it was not mined within `minedWithinMs`. A
   * client reads its own claim with `?minBlock=<block>` on any instance (server/verification/min-block.ts).
   */
  block: number | null;
}

/**
 * This server submits no claims for the certificate's brand: no issuer key is configured for it.
 * 422, not 503: nothing is down and retrying will not help (a brand that does not sponsor claims
 * is a setting, not an outage, and a 5xx would page an operator for it). The stable type lets the
 * claim page fall back to showing the signed claim for another relayer.
 */
export class ClaimRelayUnavailableError extends UnprocessableError {
  override readonly type = "claim-relay-unavailable";
}

export interface ClaimRelayOptions {
  /** The contracts connected to a provider (reads); sends connect the brand's signer. */
  contracts: HallmarkContracts;
  /** The brand's signer (IssuerService.signerOf): throws BrandNotConfiguredError without one. */
  signerOf(brandId: number): Signer;
  /** The issuer service's queue: relayed claims and issuer actions share each key's nonce sequence. */
  queue: BrandQueue;
  confirmations?: number;
  logger?: Logger;
  /** Which tokens have a relayed claim in flight; default this process's memory, PostgreSQL in a fleet. */
  locks?: ClaimRelayLocks;
  /** How long the answer waits for the claim's first receipt, to name its block. Default 10 s. */
  minedWithinMs?: number;
}

export class ClaimRelay {
  /** Tokens with a relayed claim being simulated, sent or confirmed. */
  private readonly inFlight: ClaimRelayLocks;

  constructor(private readonly options: ClaimRelayOptions) {
    this.inFlight = options.locks ?? new MemoryClaimRelayLocks();
  }

  /**
   * Simulates, then sends claimWithCode; resolves once it is mined (with its block) or, after
   * `minedWithinMs`, once broadcast (block null). A claim mined but reverted is refused.
   */
  async relay(claim: ClaimToRelay): Promise<RelayedClaim> {
    // The claim key is a key: a compact signature would only be simulated into a revert.
    requireKeySignatureForm(claim.signature);
    return this.submit(claim.tokenId, claim.recipient, "claimWithCode", [
      claim.tokenId,
      claim.recipient,
      claim.deadline,
      claim.signature,
    ]);
  }

  /**
   * The chain's clock: the latest block's timestamp, in Unix seconds. A deadline checked on chain is
   * set from it, not from this server's clock, which may differ from the chain's (a time-travelled
   * test chain, an L2 whose blocks lag, a skewed host).
   */
  async chainTime(): Promise<number> {
    const block = await this.options.contracts.certificate.runner?.provider?.getBlock("latest");
    if (block === null || block === undefined)
      throw new DependencyUnavailableError("The chain named no latest block");
    return block.timestamp;
  }

  /** As `relay`, for claimWithTag: simulated, sent from the brand's key, one claim per token at a time. */
  async relayTagClaim(claim: TagClaimToRelay): Promise<RelayedClaim> {
    return this.submit(claim.tokenId, claim.recipient, "claimWithTag", [
      claim.tokenId,
      claim.recipient,
      claim.counter,
      claim.deadline,
      claim.oracle,
      claim.attestation,
    ]);
  }

  private async submit(
    tokenId: bigint,
    recipient: string,
    method: "claimWithCode" | "claimWithTag",
    args: readonly unknown[],
  ): Promise<RelayedClaim> {
    await this.requireCertificate(tokenId);
    const brandId = brandOfToken(tokenId);
    const signer = this.brandSigner(brandId);
    // Two submissions of one signed claim would both pass the simulation while the first is pending;
    // the second would then burn gas on a revert.
    const lock = await this.inFlight.acquire(tokenId);
    if (lock === null)
      throw new ConflictError(`A claim for certificate ${tokenId.toString()} is already being relayed`);
    const writer = this.options.contracts.certificate.connect(signer);
    const send = writer.getFunction(method);
    return new Promise<RelayedClaim>((resolve, reject) => {
      let broadcast = false;
      const task = this.options.queue.run(brandId, async () => {
        let gasLimit: bigint;
        try {
          gasLimit = await send.estimateGas(...args);
        } catch (error) {
          throw refused(error);
        }
        let response;
        try {
          response = (await send(...args, { gasLimit: (gasLimit * 6n) / 5n })) as TransactionResponse;
        } catch (error) {
          throw refused(error);
        }
        broadcast = true;
        this.options.logger?.info(
          { tokenId: tokenId.toString(), brand: brandId, recipient, method, txHash: response.hash },
          "claim relayed",
        );
        const first = await firstReceipt(response, this.options.minedWithinMs ?? 10_000);
        if (first !== null && first.status !== 1)
          throw new TransactionRefusedError(`${method} ${response.hash} failed on-chain`, null, []);
        resolve({ txHash: response.hash, block: first?.blockNumber ?? null });
        // The queue holds the key until the claim is mined, as every issuer action does.
        const mined = await response.wait(this.options.confirmations ?? 1);
        if (mined === null || mined.status !== 1)
          throw new TransactionRefusedError(`${method} ${response.hash} failed on-chain`, null, []);
      });
      const release = () =>
        lock
          .release()
          .catch((error: unknown) =>
            this.options.logger?.warn(
              { err: error, tokenId: tokenId.toString() },
              "claim relay lock not released (it expires)",
            ),
          );
      task.then(
        () => void release(),
        (error: unknown) => {
          void release();
          reject(error instanceof Error ? error : new Error(String(error))); // no-op once broadcast
          if (broadcast || !(error instanceof HallmarkError))
            this.options.logger?.warn(
              { tokenId: tokenId.toString(), code: codeOf(error) },
              "relayed claim failed",
            );
        },
      );
    });
  }

  /** The address that submits claims for `brandId`, or null when this server relays none for it. */
  async relayerOf(brandId: number): Promise<string | null> {
    try {
      return await this.options.signerOf(brandId).getAddress();
    } catch (error) {
      if (error instanceof BrandNotConfiguredError) return null;
      throw error;
    }
  }

  private brandSigner(brandId: number): Signer {
    try {
      return this.options.signerOf(brandId);
    } catch (error) {
      if (error instanceof BrandNotConfiguredError) {
        throw new ClaimRelayUnavailableError(
          `This verifier does not submit claims for brand ${brandId}: hand the signed claim to another relayer`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** 404 for a token nobody minted (or burned), read at the head rather than from a lagging index. */
  private async requireCertificate(tokenId: bigint): Promise<void> {
    try {
      await this.options.contracts.certificate.ownerOf(tokenId);
    } catch (error) {
      if (refusal(error, "ownerOf") instanceof TransactionRefusedError)
        throw new NotFoundError(`No certificate ${tokenId.toString()}`);
      throw new DependencyUnavailableError("Chain RPC unavailable: ownerOf failed", 5, { cause: error });
    }
  }
}

/**
 * The first receipt, or null when none came within `ms` (or waiting failed: the confirmation wait
 * that follows reports it). Never throws, so a slow chain still gets its 202.
 */
async function firstReceipt(response: TransactionResponse, ms: number): Promise<TransactionReceipt | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([response.wait(1).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The errors ethers throws carry the transaction, whose calldata holds the signature: they are
 * never kept as a cause (the error handler logs causes), only their decoded meaning.
 */
function refused(error: unknown): Error {
  const decoded = refusal(error, "claimWithCode");
  if (decoded instanceof TransactionRefusedError)
    return new TransactionRefusedError(decoded.message, decoded.errorName, decoded.errorArgs);
  return new DependencyUnavailableError(
    `Chain RPC unavailable: claimWithCode could not be sent (${codeOf(error)})`,
    5,
  );
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown";
}
