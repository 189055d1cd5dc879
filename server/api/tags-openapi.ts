import { problems } from "../http/openapi.js";
import type { OpenApiPart } from "../http/openapi.js";
import { SunQuery } from "../tags/sun-params.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { TagTapView } from "../verification/answers/tag-tap.js";
import { TokenId } from "../verification/id-schemas.js";
import { TagClaimAnswer, TagClaimRequest } from "../verification/answers/tag-claim.js";

/** NTAG 424 DNA taps (#18) in the OpenAPI document: the JSON answer and the page a tag's link opens. */
export const TagTap = TagTapView.extend({ index: IndexFreshness });
export const TagClaimAccepted = TagClaimAnswer.extend({ index: IndexFreshness });

export const tagsOpenApi: OpenApiPart = {
  operations: [
    {
      method: "get",
      path: "/v1/taps/{tokenId}",
      operationId: "verifyTagTap",
      tags: ["tags"],
      summary:
        "Verify a tap of an NTAG 424 DNA (NXP SUN message): MAC, counter freshness (a link opened before is flagged copied), binding to the certificate, and the piece's verdict. Records the tap: not idempotent",
      params: { tokenId: TokenId },
      query: SunQuery,
      responses: {
        "200": ["TagTap", TagTap],
        ...problems(400, 404, 429, 503),
      },
    },
    {
      method: "post",
      path: "/v1/taps/{tokenId}/claims",
      operationId: "claimWithTagTap",
      tags: ["tags"],
      summary:
        "Claim a piece with a fresh tap of its tag: the ticket from the tap's answer and a recipient; the brand's tag oracle signs the EIP-712 TagClaim and the verifier relays claimWithTag (the customer pays no gas)",
      params: { tokenId: TokenId },
      body: TagClaimRequest,
      responses: {
        "202": ["The claim, mined (its block) or broadcast", TagClaimAccepted],
        ...problems(400, 404, 409, 410, 422, 429, 503),
      },
    },
    {
      method: "post",
      path: "/t/{tokenId}/claim",
      operationId: "tagClaimPage",
      tags: ["pages"],
      summary:
        "The tap page's claim form (application/x-www-form-urlencoded ticket and recipient): a page saying the piece was claimed, or why not",
      params: { tokenId: TokenId },
      responses: {
        "200": ["HTML page: claimed", { type: "string" }, "text/html"],
        "400": ["HTML page: not an address", { type: "string" }, "text/html"],
        "410": ["HTML page: the tap's offer lapsed", { type: "string" }, "text/html"],
        "422": ["HTML page: refused (used, altered, unavailable)", { type: "string" }, "text/html"],
        ...problems(429),
      },
    },
    {
      method: "get",
      path: "/t/{tokenId}",
      operationId: "tagTapPage",
      tags: ["pages"],
      summary:
        "The page an NTAG 424 DNA's link opens: Tag authentic with the piece's verdict, or copied link, not authentic, not this piece's; ?lang=en|fr",
      params: { tokenId: TokenId },
      query: SunQuery,
      responses: {
        "200": ["HTML page", { type: "string" }, "text/html"],
        "400": ["HTML page: the link is incomplete or malformed", { type: "string" }, "text/html"],
        ...problems(429),
      },
    },
  ],
  schemas: { TagTap, TagClaimAccepted },
};
