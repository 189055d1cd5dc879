import { z } from "zod";
import { CertificateMetadata } from "../metadata/certificate-metadata.js";
import { GarmentMetadata } from "../metadata/garment-metadata.js";
import { problem, problems, ref, shapeOf } from "../http/openapi.js";
import type { OpenApiPart, Operation } from "../http/openapi.js";
import {
  Address,
  BrandIdOrSlug,
  CertificateListQuery,
  ChallengeParams,
  ChallengeRequest,
  DesignId,
  EventsQuery,
  Gtin,
  MinBlockQuery,
  OwnerItemsQuery,
  PageQuery,
  ProofRequest,
  ProvenanceQuery,
  ResolverQuery,
  LookupRequestDocument,
  Serial,
  TokenId,
} from "./routes/schemas.js";
import { IpfsQuery } from "./routes/ipfs.js";
import { OwnershipProofRequest } from "./routes/passkey-schemas.js";
import {
  Brand,
  BrandPage,
  Certificate,
  LookupAnswer,
  CertificateListItem,
  CertificatePage,
  ChipChallenge,
  ChipProof,
  Design,
  DigitalLinkCertificate,
  Health,
  OwnerItemPage,
  OwnershipChallenge,
  OwnershipChallengeWatch,
  OwnershipProof,
  ProvenancePage,
} from "./answers.js";
import { BrandSummary, OwnerItemView } from "../verification/answers/catalogue.js";
import { CertificateSummary, CertificateView } from "../verification/answers/certificate.js";
import { ChainEventRef } from "../verification/answers/chain-values.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { ProvenanceEventView } from "../verification/answers/provenance.js";
import { Linkset, ResolverDescription } from "../resolver/answers.js";

/** A GS1 key qualifier in a path (AIs 10, 21, 22: X..20 of GS1 AI encodable character set 82). */
const Gs1Qualifier = z
  .string()
  .min(1)
  .max(20)
  .regex(/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/)
  .describe("GS1 AI encodable character set 82, 1 to 20 characters, percent-encoded in the path");

/**
 * The verifier's part of the OpenAPI document served at /openapi.json (assembled by server/app.ts):
 * its operations, with requests generated from the zod schemas its routes parse with and answers
 * from the zod schemas of what it sends (./answers.ts). test/server/openapi.ts walks the Express
 * router and the document and fails when a route is missing from either; the API walkthrough and
 * the route tests check every answer they read against the document.
 */

const COMMON = problems(400, 429);

/**
 * The GS1-Conformant Resolver (server/api/routes/resolver.ts): one operation per item path the
 * standard allows (the qualifiers 22, 10, 21 in that order), all answered alike. A compressed link
 * (one base64url segment, GS1 Digital Link: Compression) is answered as its uncompressed form and is
 * not a path template of its own (docs/api.md).
 */
const RESOLVER_PATHS: [string, string, Record<string, z.ZodType>][] = [
  ["/01/{gtin}/21/{serial}", "resolveDigitalLink", {}],
  ["/01/{gtin}/10/{lot}/21/{serial}", "resolveDigitalLinkWithLot", { lot: Gs1Qualifier }],
  ["/01/{gtin}/22/{cpv}/21/{serial}", "resolveDigitalLinkWithVariant", { cpv: Gs1Qualifier }],
  [
    "/01/{gtin}/22/{cpv}/10/{lot}/21/{serial}",
    "resolveDigitalLinkWithVariantAndLot",
    { cpv: Gs1Qualifier, lot: Gs1Qualifier },
  ],
];
const RESOLVER_OPERATIONS: Operation[] = RESOLVER_PATHS.map(([path, operationId, qualifiers]) => ({
  method: "get",
  path,
  operationId,
  tags: ["resolver"],
  summary:
    "GS1 Digital Link (GS1-Conformant Resolver 1.2.0). ?linkType=linkset|all, or Accept: application/linkset+json (or application/ld+json): 200 with the linkset. ?linkType=gs1:{type} (or its https://gs1.org/voc/ URI): 307 to that link (gs1:pip and gs1:defaultLink the verification page, gs1:certificationInfo the certificate JSON, gs1:sustainabilityInfo the passport JSON, gs1:instructions and gs1:serviceInfo the page's care and repair), 404 when the piece has none, 400 for a name outside the GS1 vocabulary. No link type: Accept: application/json gets the certificate checked against the label's GTIN (digitalLink, flags gtin_mismatch / gtin_unconfirmed); any other client (a browser, */*) 307 to /v/{tokenId}?gtin={gtin14}&serial={serial} (the Unknown verdict page, 400/404/422, for a browser whose link names no certificate). An Accept none of these satisfies: 406. Every answer about a piece carries a Link header: rel=linkset and the default link (and rel=owl:sameAs with the uncompressed URI for a compressed link). GTIN-8/12/13/14 with a valid check digit; qualifiers of GS1 AI encodable character set 82, at most 20 characters, percent-encoded. ?brand= names the brand of a GTIN whose company prefix is not configured; it may not contradict a configured prefix (422 gtin-brand-conflict)",
  params: { gtin: Gtin, ...qualifiers, serial: Gs1Qualifier.describe("serial (AI 21)") },
  query: ResolverQuery,
  responses: {
    "200": [
      "Certificate checked against the label's GTIN (Accept: application/json), or the linkset",
      DigitalLinkCertificate,
    ],
    "307": ["Redirect to the default link (the verification page) or to the link of ?linkType="],
    ...COMMON,
    ...problems(404),
    "406": ["No representation matches Accept (not-acceptable)", ref("Problem"), "application/problem+json"],
    "422": [
      "?brand= names another brand than the GTIN's company prefix (gtin-brand-conflict); no serial salt for the brand",
      ref("Problem"),
      "application/problem+json",
    ],
  },
  alternativeContent: {
    "200": { "application/linkset+json": Linkset, "application/ld+json": Linkset },
  },
}));
/** A read with ?minBlock=N whose index does not reach N within 2 s (server/verification/min-block.ts). */
const BEHIND: Operation["responses"] = {
  "503": [
    "?minBlock= names a block the index does not hold yet (Retry-After; `index` names the block it holds)",
    ref("Problem"),
    "application/problem+json",
  ],
};

const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/v1/certificates/{tokenId}",
    operationId: "getCertificate",
    tags: ["certificates"],
    summary: "A certificate with its flags and its metadata verified against the on-chain digest",
    params: { tokenId: TokenId },
    query: MinBlockQuery,
    responses: { "200": ["Certificate", Certificate], ...COMMON, ...problems(404), ...BEHIND },
  },
  {
    method: "get",
    path: "/v1/certificates/{tokenId}/provenance",
    operationId: "getProvenance",
    tags: ["certificates"],
    summary: "The ordered life of a piece (issuance, transfers, sales, repairs, resales, status changes)",
    params: { tokenId: TokenId },
    query: ProvenanceQuery,
    responses: {
      "200": ["A page of provenance events", ProvenancePage],
      ...COMMON,
      ...problems(404),
      ...BEHIND,
    },
  },
  {
    method: "get",
    path: "/v1/certificates",
    operationId: "listCertificates",
    tags: ["certificates"],
    summary: "Certificates by brand, owner and status, in issuance order",
    query: CertificateListQuery,
    responses: {
      "200": ["A page of certificates", CertificatePage],
      ...COMMON,
      "404": problem("?brand= names a slug no brand has"),
      ...BEHIND,
    },
  },
  {
    method: "post",
    path: "/v1/certificates/lookup",
    operationId: "lookupCertificates",
    tags: ["certificates"],
    summary:
      "Up to 100 pieces in one call, by token id or by brand (id or slug) and serial: each answered as its own GET would be (the certificate with its verdict, or that item's problem), in the order asked. Each item costs one request of the rate budget",
    body: LookupRequestDocument,
    responses: {
      "200": ["One answer per item, in order", LookupAnswer],
      ...COMMON,
      "413": problem("More than 100 items, or a body above 16 KiB"),
      "503": problem("The index cannot be read (Retry-After)"),
    },
  },
  {
    method: "get",
    path: "/v1/brands/{brand}/items/{serial}",
    operationId: "getCertificateBySerial",
    tags: ["certificates"],
    summary: "A certificate resolved from a brand's serial (needs the brand's salt in HALLMARK_BRAND_SALTS)",
    params: { brand: BrandIdOrSlug, serial: Serial },
    query: MinBlockQuery,
    responses: { "200": ["Certificate", Certificate], ...COMMON, ...problems(404, 422), ...BEHIND },
  },
  ...RESOLVER_OPERATIONS,
  {
    method: "get",
    path: "/.well-known/gs1resolver",
    operationId: "getResolverDescription",
    tags: ["resolver"],
    summary:
      "GS1 resolver description file (GS1-Conformant Resolver 1.2.0): name, resolverRoot, supportedPrimaryKeys (01), supportedLinkType (gs1:), linkTypeDefaultCanBeLinkset, supportedContextValuesEnumerated",
    responses: { "200": ["Resolver description", ResolverDescription], ...COMMON },
  },
  {
    method: "get",
    path: "/v1/owners/{address}/items",
    operationId: "listOwnerItems",
    tags: ["owners"],
    summary: "Certificates then garment balances held by an address",
    params: { address: Address },
    query: OwnerItemsQuery,
    responses: { "200": ["A page of holdings", OwnerItemPage], ...COMMON },
  },
  {
    method: "get",
    path: "/v1/brands",
    operationId: "listBrands",
    tags: ["brands"],
    summary: "Registered brands",
    query: PageQuery,
    responses: { "200": ["A page of brands", BrandPage], ...COMMON },
  },
  {
    method: "get",
    path: "/v1/brands/{brand}",
    operationId: "getBrand",
    tags: ["brands"],
    summary: "A brand with its role holders, pause state and declared issuer compromises",
    params: { brand: BrandIdOrSlug },
    responses: { "200": ["Brand", Brand], ...COMMON, ...problems(404) },
  },
  {
    method: "get",
    path: "/v1/garments/{designId}",
    operationId: "getGarmentDesign",
    tags: ["garments"],
    summary: "A digital garment design: edition cap and minted count, royalty, twin link, verified metadata",
    params: { designId: DesignId },
    responses: { "200": ["Design", Design], ...COMMON, ...problems(404) },
  },
  {
    method: "post",
    path: "/v1/ownership/challenges",
    operationId: "createOwnershipChallenge",
    tags: ["proofs"],
    summary: "An EIP-712 OwnershipProof message with a single-use challenge (5 minutes)",
    body: ChallengeRequest,
    responses: { "201": ["Challenge", OwnershipChallenge], ...COMMON, ...problems(404, 413) },
  },
  {
    method: "get",
    path: "/v1/ownership/challenges/{challengeId}",
    operationId: "getOwnershipChallengeState",
    tags: ["proofs"],
    summary:
      "A challenge's state for a second device (the buyer watching the seller sign): pending, proven (the proof's result), failed or expired. Reading consumes nothing",
    params: shapeOf(ChallengeParams),
    responses: { "200": ["State", OwnershipChallengeWatch], ...COMMON, ...problems(404) },
  },
  {
    method: "post",
    path: "/v1/ownership/proofs",
    operationId: "verifyOwnershipProof",
    tags: ["proofs"],
    summary:
      "Checks the signature with the contract's verifyOwnership at the chain head (EOA, EIP-1271, ERC-6492); or, with `passkey`, a passkey's WebAuthn answer the verifier turns into the account's signature (#17)",
    body: OwnershipProofRequest,
    responses: {
      "200": ["Result", OwnershipProof],
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
    responses: { "201": ["Challenge", ChipChallenge], ...COMMON, ...problems(404, 413, 422) },
  },
  {
    method: "post",
    path: "/v1/chip/proofs",
    operationId: "verifyChipProof",
    tags: ["proofs"],
    summary: "Checks the chip's signature against the chip bound at mint (chipOf at the head)",
    body: ProofRequest,
    responses: {
      "200": ["Result", ChipProof],
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
    responses: { "200": ["Up", Health] },
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "ready",
    tags: ["operations"],
    summary: "Ready when the index is caught up within the confirmation depth",
    responses: { "200": ["Ready", Health], ...problems(503) },
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
    query: IpfsQuery,
    responses: {
      "200": [
        "Verified bytes, of the media type their content or ?filename= names (application/octet-stream when neither does)",
        { type: "string", format: "binary" },
        "*/*",
      ],
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
    query: IpfsQuery,
    responses: {
      "200": [
        "Verified bytes, of the media type the file's name or content names",
        { type: "string", format: "binary" },
        "*/*",
      ],
      ...problems(400, 404, 503),
    },
  },
];

/**
 * The document's components: what the routes send, by name. Generated from the zod schemas the
 * answers' types are derived from (./answers.ts, server/verification/answers), so they cannot drift;
 * registering the shared parts (a summary, an event, the freshness) makes them $refs.
 */
const COMPONENT_SCHEMAS: Record<string, z.ZodType> = {
  IndexFreshness,
  ChainEventRef,
  CertificateMetadata,
  GarmentMetadata,
  CertificateSummary,
  CertificateListItem,
  CertificatePage,
  CertificateView,
  LookupAnswer,
  Certificate,
  DigitalLinkCertificate,
  Linkset,
  ResolverDescription,
  ProvenanceEvent: ProvenanceEventView,
  ProvenancePage,
  BrandSummary,
  BrandPage,
  Brand,
  Design,
  OwnerItem: OwnerItemView,
  OwnerItemPage,
  OwnershipChallenge,
  OwnershipProofResult: OwnershipProof,
  OwnershipChallengeState: OwnershipChallengeWatch,
  ChipChallenge,
  ChipProofResult: ChipProof,
  Health,
};

export const verifierOpenApi: OpenApiPart = { operations: OPERATIONS, schemas: COMPONENT_SCHEMAS };
