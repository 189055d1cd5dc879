import { getAddress, NonceManager, ZeroAddress } from "ethers";
import type { Signer, Wallet } from "ethers";
import type { Logger } from "pino";
import { DependencyUnavailableError, ForbiddenError, UnprocessableError } from "../../errors.js";
import type { ProblemDetail } from "../../errors.js";
import type { MetadataStore } from "../../ipfs/metadata-store.js";
import { changeCertificateStatus } from "../certificate-status.js";
import type { StatusAction } from "../certificate-status.js";
import { claimUrlOf, generateClaimCode } from "../claim-codes.js";
import type { HallmarkContracts } from "../contracts.js";
import { TransactionRefusedError } from "../errors.js";
import { recordProvenanceEvent } from "../provenance-events.js";
import type { ProvenanceEventKindName } from "../provenance-events.js";
import { brandOfToken } from "../serials.js";
import { refusal } from "../transactions.js";
import type { CallOutcome } from "../transactions.js";
import { importMedia } from "../media.js";
import type { ImportedMedia } from "../media.js";
import { BrandQueue } from "../jobs/brand-queue.js";
import type { MintJobRecords } from "../jobs/mint-job-records.js";
import { MintJobs } from "../jobs/mint-jobs.js";
import type { MintJobContext, MintJobView } from "../jobs/mint-jobs.js";
import type { SerialRule } from "../../verification/serial-rule.js";

/**
 * The brand workflows of server/issuer behind the issuer API: no HTTP here. Each brand acts with
 * the key configured for it; every action that sends a transaction waits its turn in the brand's
 * queue, so actions never race for the key's nonce.
 */
export interface IssuerServiceOptions {
  /** The contracts connected to a provider (reads); writes connect the brand's signer. */
  contracts: HallmarkContracts;
  signers: ReadonlyMap<number, Signer>;
  brandSalts: ReadonlyMap<number, string>;
  /** Each brand's serial rule, from the same setting as its salt (absent: exact). */
  serialRules?: ReadonlyMap<number, SerialRule>;
  store: MetadataStore;
  /** The verifier the claim URLs open. */
  publicUrl: string;
  /** Scratch space of mint jobs. */
  workDir: string;
  confirmations?: number;
  logger?: Logger;
  onMintJobFinished?(job: MintJobView): void;
  /** Where mint jobs and their Idempotency-Keys are kept; default this process's memory. */
  mintJobRecords?: MintJobRecords;
}

export interface IssuedClaimCode {
  tokenId: string;
  /** The secret: returned once, in this answer; never stored or logged. */
  code: string;
  claimKey: string;
  claimUrl: string;
  txHash: string;
}

export interface ChainWrite {
  txHash: string;
  block: number;
}

/** A brand with no issuer key (or no serial salt) configured on this server. */
export class BrandNotConfiguredError extends DependencyUnavailableError {}

export class IssuerService {
  readonly queue = new BrandQueue();
  readonly mintJobs: MintJobs;

  constructor(private readonly options: IssuerServiceOptions) {
    this.mintJobs = new MintJobs({
      queue: this.queue,
      store: options.store,
      workDir: options.workDir,
      confirmations: options.confirmations,
      logger: options.logger,
      contextOf: (brandId) => this.mintContext(brandId),
      onFinished: (job) => options.onMintJobFinished?.(job),
      records: options.mintJobRecords,
    });
  }

  /** The brand's signer, or 503: its issuer routes cannot act without a key. */
  signerOf(brandId: number): Signer {
    const signer = this.options.signers.get(brandId);
    if (signer === undefined) {
      throw new BrandNotConfiguredError(
        `No issuer key is configured for brand ${brandId} on this server (HALLMARK_ISSUER_KEYSTORES)`,
        300,
      );
    }
    return signer;
  }

  private mintContext(brandId: number): MintJobContext {
    const signer = this.signerOf(brandId);
    const brandSalt = this.options.brandSalts.get(brandId);
    if (brandSalt === undefined) {
      throw new BrandNotConfiguredError(
        `No serial salt is configured for brand ${brandId} on this server (HALLMARK_BRAND_SALTS)`,
        300,
      );
    }
    return {
      contracts: this.options.contracts,
      signer,
      brandSalt,
      serialRule: this.options.serialRules?.get(brandId),
    };
  }

  /**
   * Stores and pins one picture for later manifests to name by `ipfs://<cid>`. No key and no
   * queue: nothing is signed, and content addressing makes concurrent or repeated uploads safe.
   */
  uploadMedia(
    content: AsyncIterable<Uint8Array>,
    options: { mediaType: string; maxBytes: number; signal?: AbortSignal },
  ): Promise<ImportedMedia> {
    return importMedia(this.options.store, content, options);
  }

  /** Sets a fresh claim key on each certificate (as its owner or an approved operator) and returns the codes once. */
  async issueClaimCodes(
    brandId: number,
    tokenIds: readonly bigint[],
    options: { rotate?: boolean } = {},
  ): Promise<{
    issued: IssuedClaimCode[];
    skipped: { tokenId: string; reason: string }[];
    failed: { tokenId: string; reason: string }[];
  }> {
    const signer = this.signerOf(brandId);
    requireBrandTokens(brandId, tokenIds);
    return this.queue.run(brandId, async () => {
      const { certificate } = this.options.contracts;
      const operator = getAddress(await signer.getAddress());
      const problems: ProblemDetail[] = [];
      const targets: bigint[] = [];
      const skipped: { tokenId: string; reason: string }[] = [];
      for (const [index, tokenId] of tokenIds.entries()) {
        let owner: string;
        try {
          owner = getAddress(await certificate.ownerOf(tokenId));
        } catch (error) {
          if (refusal(error, "ownerOf") instanceof TransactionRefusedError) {
            problems.push({ path: `body.tokenIds.${index}`, message: "no such certificate" });
            continue;
          }
          throw error;
        }
        const allowed =
          owner === operator ||
          (await certificate.getApproved(tokenId)) === operator ||
          (await certificate.isApprovedForAll(owner, operator));
        if (!allowed) {
          problems.push({
            path: `body.tokenIds.${index}`,
            message: `owned by ${owner}; the brand's issuer key ${operator} is neither its owner nor approved`,
          });
          continue;
        }
        const [claimKey] = await certificate.claimStateOf(tokenId);
        if (claimKey !== ZeroAddress && !options.rotate) {
          skipped.push({
            tokenId: tokenId.toString(),
            reason: "has a claim code already (codes are shown once; pass rotate: true to replace it)",
          });
          continue;
        }
        targets.push(tokenId);
      }
      // All or nothing: a refused request sets no key.
      if (problems.length > 0)
        throw new UnprocessableError(`${problems.length} certificate(s) cannot get a claim code`, {
          details: problems,
        });
      // Sent back to back from one nonce sequence (this brand's queue owns the key's nonce), then
      // confirmed together: a request waits about one block, not one block per certificate.
      const writer = certificate.connect(new NonceManager(signer));
      const sent: {
        tokenId: bigint;
        code: string;
        key: Wallet;
        hash: string;
        wait: () => Promise<unknown>;
      }[] = [];
      const failed: { tokenId: string; reason: string }[] = [];
      for (const tokenId of targets) {
        const { code, key } = generateClaimCode();
        try {
          const response = await writer.setClaimKey(tokenId, key.address);
          sent.push({
            tokenId,
            code,
            key,
            hash: response.hash,
            wait: () => response.wait(this.options.confirmations ?? 1),
          });
        } catch (error) {
          const refused = refusal(error, `setClaimKey(${tokenId.toString()})`);
          // Nothing sent yet: refuse the request. Otherwise return the codes already set.
          if (sent.length === 0) throw refused;
          const reason = refused instanceof Error ? refused.message : "not sent";
          for (const rest of targets.slice(targets.indexOf(tokenId)))
            failed.push({ tokenId: rest.toString(), reason });
          break;
        }
      }
      const issued: IssuedClaimCode[] = [];
      for (const { tokenId, code, key, hash, wait } of sent) {
        try {
          const mined = (await wait()) as { status: number } | null;
          if (mined === null || mined.status !== 1)
            throw new TransactionRefusedError(`setClaimKey ${hash} failed on-chain`, null, []);
          issued.push({
            tokenId: tokenId.toString(),
            code,
            claimKey: key.address,
            claimUrl: claimUrlOf(this.options.publicUrl, tokenId, code),
            txHash: hash,
          });
        } catch (error) {
          const refused = refusal(error, "setClaimKey");
          failed.push({
            tokenId: tokenId.toString(),
            reason: refused instanceof Error ? refused.message : "failed",
          });
        }
      }
      if (issued.length === 0 && failed.length > 0)
        throw new UnprocessableError("No claim code could be set", {
          details: failed.map((f) => ({ path: `tokenId ${f.tokenId}`, message: f.reason })),
        });
      return { issued, skipped, failed };
    });
  }

  /** Publishes the details document, then records the event (a resale also moves the certificate). */
  async recordEvent(
    brandId: number,
    input: {
      tokenId: bigint;
      kind: ProvenanceEventKindName;
      details: unknown;
      grade?: number;
      buyer?: string;
    },
  ): Promise<ChainWrite & { detailsDigest: string; detailsCid: string }> {
    const signer = this.signerOf(brandId);
    requireBrandTokens(brandId, [input.tokenId]);
    return this.queue.run(brandId, async () => {
      const result = await recordProvenanceEvent({
        contracts: this.options.contracts,
        signer,
        store: this.options.store,
        ...input,
        confirmations: this.options.confirmations,
      });
      return {
        ...written(result.outcome),
        detailsDigest: result.detailsDigest,
        detailsCid: result.detailsCid,
      };
    });
  }

  async changeStatus(
    brandId: number,
    tokenId: bigint,
    action: StatusAction,
    reason: string,
  ): Promise<ChainWrite> {
    const signer = this.signerOf(brandId);
    requireBrandTokens(brandId, [tokenId]);
    return this.queue.run(brandId, async () =>
      written(
        await changeCertificateStatus({
          contracts: this.options.contracts,
          signer,
          tokenId,
          action,
          reason,
          confirmations: this.options.confirmations,
        }),
      ),
    );
  }

  /** Stops mint jobs at their next batch and waits for the queues to drain. */
  async close(): Promise<void> {
    this.mintJobs.cancelAll();
    await this.queue.idle();
  }
}

function requireBrandTokens(brandId: number, tokenIds: readonly bigint[]): void {
  const foreign = tokenIds.filter((tokenId) => brandOfToken(tokenId) !== brandId);
  if (foreign.length > 0)
    throw new ForbiddenError(`Token ${foreign[0].toString()} is not a certificate of brand ${brandId}`);
}

function written(outcome: CallOutcome): ChainWrite {
  if (outcome.dryRun) throw new Error("unexpected dry run");
  return { txHash: outcome.transaction.hash, block: outcome.transaction.block };
}
