import { z } from "zod";
import { BrandId, DesignId, Serial, TokenId } from "../verification/id-schemas.js";
import { problems } from "../http/openapi.js";
import type { OpenApiPart, Operation } from "../http/openapi.js";
import { ClaimStateAnswer } from "./claim-state.js";
import { AccountQrQuery, CheckQuery, ClaimKeyPath, ProveQrRequest, VerifyPageQuery } from "./schemas.js";

/** The pages' part of the OpenAPI document (assembled by server/app.ts): HTML answers, and the JSON the pages' scripts read. */

const COMMON = problems(400, 429);

/** GET /claim/key/{address}. */
const ClaimKeyAnswer = z.object({ tokenId: z.string().regex(/^[0-9]+$/) });

const HTML = { type: "string" };

const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/",
    operationId: "homePage",
    tags: ["pages"],
    summary:
      "Home page: check a piece by brand and serial or by certificate number, register a piece with the code on its card, what Hallmark is; ?lang=en|fr",
    responses: { "200": ["HTML page", HTML, "text/html"], ...problems(429) },
  },
  {
    method: "get",
    path: "/fr",
    operationId: "homePageFrench",
    tags: ["pages"],
    summary: "The home page in French",
    responses: { "200": ["HTML page", HTML, "text/html"], ...problems(429) },
  },
  {
    method: "get",
    path: "/check",
    operationId: "checkForm",
    tags: ["pages"],
    summary:
      "The home page's check forms: 303 to /v/{tokenId} (certificate=) or /b/{brand}/{serial} (brand= and serial=); 400 sends the home page back saying what is wrong",
    query: CheckQuery,
    responses: {
      "303": ["Redirect to the piece's page"],
      "400": ["HTML page: the home page with the form's problem", HTML, "text/html"],
      ...problems(429),
    },
  },
  {
    method: "post",
    path: "/claim",
    operationId: "claimCodeForm",
    tags: ["pages"],
    summary:
      "Register a piece without JavaScript: a typed claim code (form body: code=, checked by its check symbol) → 303 to /claim/{tokenId}#code=…; 400 a mistyped code, 404 no piece waits for it (the home page says so)",
    rawBody: {
      mediaTypes: ["application/x-www-form-urlencoded"],
      description: "code=XXXXX-XXXXX-XXXXX-XXXXX-XXXXX (or an older 0x code), lang=en|fr",
    },
    responses: {
      "303": ["Redirect to the claim page, the code in the fragment"],
      "400": ["HTML page: the code is mistyped", HTML, "text/html"],
      "404": ["HTML page: no piece waits for this code", HTML, "text/html"],
      ...problems(413, 429),
    },
  },
  {
    method: "get",
    path: "/claim/key/{address}",
    operationId: "claimKeyCertificate",
    tags: ["pages"],
    summary:
      "The certificate whose open claim key is this address (the home page derives it from a typed code; the code is never sent)",
    params: ClaimKeyPath.shape,
    responses: {
      "200": ["The certificate waiting for this key", ClaimKeyAnswer],
      ...COMMON,
      ...problems(404),
    },
  },
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
  {
    method: "get",
    path: "/account",
    operationId: "accountPage",
    tags: ["pages"],
    summary:
      "Your phone's account (passkeys, #17): create or find it, its address and QR code, its pieces, add a device (#join=0x…, #add=x.y in the fragment), recovery; ?lang=en|fr",
    responses: { "200": ["HTML page", HTML, "text/html"], ...problems(429) },
  },
  {
    method: "get",
    path: "/account/qr",
    operationId: "accountQr",
    tags: ["pages"],
    summary:
      "SVG QR code of exactly one of: an account's address (address=), the link a new device opens to join it (join=), the link that adds a device's passkey (add=x.y)",
    query: AccountQrQuery,
    responses: { "200": ["SVG QR code", { type: "string" }, "image/svg+xml"], ...COMMON },
  },
];

export const webOpenApi: OpenApiPart = {
  operations: OPERATIONS,
  schemas: { ClaimState: ClaimStateAnswer, ClaimKeyCertificate: ClaimKeyAnswer },
};
