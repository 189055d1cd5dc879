import {
  ContentTooLargeError,
  DependencyUnavailableError,
  IntegrityError,
  InvalidDocumentError,
  NotFoundError,
} from "../errors.js";
import { digestToCid } from "../ipfs/commitment.js";
import type { MetadataReader } from "../ipfs/metadata-store.js";
import type { MetadataDocument, MetadataKind } from "../metadata/document-kinds.js";
import { readCommittedDocument } from "../metadata/metadata-document.js";
import type { UnverifiedReason } from "./answers/verified-metadata.js";

/** Why a committed document could not be shown as verified (its schema: ./answers/verified-metadata.ts). */
export type { UnverifiedReason } from "./answers/verified-metadata.js";

export interface VerifiedMetadata<K extends MetadataKind> {
  cid: string;
  digest: string;
  /** True only when the bytes IPFS returned hash to the digest committed on-chain and pass the schema. */
  verified: boolean;
  reason?: UnverifiedReason;
  /**
   * With reason digest_mismatch: the sha2-256 of the bytes IPFS returned (0x-hex, like `digest`),
   * so the two values can be compared and reported.
   */
  actualDigest?: string;
  /** The document, only when verified: unverified bytes are never shown. */
  document: MetadataDocument<K> | null;
}

/**
 * Verified documents by digest. A digest names its bytes for ever, so a verified document can be
 * kept without expiry; failures are not kept (IPFS may come back). Bounded by entries and by the
 * documents' encoded size (a parsed document takes roughly 1.5-2× its bytes in memory): reading a
 * document back from IPFS and verifying it costs about 1 ms of CPU, a hit about 20 µs, so the cache
 * should hold a whole collection's working set (docs/benchmarks/api.md).
 */
export class DocumentCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private totalBytes = 0;
  constructor(
    private readonly maxEntries = 50_000,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(key: string): unknown {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key); // Refresh its place: least recently used goes first.
      this.entries.set(key, entry);
    }
    return entry?.value;
  }

  /** Keeps `value`; `bytes` is the size of the document it was parsed from (0 if unknown). */
  set(key: string, value: unknown, bytes = 0): void {
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.totalBytes -= previous.bytes;
      this.entries.delete(key);
    }
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.totalBytes -= this.entries.get(oldest)!.bytes;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface DocumentSource {
  reader: MetadataReader;
  cache?: DocumentCache;
  /** Deadline of one read; a verifier answers in about a second. Default 2 s. */
  timeoutMs?: number;
}

/** Reads and verifies the document committed as `digest`; never throws for an IPFS failure. */
export async function verifiedDocument<K extends MetadataKind>(
  source: DocumentSource,
  kind: K,
  digest: string,
): Promise<VerifiedMetadata<K>> {
  const cid = digestToCid(digest).toString();
  const key = `${kind}:${digest.toLowerCase()}`;
  const cached = source.cache?.get(key);
  if (cached !== undefined) return { cid, digest, verified: true, document: cached as MetadataDocument<K> };
  try {
    const committed = await readCommittedDocument(source.reader, kind, digest, {
      timeoutMs: source.timeoutMs ?? 2_000,
    });
    source.cache?.set(key, committed.document, committed.bytes.byteLength);
    return { cid, digest, verified: true, document: committed.document };
  } catch (error) {
    const unverified: VerifiedMetadata<K> = {
      cid,
      digest,
      verified: false,
      reason: reasonOf(error),
      document: null,
    };
    if (error instanceof IntegrityError)
      unverified.actualDigest = `0x${error.actual.replace(/^0x/i, "").toLowerCase()}`;
    return unverified;
  }
}

function reasonOf(error: unknown): UnverifiedReason {
  if (error instanceof IntegrityError) return "digest_mismatch";
  if (error instanceof NotFoundError) return "not_found";
  if (error instanceof DependencyUnavailableError) return "ipfs_unavailable";
  if (error instanceof InvalidDocumentError) return "schema_invalid";
  if (error instanceof ContentTooLargeError) return "too_large";
  return "unreadable";
}
