import { getAddress, ZeroAddress } from "ethers";
import type { Provider, Signer } from "ethers";
import { IntegrityError, InvalidInputError } from "../errors.js";
import type { DirectoryEntryInput, MetadataStore } from "../ipfs/metadata-store.js";
import type { IHallmarkCertificate } from "../../types/ethers-contracts/contracts/certificate/HallmarkCertificate.js";
import { prepareCertificates } from "./certificate-rows.js";
import type { PreparedCertificate, SerialVisibility } from "./certificate-rows.js";
import { BRAND_ROLES } from "./contracts.js";
import type { HallmarkContracts } from "./contracts.js";
import { SignerError, TransactionRefusedError } from "./errors.js";
import type { ManifestRow } from "./manifest.js";
import { openMedia } from "./media.js";
import type { MediaFile } from "./media.js";
import { appendReceipt, readReceipt } from "./receipt.js";
import type { ReceiptEntry } from "./receipt.js";
import { currentFeePerGas, refusal } from "./transactions.js";
import type { SerialRule } from "../verification/serial-rule.js";
import type { BrandPassportKeys } from "../passport/passport-keystore.js";

/**
 * Batch minting from a catalogue manifest: validate every row, upload pictures and documents to
 * IPFS as one directory, then issue in batches sized by estimated gas, writing the receipt after
 * each confirmed batch. Safe to re-run: rows in the receipt or already on-chain are skipped, so a
 * run killed half-way finishes the rest and never mints twice.
 */

/** The contract's MAX_BATCH. */
export const CONTRACT_MAX_BATCH = 500;
/** Stay well under the 2^24 per-transaction gas cap (EIP-7825) and typical block limits. */
export const DEFAULT_BATCH_GAS_TARGET = 12_000_000n;
export const DEFAULT_FIRST_BATCH = 100;
/**
 * Share of the latest block's gas limit a batch may estimate at: a batch is sent with 20% more gas
 * than estimated, and must still fit a block beside other transactions.
 */
export const BLOCK_GAS_SHARE = { numerator: 3n, denominator: 4n };
/** Longest wait for an earlier run's transactions to leave the mempool before resuming. */
export const DEFAULT_PENDING_WAIT_MS = 5 * 60_000;

/** The batch gas target on this chain: the requested one, capped under the latest block's gas limit. */
export function batchGasTarget(requested: bigint, blockGasLimit: bigint): bigint {
  const cap = (blockGasLimit * BLOCK_GAS_SHARE.numerator) / BLOCK_GAS_SHARE.denominator;
  return requested < cap ? requested : cap;
}

export type MintProgress =
  | { stage: "validation"; rowsValidated: number; totalRows: number }
  | { stage: "pending"; issuer: string; pending: number; waitedMs: number; timeoutMs: number }
  | { stage: "resume"; fromReceipt: number; foundOnChain: number; toMint: number; digestMismatches: string[] }
  | { stage: "ipfs"; filesImported: number; totalFiles: number; bytesImported: number }
  | { stage: "ipfs-done"; directoryCid: string; files: number }
  | {
      stage: "batch-sent";
      batch: number;
      size: number;
      txHash: string;
      gasLimit: bigint;
      sent: number;
      toMint: number;
    }
  | {
      stage: "batch-confirmed";
      batch: number;
      size: number;
      txHash: string;
      block: number;
      gasUsed: bigint;
      confirmed: number;
      toMint: number;
    }
  | { stage: "batch-estimated"; batch: number; size: number; gas: bigint };

export interface MintCertificatesOptions {
  contracts: HallmarkContracts;
  /**
   * Holder of the brand's issuer role. A function is called only once every row has validated, so
   * a CLI asks for the keystore password after the manifest's errors are shown, never before.
   */
  signer: Signer | (() => Promise<Signer>);
  /** Where pictures and documents go; not needed for a dry run. */
  store?: MetadataStore;
  brandId: number;
  brandSalt: string;
  /** The brand's serial rule (its salts setting); default exact. */
  serialRule?: SerialRule;
  rows: readonly ManifestRow[];
  mediaRoot?: string;
  serialVisibility?: SerialVisibility;
  /** The brand's passport content keys: restricted passport columns are sealed with them (#19). */
  passportKeys?: BrandPassportKeys;
  /** Recipient of every certificate; the brand's custody vault by default. */
  to?: string;
  receiptFile: string;
  /** Cap on items per transaction (≤ 500); the gas target usually decides first. */
  maxBatchSize?: number;
  /** Gas a batch may estimate at (default 12M), capped at 3/4 of the latest block's gas limit. */
  gasTarget?: bigint;
  /** Longest wait for the issuer's pending transactions before resuming (default 5 min). */
  pendingWaitMs?: number;
  /** How often the pending nonce is read while waiting (default 2 s). */
  pendingPollMs?: number;
  confirmations?: number;
  dryRun?: boolean;
  onProgress?: (progress: MintProgress) => void;
  signal?: AbortSignal;
}

export interface StageTimes {
  validationMs: number;
  ipfsMs: number;
  chainMs: number;
}

export interface MintSummary {
  rows: number;
  alreadyInReceipt: number;
  foundOnChain: number;
  minted: number;
  batches: number;
  gasUsed: bigint;
  directoryCid?: string;
  to: string;
  receiptFile: string;
  times: StageTimes;
  /** Dry run only: the planned batches and what they would cost now. */
  estimate?: { batches: number[]; gas: bigint; feePerGas: bigint; cost: bigint };
}

type CertificateInput = IHallmarkCertificate.CertificateInputStruct;

function inputOf(item: PreparedCertificate): CertificateInput {
  return {
    serialHash: item.serialHash,
    metadataDigest: item.metadataDigest,
    chip: item.chip,
    claimKey: ZeroAddress,
  };
}

function entryOf(
  item: PreparedCertificate,
  fields: Omit<ReceiptEntry, "serial" | "tokenId" | "metadataCid" | "metadataDigest" | "productName">,
): ReceiptEntry {
  return {
    serial: item.serial,
    tokenId: item.tokenId.toString(),
    metadataCid: item.metadataCid.toString(),
    metadataDigest: item.metadataDigest,
    productName: item.productName,
    ...fields,
  };
}

const now = () => performance.now();

export async function mintCertificates(options: MintCertificatesOptions): Promise<MintSummary> {
  const { contracts, brandId } = options;
  const { registry, certificate } = contracts;
  const report = options.onProgress ?? (() => undefined);
  const maxBatch = Math.min(options.maxBatchSize ?? CONTRACT_MAX_BATCH, CONTRACT_MAX_BATCH);
  if (maxBatch < 1) throw new InvalidInputError("The batch size must be at least 1");
  const times: StageTimes = { validationMs: 0, ipfsMs: 0, chainMs: 0 };

  // Refuse early, before any upload, what would make every transaction revert.
  if (!(await registry.brandExists(brandId)))
    throw new InvalidInputError(`Brand ${brandId} is not registered`);
  const brand = await registry.brand(brandId);
  const to = getAddress(options.to ?? brand.vault);

  let started = now();
  const { certificates, media } = await prepareCertificates(
    options.rows,
    {
      brandId,
      brandName: brand.name,
      brandSalt: options.brandSalt,
      serialRule: options.serialRule,
      serialVisibility: options.serialVisibility,
      mediaRoot: options.mediaRoot,
      store: options.store,
      passportKeys: options.passportKeys,
    },
    (progress) => report({ stage: "validation", ...progress }),
  );
  times.validationMs = now() - started;

  if (brand.paused)
    throw new SignerError(`Brand ${brandId} is paused: nothing can be minted until it is unpaused`);
  const signer = typeof options.signer === "function" ? await options.signer() : options.signer;
  const issuer = await signer.getAddress();
  if (!(await registry.hasBrandRole(brandId, BRAND_ROLES.issuer, issuer))) {
    throw new SignerError(`${issuer} is not an issuer of brand ${brandId} (${brand.name})`);
  }
  const provider = signer.provider;
  if (provider === null) throw new TypeError("The signer needs a provider");
  const latestBlock = await provider.getBlock("latest");
  if (latestBlock === null) throw new TypeError("The chain has no latest block");
  const gasTarget = batchGasTarget(options.gasTarget ?? DEFAULT_BATCH_GAS_TARGET, latestBlock.gasLimit);

  // A batch that a killed run sent may still sit in the mempool: ownerOf at the latest block does
  // not see it, so resuming now would send those certificates again (and the duplicate would revert).
  if (!options.dryRun) {
    await waitForPendingTransactions(provider, issuer, {
      timeoutMs: options.pendingWaitMs ?? DEFAULT_PENDING_WAIT_MS,
      pollMs: options.pendingPollMs ?? 2_000,
      report,
      signal: options.signal,
    });
  }

  // Resume: the receipt first, then the chain for what a killed run sent but never recorded.
  started = now();
  const receipt = await readReceipt(options.receiptFile);
  const pending: PreparedCertificate[] = [];
  let alreadyInReceipt = 0;
  for (const item of certificates) {
    if (receipt.get(item.serial)?.tokenId === item.tokenId.toString()) alreadyInReceipt++;
    else pending.push(item);
  }
  const {
    unminted: toMint,
    found,
    mismatches,
  } = await splitByChain(contracts, pending, options.dryRun ? undefined : to);
  if (!options.dryRun) await appendReceipt(options.receiptFile, found);
  report({
    stage: "resume",
    fromReceipt: alreadyInReceipt,
    foundOnChain: found.length,
    toMint: toMint.length,
    digestMismatches: mismatches,
  });
  times.chainMs += now() - started;

  const summary: MintSummary = {
    rows: certificates.length,
    alreadyInReceipt,
    foundOnChain: found.length,
    minted: 0,
    batches: 0,
    gasUsed: 0n,
    to,
    receiptFile: options.receiptFile,
    times,
  };
  if (toMint.length === 0) return summary;

  if (options.dryRun) {
    started = now();
    summary.estimate = await estimateBatches({ ...options, signer }, toMint, to, maxBatch, gasTarget, report);
    times.chainMs += now() - started;
    return summary;
  }

  if (options.store === undefined) throw new InvalidInputError("A metadata store is needed to mint");
  started = now();
  summary.directoryCid = await uploadBatch(options.store, certificates, media, report, options.signal);
  times.ipfsMs = now() - started;

  started = now();
  let perItemGas: bigint | undefined;
  let batch = 0;
  let offset = 0;
  let sent = 0;
  const issuerCertificate = certificate.connect(signer);
  while (offset < toMint.length) {
    options.signal?.throwIfAborted();
    let size = Math.min(
      maxBatch,
      toMint.length - offset,
      perItemGas === undefined ? DEFAULT_FIRST_BATCH : Number(gasTarget / perItemGas),
    );
    size = Math.max(size, 1);
    let slice = toMint.slice(offset, offset + size);
    let gas: bigint;
    for (;;) {
      try {
        gas = await issuerCertificate.issueBatch.estimateGas(brandId, to, slice.map(inputOf));
      } catch (error) {
        const refused = refusal(error, "issueBatch");
        if (
          refused instanceof TransactionRefusedError &&
          refused.errorName === "HallmarkDuplicateCertificate"
        ) {
          // Minted by someone else since the check (another run of this tool): record it and rebuild the batch.
          const again = await splitByChain(contracts, toMint.slice(offset), to);
          await appendReceipt(options.receiptFile, again.found);
          summary.foundOnChain += again.found.length;
          toMint.splice(offset, toMint.length - offset, ...again.unminted);
          if (offset >= toMint.length) break;
          slice = toMint.slice(offset, offset + size);
          continue;
        }
        throw refused;
      }
      if (gas <= gasTarget || slice.length === 1) break;
      // Too heavy (chips, long batches): shrink in proportion and estimate again.
      size = Math.max(1, Math.floor(((slice.length * Number(gasTarget)) / Number(gas)) * 0.95));
      slice = slice.slice(0, size);
    }
    if (offset >= toMint.length) break;
    perItemGas = gas! / BigInt(slice.length) + 1n;
    batch++;
    const padded = (gas! * 12n) / 10n;
    const gasLimit = padded < latestBlock.gasLimit ? padded : latestBlock.gasLimit;
    let response;
    try {
      response = await issuerCertificate.issueBatch(brandId, to, slice.map(inputOf), { gasLimit });
    } catch (error) {
      throw refusal(error, "issueBatch");
    }
    sent += slice.length;
    report({
      stage: "batch-sent",
      batch,
      size: slice.length,
      txHash: response.hash,
      gasLimit,
      sent,
      toMint: toMint.length,
    });
    const mined = await response.wait(options.confirmations ?? 1);
    if (mined === null || mined.status !== 1)
      throw new TransactionRefusedError(`issueBatch ${response.hash} failed on-chain`, null, []);
    await appendReceipt(
      options.receiptFile,
      slice.map((item) =>
        entryOf(item, {
          directoryCid: summary.directoryCid,
          to,
          txHash: mined.hash,
          block: mined.blockNumber,
          source: "minted",
        }),
      ),
    );
    summary.minted += slice.length;
    summary.batches = batch;
    summary.gasUsed += mined.gasUsed;
    offset += slice.length;
    report({
      stage: "batch-confirmed",
      batch,
      size: slice.length,
      txHash: mined.hash,
      block: mined.blockNumber,
      gasUsed: mined.gasUsed,
      confirmed: summary.minted,
      toMint: toMint.length,
    });
  }
  times.chainMs += now() - started;
  return summary;
}

/**
 * Waits until the issuer has no transaction pending (its pending nonce equals its latest one), or
 * gives up after `timeoutMs` with a message that says what to do.
 */
async function waitForPendingTransactions(
  provider: Provider,
  issuer: string,
  options: {
    timeoutMs: number;
    pollMs: number;
    report: (progress: MintProgress) => void;
    signal?: AbortSignal;
  },
): Promise<void> {
  const started = Date.now();
  let reported: { count: number; at: number } | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    const [latest, pending] = await Promise.all([
      provider.getTransactionCount(issuer, "latest"),
      provider.getTransactionCount(issuer, "pending"),
    ]);
    if (pending <= latest) return;
    const waitedMs = Date.now() - started;
    const timedOut = waitedMs >= options.timeoutMs;
    // Say so when the wait starts, when the count changes, every 30 s, and when giving up.
    if (
      reported === null ||
      reported.count !== pending - latest ||
      waitedMs - reported.at >= 30_000 ||
      timedOut
    ) {
      options.report({
        stage: "pending",
        issuer,
        pending: pending - latest,
        waitedMs,
        timeoutMs: options.timeoutMs,
      });
      reported = { count: pending - latest, at: waitedMs };
    }
    if (timedOut) {
      throw new SignerError(
        `${pending - latest} transaction(s) of ${issuer} (nonce ${latest}${pending - latest > 1 ? `…${pending - 1}` : ""}) are still pending after ` +
          `${Math.round(waitedMs / 1000)} s, perhaps a batch sent by a run that was stopped. Resuming now could send the same ` +
          "certificates again: wait until they are mined (or replace them at the same nonce), then run again.",
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(options.pollMs, Math.max(1, options.timeoutMs - waitedMs))),
    );
  }
}

/**
 * Which certificates exist on-chain already. Found ones come back as receipt entries built from
 * their CertificateIssued events; a found certificate whose committed digest is not this
 * manifest's is reported (the manifest changed since it was minted) and never re-minted.
 */
async function splitByChain(
  contracts: HallmarkContracts,
  items: readonly PreparedCertificate[],
  to: string | undefined,
): Promise<{ unminted: PreparedCertificate[]; found: ReceiptEntry[]; mismatches: string[] }> {
  const { certificate } = contracts;
  const owned: PreparedCertificate[] = [];
  const unminted: PreparedCertificate[] = [];
  const CONCURRENCY = 32;
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    const chunk = items.slice(i, i + CONCURRENCY);
    const exists = await Promise.all(
      chunk.map(async (item) => {
        try {
          await certificate.ownerOf(item.tokenId);
          return true;
        } catch (error) {
          const refused = refusal(error, "ownerOf");
          if (refused instanceof TransactionRefusedError) return false; // ERC721NonexistentToken
          throw error;
        }
      }),
    );
    chunk.forEach((item, index) => (exists[index] ? owned : unminted).push(item));
  }
  const found: ReceiptEntry[] = [];
  const mismatches: string[] = [];
  const LOG_CHUNK = 100;
  for (let i = 0; i < owned.length; i += LOG_CHUNK) {
    const chunk = owned.slice(i, i + LOG_CHUNK);
    const logs = await certificate.queryFilter(
      // ethers ORs the values of an array in a topic position; the typed filter does not say so.
      certificate.filters.CertificateIssued(chunk.map((item) => item.tokenId) as unknown as bigint),
      contracts.deployments.startBlock,
    );
    const byToken = new Map(logs.map((log) => [log.args.tokenId.toString(), log]));
    for (const item of chunk) {
      const log = byToken.get(item.tokenId.toString());
      if (log === undefined)
        throw new IntegrityError(
          `Token ${item.tokenId} exists but no CertificateIssued event was found`,
          "",
          "",
        );
      if (log.args.metadataDigest.toLowerCase() !== item.metadataDigest) mismatches.push(item.serial);
      found.push({
        serial: item.serial,
        tokenId: item.tokenId.toString(),
        metadataCid: item.metadataCid.toString(),
        metadataDigest: log.args.metadataDigest.toLowerCase(),
        productName: item.productName,
        to: to ?? "",
        txHash: log.transactionHash,
        block: log.blockNumber,
        source: "found",
      });
    }
  }
  return { unminted, found, mismatches };
}

async function uploadBatch(
  store: MetadataStore,
  certificates: readonly PreparedCertificate[],
  media: Map<string, MediaFile>,
  report: (progress: MintProgress) => void,
  signal: AbortSignal | undefined,
): Promise<string> {
  const totalFiles = media.size + certificates.length;
  function* entries(): Generator<DirectoryEntryInput> {
    for (const file of media.values()) yield { path: `media/${file.relativePath}`, content: openMedia(file) };
    for (const item of certificates) yield { path: item.documentPath, content: item.document };
  }
  const result = await store.addDirectory(entries(), {
    signal,
    onProgress: (progress) =>
      report({
        stage: "ipfs",
        filesImported: progress.filesImported,
        totalFiles,
        bytesImported: progress.bytesImported,
      }),
  });
  // Each document must be the single raw block the chain's digest names; a store that chunked
  // or wrapped it differently would make every certificate unverifiable.
  for (const item of certificates) {
    const stored = result.fileCids.get(item.documentPath)?.toString();
    if (stored !== item.metadataCid.toString()) {
      throw new IntegrityError(
        `The store gave ${item.documentPath} the CID ${stored}, not ${item.metadataCid.toString()}`,
        item.metadataCid.toString(),
        stored ?? "",
      );
    }
  }
  for (const file of media.values()) {
    const stored = result.fileCids.get(`media/${file.relativePath}`)?.toString();
    if (stored !== file.cid.toString()) {
      throw new IntegrityError(
        `The store gave media/${file.relativePath} the CID ${stored}, not ${file.cid.toString()}`,
        file.cid.toString(),
        stored ?? "",
      );
    }
  }
  await store.pin(result.cid, { signal });
  report({ stage: "ipfs-done", directoryCid: result.cid.toString(), files: result.files });
  return result.cid.toString();
}

async function estimateBatches(
  options: MintCertificatesOptions & { signer: Signer },
  toMint: readonly PreparedCertificate[],
  to: string,
  maxBatch: number,
  gasTarget: bigint,
  report: (progress: MintProgress) => void,
): Promise<NonNullable<MintSummary["estimate"]>> {
  const certificate = options.contracts.certificate.connect(options.signer);
  const batches: number[] = [];
  let gasTotal = 0n;
  let perItemGas: bigint | undefined;
  let offset = 0;
  while (offset < toMint.length) {
    let size = Math.max(
      1,
      Math.min(
        maxBatch,
        toMint.length - offset,
        perItemGas === undefined ? DEFAULT_FIRST_BATCH : Number(gasTarget / perItemGas),
      ),
    );
    let gas: bigint;
    for (;;) {
      try {
        gas = await certificate.issueBatch.estimateGas(
          options.brandId,
          to,
          toMint.slice(offset, offset + size).map(inputOf),
        );
      } catch (error) {
        throw refusal(error, "issueBatch");
      }
      if (gas <= gasTarget || size === 1) break;
      size = Math.max(1, Math.floor(((size * Number(gasTarget)) / Number(gas)) * 0.95));
    }
    perItemGas = gas / BigInt(size) + 1n;
    batches.push(size);
    gasTotal += gas;
    offset += size;
    report({ stage: "batch-estimated", batch: batches.length, size, gas });
  }
  const provider = options.signer.provider;
  if (provider === null) throw new TypeError("The signer needs a provider");
  const feePerGas = await currentFeePerGas(provider);
  return { batches, gas: gasTotal, feePerGas, cost: gasTotal * feePerGas };
}
