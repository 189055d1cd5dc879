import { BrandId, DesignId, Serial, TokenId } from "../verification/id-schemas.js";
import { problems } from "../http/openapi.js";
import type { OpenApiPart, Operation } from "../http/openapi.js";
import { ClaimStateAnswer } from "./claim-state.js";
import { ProveQrRequest, VerifyPageQuery } from "./schemas.js";

/** The pages' part of the OpenAPI document (assembled by server/app.ts): HTML answers, and the JSON the pages' scripts read. */

const COMMON = problems(400, 429);

const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/v/{tokenId}",
    operationId: "verificationPage",
    tags: ["pages"],
    summary:
      "Customer verification page (server/web): verdict, product, passport, history, ownership check, share QR; ?lang=en|fr; ?gtin= (from a Digital Link) checks the label's GTIN against the passport's",
    params: { tokenId: TokenId },
    query: VerifyPageQuery,
    responses: {
      "200": ["HTML page", { type: "string" }, "text/html"],
      "400": ["HTML page: malformed id", { type: "string" }, "text/html"],
      "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"],
      ...problems(429),
    },
  },
  {
    method: "get",
    path: "/v/{tokenId}/prove",
    operationId: "provePage",
    tags: ["pages"],
    summary:
      "The seller's prove page, opened from the buyer's QR code: signs the challenge named in the fragment (#challenge=0x…) with a browser wallet; ?lang=en|fr",
    params: { tokenId: TokenId },
    responses: {
      "200": ["HTML page", { type: "string" }, "text/html"],
      "400": ["HTML page: malformed id", { type: "string" }, "text/html"],
      "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"],
      ...problems(429),
    },
  },
  {
    method: "post",
    path: "/v/{tokenId}/prove/qr",
    operationId: "proveQr",
    tags: ["pages"],
    summary:
      "SVG QR code of the prove link for a pending ownership challenge of this certificate (the buyer's screen shows it); the id goes in the body, not the URL",
    params: { tokenId: TokenId },
    body: ProveQrRequest,
    responses: {
      "200": ["SVG QR code", { type: "string" }, "image/svg+xml"],
      ...COMMON,
      ...problems(404, 409, 413),
    },
  },
  {
    method: "get",
    path: "/b/{brand}/{serial}",
    operationId: "serialPage",
    tags: ["pages"],
    summary: "A printed serial: 303 to /v/{tokenId} (needs the brand's salt)",
    params: { brand: BrandId, serial: Serial },
    responses: {
      "303": ["Redirect to the verification page"],
      "400": ["HTML page: malformed brand or serial", { type: "string" }, "text/html"],
      "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"],
      ...problems(422, 429),
    },
  },
  {
    method: "get",
    path: "/g/{designId}",
    operationId: "garmentPage",
    tags: ["pages"],
    summary: "Digital garment page: rotatable 3D model (model-viewer), edition cap and count minted",
    params: { designId: DesignId },
    responses: {
      "200": ["HTML page", { type: "string" }, "text/html"],
      "400": ["HTML page: malformed id", { type: "string" }, "text/html"],
      "404": ["HTML page: unknown design", { type: "string" }, "text/html"],
      ...problems(429),
    },
  },
  {
    method: "get",
    path: "/claim/{tokenId}",
    operationId: "claimPage",
    tags: ["pages"],
    summary:
      "Claim screen opened by a claim-code QR (the code stays in the #fragment; signing happens in the browser)",
    params: { tokenId: TokenId },
    responses: {
      "200": ["HTML page", { type: "string" }, "text/html"],
      "400": ["HTML page: malformed id", { type: "string" }, "text/html"],
      "404": ["HTML page: Unknown verdict", { type: "string" }, "text/html"],
      ...problems(429, 503),
    },
  },
  {
    method: "get",
    path: "/claim/{tokenId}/state",
    operationId: "claimState",
    tags: ["pages"],
    summary:
      "claimStateOf at the head: the claim key (null when used or withdrawn), its nonce, and the head's time",
    params: { tokenId: TokenId },
    responses: {
      "200": ["Claim state", ClaimStateAnswer],
      ...COMMON,
      ...problems(404, 503),
    },
  },
];

export const webOpenApi: OpenApiPart = { operations: OPERATIONS, schemas: { ClaimState: ClaimStateAnswer } };
