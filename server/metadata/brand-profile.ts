import { z } from "zod";
import { NonEmptyText } from "./common.js";

export const BRAND_PROFILE_SCHEMA_ID = "hallmark.brand-profile.v1";

/** Links a page may show to a customer: https only (no javascript:, no plain http to be tampered with). */
const HttpsLink = z
  .url({ protocol: /^https$/ })
  .max(2_000)
  .meta({ description: "https:// URL" });

/**
 * A brand's public profile: the document its on-chain `metadataURI` names (`ipfs://<cid>` of one
 * raw block, so the URI itself commits to the bytes). The pages show its contact details where a
 * customer must reach the brand: a stolen, revoked or unknown piece, a suspicious listing.
 */
export const BrandProfile = z.object({
  schema: z.literal(BRAND_PROFILE_SCHEMA_ID),
  name: NonEmptyText,
  website: HttpsLink.optional(),
  contact: z
    .object({
      supportUrl: HttpsLink.optional().describe("the customer service page"),
      email: z.email().max(254).optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9][0-9 ().-]{4,28}[0-9]$/, "must be a phone number such as +33 1 23 45 67 89")
        .optional(),
      reportUrl: HttpsLink.optional().describe("where to report a counterfeit or a suspicious listing"),
    })
    .refine(
      (contact) => Object.values(contact).some((value) => value !== undefined),
      "give at least one way to reach the brand",
    ),
});
