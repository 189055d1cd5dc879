import { z } from "zod";
import {
  Address,
  BrandId,
  CertificateListQuery,
  ChallengeParams,
  ChallengeRequest,
  ClaimRelayRequest,
  DesignId,
  EventsQuery,
  Gtin,
  OwnerItemsQuery,
  PageQuery,
  ProofRequest,
  ProveQrRequest,
  ResolverQuery,
  Serial,
  TokenId,
  VerifyPageQuery,
} from "./routes/schemas.js";
import { MEDIA_TYPE_NAMES } from "../issuer/media.js";
import { AuditQuery, BrandParams, CertificateParams, ClaimCodesBody, EventBody, MintJobBody, MintJobParams, StatusBody } from "../issuer/api/schemas.js";

/**
 * The OpenAPI 3.1 description of the verifier, served at /openapi.json. Requests (path, query,
 * body) are generated from the very zod schemas the routes parse with, so they cannot drift;
 * responses are described by hand below. test/server/api/openapi.ts walks the Express router
 * and this document and fails when a route is missing from either.
 */

type Method = "get" | "post";

interface Operation {
  method: Method;
  /** OpenAPI path template, e.g. /v1/certificates/{tokenId}. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A raw request body (a file) of one of these media types, instead of a JSON body. */
  rawBody?: { mediaTypes: readonly string[]; description: string };
  /** Status → [description, schema ref or inline schema, media type]. */
  responses: Record<string, [string, object?, string?]>;
  /** Needs an issuer API key (Authorization: Bearer hmk_…). */
  issuerKey?: boolean;
  headers?: { name: string; required: boolean; description: string }[];
}

const ref = (name: string): object => ({ $ref: `#/components/schemas/${name}` });
const list = (item: string): object => ({
  type: "object",
  required: ["items", "nextCursor", "index"],
  properties: { items: { type: "array", items: ref(item) }, nextCursor: { type: ["string", "null"] }, index: ref("IndexFreshness") },
});

const problems = (...statuses: number[]): Record<string, [string, object, string]> =>
  Object.fromEntries(statuses.map((s) => [String(s), [PROBLEM_DESCRIPTIONS[s] ?? "Problem", ref("Problem"), "application/problem+json"]]));

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed id, address, CID, cursor or body",
  404: "Unknown certificate, brand, design or challenge",
  409: "Challenge already used (replay)",
  410: "Challenge expired",
  413: "Body above 16 KiB",
  422: "Challenge issued for another token; no chip bound; no serial salt for the brand",
  429: "Rate limited (Retry-After)",
  503: "Chain RPC (or the index) unavailable (Retry-After)",
  401: "No API key, a malformed one, or an unknown or revoked one (WWW-Authenticate)",
  403: "The key is for another brand, or lacks the action's scope",
};

/** Every issuer route: authentication, brand and scope refusals, and 503 when the brand has no key on this server. */
const ISSUER_PROBLEMS = { ...problems(400, 401, 403, 429), "503": ["No issuer key (or serial salt) configured for this brand here; chain unavailable (Retry-After)", ref("Problem"), "application/problem+json"] as [string, object, string] };
const brandPath = shapeOf(BrandParams);

function shapeOf(schema: z.ZodObject): Record<string, z.ZodType> {
  return schema.shape;
}

const COMMON = problems(400, 429);

export const OPERATIONS: readonly Operation[] = [
  {
    method: "get", path: "/v1/certificates/{tokenId}", operationId: "getCertificate", tags: ["certificates"],
    summary: "A certificate with its flags and its metadata verified against the on-chain digest",
    params: { tokenId: TokenId },
    responses: { "200": ["Certificate", ref("Certificate")], ...COMMON, ...problems(404) },
  },
  {
    method: "get", path: "/v1/certificates/{tokenId}/provenance", operationId: "getProvenance", tags: ["certificates"],
    summary: "The ordered life of a piece (issuance, transfers, sales, repairs, resales, status changes)",
    params: { tokenId: TokenId }, query: PageQuery,
    responses: { "200": ["A page of provenance events", list("ProvenanceEvent")], ...COMMON, ...problems(404) },
  },
  {
    method: "get", path: "/v1/certificates", operationId: "listCertificates", tags: ["certificates"],
    summary: "Certificates by brand, owner and status, in issuance order",
    query: CertificateListQuery,
    responses: { "200": ["A page of certificates", list("CertificateSummary")], ...COMMON },
  },
  {
    method: "get", path: "/v1/brands/{brand}/items/{serial}", operationId: "getCertificateBySerial", tags: ["certificates"],
    summary: "A certificate resolved from a brand's serial (needs the brand's salt in HALLMARK_BRAND_SALTS)",
    params: { brand: BrandId, serial: Serial },
    responses: { "200": ["Certificate", ref("Certificate")], ...COMMON, ...problems(404, 422) },
  },
  {
    method: "get", path: "/01/{gtin}/21/{serial}", operationId: "resolveDigitalLink", tags: ["resolver"],
    summary:
      "GS1 Digital Link: browsers get 303 to /v/{tokenId}?gtin={gtin14} (or the Unknown verdict page, 400/404/422, for a link that names no certificate), API clients the certificate JSON checked against the label's GTIN (digitalLink, flags gtin_mismatch / gtin_unconfirmed). ?brand= names the brand of a GTIN whose company prefix is not configured; it may not contradict a configured prefix (422 gtin-brand-conflict)",
    params: { gtin: Gtin, serial: Serial }, query: ResolverQuery,
    responses: { "200": ["Certificate checked against the label's GTIN", ref("DigitalLinkCertificate")], "303": ["Redirect to the verification page (Accept: text/html)"], ...COMMON, ...problems(404), "422": ["?brand= names another brand than the GTIN's company prefix (gtin-brand-conflict); no serial salt for the brand", ref("Problem"), "application/problem+json"] },
  },
  {
    method: "get", path: "/v/{tokenId}", operationId: "verificationPage", tags: ["pages"],
    summary: "Customer verification page (server/web): verdict, product, passport, history, ownership check, share QR; ?lang=en|fr; ?gtin= (from a Digital Link) checks the label's GTIN against the passport's",
    params: { tokenId: TokenId }, query: VerifyPageQuery,
    responses: { "200": ["HTML page", { type: "string" }, "text/html"], "400": ["HTML page: malformed id", { type: "string" }, "text/html"], "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"], ...problems(429) },
  },
  {
    method: "get", path: "/v/{tokenId}/prove", operationId: "provePage", tags: ["pages"],
    summary: "The seller's prove page, opened from the buyer's QR code: signs the challenge named in the fragment (#challenge=0x…) with a browser wallet; ?lang=en|fr",
    params: { tokenId: TokenId },
    responses: { "200": ["HTML page", { type: "string" }, "text/html"], "400": ["HTML page: malformed id", { type: "string" }, "text/html"], "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"], ...problems(429) },
  },
  {
    method: "post", path: "/v/{tokenId}/prove/qr", operationId: "proveQr", tags: ["pages"],
    summary: "SVG QR code of the prove link for a pending ownership challenge of this certificate (the buyer's screen shows it); the id goes in the body, not the URL",
    params: { tokenId: TokenId },
    body: ProveQrRequest,
    responses: { "200": ["SVG QR code", { type: "string" }, "image/svg+xml"], ...COMMON, ...problems(404, 409, 413) },
  },
  {
    method: "get", path: "/b/{brand}/{serial}", operationId: "serialPage", tags: ["pages"],
    summary: "A printed serial: 303 to /v/{tokenId} (needs the brand's salt)",
    params: { brand: BrandId, serial: Serial },
    responses: { "303": ["Redirect to the verification page"], "400": ["HTML page: malformed brand or serial", { type: "string" }, "text/html"], "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"], ...problems(422, 429) },
  },
  {
    method: "get", path: "/g/{designId}", operationId: "garmentPage", tags: ["pages"],
    summary: "Digital garment page: rotatable 3D model (model-viewer), edition cap and count minted",
    params: { designId: DesignId },
    responses: { "200": ["HTML page", { type: "string" }, "text/html"], "400": ["HTML page: malformed id", { type: "string" }, "text/html"], "404": ["HTML page: unknown design", { type: "string" }, "text/html"], ...problems(429) },
  },
  {
    method: "get", path: "/claim/{tokenId}", operationId: "claimPage", tags: ["pages"],
    summary: "Claim screen opened by a claim-code QR (the code stays in the #fragment; signing happens in the browser)",
    params: { tokenId: TokenId },
    responses: { "200": ["HTML page", { type: "string" }, "text/html"], "400": ["HTML page: malformed id", { type: "string" }, "text/html"], "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"], ...problems(429, 503) },
  },
  {
    method: "get", path: "/claim/{tokenId}/state", operationId: "claimState", tags: ["pages"],
    summary: "claimStateOf at the head: the claim key (null when used or withdrawn), its nonce, and the head's time",
    params: { tokenId: TokenId },
    responses: {
      "200": ["Claim state", { type: "object", required: ["tokenId", "claimKey", "nonce", "chainTime", "block"], properties: { tokenId: { type: "string" }, claimKey: { type: ["string", "null"] }, nonce: { type: "string" }, chainTime: { type: "integer" }, block: { type: "integer" } } }],
      ...COMMON,
      ...problems(404, 503),
    },
  },
  {
    method: "get", path: "/v1/owners/{address}/items", operationId: "listOwnerItems", tags: ["owners"],
    summary: "Certificates then garment balances held by an address",
    params: { address: Address }, query: OwnerItemsQuery,
    responses: { "200": ["A page of holdings", list("OwnerItem")], ...COMMON },
  },
  {
    method: "get", path: "/v1/brands", operationId: "listBrands", tags: ["brands"], summary: "Registered brands",
    query: PageQuery, responses: { "200": ["A page of brands", list("BrandSummary")], ...COMMON },
  },
  {
    method: "get", path: "/v1/brands/{brand}", operationId: "getBrand", tags: ["brands"],
    summary: "A brand with its role holders, pause state and declared issuer compromises",
    params: { brand: BrandId }, responses: { "200": ["Brand", ref("Brand")], ...COMMON, ...problems(404) },
  },
  {
    method: "get", path: "/v1/garments/{designId}", operationId: "getGarmentDesign", tags: ["garments"],
    summary: "A digital garment design: edition cap and minted count, royalty, twin link, verified metadata",
    params: { designId: DesignId }, responses: { "200": ["Design", ref("Design")], ...COMMON, ...problems(404) },
  },
  {
    method: "post", path: "/v1/ownership/challenges", operationId: "createOwnershipChallenge", tags: ["proofs"],
    summary: "An EIP-712 OwnershipProof message with a single-use challenge (5 minutes)",
    body: ChallengeRequest,
    responses: { "201": ["Challenge", ref("OwnershipChallenge")], ...COMMON, ...problems(404, 413) },
  },
  {
    method: "get", path: "/v1/ownership/challenges/{challengeId}", operationId: "getOwnershipChallengeState", tags: ["proofs"],
    summary: "A challenge's state for a second device (the buyer watching the seller sign): pending, proven (the proof's result), failed or expired. Reading consumes nothing",
    params: shapeOf(ChallengeParams),
    responses: { "200": ["State", ref("OwnershipChallengeState")], ...COMMON, ...problems(404) },
  },
  {
    method: "post", path: "/v1/ownership/proofs", operationId: "verifyOwnershipProof", tags: ["proofs"],
    summary: "Checks the signature with the contract's verifyOwnership at the chain head (EOA or EIP-1271)",
    body: ProofRequest,
    responses: { "200": ["Result", ref("OwnershipProofResult")], ...COMMON, ...problems(404, 409, 410, 413, 422, 503) },
  },
  {
    method: "post", path: "/v1/chip/challenges", operationId: "createChipChallenge", tags: ["proofs"],
    summary: "An EIP-191 personal message for the piece's NFC chip to sign",
    body: ChallengeRequest,
    responses: { "201": ["Challenge", ref("ChipChallenge")], ...COMMON, ...problems(404, 413, 422) },
  },
  {
    method: "post", path: "/v1/chip/proofs", operationId: "verifyChipProof", tags: ["proofs"],
    summary: "Checks the chip's signature against the chip bound at mint (chipOf at the head)",
    body: ProofRequest,
    responses: { "200": ["Result", ref("ChipProofResult")], ...COMMON, ...problems(404, 409, 410, 413, 422, 503) },
  },
  {
    method: "post", path: "/v1/claims", operationId: "relayClaim", tags: ["claims"],
    summary: "Submits a claim signed with a claim code (claimWithCode) from the brand's issuer key, after a free simulation; 202 once broadcast",
    body: ClaimRelayRequest,
    responses: {
      "202": ["Broadcast; the certificate moves when it is mined", ref("RelayedClaim")],
      ...COMMON,
      ...problems(404, 413),
      "409": ["A claim for this certificate is already being relayed", ref("Problem"), "application/problem+json"],
      "422": ["transaction-refused: the contract refused the claim (its custom error named: code used, expired, signed for another recipient); claim-relay-unavailable: this verifier relays no claims for the brand", ref("Problem"), "application/problem+json"],
      "503": ["Chain RPC unavailable (Retry-After)", ref("Problem"), "application/problem+json"],
    },
  },
  {
    method: "get", path: "/v1/events", operationId: "streamEvents", tags: ["events"],
    summary: "Server-sent events of the index's change feed (resume with Last-Event-ID). ?type= never filters out index.reorg; a Last-Event-ID this feed never gave gets index.reorg with rebuild: true (read everything again)",
    query: EventsQuery,
    responses: { "200": ["text/event-stream", { type: "string" }, "text/event-stream"], ...COMMON },
  },
  {
    method: "post", path: "/v1/issuer/brands/{brand}/mint-jobs", operationId: "createMintJob", tags: ["issuer"], issuerKey: true,
    summary: "Validate a manifest (every row error at once: 422) and queue a mint job (202 + Location); the same Idempotency-Key returns the same job (200). Scope: mint",
    params: brandPath, body: MintJobBody,
    headers: [{ name: "Idempotency-Key", required: true, description: "client-chosen key (8-255 printable characters); reused with another body: 422" }],
    responses: { "202": ["Job queued", ref("MintJobAnswer")], "200": ["Same Idempotency-Key: the existing job", ref("MintJobAnswer")], ...ISSUER_PROBLEMS, ...problems(413, 422) },
  },
  {
    method: "post", path: "/v1/issuer/brands/{brand}/media", operationId: "uploadMedia", tags: ["issuer"], issuerKey: true,
    summary: "Store and pin one picture or model (the raw file as the body) for manifest rows to name by its ipfs:// URI; the same bytes give the same CID (200 when already pinned). Scope: mint",
    params: brandPath,
    rawBody: { mediaTypes: MEDIA_TYPE_NAMES, description: "the file's bytes; Content-Type must be its type, and its bytes must match it" },
    responses: {
      "201": ["Stored and pinned", ref("MediaAnswer")],
      "200": ["The same bytes were already pinned: the same answer", ref("MediaAnswer")],
      ...ISSUER_PROBLEMS,
      "413": ["File above the media limit (HALLMARK_ISSUER_MAX_MEDIA_BYTES, default 64 MiB); nothing pinned", ref("Problem"), "application/problem+json"],
      "415": ["Content-Type missing or not a picture or model type a manifest takes", ref("Problem"), "application/problem+json"],
      "422": ["The bytes are not of the declared Content-Type (media-content-mismatch)", ref("Problem"), "application/problem+json"],
    },
  },
  {
    method: "get", path: "/v1/issuer/brands/{brand}/mint-jobs/{id}", operationId: "getMintJob", tags: ["issuer"], issuerKey: true,
    summary: "A mint job: status, progress by stage (validation, IPFS, chain), receipt rows when done, the problem when failed. Scope: mint",
    params: shapeOf(MintJobParams),
    responses: { "200": ["Job", ref("MintJobAnswer")], ...ISSUER_PROBLEMS, ...problems(404) },
  },
  {
    method: "post", path: "/v1/issuer/brands/{brand}/claim-codes", operationId: "createClaimCodes", tags: ["issuer"], issuerKey: true,
    summary: "Set a fresh claim key on each certificate and return the codes once (never stored, never logged). Scope: claim-codes",
    params: brandPath, body: ClaimCodesBody,
    responses: {
      "201": ["Codes, shown once (failed: tokens whose key could not be set after others were)", ref("ClaimCodesAnswer")],
      ...ISSUER_PROBLEMS,
      ...problems(413, 422),
    },
  },
  {
    method: "post", path: "/v1/issuer/brands/{brand}/events", operationId: "recordProvenanceEvent", tags: ["issuer"], issuerKey: true,
    summary: "Publish a provenance-details document to IPFS and record the event on-chain (resale moves the certificate). Scope: events",
    params: brandPath, body: EventBody,
    responses: { "201": ["Recorded", ref("ChainWrite")], ...ISSUER_PROBLEMS, ...problems(413, 422) },
  },
  {
    method: "post", path: "/v1/issuer/brands/{brand}/certificates/{tokenId}/status", operationId: "changeCertificateStatus", tags: ["issuer"], issuerKey: true,
    summary: "Report stolen, revoke or restore a certificate, with a public reason. Scope: status",
    params: shapeOf(CertificateParams), body: StatusBody,
    responses: { "200": ["Changed", ref("ChainWrite")], ...ISSUER_PROBLEMS, ...problems(413, 422) },
  },
  {
    method: "get", path: "/v1/issuer/audit", operationId: "listIssuerAudit", tags: ["issuer"], issuerKey: true,
    summary: "The key's brand's audit trail, newest first: who (key id), what, when, outcome. Any scope",
    query: AuditQuery,
    responses: { "200": ["Audit entries", { type: "object", properties: { brand: { type: "integer" }, items: { type: "array", items: ref("AuditEntry") }, nextBefore: { type: ["integer", "null"] } } }], ...problems(400, 401, 429) },
  },
  {
    method: "get", path: "/healthz", operationId: "health", tags: ["operations"], summary: "The process is up",
    responses: { "200": ["Up", ref("Health")] },
  },
  {
    method: "get", path: "/readyz", operationId: "ready", tags: ["operations"],
    summary: "Ready when the index is caught up within the confirmation depth",
    responses: { "200": ["Ready", ref("Health")], ...problems(503) },
  },
  {
    method: "get", path: "/openapi.json", operationId: "openapi", tags: ["operations"], summary: "This document",
    responses: { "200": ["OpenAPI 3.1 document", { type: "object" }] },
  },
  {
    method: "get", path: "/ipfs/{cid}", operationId: "ipfsGet", tags: ["ipfs"],
    summary: "Verifying IPFS gateway (every byte checked against the CID); ?format=raw serves one block; ?filename=name.ext names the media type of a bare CID",
    params: { cid: z.string().describe("CIDv1 or v0, raw or dag-pb, sha2-256") },
    responses: { "200": ["Verified bytes", { type: "string", format: "binary" }, "application/octet-stream"], "206": ["Range"], ...problems(400, 404, 503) },
  },
  {
    method: "get", path: "/ipfs/{cid}/{path}", operationId: "ipfsGetPath", tags: ["ipfs"],
    summary: "A file inside a directory CID",
    params: { cid: z.string(), path: z.string().describe("path inside the directory") },
    responses: { "200": ["Verified bytes", { type: "string", format: "binary" }, "application/octet-stream"], ...problems(400, 404, 503) },
  },
];

function jsonSchemaOf(schema: z.ZodType): object {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" };
const nullableAddress = { type: ["string", "null"], pattern: "^0x[0-9a-fA-F]{40}$" };
const decimal = { type: "string", pattern: "^[0-9]+$" };
const chainEventRef = { type: "object", required: ["block", "time", "txHash"], properties: { block: { type: "integer" }, time: { type: "string", format: "date-time" }, txHash: { type: "string" } } };
const flags = {
  type: "array",
  description:
    "What a buyer must see. metadata_mismatch: the document IPFS returned does not hash to the on-chain digest or is not a valid document (verdict do_not_buy); metadata_unverified: it could not be checked right now (verdict caution). Digital Link answers only: gtin_mismatch, the label's GTIN is not the passport's (do_not_buy); gtin_unconfirmed, the passport gives no GTIN or was not verified (caution). Every other flag means do_not_buy.",
  items: { enum: ["stolen", "revoked", "superseded", "suspect_issuer", "metadata_mismatch", "metadata_unverified", "gtin_mismatch", "gtin_unconfirmed"] },
};
const verifiedMetadata = {
  type: "object",
  required: ["cid", "digest", "verified", "document"],
  properties: {
    cid: { type: "string" },
    digest: { type: "string" },
    verified: { type: "boolean", description: "true only when the IPFS bytes hash to the on-chain digest and pass the schema" },
    reason: {
      enum: ["digest_mismatch", "not_found", "ipfs_unavailable", "schema_invalid", "too_large", "unreadable"],
      description: "Why verified is false. digest_mismatch and schema_invalid are failed checks (flag metadata_mismatch); the others are checks that could not complete (flag metadata_unverified)",
    },
    actualDigest: { type: "string", pattern: "^0x[0-9a-f]{64}$", description: "With reason digest_mismatch: the sha2-256 of the bytes IPFS returned, to compare with digest" },
    document: { type: ["object", "null"], description: "The document, only when verified" },
  },
};
const certificateSummaryProperties = {
  tokenId: decimal,
  brand: { type: "object", properties: { id: { type: "integer" }, name: { type: ["string", "null"] } } },
  status: { enum: ["active", "stolen", "revoked"] },
  statusReason: { type: ["string", "null"] },
  owner: address,
  custody: { enum: ["owner", "brand_vault_unclaimed"] },
  chip: { type: "object", properties: { bound: { type: "boolean" }, address: nullableAddress } },
  successor: { type: ["string", "null"] },
  predecessor: { type: ["string", "null"] },
  issuer: address,
  issued: chainEventRef,
  flags,
};

const COMPONENT_SCHEMAS: Record<string, object> = {
  IndexFreshness: {
    type: "object",
    required: ["block", "caughtUp"],
    description: "How fresh the answer is: carried by every answer (problems too)",
    properties: { block: { type: "integer" }, caughtUp: { type: "boolean" }, head: { type: ["integer", "null"] }, stale: { const: true } },
  },
  Problem: {
    type: "object",
    required: ["type", "title", "status"],
    properties: {
      type: { type: "string", format: "uri" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      instance: { type: "string" },
      errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
      index: ref("IndexFreshness"),
    },
  },
  CertificateSummary: { type: "object", required: ["tokenId", "brand", "status", "owner", "custody", "flags"], properties: { ...certificateSummaryProperties, metadata: { type: "object", properties: { cid: { type: "string" }, digest: { type: "string" } } } } },
  Certificate: {
    type: "object",
    required: ["tokenId", "brand", "status", "owner", "custody", "chip", "metadata", "flags", "verdict", "twins", "index"],
    properties: {
      ...certificateSummaryProperties,
      metadata: verifiedMetadata,
      verdict: { enum: ["genuine", "caution", "do_not_buy"] },
      twins: {
        type: "array",
        description: "Digital twins (garment editions) claimed with this certificate",
        items: { type: "object", required: ["designId", "claimant", "claimed"], properties: { designId: { type: "string" }, claimant: address, claimed: chainEventRef } },
      },
      index: ref("IndexFreshness"),
    },
  },
  DigitalLinkCertificate: {
    allOf: [
      ref("Certificate"),
      {
        type: "object",
        required: ["digitalLink"],
        properties: {
          digitalLink: {
            type: "object",
            required: ["gtin", "passportGtin", "gtinCheck"],
            description: "The label's GTIN checked against the one the verified passport commits to (both as GTIN-14)",
            properties: {
              gtin: { type: "string", pattern: "^[0-9]{14}$" },
              passportGtin: { type: ["string", "null"], pattern: "^[0-9]{14}$" },
              gtinCheck: { enum: ["match", "mismatch", "unconfirmed"], description: "mismatch raises gtin_mismatch, unconfirmed gtin_unconfirmed" },
            },
          },
        },
      },
    ],
  },
  ProvenanceEvent: {
    type: "object",
    required: ["kind", "actor", "actorRoles", "block", "time", "txHash"],
    properties: {
      kind: { enum: ["issued", "transfer", "claimed_with_code", "claimed_with_chip", "sale", "authenticated_resale", "repair", "inspection", "stolen", "revoked", "restored", "metadata_updated", "succeeded"] },
      actor: nullableAddress,
      actorRoles: { type: "array", items: { type: "string" } },
      from: nullableAddress,
      to: nullableAddress,
      details: { type: ["object", "null"], properties: { digest: { type: "string" }, cid: { type: "string" } } },
      conditionGrade: { type: ["integer", "null"] },
      reason: { type: ["string", "null"] },
      relatedTokenId: { type: ["string", "null"] },
      suspect: { type: "boolean" },
      block: { type: "integer" },
      logIndex: { type: "integer" },
      time: { type: "string", format: "date-time" },
      txHash: { type: "string" },
    },
  },
  BrandSummary: {
    type: "object",
    required: ["id", "name", "vault", "paused"],
    properties: {
      id: { type: "integer" }, name: { type: "string" }, metadataURI: { type: "string" }, vault: address,
      royalty: { type: "object", properties: { receiver: nullableAddress, bps: { type: "integer" } } },
      paused: { type: "boolean" }, pausedReason: { type: ["string", "null"] }, certificateCount: { type: "integer" }, registered: chainEventRef,
    },
  },
  Brand: {
    allOf: [
      ref("BrandSummary"),
      {
        type: "object",
        properties: {
          roles: { type: "array", items: { type: "object", properties: { role: { type: "string" }, account: address, grantedAt: chainEventRef } } },
          compromises: { type: "array", items: { type: "object", properties: { issuer: address, fromBlock: { type: "integer" }, declaredBy: address, declared: chainEventRef } } },
          index: ref("IndexFreshness"),
        },
      },
    ],
  },
  Design: {
    type: "object",
    required: ["designId", "brand", "edition", "royalty", "metadata", "index"],
    properties: {
      designId: decimal,
      brand: { type: "object", properties: { id: { type: "integer" }, name: { type: ["string", "null"] } } },
      creator: address,
      edition: { type: "object", properties: { cap: { type: ["integer", "null"] }, minted: { type: "integer" }, burned: { type: "integer" }, closesAt: { type: ["string", "null"] }, soldOut: { type: "boolean" } } },
      locked: { type: "boolean" },
      redeemable: { type: "boolean" },
      royalty: { type: "object", properties: { receiver: nullableAddress, bps: { type: "integer" }, source: { enum: ["design", "brand"] } } },
      twin: { type: ["object", "null"], properties: { collectionRoot: { type: "string" }, claims: { type: "integer" } } },
      created: chainEventRef,
      metadata: verifiedMetadata,
      index: ref("IndexFreshness"),
    },
  },
  OwnerItem: {
    oneOf: [
      { type: "object", required: ["kind", "certificate"], properties: { kind: { const: "certificate" }, certificate: ref("CertificateSummary") } },
      { type: "object", required: ["kind", "garment"], properties: { kind: { const: "garment" }, garment: { type: "object", properties: { designId: decimal, brandId: { type: "integer" }, owner: address, balance: decimal } } } },
    ],
  },
  OwnershipChallenge: {
    type: "object",
    required: ["challengeId", "tokenId", "expiresAt", "typedData"],
    properties: {
      challengeId: { type: "string" }, tokenId: decimal, expiresAt: { type: "string", format: "date-time" },
      typedData: { type: "object", description: "EIP-712 typed data for eth_signTypedData_v4: OwnershipProof(uint256 tokenId,address owner,bytes32 challenge), domain Hallmark Certificate / 1" },
      index: ref("IndexFreshness"),
    },
  },
  OwnershipProofResult: {
    type: "object",
    required: ["tokenId", "owner", "address", "block"],
    properties: { tokenId: decimal, owner: { type: "boolean" }, address: nullableAddress, block: { type: "integer" }, index: ref("IndexFreshness") },
  },
  OwnershipChallengeState: {
    type: "object",
    required: ["state", "challengeId", "tokenId", "expiresAt", "index"],
    description:
      "pending: not proven yet (typedData to sign, as POST /v1/ownership/challenges gave it); proven: what POST /v1/ownership/proofs answered (owner, address = the owner at block, the signer when owner is true); failed: a proof was submitted but could not be decided; expired: past expiresAt. Knowing the 32-byte random id is the capability to read it",
    properties: {
      state: { enum: ["pending", "proven", "failed", "expired"] },
      challengeId: { type: "string" }, tokenId: decimal, expiresAt: { type: "string", format: "date-time" },
      typedData: { type: "object", description: "With state pending: EIP-712 typed data for eth_signTypedData_v4" },
      owner: { type: "boolean", description: "With state proven" },
      address: { ...nullableAddress, description: "With state proven: the owner at block" },
      block: { type: "integer", description: "With state proven: the block of the ownerOf check" },
      index: ref("IndexFreshness"),
    },
  },
  RelayedClaim: {
    type: "object",
    required: ["txHash", "index"],
    properties: { txHash: { type: "string", pattern: "^0x[0-9a-f]{64}$" }, index: ref("IndexFreshness") },
  },
  ChipChallenge: {
    type: "object",
    required: ["challengeId", "tokenId", "expiresAt", "scheme", "message", "chip"],
    properties: {
      challengeId: { type: "string" }, tokenId: decimal, expiresAt: { type: "string", format: "date-time" },
      scheme: { const: "eip191-personal-sign" }, message: { type: "string" }, chip: address, index: ref("IndexFreshness"),
    },
  },
  ChipProofResult: {
    type: "object",
    required: ["tokenId", "authentic", "chip", "signer", "block"],
    properties: { tokenId: decimal, authentic: { type: "boolean" }, chip: nullableAddress, signer: address, block: { type: "integer" }, index: ref("IndexFreshness") },
  },
  MintJobAnswer: {
    type: "object",
    required: ["job"],
    properties: {
      location: { type: "string" },
      job: {
        type: "object",
        required: ["id", "brand", "status", "rows", "progress"],
        properties: {
          id: { type: "string" }, brand: { type: "integer" }, status: { enum: ["queued", "running", "succeeded", "failed"] }, idempotencyKey: { type: "string" },
          createdBy: { type: "string", description: "API key id" }, createdAt: { type: "string" }, startedAt: { type: ["string", "null"] }, finishedAt: { type: ["string", "null"] }, rows: { type: "integer" },
          progress: { type: "object", properties: { validation: { type: "object" }, ipfs: { type: "object" }, chain: { type: "object" } } },
          summary: { type: ["object", "null"] },
          receipt: { type: ["array", "null"], items: { type: "object", properties: { row: { type: "integer" }, serial: { type: "string" }, tokenId: decimal, metadataCid: { type: "string" }, txHash: { type: "string" }, block: { type: "integer" }, source: { enum: ["minted", "found"] } } } },
          error: { oneOf: [ref("Problem"), { type: "null" }] },
        },
      },
    },
  },
  ClaimCodesAnswer: {
    type: "object",
    properties: {
      issued: { type: "array", items: { type: "object", properties: { tokenId: decimal, code: { type: "string", description: "the secret (a private key): shown once" }, claimKey: address, claimUrl: { type: "string" }, txHash: { type: "string" } } } },
      skipped: { type: "array", items: { type: "object", properties: { tokenId: decimal, reason: { type: "string" } } } },
      failed: { type: "array", items: { type: "object", properties: { tokenId: decimal, reason: { type: "string" } } } },
    },
  },
  ChainWrite: { type: "object", required: ["tokenId", "txHash", "block"], properties: { tokenId: decimal, txHash: { type: "string" }, block: { type: "integer" }, detailsDigest: { type: "string" }, detailsCid: { type: "string" } } },
  MediaAnswer: {
    type: "object",
    required: ["cid", "uri", "size", "contentType"],
    properties: { cid: { type: "string" }, uri: { type: "string", description: "ipfs://<cid>, for a manifest row's images column" }, size: { type: "integer" }, contentType: { type: "string" }, index: ref("IndexFreshness") },
  },
  AuditEntry: {
    type: "object",
    properties: { id: { type: "integer" }, at: { type: "string" }, keyId: { type: ["string", "null"] }, brandId: { type: ["integer", "null"] }, action: { type: "string" }, target: { type: ["string", "null"] }, status: { type: "integer" }, outcome: { type: "string" }, detail: { type: ["string", "null"] } },
  },
  Health: { type: "object", required: ["status", "index"], properties: { status: { enum: ["ok", "ready"] }, index: ref("IndexFreshness") } },
};

export function buildOpenApiDocument(options: { serverUrl?: string; version?: string } = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters: object[] = [];
    for (const [name, schema] of Object.entries(op.params ?? {})) {
      parameters.push({ name, in: "path", required: true, schema: jsonSchemaOf(schema), description: schema.description });
    }
    for (const header of op.headers ?? []) parameters.push({ name: header.name, in: "header", required: header.required, schema: { type: "string" }, description: header.description });
    for (const [name, schema] of Object.entries(op.query?.shape ?? {})) {
      const field = schema as z.ZodType;
      parameters.push({ name, in: "query", required: !field.safeParse(undefined).success, schema: jsonSchemaOf(field), description: field.description });
    }
    const responses = Object.fromEntries(
      Object.entries(op.responses).map(([status, [description, schema, mediaType]]) => [
        status,
        schema === undefined ? { description } : { description, content: { [mediaType ?? "application/json"]: { schema } } },
      ]),
    );
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: op.tags,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.issuerKey ? { security: [{ issuerApiKey: [] }] } : {}),
      ...(op.body === undefined ? {} : { requestBody: { required: true, content: { "application/json": { schema: jsonSchemaOf(op.body) } } } }),
      ...(op.rawBody === undefined
        ? {}
        : { requestBody: { required: true, description: op.rawBody.description, content: Object.fromEntries(op.rawBody.mediaTypes.map((type) => [type, { schema: { type: "string", format: "binary" } }])) } }),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hallmark verifier",
      version: options.version ?? "1.0.0",
      description:
        "Authenticity, ownership and provenance of certified pieces, answered from an index of the chain. Every answer carries `index: { block, caughtUp }`; errors are RFC 9457 problem+json.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: options.serverUrl ?? "http://127.0.0.1:8080" }],
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      securitySchemes: { issuerApiKey: { type: "http", scheme: "bearer", bearerFormat: "hmk_<id>_<secret>", description: "Issuer API key (hallmark api-key create), scoped to one brand and to actions" } },
    },
  };
}
