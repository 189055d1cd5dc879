import { z } from "zod";
import { Problem } from "../../http/problem-document.js";
import {
  AddressString,
  BlockNumber,
  Bytes32Hex,
  DecimalString,
  IsoTime,
} from "../../verification/answers/chain-values.js";
import { IndexFreshness } from "../../verification/answers/freshness.js";
import type { AuditEntry } from "../auth/audit-log.js";
import type { IssuedClaimCode } from "../service/issuer-service.js";
import { EventBody, StatusBody } from "./schemas.js";

/**
 * What the issuer API sends (./issuer-router.ts, ./claims-router.ts): server/issuer/api/openapi.ts
 * names them as the document's components, and the workflows' own types are checked against them
 * below. Every answer carries the index's freshness when the server has an index (the issuer API
 * alone, in a test, may not).
 */

const index = IndexFreshness.optional();

/** block: where the claim was mined (read it back with ?minBlock=block), null if not mined within the relay's wait. */
export const RelayedClaim = z.object({
  txHash: Bytes32Hex,
  block: BlockNumber.nullable(),
  index: IndexFreshness,
});

/** Whether this verifier submits claims for a brand's customers (a claim card's page needs it). */
export const ClaimRelayAvailability = z.object({
  brand: z.int().positive(),
  relays: z.boolean(),
  /** The brand's key that pays the claims' gas, when it relays. */
  relayer: AddressString.nullable(),
});

export const MintJobReceiptRow = z.object({
  row: z.int().positive(),
  serial: z.string(),
  tokenId: DecimalString,
  metadataCid: z.string(),
  txHash: Bytes32Hex,
  block: BlockNumber,
  /** "minted" by this job; "found" already on-chain (an earlier job or run). */
  source: z.enum(["minted", "found"]),
});

const Count = z.int().nonnegative();

/** A mint job as the issuer API sends it: the job's failure, if any, as an RFC 9457 problem document. */
export const MintJob = z.object({
  id: z.string().regex(/^mj_[0-9a-f]{24}$/),
  brand: z.int().nonnegative(),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  idempotencyKey: z.string(),
  createdBy: z.string().describe("API key id"),
  createdAt: IsoTime,
  startedAt: IsoTime.nullable(),
  finishedAt: IsoTime.nullable(),
  rows: Count,
  progress: z.object({
    validation: z.object({ rows: Count, total: Count }),
    ipfs: z.object({ files: Count, total: Count, directoryCid: z.string().nullable() }),
    chain: z.object({
      toMint: Count.nullable(),
      sent: Count,
      confirmed: Count,
      batches: Count,
      alreadyOnChain: Count,
    }),
  }),
  summary: z
    .object({
      minted: Count,
      alreadyOnChain: Count,
      batches: Count,
      gasUsed: DecimalString,
      directoryCid: z.string().nullable(),
      to: AddressString,
    })
    .nullable(),
  receipt: z.array(MintJobReceiptRow).nullable(),
  error: Problem.nullable(),
});

export const MintJobAnswer = z.object({ job: MintJob, location: z.string().optional(), index });

export const MediaAnswer = z.object({
  cid: z.string(),
  uri: z.string().describe("ipfs://<cid>, for a manifest row's images column"),
  size: Count,
  contentType: z.string(),
  index,
});

const IssuedClaimCodeAnswer = z.object({
  tokenId: DecimalString,
  code: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){4}$/)
    .describe(
      "the secret, XXXXX-XXXXX-XXXXX-XXXXX-XXXXX with a check symbol (server/chain/claim-code.ts): shown once",
    ),
  claimKey: AddressString,
  claimUrl: z.url(),
  txHash: Bytes32Hex,
});
const NotIssued = z.object({ tokenId: DecimalString, reason: z.string() });

export const ClaimCodesAnswer = z.object({
  issued: z.array(IssuedClaimCodeAnswer),
  skipped: z.array(NotIssued),
  failed: z.array(NotIssued).describe("tokens whose key could not be set after others were"),
  notice: z.string(),
  index,
});

/** A transaction the issuer sent for one certificate, once confirmed. */
export const ChainWrite = z.object({ tokenId: DecimalString, txHash: Bytes32Hex, block: BlockNumber });

export const RecordedEvent = ChainWrite.extend({
  kind: EventBody.shape.kind,
  detailsDigest: Bytes32Hex,
  detailsCid: z.string(),
  index,
});

export const StatusChanged = ChainWrite.extend({ action: StatusBody.shape.action, index });

export const AuditEntryAnswer = z.object({
  id: z.int().positive(),
  at: z.string(),
  keyId: z.string().nullable(),
  brandId: z.int().nonnegative().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  status: z.int(),
  outcome: z.string(),
  detail: z.string().nullable(),
});

export const AuditPage = z.object({
  brand: z.int().nonnegative(),
  items: z.array(AuditEntryAnswer),
  nextBefore: z.int().positive().nullable(),
  index,
});

/**
 * The workflows' types must fit the answers' schemas: a member the schema requires that the type
 * lacks, or has with another type, fails to compile (a member the schema lacks fails the API
 * walkthrough, test/server/api/api-walkthrough.ts, which checks real answers against the document).
 */
type Fits<T extends Schema, Schema> = T;
type _AuditEntryFits = Fits<AuditEntry, z.output<typeof AuditEntryAnswer>>;
type _IssuedClaimCodeFits = Fits<IssuedClaimCode, z.output<typeof IssuedClaimCodeAnswer>>;
