import { z } from "zod";
import { problem, problems } from "../http/openapi.js";
import type { OpenApiPart } from "../http/openapi.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { CertificateView } from "../verification/answers/certificate.js";
import { BrandId, TokenId } from "../verification/id-schemas.js";
import { StatusPurposeParam, VC_JWT } from "./routes/passport.js";

/**
 * The Digital Product Passport routes (#19) in the OpenAPI document: the public passport (JSON) or
 * its verifiable credential (VC-JWT) by content negotiation, and the brands' status lists.
 */

/** The public passport, after UNTP's ProductPassport (server/credentials/passport-credential.ts). */
export const PublicPassport = z
  .looseObject({
    type: z.array(z.string()),
    id: z.string().describe("The product's id: its GS1 Digital Link, else its verification page"),
    granularityLevel: z.literal("item"),
    product: z.looseObject({
      id: z.string(),
      name: z.string(),
      registeredId: z.string().optional().describe("GTIN-14"),
      serialNumber: z.string().optional().describe("Only when the brand publishes the serial in clear"),
    }),
    materialsProvenance: z.array(z.looseObject({ name: z.string(), part: z.string() })),
    careInstructions: z.array(z.string()),
    repairInformation: z.string().optional(),
  })
  .describe(
    "UNTP ProductPassport (0.6): product, materialsProvenance, care; any further public section of the document's passport under its own name. No customer data",
  );

export const PassportAnswer = CertificateView.pick({ tokenId: true, verdict: true, flags: true })
  .extend({ passport: PublicPassport, index: IndexFreshness })
  .describe("A certificate's public passport, with its verdict");

const JWT_BODY = {
  type: "string",
  description: "Compact JWS (ES256K, kid did:pkh:eip155:{chainId}:{issuer}#blockchainAccountId)",
};

const NO_KEY = problem(
  "This verifier holds no issuer key for the brand (Retry-After), or IPFS cannot be read",
);

export const passportOpenApi: OpenApiPart = {
  operations: [
    {
      method: "get",
      path: "/v1/certificates/{tokenId}/passport",
      operationId: "getPassport",
      tags: ["passport"],
      summary: `The Digital Product Passport of a piece. Accept: application/json (default) gives the public passport; Accept: ${VC_JWT} the same passport as a W3C Verifiable Credential 2.0 (type DigitalProductPassport, UNTP DPP context) signed ES256K by the brand's issuer key, issuer did:pkh:eip155:{chainId}:{address}, with BitstringStatusListEntry items for revocation and suspension. Other Accept values: 406`,
      params: { tokenId: TokenId },
      responses: {
        "200": [
          "The public passport, or its credential",
          PassportAnswer,
          "application/json",
          { [VC_JWT]: JWT_BODY },
        ],
        ...problems(404),
        "406": problem(`Accept names neither application/json nor ${VC_JWT}`),
        "422": problem(
          "The certificate's document does not match its on-chain digest: no passport is issued",
        ),
        "503": NO_KEY,
      },
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
  schemas: { PassportAnswer, PublicPassport },
};
