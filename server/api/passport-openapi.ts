import { z } from "zod";
import { problem, problems } from "../http/openapi.js";
import type { OpenApiPart } from "../http/openapi.js";
import { PASSPORT_TIERS, RESTRICTED_TIERS, TextilePassportData } from "../metadata/textile-passport.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { BrandId, TokenId } from "../verification/id-schemas.js";
import { StatusPurposeParam, VC_JWT } from "./routes/passport.js";

/**
 * The Digital Product Passport routes (#19, server/api/routes/passport.ts) in the OpenAPI document:
 * the passport's tiers as JSON or the public passport's verifiable credential (VC-JWT) by content
 * negotiation, and the brands' status lists.
 */
const SectionState = z
  .enum(["absent", "sealed", "open"])
  .describe(
    "absent: the document has no such section; sealed: ciphertext this tier may not open; open: merged in",
  );

export const PassportAnswer = z.object({
  tokenId: z.string(),
  brandId: z.number().int(),
  tier: z.enum(PASSPORT_TIERS),
  schema: z.string().describe("The document's schema id (hallmark.certificate-metadata.v1 or v2)"),
  metadata: z.object({ cid: z.string(), digest: z.string(), verified: z.literal(true) }),
  passport: z
    .looseObject({ sustainability: TextilePassportData.optional() })
    .describe(
      "The document's passport without its sealed sections; sustainability is the public textile data merged with the sections this tier opened",
    ),
  sections: z.object(
    Object.fromEntries(RESTRICTED_TIERS.map((tier) => [tier, SectionState])) as Record<
      (typeof RESTRICTED_TIERS)[number],
      typeof SectionState
    >,
  ),
  access: z
    .union([
      z.object({ via: z.literal("partner-key"), keyId: z.string(), scope: z.string() }),
      z.object({
        via: z.literal("credential"),
        tier: z.enum(RESTRICTED_TIERS),
        brandId: z.number().int(),
        holder: z.string(),
        signer: z.string(),
        role: z.string(),
        expiry: z.number().int(),
      }),
    ])
    .optional()
    .describe("How the caller proved a restricted tier"),
  index: IndexFreshness,
});

const TierQuery = z.strictObject({
  tier: z.enum(PASSPORT_TIERS).optional().describe("public (default), interest or authority"),
});

const JWT_BODY = {
  type: "string",
  description: "Compact JWS (ES256K, kid did:pkh:eip155:{chainId}:{issuer}#blockchainAccountId)",
};

export const passportOpenApi: OpenApiPart = {
  operations: [
    {
      method: "get",
      path: "/v1/certificates/{tokenId}/passport",
      operationId: "getPassport",
      tags: ["certificates"],
      summary: `The product passport (textile data, ESPR). Accept: application/json (default): public by default; ?tier=interest|authority opens the restricted sections for a partner key with the scope passport:<tier>:<brand> or an EIP-712 tier credential (Hallmark-Passport-Credential), each read audited. Accept: ${VC_JWT}: the public passport as a W3C Verifiable Credential 2.0 (type DigitalProductPassport, UNTP DPP context) signed ES256K by the brand's issuer key, issuer did:pkh:eip155:{chainId}:{address}, with BitstringStatusListEntry items for revocation and suspension. Other Accept values: 406`,
      params: { tokenId: TokenId },
      query: TierQuery,
      headers: [
        {
          name: "Hallmark-Passport-Credential",
          required: false,
          description:
            "base64url JSON {tier, brandId, holder, expiry, signature}: an EIP-712 PassportAccess signed by a holder of the brand's matching role",
        },
      ],
      responses: {
        "200": ["Passport", PassportAnswer],
        ...problems(400, 404, 429),
        "401": problem("A restricted tier asked for without a partner key or credential (WWW-Authenticate)"),
        "403": problem(
          "The key lacks the tier's scope for this brand; the credential is another brand's, expired, or its signer holds no matching role",
        ),
        "406": problem(
          `Accept names neither application/json nor ${VC_JWT}, or asks a credential of a restricted tier`,
        ),
        "422": problem(
          "The certificate's document does not match its on-chain digest: no credential is issued",
        ),
        "502": problem("The document fails its on-chain digest or its schema: no tier of it is served"),
        "503": problem(
          "IPFS or the chain unavailable, or this verifier lacks the brand's passport key or (for a credential) its issuer key (Retry-After)",
        ),
      },
      alternativeContent: { "200": { [VC_JWT]: JWT_BODY } },
    },
    {
      method: "get",
      path: "/v1/status/{brand}/{purpose}",
      operationId: "getStatusList",
      tags: ["passport"],
      summary:
        "A brand's W3C Bitstring Status List of passport credentials, as a BitstringStatusListCredential VC-JWT signed by the brand's issuer key: bit i is certificate i in the brand's issuance order; revocation = revoked on chain, suspension = reported stolen",
      params: { brand: BrandId, purpose: StatusPurposeParam },
      responses: {
        "200": ["The status list credential", JWT_BODY, VC_JWT],
        ...problems(404),
        "406": problem(`Accept does not admit ${VC_JWT}`),
        "503": problem("This verifier holds no issuer key for the brand (Retry-After)"),
      },
    },
  ],
  schemas: { Passport: PassportAnswer },
};
