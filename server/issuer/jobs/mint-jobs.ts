import { createHash, randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { Signer } from "ethers";
import { CID } from "multiformats/cid";
import { InvalidInputError, NotFoundError, UnprocessableError } from "../../errors.js";
import type { MetadataStore } from "../../ipfs/metadata-store.js";
import { prepareCertificates } from "../certificate-rows.js";
import type { SerialVisibility } from "../certificate-rows.js";
import type { HallmarkContracts } from "../contracts.js";
import { parseManifest } from "../manifest.js";
import { resolveMediaPath } from "../media.js";
import { mintCertificates } from "../mint-certificates.js";
import type { MintProgress } from "../mint-certificates.js";
import { readReceipt } from "../receipt.js";
import type { BrandQueue } from "./brand-queue.js";

/**
 * Mint jobs of the issuer API: a manifest (JSON rows; pictures named by path with the media
 * inline as base64, or by `ipfs://<cid>` of an upload to the media route, checked to be pinned)
 * validated when the job is created (every row error at once, nothing queued), then minted in
 * the background by the same `mintCertificates` the CLI runs, one job at a time per brand.
 *
 * Jobs live in memory and do not survive a restart. They need not: minting resumes from the
 * chain, so creating the job again (a new Idempotency-Key after a restart) finds what was minted
 * and mints only the rest. Within a process, the same Idempotency-Key returns the same job.
 */
export type MintJobStatus = "queued" | "running" | "succeeded" | "failed";

export interface MintJobMedia {
  /** Path the manifest's `images` column names. */
  path: string;
  contentBase64?: string;
  /** `ipfs://<cid>` of a file already on this verifier's IPFS store. */
  uri?: string;
}

export interface MintJobRequest {
  brandId: number;
  rows: readonly unknown[];
  media?: readonly MintJobMedia[];
  serialVisibility?: SerialVisibility;
  to?: string;
  idempotencyKey: string;
  /** The API key that created it (audit). */
  createdBy: string;
}

export interface MintJobReceiptRow {
  row: number;
  serial: string;
  tokenId: string;
  metadataCid: string;
  txHash: string;
  block: number;
  /** "minted" by this job; "found" already on-chain (an earlier job or run). */
  source: "minted" | "found";
}

export interface MintJobProgress {
  validation: { rows: number; total: number };
  ipfs: { files: number; total: number; directoryCid: string | null };
  chain: { toMint: number | null; sent: number; confirmed: number; batches: number; alreadyOnChain: number };
}

export interface MintJobView {
  id: string;
  brand: number;
  status: MintJobStatus;
  idempotencyKey: string;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rows: number;
  progress: MintJobProgress;
  summary: { minted: number; alreadyOnChain: number; batches: number; gasUsed: string; directoryCid: string | null; to: string } | null;
  receipt: MintJobReceiptRow[] | null;
  /**
   * What failed the job: a HallmarkError, or an unexpected failure whose message stays internal.
   * The issuer API sends it as a problem document (server/issuer/api/mint-job-answer.ts).
   */
  error: Error | null;
}

/** An Idempotency-Key reused with another request body (draft-ietf-httpapi-idempotency-key-header: 422). */
export class IdempotencyKeyReusedError extends UnprocessableError {
  override readonly type = "idempotency-key-reused";
}

export interface MintJobContext {
  contracts: HallmarkContracts;
  signer: Signer;
  brandSalt: string;
}

export interface MintJobsOptions {
  queue: BrandQueue;
  store: MetadataStore;
  /** Scratch space for a job's media and receipt, removed when the job ends. */
  workDir: string;
  confirmations?: number;
  logger?: Logger;
  /** The brand's key, salt and contracts, or a thrown 503 when it has none. */
  contextOf(brandId: number): MintJobContext;
  /** Called when a job ends (audit). */
  onFinished?(job: MintJobView): void;
}

interface JobState {
  view: MintJobView;
  requestHash: string;
  serialsByRow: Map<string, number>;
}

const MAX_KEPT_JOBS = 1_000;

export class MintJobs {
  private readonly jobs = new Map<string, JobState>();
  private readonly byIdempotencyKey = new Map<string, Promise<JobState>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: MintJobsOptions) {}

  /** The job of this Idempotency-Key if there is one (`replayed`), else a new validated, queued job. */
  async create(request: MintJobRequest): Promise<{ job: MintJobView; replayed: boolean }> {
    const requestHash = hashRequest(request);
    const key = `${request.brandId}\u0000${request.idempotencyKey}`;
    const existing = this.byIdempotencyKey.get(key);
    if (existing !== undefined) {
      const state = await existing;
      if (state.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError(`Idempotency-Key ${request.idempotencyKey} was used for another request body (job ${state.view.id})`);
      }
      return { job: state.view, replayed: true };
    }
    const creating = this.validateAndQueue(request, requestHash);
    this.byIdempotencyKey.set(key, creating);
    try {
      return { job: (await creating).view, replayed: false };
    } catch (error) {
      // A refused request created nothing: the client fixes it and may reuse the key.
      this.byIdempotencyKey.delete(key);
      throw error;
    }
  }

  get(brandId: number, id: string): MintJobView {
    const state = this.jobs.get(id);
    if (state === undefined || state.view.brand !== brandId) throw new NotFoundError(`No mint job ${id} for brand ${brandId}`);
    return state.view;
  }

  /** Jobs held in memory (all brands). */
  get size(): number {
    return this.jobs.size;
  }

  /** Stops running jobs at their next batch (shutdown); what was confirmed stays minted. */
  cancelAll(): void {
    this.abort.abort(new Error("The issuer is shutting down"));
  }

  private async validateAndQueue(request: MintJobRequest, requestHash: string): Promise<JobState> {
    const context = this.options.contextOf(request.brandId);
    const id = `mj_${randomBytes(12).toString("hex")}`;
    const jobDir = path.join(this.options.workDir, id);
    const mediaRoot = path.join(jobDir, "media");
    const rows = parseManifest(JSON.stringify(request.rows), "json");
    try {
      await this.writeMedia(mediaRoot, request.media ?? []);
      const brand = await context.contracts.registry.brand(request.brandId);
      // Every row error now, before the job exists: a 422 lists them all with their row numbers.
      const prepared = await prepareCertificates(rows, {
        brandId: request.brandId,
        brandName: brand.name,
        brandSalt: context.brandSalt,
        serialVisibility: request.serialVisibility,
        mediaRoot: request.media === undefined || request.media.length === 0 ? undefined : mediaRoot,
        store: this.options.store,
      });
      const view: MintJobView = {
        id,
        brand: request.brandId,
        status: "queued",
        idempotencyKey: request.idempotencyKey,
        createdBy: request.createdBy,
        createdAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
        rows: rows.length,
        progress: {
          validation: { rows: rows.length, total: rows.length },
          ipfs: { files: 0, total: prepared.media.size + prepared.certificates.length, directoryCid: null },
          chain: { toMint: null, sent: 0, confirmed: 0, batches: 0, alreadyOnChain: 0 },
        },
        summary: null,
        receipt: null,
        error: null,
      };
      const state: JobState = { view, requestHash, serialsByRow: new Map(prepared.certificates.map((c) => [c.serial, c.row])) };
      this.keep(state);
      void this.options.queue.run(request.brandId, () => this.execute(state, rows, request, mediaRoot, jobDir));
      return state;
    } catch (error) {
      await rm(jobDir, { recursive: true, force: true });
      throw error;
    }
  }

  private async execute(
    state: JobState,
    rows: ReturnType<typeof parseManifest>,
    request: MintJobRequest,
    mediaRoot: string,
    jobDir: string,
  ): Promise<void> {
    const { view } = state;
    view.status = "running";
    view.startedAt = new Date().toISOString();
    const receiptFile = path.join(jobDir, "receipt.jsonl");
    try {
      const context = this.options.contextOf(request.brandId);
      const summary = await mintCertificates({
        contracts: context.contracts,
        signer: context.signer,
        store: this.options.store,
        brandId: request.brandId,
        brandSalt: context.brandSalt,
        rows,
        mediaRoot: request.media === undefined || request.media.length === 0 ? undefined : mediaRoot,
        serialVisibility: request.serialVisibility,
        to: request.to,
        receiptFile,
        confirmations: this.options.confirmations,
        signal: this.abort.signal,
        onProgress: (progress) => this.track(view, progress),
      });
      const receipt = await readReceipt(receiptFile);
      view.receipt = [...receipt.values()]
        .map((entry) => ({
          row: state.serialsByRow.get(entry.serial) ?? 0,
          serial: entry.serial,
          tokenId: entry.tokenId,
          metadataCid: entry.metadataCid,
          txHash: entry.txHash,
          block: entry.block,
          source: entry.source,
        }))
        .sort((a, b) => a.row - b.row);
      view.summary = {
        minted: summary.minted,
        alreadyOnChain: summary.foundOnChain + summary.alreadyInReceipt,
        batches: summary.batches,
        gasUsed: summary.gasUsed.toString(),
        directoryCid: summary.directoryCid ?? null,
        to: summary.to,
      };
      view.status = "succeeded";
    } catch (error) {
      view.status = "failed";
      view.error = error instanceof Error ? error : new Error(String(error));
      this.options.logger?.warn({ err: error, job: view.id, brand: view.brand }, "mint job failed");
    } finally {
      view.finishedAt = new Date().toISOString();
      await rm(jobDir, { recursive: true, force: true }).catch(() => undefined);
      this.options.onFinished?.(view);
    }
  }

  private track(view: MintJobView, progress: MintProgress): void {
    const { ipfs, chain } = view.progress;
    switch (progress.stage) {
      case "resume":
        chain.toMint = progress.toMint;
        chain.alreadyOnChain = progress.fromReceipt + progress.foundOnChain;
        break;
      case "ipfs":
        ipfs.files = progress.filesImported;
        break;
      case "ipfs-done":
        ipfs.files = progress.files;
        ipfs.directoryCid = progress.directoryCid;
        break;
      case "batch-sent":
        chain.sent = progress.sent;
        break;
      case "batch-confirmed":
        chain.confirmed = progress.confirmed;
        chain.batches = progress.batch;
        break;
      default:
        break;
    }
  }

  private async writeMedia(mediaRoot: string, media: readonly MintJobMedia[]): Promise<void> {
    const problems: { path: string; message: string }[] = [];
    const seen = new Set<string>();
    const files: { target: string; item: MintJobMedia; index: number }[] = [];
    media.forEach((item, index) => {
      const resolved = resolveMediaPath(mediaRoot, item.path);
      if ("problem" in resolved) problems.push({ path: `body.media.${index}.path`, message: resolved.problem });
      else if (seen.has(resolved.path)) problems.push({ path: `body.media.${index}.path`, message: `"${item.path}" is given twice` });
      else {
        seen.add(resolved.path);
        files.push({ target: resolved.path, item, index });
      }
    });
    if (problems.length > 0) throw new InvalidInputError("Invalid media", { details: problems });
    for (const { target, item, index } of files) {
      let bytes: Uint8Array;
      if (item.contentBase64 !== undefined) {
        bytes = Buffer.from(item.contentBase64, "base64");
      } else {
        let cid: CID;
        try {
          cid = CID.parse(item.uri!.slice("ipfs://".length).split("/")[0]);
        } catch {
          throw new InvalidInputError("Invalid media", { details: [{ path: `body.media.${index}.uri`, message: "not an ipfs://<cid> URI" }] });
        }
        try {
          bytes = await this.options.store.get(cid);
        } catch (cause) {
          throw new UnprocessableError(`Media ${item.path}: ${item.uri} is not on this verifier's IPFS store`, {
            cause,
            details: [{ path: `body.media.${index}.uri`, message: "not found on this verifier's IPFS store (upload it first)" }],
          });
        }
      }
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
  }

  private keep(state: JobState): void {
    this.jobs.set(state.view.id, state);
    if (this.jobs.size <= MAX_KEPT_JOBS) return;
    // Forget the oldest finished job (and its idempotency key): memory stays bounded.
    for (const [id, old] of this.jobs) {
      if (old.view.status === "succeeded" || old.view.status === "failed") {
        this.jobs.delete(id);
        this.byIdempotencyKey.delete(`${old.view.brand}\u0000${old.view.idempotencyKey}`);
        break;
      }
    }
  }
}

function hashRequest(request: MintJobRequest): string {
  const { rows, media, serialVisibility, to } = request;
  return createHash("sha256").update(JSON.stringify({ rows, media, serialVisibility, to })).digest("hex");
}
