import type { z } from "zod";
import { problem, problems, ref, shapeOf } from "../../http/openapi.js";
import { IndexFreshness } from "../../verification/answers/freshness.js";
import type { OpenApiPart, Operation } from "../../http/openapi.js";
import { MEDIA_TYPE_NAMES } from "../media.js";
import {
  AuditQuery,
  BrandParams,
  CertificateParams,
  ClaimCodesBody,
  ClaimRelayRequest,
  EventBody,
  MintJobBody,
  MintJobParams,
  StatusBody,
} from "./schemas.js";
import {
  AuditEntryAnswer,
  AuditPage,
  ChainWrite,
  ClaimCodesAnswer,
  ClaimRelayAvailability,
  MediaAnswer,
  MintJobAnswer,
  RecordedEvent,
  RelayedClaim,
  StatusChanged,
} from "./answers.js";

/**
 * The issuer's part of the OpenAPI document (assembled by server/app.ts): the claim relay and the
 * authenticated issuer API, with requests generated from the zod schemas of ./schemas.ts.
 */

const COMMON = problems(400, 429);

/** Every issuer route: authentication, brand and scope refusals, and 503 when the brand has no key on this server. */
const ISSUER_PROBLEMS = {
  ...problems(400, 401, 403, 429),
  "503": problem(
    "No issuer key (or serial salt) configured for this brand here; chain unavailable (Retry-After)",
  ),
};
const brandPath = shapeOf(BrandParams);

const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/v1/claims/relays/{brand}",
    operationId: "getClaimRelay",
    tags: ["claims"],
    summary:
      "Whether this verifier submits claims for the brand's customers (POST /v1/claims); without it, a customer with no wallet gets a signed claim to hand to another relayer",
    params: brandPath,
    responses: { "200": ["The brand's relay", ClaimRelayAvailability], ...COMMON },
  },
  {
    method: "post",
    path: "/v1/claims",
    operationId: "relayClaim",
    tags: ["claims"],
    summary:
      "Submits a claim signed with a claim code (claimWithCode) from the brand's issuer key, after a free simulation; 202 once mined, naming the block (read the new owner back on any instance with ?minBlock=block), or after 10 s once broadcast (block null)",
    body: ClaimRelayRequest,
    responses: {
      "202": [
        "Mined in `block` (the index shows the new owner once it holds that block), or broadcast and not yet mined (block null)",
        RelayedClaim,
      ],
      ...COMMON,
      ...problems(404, 413),
      "409": [
        "A claim for this certificate is already being relayed",
        ref("Problem"),
        "application/problem+json",
      ],
      "422": [
        "transaction-refused: the contract refused the claim (its custom error named: code used, expired, signed for another recipient); claim-relay-unavailable: this verifier relays no claims for the brand",
        ref("Problem"),
        "application/problem+json",
      ],
      "503": ["Chain RPC unavailable (Retry-After)", ref("Problem"), "application/problem+json"],
    },
  },
  {
    method: "post",
    path: "/v1/issuer/brands/{brand}/mint-jobs",
    operationId: "createMintJob",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary:
      "Validate a manifest (every row error at once: 422) and queue a mint job (202 + Location); the same Idempotency-Key returns the same job (200). Scope: mint",
    params: brandPath,
    body: MintJobBody,
    headers: [
      {
        name: "Idempotency-Key",
        required: true,
        description: "client-chosen key (8-255 printable characters); reused with another body: 422",
      },
    ],
    responses: {
      "202": ["Job queued", MintJobAnswer],
      "200": ["Same Idempotency-Key: the existing job", MintJobAnswer],
      ...ISSUER_PROBLEMS,
      ...problems(413, 422),
    },
  },
  {
    method: "post",
    path: "/v1/issuer/brands/{brand}/media",
    operationId: "uploadMedia",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary:
      "Store and pin one picture or model (the raw file as the body) for manifest rows to name by its ipfs:// URI; the same bytes give the same CID (200 when already pinned). Scope: mint",
    params: brandPath,
    rawBody: {
      mediaTypes: MEDIA_TYPE_NAMES,
      description: "the file's bytes; Content-Type must be its type, and its bytes must match it",
    },
    responses: {
      "201": ["Stored and pinned", MediaAnswer],
      "200": ["The same bytes were already pinned: the same answer", MediaAnswer],
      ...ISSUER_PROBLEMS,
      "413": [
        "File above the media limit (HALLMARK_ISSUER_MAX_MEDIA_BYTES, default 64 MiB); nothing pinned",
        ref("Problem"),
        "application/problem+json",
      ],
      "415": [
        "Content-Type missing or not a picture or model type a manifest takes",
        ref("Problem"),
        "application/problem+json",
      ],
      "422": [
        "The bytes are not of the declared Content-Type (media-content-mismatch)",
        ref("Problem"),
        "application/problem+json",
      ],
    },
  },
  {
    method: "get",
    path: "/v1/issuer/brands/{brand}/mint-jobs/{id}",
    operationId: "getMintJob",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary:
      "A mint job: status, progress by stage (validation, IPFS, chain), receipt rows when done, the problem when failed. Scope: mint",
    params: shapeOf(MintJobParams),
    responses: { "200": ["Job", MintJobAnswer], ...ISSUER_PROBLEMS, ...problems(404) },
  },
  {
    method: "post",
    path: "/v1/issuer/brands/{brand}/claim-codes",
    operationId: "createClaimCodes",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary:
      "Set a fresh claim key on each certificate and return the codes once (never stored, never logged). Scope: claim-codes",
    params: brandPath,
    body: ClaimCodesBody,
    responses: {
      "201": [
        "Codes, shown once (failed: tokens whose key could not be set after others were)",
        ClaimCodesAnswer,
      ],
      ...ISSUER_PROBLEMS,
      ...problems(413, 422),
    },
  },
  {
    method: "post",
    path: "/v1/issuer/brands/{brand}/events",
    operationId: "recordProvenanceEvent",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary:
      "Publish a provenance-details document to IPFS and record the event on-chain (resale moves the certificate). Scope: events",
    params: brandPath,
    body: EventBody,
    responses: { "201": ["Recorded", RecordedEvent], ...ISSUER_PROBLEMS, ...problems(413, 422) },
  },
  {
    method: "post",
    path: "/v1/issuer/brands/{brand}/certificates/{tokenId}/status",
    operationId: "changeCertificateStatus",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary: "Report stolen, revoke or restore a certificate, with a public reason. Scope: status",
    params: shapeOf(CertificateParams),
    body: StatusBody,
    responses: { "200": ["Changed", StatusChanged], ...ISSUER_PROBLEMS, ...problems(413, 422) },
  },
  {
    method: "get",
    path: "/v1/issuer/audit",
    operationId: "listIssuerAudit",
    tags: ["issuer"],
    security: "issuerApiKey",
    summary: "The key's brand's audit trail, newest first: who (key id), what, when, outcome. Any scope",
    query: AuditQuery,
    responses: {
      "200": [
        "Audit entries, newest first (nextBefore: the id to pass as ?before= for older ones)",
        AuditPage,
      ],
      ...problems(400, 401, 429),
      "403": problem("A partner key: it acts for no brand"),
    },
  },
];

/** The document's components: what the issuer API sends, generated from the zod schemas of ./answers.ts. */
const COMPONENT_SCHEMAS: Record<string, z.ZodType> = {
  IndexFreshness,
  RelayedClaim,
  ClaimRelayAvailability,
  MintJobAnswer,
  MediaAnswer,
  ClaimCodesAnswer,
  ChainWrite,
  RecordedEvent,
  StatusChanged,
  AuditEntry: AuditEntryAnswer,
  AuditPage,
};

export const issuerOpenApi: OpenApiPart = {
  operations: OPERATIONS,
  schemas: COMPONENT_SCHEMAS,
  securitySchemes: {
    issuerApiKey: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "hmk_<id>_<secret>",
      description: "Issuer API key (hallmark api-key create), scoped to one brand and to actions",
    },
  },
};
