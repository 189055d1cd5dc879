import { createHash, randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { Signer } from "ethers";
import { CID } from "multiformats/cid";
import {
  ConflictError,
  DependencyUnavailableError,
  InvalidInputError,
  NotFoundError,
  UnprocessableError,
} from "../../errors.js";
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
import { isFinished, MemoryMintJobRecords } from "./mint-job-records.js";
import type { MintJobRecords } from "./mint-job-records.js";
import type { SerialRule } from "../../verification/serial-rule.js";

/**
 * Mint jobs of the issuer API: a manifest (JSON rows; pictures named by path with the media
 * inline as base64, or by `ipfs://<cid>` of an upload to the media route, checked to be pinned)
 * validated when the job is created (every row error at once, nothing queued), then minted in
 * the background by the same `mintCertificates` the CLI runs, one job at a time per brand.
 *
 * A job runs in the process that created it and does not survive its restart. It need not:
 * minting resumes from the chain, so creating the job again (a new Idempotency-Key) finds what was
 * minted and mints only the rest. Jobs and their Idempotency-Keys are kept in MintJobRecords: in
 * memory by default, in PostgreSQL in a fleet, where the same key returns the same job from any
 * verifier and a job whose verifier died reads as failed once it stops being touched.
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
  summary: {
    minted: number;
    alreadyOnChain: number;
    batches: number;
    gasUsed: string;
    directoryCid: string | null;
    to: string;
  } | null;
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
  serialRule?: SerialRule;
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
  /** Where jobs and Idempotency-Keys are kept; default this process's memory. */
  records?: MintJobRecords;
  /** How often an unfinished job is touched, and how long untouched before others call it dead (default 30 s, 2 min). */
  heartbeatMs?: number;
  staleAfterMs?: number;
}

interface JobState {
  view: MintJobView;
  requestHash: string;
  serialsByRow: Map<string, number>;
  /** Saves in order: a later view never lands before an earlier one. */
  saving: Promise<void>;
  savedAt: number;
}

/** Progress is saved at most this often; status changes at once. */
const PROGRESS_SAVE_MS = 1_000;
/** How long a request waits for another verifier to finish creating the job of its key. */
const CREATION_WAIT_MS = 60_000;

export class MintJobs {
  /** Jobs running (or queued) in this process: their live views. */
  private readonly running = new Map<string, JobState>();
  /** Jobs being validated in this process, by brand and Idempotency-Key. */
  private readonly creating = new Map<string, Promise<JobState>>();
  private readonly abort = new AbortController();
  private readonly records: MintJobRecords;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: MintJobsOptions) {
    this.records = options.records ?? new MemoryMintJobRecords();
    this.heartbeat = setInterval(() => {
      for (const state of this.running.values()) void this.save(state);
    }, options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** The job of this Idempotency-Key if there is one (`replayed`), else a new validated, queued job. */
  async create(request: MintJobRequest): Promise<{ job: MintJobView; replayed: boolean }> {
    const requestHash = hashRequest(request);
    const key = `${request.brandId}\u0000${request.idempotencyKey}`;
    const reused = (jobId: string | null) =>
      new IdempotencyKeyReusedError(
        `Idempotency-Key ${request.idempotencyKey} was used for another request body${jobId === null ? "" : ` (job ${jobId})`}`,
      );
    const deadline = Date.now() + CREATION_WAIT_MS;
    for (;;) {
      const existing = this.creating.get(key);
      if (existing !== undefined) {
        const state = await existing;
        if (state.requestHash !== requestHash) throw reused(state.view.id);
        return { job: state.view, replayed: true };
      }
      const claim = await this.records.claim(request.brandId, request.idempotencyKey, requestHash);
      if (claim.claimed) break;
      if (claim.requestHash !== requestHash) throw reused(claim.jobId);
      if (claim.jobId !== null) return { job: await this.get(request.brandId, claim.jobId), replayed: true };
      // Another verifier is validating this very request: wait for its job.
      if (Date.now() > deadline)
        throw new ConflictError(
          `A mint job for Idempotency-Key ${request.idempotencyKey} is still being created: retry later`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const creating = this.validateAndQueue(request, requestHash);
    this.creating.set(key, creating);
    try {
      return { job: (await creating).view, replayed: false };
    } catch (error) {
      // A refused request created nothing: the client fixes it and may reuse the key.
      await this.records.unclaim(request.brandId, request.idempotencyKey);
      throw error;
    } finally {
      this.creating.delete(key);
    }
  }

  /** A job of this brand: live if it runs here, else as its verifier last saved it. */
  async get(brandId: number, id: string): Promise<MintJobView> {
    const state = this.running.get(id);
    if (state !== undefined && state.view.brand === brandId) return state.view;
    const stored = await this.records.get(brandId, id);
    if (stored === null) throw new NotFoundError(`No mint job ${id} for brand ${brandId}`);
    const { view } = stored;
    if (!isFinished(view) && Date.now() - stored.updatedAt > (this.options.staleAfterMs ?? 120_000)) {
      // Its verifier stopped touching it: it died or was stopped. Say so rather than "running" for ever.
      const stopped = new DependencyUnavailableError(
        "The verifier running this job stopped before it finished: create it again with a new Idempotency-Key (minting resumes from the chain)",
        0,
      );
      return { ...view, status: "failed", error: stopped };
    }
    return view;
  }

  /** Jobs kept (all brands). */
  count(): Promise<number> {
    return this.records.count();
  }

  /** Stops running jobs at their next batch (shutdown); what was confirmed stays minted. */
  cancelAll(): void {
    clearInterval(this.heartbeat);
    this.abort.abort(new Error("The issuer is shutting down"));
  }

  /** Queues a save of the job's view as it is now (a copy: the view moves on while it is written). */
  private save(state: JobState): Promise<void> {
    // A deep copy of the progress; the error keeps its class (structuredClone would make it a plain Error).
    const snapshot: MintJobView = {
      ...structuredClone({ ...state.view, error: null }),
      error: state.view.error,
    };
    state.savedAt = Date.now();
    state.saving = state.saving
      .then(() => this.records.save(snapshot))
      .catch((error: unknown) =>
        this.options.logger?.warn({ err: error, job: snapshot.id }, "mint job not saved"),
      );
    return state.saving;
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
        serialRule: context.serialRule,
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
      const state: JobState = {
        view,
        requestHash,
        serialsByRow: new Map(prepared.certificates.map((c) => [c.serial, c.row])),
        saving: Promise.resolve(),
        savedAt: 0,
      };
      this.running.set(id, state);
      await this.save(state);
      void this.options.queue.run(request.brandId, () =>
        this.execute(state, rows, request, mediaRoot, jobDir),
      );
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
    void this.save(state);
    const receiptFile = path.join(jobDir, "receipt.jsonl");
    try {
      const context = this.options.contextOf(request.brandId);
      const summary = await mintCertificates({
        contracts: context.contracts,
        signer: context.signer,
        store: this.options.store,
        brandId: request.brandId,
        brandSalt: context.brandSalt,
        serialRule: context.serialRule,
        rows,
        mediaRoot: request.media === undefined || request.media.length === 0 ? undefined : mediaRoot,
        serialVisibility: request.serialVisibility,
        to: request.to,
        receiptFile,
        confirmations: this.options.confirmations,
        signal: this.abort.signal,
        onProgress: (progress) => {
          this.track(view, progress);
          if (Date.now() - state.savedAt >= PROGRESS_SAVE_MS) void this.save(state);
        },
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
      await this.save(state);
      this.running.delete(view.id);
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
      if ("problem" in resolved)
        problems.push({ path: `body.media.${index}.path`, message: resolved.problem });
      else if (seen.has(resolved.path))
        problems.push({ path: `body.media.${index}.path`, message: `"${item.path}" is given twice` });
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
          throw new InvalidInputError("Invalid media", {
            details: [{ path: `body.media.${index}.uri`, message: "not an ipfs://<cid> URI" }],
          });
        }
        try {
          bytes = await this.options.store.get(cid);
        } catch (cause) {
          throw new UnprocessableError(
            `Media ${item.path}: ${item.uri} is not on this verifier's IPFS store`,
            {
              cause,
              details: [
                {
                  path: `body.media.${index}.uri`,
                  message: "not found on this verifier's IPFS store (upload it first)",
                },
              ],
            },
          );
        }
      }
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
  }
}

function hashRequest(request: MintJobRequest): string {
  const { rows, media, serialVisibility, to } = request;
  return createHash("sha256").update(JSON.stringify({ rows, media, serialVisibility, to })).digest("hex");
}
