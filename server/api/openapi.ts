import { z } from "zod";
import { address, decimal, list, nullableAddress, problems, ref, shapeOf } from "../http/openapi.js";
import type { OpenApiPart, Operation } from "../http/openapi.js";
import {
  Address,
  BrandId,
  CertificateListQuery,
  ChallengeParams,
  ChallengeRequest,
  DesignId,
  EventsQuery,
  Gtin,
  OwnerItemsQuery,
  PageQuery,
  ProofRequest,
  ResolverQuery,
  Serial,
  TokenId,
} from "./routes/schemas.js";

/**
 * The verifier's part of the OpenAPI document served at /openapi.json (assembled by server/app.ts):
 * its operations, with requests generated from the zod schemas its routes parse with, and the
 * schemas of its answers, described by hand below. test/server/openapi.ts walks the Express router
 * and the document and fails when a route is missing from either.
 */

const COMMON = problems(400, 429);

const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/v1/certificates/{tokenId}",
    operationId: "getCertificate",
    tags: ["certificates"],
    summary: "A certificate with its flags and its metadata verified against the on-chain digest",
    params: { tokenId: TokenId },
    responses: { "200": ["Certificate", ref("Certificate")], ...COMMON, ...problems(404) },
  },
  {
    method: "get",
    path: "/v1/certificates/{tokenId}/provenance",
    operationId: "getProvenance",
    tags: ["certificates"],
    summary: "The ordered life of a piece (issuance, transfers, sales, repairs, resales, status changes)",
    params: { tokenId: TokenId },
    query: PageQuery,
    responses: {
      "200": ["A page of provenance events", list("ProvenanceEvent")],
      ...COMMON,
      ...problems(404),
    },
  },
  {
    method: "get",
    path: "/v1/certificates",
    operationId: "listCertificates",
    tags: ["certificates"],
    summary: "Certificates by brand, owner and status, in issuance order",
    query: CertificateListQuery,
    responses: { "200": ["A page of certificates", list("CertificateSummary")], ...COMMON },
  },
  {
    method: "get",
    path: "/v1/brands/{brand}/items/{serial}",
    operationId: "getCertificateBySerial",
    tags: ["certificates"],
    summary: "A certificate resolved from a brand's serial (needs the brand's salt in HALLMARK_BRAND_SALTS)",
    params: { brand: BrandId, serial: Serial },
    responses: { "200": ["Certificate", ref("Certificate")], ...COMMON, ...problems(404, 422) },
  },
  {
    method: "get",
    path: "/01/{gtin}/21/{serial}",
    operationId: "resolveDigitalLink",
    tags: ["resolver"],
    summary:
      "GS1 Digital Link: browsers get 303 to /v/{tokenId}?gtin={gtin14} (or the Unknown verdict page, 400/404/422, for a link that names no certificate), API clients the certificate JSON checked against the label's GTIN (digitalLink, flags gtin_mismatch / gtin_unconfirmed). ?brand= names the brand of a GTIN whose company prefix is not configured; it may not contradict a configured prefix (422 gtin-brand-conflict)",
    params: { gtin: Gtin, serial: Serial },
    query: ResolverQuery,
    responses: {
      "200": ["Certificate checked against the label's GTIN", ref("DigitalLinkCertificate")],
      "303": ["Redirect to the verification page (Accept: text/html)"],
      ...COMMON,
      ...problems(404),
      "422": [
        "?brand= names another brand than the GTIN's company prefix (gtin-brand-conflict); no serial salt for the brand",
        ref("Problem"),
        "application/problem+json",
      ],
    },
  },
  {
    method: "get",
    path: "/v1/owners/{address}/items",
    operationId: "listOwnerItems",
    tags: ["owners"],
    summary: "Certificates then garment balances held by an address",
    params: { address: Address },
    query: OwnerItemsQuery,
    responses: { "200": ["A page of holdings", list("OwnerItem")], ...COMMON },
  },
  {
    method: "get",
    path: "/v1/brands",
    operationId: "listBrands",
    tags: ["brands"],
    summary: "Registered brands",
    query: PageQuery,
    responses: { "200": ["A page of brands", list("BrandSummary")], ...COMMON },
  },
  {
    method: "get",
    path: "/v1/brands/{brand}",
    operationId: "getBrand",
    tags: ["brands"],
    summary: "A brand with its role holders, pause state and declared issuer compromises",
    params: { brand: BrandId },
    responses: { "200": ["Brand", ref("Brand")], ...COMMON, ...problems(404) },
  },
  {
    method: "get",
    path: "/v1/garments/{designId}",
    operationId: "getGarmentDesign",
    tags: ["garments"],
    summary: "A digital garment design: edition cap and minted count, royalty, twin link, verified metadata",
    params: { designId: DesignId },
    responses: { "200": ["Design", ref("Design")], ...COMMON, ...problems(404) },
  },
  {
    method: "post",
    path: "/v1/ownership/challenges",
    operationId: "createOwnershipChallenge",
    tags: ["proofs"],
    summary: "An EIP-712 OwnershipProof message with a single-use challenge (5 minutes)",
    body: ChallengeRequest,
    responses: { "201": ["Challenge", ref("OwnershipChallenge")], ...COMMON, ...problems(404, 413) },
  },
  {
    method: "get",
    path: "/v1/ownership/challenges/{challengeId}",
    operationId: "getOwnershipChallengeState",
    tags: ["proofs"],
    summary:
      "A challenge's state for a second device (the buyer watching the seller sign): pending, proven (the proof's result), failed or expired. Reading consumes nothing",
    params: shapeOf(ChallengeParams),
    responses: { "200": ["State", ref("OwnershipChallengeState")], ...COMMON, ...problems(404) },
  },
  {
    method: "post",
    path: "/v1/ownership/proofs",
    operationId: "verifyOwnershipProof",
    tags: ["proofs"],
    summary: "Checks the signature with the contract's verifyOwnership at the chain head (EOA or EIP-1271)",
    body: ProofRequest,
    responses: {
      "200": ["Result", ref("OwnershipProofResult")],
      ...COMMON,
      ...problems(404, 409, 410, 413, 422, 503),
    },
  },
  {
    method: "post",
    path: "/v1/chip/challenges",
    operationId: "createChipChallenge",
    tags: ["proofs"],
    summary: "An EIP-191 personal message for the piece's NFC chip to sign",
    body: ChallengeRequest,
    responses: { "201": ["Challenge", ref("ChipChallenge")], ...COMMON, ...problems(404, 413, 422) },
  },
  {
    method: "post",
    path: "/v1/chip/proofs",
    operationId: "verifyChipProof",
    tags: ["proofs"],
    summary: "Checks the chip's signature against the chip bound at mint (chipOf at the head)",
    body: ProofRequest,
    responses: {
      "200": ["Result", ref("ChipProofResult")],
      ...COMMON,
      ...problems(404, 409, 410, 413, 422, 503),
    },
  },
  {
    method: "get",
    path: "/v1/events",
    operationId: "streamEvents",
    tags: ["events"],
    summary:
      "Server-sent events of the index's change feed (resume with Last-Event-ID). ?type= never filters out index.reorg; a Last-Event-ID this feed never gave gets index.reorg with rebuild: true (read everything again)",
    query: EventsQuery,
    responses: { "200": ["text/event-stream", { type: "string" }, "text/event-stream"], ...COMMON },
  },
  {
    method: "get",
    path: "/healthz",
    operationId: "health",
    tags: ["operations"],
    summary: "The process is up",
    responses: { "200": ["Up", ref("Health")] },
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "ready",
    tags: ["operations"],
    summary: "Ready when the index is caught up within the confirmation depth",
    responses: { "200": ["Ready", ref("Health")], ...problems(503) },
  },
  {
    method: "get",
    path: "/openapi.json",
    operationId: "openapi",
    tags: ["operations"],
    summary: "This document",
    responses: { "200": ["OpenAPI 3.1 document", { type: "object" }] },
  },
  {
    method: "get",
    path: "/ipfs/{cid}",
    operationId: "ipfsGet",
    tags: ["ipfs"],
    summary:
      "Verifying IPFS gateway (every byte checked against the CID); ?format=raw serves one block; ?filename=name.ext names the media type of a bare CID",
    params: { cid: z.string().describe("CIDv1 or v0, raw or dag-pb, sha2-256") },
    responses: {
      "200": ["Verified bytes", { type: "string", format: "binary" }, "application/octet-stream"],
      "206": ["Range"],
      ...problems(400, 404, 503),
    },
  },
  {
    method: "get",
    path: "/ipfs/{cid}/{path}",
    operationId: "ipfsGetPath",
    tags: ["ipfs"],
    summary: "A file inside a directory CID",
    params: { cid: z.string(), path: z.string().describe("path inside the directory") },
    responses: {
      "200": ["Verified bytes", { type: "string", format: "binary" }, "application/octet-stream"],
      ...problems(400, 404, 503),
    },
  },
];

const chainEventRef = {
  type: "object",
  required: ["block", "time", "txHash"],
  properties: {
    block: { type: "integer" },
    time: { type: "string", format: "date-time" },
    txHash: { type: "string" },
  },
};
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
    verified: {
      type: "boolean",
      description: "true only when the IPFS bytes hash to the on-chain digest and pass the schema",
    },
    reason: {
      enum: ["digest_mismatch", "not_found", "ipfs_unavailable", "schema_invalid", "too_large", "unreadable"],
      description:
        "Why verified is false. digest_mismatch and schema_invalid are failed checks (flag metadata_mismatch); the others are checks that could not complete (flag metadata_unverified)",
    },
    actualDigest: {
      type: "string",
      pattern: "^0x[0-9a-f]{64}$",
      description:
        "With reason digest_mismatch: the sha2-256 of the bytes IPFS returned, to compare with digest",
    },
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
  CertificateSummary: {
    type: "object",
    required: ["tokenId", "brand", "status", "owner", "custody", "flags"],
    properties: {
      ...certificateSummaryProperties,
      metadata: { type: "object", properties: { cid: { type: "string" }, digest: { type: "string" } } },
    },
  },
  Certificate: {
    type: "object",
    required: [
      "tokenId",
      "brand",
      "status",
      "owner",
      "custody",
      "chip",
      "metadata",
      "flags",
      "verdict",
      "twins",
      "index",
    ],
    properties: {
      ...certificateSummaryProperties,
      metadata: verifiedMetadata,
      verdict: { enum: ["genuine", "caution", "do_not_buy"] },
      twins: {
        type: "array",
        description: "Digital twins (garment editions) claimed with this certificate",
        items: {
          type: "object",
          required: ["designId", "claimant", "claimed"],
          properties: { designId: { type: "string" }, claimant: address, claimed: chainEventRef },
        },
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
      kind: {
        enum: [
          "issued",
          "transfer",
          "claimed_with_code",
          "claimed_with_chip",
          "sale",
          "authenticated_resale",
          "repair",
          "inspection",
          "stolen",
          "revoked",
          "restored",
          "metadata_updated",
          "succeeded",
        ],
      },
      actor: nullableAddress,
      actorRoles: { type: "array", items: { type: "string" } },
      from: nullableAddress,
      to: nullableAddress,
      details: {
        type: ["object", "null"],
        properties: { digest: { type: "string" }, cid: { type: "string" } },
      },
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
      id: { type: "integer" },
      name: { type: "string" },
      metadataURI: { type: "string" },
      vault: address,
      royalty: { type: "object", properties: { receiver: nullableAddress, bps: { type: "integer" } } },
      paused: { type: "boolean" },
      pausedReason: { type: ["string", "null"] },
      certificateCount: { type: "integer" },
      registered: chainEventRef,
    },
  },
  Brand: {
    allOf: [
      ref("BrandSummary"),
      {
        type: "object",
        properties: {
          roles: {
            type: "array",
            items: {
              type: "object",
              properties: { role: { type: "string" }, account: address, grantedAt: chainEventRef },
            },
          },
          compromises: {
            type: "array",
            items: {
              type: "object",
              properties: {
                issuer: address,
                fromBlock: { type: "integer" },
                declaredBy: address,
                declared: chainEventRef,
              },
            },
          },
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
      edition: {
        type: "object",
        properties: {
          cap: { type: ["integer", "null"] },
          minted: { type: "integer" },
          burned: { type: "integer" },
          closesAt: { type: ["string", "null"] },
          soldOut: { type: "boolean" },
        },
      },
      locked: { type: "boolean" },
      redeemable: { type: "boolean" },
      royalty: {
        type: "object",
        properties: {
          receiver: nullableAddress,
          bps: { type: "integer" },
          source: { enum: ["design", "brand"] },
        },
      },
      twin: {
        type: ["object", "null"],
        properties: { collectionRoot: { type: "string" }, claims: { type: "integer" } },
      },
      created: chainEventRef,
      metadata: verifiedMetadata,
      index: ref("IndexFreshness"),
    },
  },
  OwnerItem: {
    oneOf: [
      {
        type: "object",
        required: ["kind", "certificate"],
        properties: { kind: { const: "certificate" }, certificate: ref("CertificateSummary") },
      },
      {
        type: "object",
        required: ["kind", "garment"],
        properties: {
          kind: { const: "garment" },
          garment: {
            type: "object",
            properties: { designId: decimal, brandId: { type: "integer" }, owner: address, balance: decimal },
          },
        },
      },
    ],
  },
  OwnershipChallenge: {
    type: "object",
    required: ["challengeId", "tokenId", "expiresAt", "typedData"],
    properties: {
      challengeId: { type: "string" },
      tokenId: decimal,
      expiresAt: { type: "string", format: "date-time" },
      typedData: {
        type: "object",
        description:
          "EIP-712 typed data for eth_signTypedData_v4: OwnershipProof(uint256 tokenId,address owner,bytes32 challenge), domain Hallmark Certificate / 1",
      },
      index: ref("IndexFreshness"),
    },
  },
  OwnershipProofResult: {
    type: "object",
    required: ["tokenId", "owner", "address", "block"],
    properties: {
      tokenId: decimal,
      owner: { type: "boolean" },
      address: nullableAddress,
      block: { type: "integer" },
      index: ref("IndexFreshness"),
    },
  },
  OwnershipChallengeState: {
    type: "object",
    required: ["state", "challengeId", "tokenId", "expiresAt", "index"],
    description:
      "pending: not proven yet (typedData to sign, as POST /v1/ownership/challenges gave it); proven: what POST /v1/ownership/proofs answered (owner, address = the owner at block, the signer when owner is true); failed: a proof was submitted but could not be decided; expired: past expiresAt. Knowing the 32-byte random id is the capability to read it",
    properties: {
      state: { enum: ["pending", "proven", "failed", "expired"] },
      challengeId: { type: "string" },
      tokenId: decimal,
      expiresAt: { type: "string", format: "date-time" },
      typedData: {
        type: "object",
        description: "With state pending: EIP-712 typed data for eth_signTypedData_v4",
      },
      owner: { type: "boolean", description: "With state proven" },
      address: { ...nullableAddress, description: "With state proven: the owner at block" },
      block: { type: "integer", description: "With state proven: the block of the ownerOf check" },
      index: ref("IndexFreshness"),
    },
  },
  ChipChallenge: {
    type: "object",
    required: ["challengeId", "tokenId", "expiresAt", "scheme", "message", "chip"],
    properties: {
      challengeId: { type: "string" },
      tokenId: decimal,
      expiresAt: { type: "string", format: "date-time" },
      scheme: { const: "eip191-personal-sign" },
      message: { type: "string" },
      chip: address,
      index: ref("IndexFreshness"),
    },
  },
  ChipProofResult: {
    type: "object",
    required: ["tokenId", "authentic", "chip", "signer", "block"],
    properties: {
      tokenId: decimal,
      authentic: { type: "boolean" },
      chip: nullableAddress,
      signer: address,
      block: { type: "integer" },
      index: ref("IndexFreshness"),
    },
  },
  Health: {
    type: "object",
    required: ["status", "index"],
    properties: { status: { enum: ["ok", "ready"] }, index: ref("IndexFreshness") },
  },
};

export const verifierOpenApi: OpenApiPart = { operations: OPERATIONS, schemas: COMPONENT_SCHEMAS };
