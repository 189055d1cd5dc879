import {
  AuthenticationError,
  ConflictError,
  ContentTooLargeError,
  DependencyUnavailableError,
  ExpiredError,
  ForbiddenError,
  HallmarkError,
  IntegrityError,
  InvalidDocumentError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from "../../errors.js";
import type { ProblemDetail } from "../../errors.js";
import type { MintJobView } from "./mint-jobs.js";

/**
 * Where mint jobs and their Idempotency-Keys are kept: this process's memory by default
 * (MemoryMintJobRecords), PostgreSQL when a database is configured
 * (server/store/postgres/mint-job-records.ts), so that a client retrying through the load balancer
 * with the same Idempotency-Key gets the same job from any verifier, and can follow it from any.
 * One behaviour suite for both (test/server/issuer/jobs/mint-job-records.ts).
 *
 * The job itself runs on the verifier that created it (its brand's queue owns the key's nonce);
 * that verifier saves the job's view as it progresses, and touches it while it is unfinished so that
 * the others can tell a job whose verifier died (`updatedAt` stops moving).
 */
export type IdempotencyClaim =
  | { claimed: true }
  /** Another request holds the key: its body's hash, and its job once created (null while it is validated). */
  | { claimed: false; requestHash: string; jobId: string | null };

export interface StoredMintJob {
  view: MintJobView;
  /** When the verifier running it last saved it (epoch ms). */
  updatedAt: number;
}

export interface MintJobRecords {
  /** Takes the brand's Idempotency-Key for a request (by its body's hash), or says who holds it. */
  claim(brandId: number, idempotencyKey: string, requestHash: string): Promise<IdempotencyClaim>;
  /** Gives the key up: the request was refused and created nothing, so the client may reuse it. */
  unclaim(brandId: number, idempotencyKey: string): Promise<void>;
  /** Saves a job's view under its key (created, progressed, finished, or only still alive). */
  save(view: MintJobView): Promise<void>;
  get(brandId: number, id: string): Promise<StoredMintJob | null>;
  /** Jobs kept (operators, tests). */
  count(): Promise<number>;
}

export interface MintJobRecordsOptions {
  /** Finished jobs beyond this many are forgotten, oldest first, with their keys (default 1,000). */
  maxKept?: number;
  now?: () => number;
}

export const DEFAULT_MAX_KEPT_JOBS = 1_000;

export function isFinished(view: MintJobView): boolean {
  return view.status === "succeeded" || view.status === "failed";
}

interface Entry {
  requestHash: string;
  /** The view as saved, as JSON (what is read back is a copy, as from a database). */
  view: string | null;
  jobId: string | null;
  status: MintJobView["status"] | null;
  updatedAt: number;
}

export class MemoryMintJobRecords implements MintJobRecords {
  /** By `${brand}\u0000${key}`, in creation order. */
  private readonly byKey = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();
  private readonly maxKept: number;
  private readonly now: () => number;

  constructor(options: MintJobRecordsOptions = {}) {
    this.maxKept = options.maxKept ?? DEFAULT_MAX_KEPT_JOBS;
    this.now = options.now ?? Date.now;
  }

  claim(brandId: number, idempotencyKey: string, requestHash: string): Promise<IdempotencyClaim> {
    const key = keyOf(brandId, idempotencyKey);
    const held = this.byKey.get(key);
    if (held !== undefined)
      return Promise.resolve({ claimed: false, requestHash: held.requestHash, jobId: held.jobId });
    this.byKey.set(key, { requestHash, view: null, jobId: null, status: null, updatedAt: this.now() });
    return Promise.resolve({ claimed: true });
  }

  unclaim(brandId: number, idempotencyKey: string): Promise<void> {
    const key = keyOf(brandId, idempotencyKey);
    if (this.byKey.get(key)?.jobId === null) this.byKey.delete(key);
    return Promise.resolve();
  }

  save(view: MintJobView): Promise<void> {
    const entry = this.byKey.get(keyOf(view.brand, view.idempotencyKey));
    if (entry === undefined) return Promise.resolve(); // forgotten (bounded) while it ran
    entry.view = serializeJobView(view);
    entry.jobId = view.id;
    entry.status = view.status;
    entry.updatedAt = this.now();
    this.byId.set(view.id, entry);
    this.forgetOldFinished();
    return Promise.resolve();
  }

  get(brandId: number, id: string): Promise<StoredMintJob | null> {
    const entry = this.byId.get(id);
    if (entry?.view == null) return Promise.resolve(null);
    const view = parseJobView(entry.view);
    return Promise.resolve(view.brand === brandId ? { view, updatedAt: entry.updatedAt } : null);
  }

  count(): Promise<number> {
    return Promise.resolve(this.byId.size);
  }

  private forgetOldFinished(): void {
    if (this.byId.size <= this.maxKept) return;
    for (const [key, entry] of this.byKey) {
      if (entry.status === "succeeded" || entry.status === "failed") {
        this.byKey.delete(key);
        this.byId.delete(entry.jobId!);
        if (this.byId.size <= this.maxKept) return;
      }
    }
  }
}

function keyOf(brandId: number, idempotencyKey: string): string {
  return `${brandId}\u0000${idempotencyKey}`;
}

/**
 * A job's failure as kept in a record: enough to answer the same problem document from any verifier
 * (the error's kind of failure, its type, message, details and Retry-After), nothing internal. An
 * unexpected failure keeps nothing at all: it was never shown.
 */
export interface StoredJobError {
  /** The HallmarkError class the API maps to a status; null for an unexpected failure. */
  kind: string | null;
  type?: string;
  message?: string;
  details?: readonly ProblemDetail[];
  retryAfterSeconds?: number;
}

/**
 * The base classes the API maps to a status, most specific first, each with how to make it again
 * (IntegrityError, AuthenticationError: their extra fields are not shown). A record names the class.
 */
type ErrorClass = abstract new (...args: never[]) => HallmarkError;
const KINDS: [ErrorClass, (message: string, retryAfterSeconds: number) => HallmarkError][] = [
  [InvalidDocumentError, (m) => new InvalidDocumentError(m)],
  [InvalidInputError, (m) => new InvalidInputError(m)],
  [AuthenticationError, (m) => new AuthenticationError(m, "")],
  [ForbiddenError, (m) => new ForbiddenError(m)],
  [NotFoundError, (m) => new NotFoundError(m)],
  [ConflictError, (m) => new ConflictError(m)],
  [ExpiredError, (m) => new ExpiredError(m)],
  [UnprocessableError, (m) => new UnprocessableError(m)],
  [ContentTooLargeError, (m) => new ContentTooLargeError(m)],
  [UnsupportedMediaTypeError, (m) => new UnsupportedMediaTypeError(m)],
  [RateLimitedError, (m, r) => new RateLimitedError(m, r)],
  [IntegrityError, (m) => new IntegrityError(m, "", "")],
  [UpstreamError, (m) => new UpstreamError(m)],
  [DependencyUnavailableError, (m, r) => new DependencyUnavailableError(m, r)],
];

export function storedJobError(error: Error): StoredJobError {
  if (!(error instanceof HallmarkError)) return { kind: null };
  const kind = KINDS.find(([of]) => error instanceof of)?.[0].name ?? null;
  if (kind === null) return { kind: null };
  const retryAfterSeconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return {
    kind,
    type: error.type,
    message: error.message,
    details: error.details,
    ...(typeof retryAfterSeconds === "number" ? { retryAfterSeconds } : {}),
  };
}

export function jobErrorOf(stored: StoredJobError): Error {
  const make = KINDS.find(([of]) => of.name === stored.kind)?.[1];
  if (make === undefined) return new Error("The job failed unexpectedly");
  const error = make(stored.message ?? "", stored.retryAfterSeconds ?? 5);
  // The original's own type slug (transaction-refused, …) and details, on the class that maps to its status.
  return Object.assign(error, { type: stored.type ?? error.type, details: stored.details ?? [] });
}

/** A view as a record keeps it: JSON text, the error stored as StoredJobError. */
export function serializeJobView(view: MintJobView): string {
  return JSON.stringify({ ...view, error: view.error === null ? null : storedJobError(view.error) });
}

export function parseJobView(stored: unknown): MintJobView {
  const view = (typeof stored === "string" ? JSON.parse(stored) : stored) as Omit<MintJobView, "error"> & {
    error: StoredJobError | null;
  };
  return { ...view, error: view.error === null ? null : jobErrorOf(view.error) };
}
