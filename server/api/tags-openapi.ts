import { problems } from "../http/openapi.js";
import type { OpenApiPart } from "../http/openapi.js";
import { SunQuery } from "../tags/sun-params.js";
import { IndexFreshness } from "../verification/answers/freshness.js";
import { TagTapView } from "../verification/answers/tag-tap.js";
import { TokenId } from "../verification/id-schemas.js";

/** NTAG 424 DNA taps (#18) in the OpenAPI document: the JSON answer and the page a tag's link opens. */
export const TagTap = TagTapView.extend({ index: IndexFreshness });

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
  schemas: { TagTap },
};
