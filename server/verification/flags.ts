import type { CertificateRecord, IssuerCompromise, ProvenanceEntry } from "../store/model.js";
import type { VerifiedMetadata } from "./committed-document.js";
import { sameAddress } from "./ids.js";
import type { CertificateFlag, Verdict } from "./answers/flags.js";

/**
 * What a buyer must see before trusting a certificate. Each flag is derived from indexed facts
 * and is tested one by one (test/server/api): a flag that is computed but never shown is a bug.
 * The flags and verdicts, each explained: ./answers/flags.ts (their schemas, which the OpenAPI document is generated from).
 */
export type { CertificateFlag, Verdict } from "./answers/flags.js";

/** The only flags that leave a verdict at caution: checks that could not be made, as opposed to checks that failed. */
const CAUTION_FLAGS: ReadonlySet<CertificateFlag> = new Set(["metadata_unverified", "gtin_unconfirmed"]);

/**
 * The flag a metadata check raises. Bytes that hash to another digest, or that are not a valid
 * document of their kind, are a failed check (metadata_mismatch); anything that kept the check
 * from completing is metadata_unverified, since IPFS may answer on the next request.
 */
export function metadataFlagOf(
  metadata: Pick<VerifiedMetadata<never>, "verified" | "reason">,
): CertificateFlag | null {
  if (metadata.verified) return null;
  return metadata.reason === "digest_mismatch" || metadata.reason === "schema_invalid"
    ? "metadata_mismatch"
    : "metadata_unverified";
}

/** The compromise that makes `actor`'s act at `block` suspect, if any. */
export function compromiseCovering(
  compromises: readonly IssuerCompromise[],
  actor: string | null,
  block: number,
): IssuerCompromise | null {
  if (actor === null) return null;
  return compromises.find((c) => sameAddress(c.issuer, actor) && block >= c.fromBlock) ?? null;
}

/**
 * Whether a key declared compromised issued the certificate, committed its current metadata, or
 * recorded any of its events from the compromise block on.
 */
export function isSuspect(
  certificate: CertificateRecord,
  compromises: readonly IssuerCompromise[],
  provenance: readonly Pick<ProvenanceEntry, "actor" | "blockNumber">[],
): boolean {
  if (compromises.length === 0) return false;
  if (compromiseCovering(compromises, certificate.issuer, certificate.issued.blockNumber) !== null)
    return true;
  if (
    compromiseCovering(compromises, certificate.metadataUpdatedBy, certificate.metadataUpdatedAtBlock) !==
    null
  )
    return true;
  return provenance.some((entry) => compromiseCovering(compromises, entry.actor, entry.blockNumber) !== null);
}

export function flagsOf(
  certificate: CertificateRecord,
  suspect: boolean,
  metadata: Pick<VerifiedMetadata<never>, "verified" | "reason"> | null,
): CertificateFlag[] {
  const flags: CertificateFlag[] = [];
  if (certificate.status === "stolen") flags.push("stolen");
  if (certificate.status === "revoked") flags.push("revoked");
  if (certificate.successorId !== null) flags.push("superseded");
  if (suspect) flags.push("suspect_issuer");
  // null: not checked (lists skip the IPFS read); only a completed check may clear the flag.
  const metadataFlag = metadata === null ? null : metadataFlagOf(metadata);
  if (metadataFlag !== null) flags.push(metadataFlag);
  return flags;
}

export function verdictOf(flags: readonly CertificateFlag[]): Verdict {
  if (flags.some((flag) => !CAUTION_FLAGS.has(flag))) return "do_not_buy";
  return flags.length > 0 ? "caution" : "genuine";
}
