import { z } from "zod";
import { problem, problems } from "../http/openapi.js";
import type { OpenApiPart } from "../http/openapi.js";
import { PASSPORT_TIERS, RESTRICTED_TIERS, TextilePassportData } from "../metadata/textile-passport.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { TokenId } from "../verification/id-schemas.js";

/** The product passport answer (#19, server/api/routes/passport.ts) in the OpenAPI document. */
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

export const passportOpenApi: OpenApiPart = {
  operations: [
    {
      method: "get",
      path: "/v1/certificates/{tokenId}/passport",
      operationId: "getPassport",
      tags: ["certificates"],
      summary:
        "The product passport (textile data, ESPR): public by default; ?tier=interest|authority opens the restricted sections for a partner key with the scope passport:<tier>:<brand> or an EIP-712 tier credential (Hallmark-Passport-Credential), each read audited",
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
        "502": problem("The document fails its on-chain digest or its schema: no tier of it is served"),
        "503": problem(
          "IPFS or the chain unavailable, or this verifier lacks the brand's passport key (Retry-After)",
        ),
      },
    },
  ],
  schemas: { Passport: PassportAnswer },
};
