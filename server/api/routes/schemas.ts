import { z } from "zod";
import { Bytes32 } from "../../http/schemas.js";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "../../store/IndexStore.js";
import { Address, BrandId, BrandIdOrSlug, Serial, TokenId } from "../../verification/id-schemas.js";

/**
 * The edge of the API: every path parameter, query and body is parsed here, before any domain
 * function sees it. Malformed input is a 400 problem listing each offending field. The shared pieces
 * (parseInput, the identifiers) are re-exported so that a route takes its input from one place.
 */
export { NoQuery, parseInput } from "../../http/input.js";
export { Bytes32 } from "../../http/schemas.js";
export {
  Address,
  BrandId,
  BrandIdOrSlug,
  DesignId,
  Gtin,
  Serial,
  TokenId,
} from "../../verification/id-schemas.js";

/**
 * Signatures: 65-byte ECDSA from a key, or any form an EIP-1271 wallet takes (bounded). A key's
 * 64-byte compact form passes here and gets its own 400 (server/chain/signature-form.ts).
 */
export const Signature = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2}){64,2048}$/, "expected a 0x-hex signature (64 to 2048 bytes)");

export const Cursor = z.string().min(1).max(512).describe("opaque cursor from a previous page's nextCursor");

export const Limit = z
  .string()
  .regex(/^[0-9]{1,4}$/, "expected an integer")
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_PAGE_LIMIT, `limit must be 1..${MAX_PAGE_LIMIT}`)
  .describe(`page size, 1..${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`);

/**
 * Read your own write: answer only once the index holds this block (the claim relay's answer names
 * the claim's block), waiting up to 2 s, else 503 with Retry-After (server/verification/min-block.ts).
 */
export const MinBlock = z
  .string()
  .regex(/^(?:0|[1-9][0-9]{0,14})$/, "expected a block number")
  .transform(Number)
  .describe(
    "answer only once the index holds this block: waits up to 2 s, then 503 with Retry-After and the block it holds",
  );

export const MinBlockQuery = z.strictObject({ minBlock: MinBlock.optional() });

export const PageQuery = z.strictObject({ cursor: Cursor.optional(), limit: Limit.optional() });

export const ProvenanceQuery = PageQuery.extend({
  minBlock: MinBlock.optional(),
  include: z
    .enum(["details"])
    .optional()
    .describe(
      "details: each event's details document inline, read from IPFS and verified against its digest",
    ),
});

export const CertificateListQuery = PageQuery.extend({
  minBlock: MinBlock.optional(),
  brand: BrandIdOrSlug.optional(),
  owner: Address.optional(),
  status: z.enum(["active", "stolen", "revoked"]).optional(),
});

export const OwnerItemsQuery = PageQuery.extend({ kind: z.enum(["certificate", "garment"]).optional() });

const RESOLVER_PARAMETERS = new Set(["brand", "linkType"]);

/**
 * A Digital Link may carry GS1 data attributes as numeric application identifiers (`?10=LOT7`,
 * `?17=261231`): those pass (they identify nothing more than the serial does); any other unknown
 * parameter is a 400, as on every route.
 */
export const ResolverQuery = z
  .object({ brand: BrandId.optional(), linkType: z.string().max(64).optional() })
  .catchall(z.string().max(256))
  .superRefine((query, context) => {
    for (const key of Object.keys(query)) {
      if (!RESOLVER_PARAMETERS.has(key) && !/^[0-9]{2,4}$/.test(key))
        context.addIssue({ code: "custom", path: [key], message: "unknown query parameter" });
    }
  });

export const ChallengeRequest = z.strictObject({ tokenId: TokenId });

/** Items one lookup takes: a partner's intake of a day's pieces in a few calls, bounded by the 16 KiB body. */
export const MAX_LOOKUP_ITEMS = 100;

/** One piece of a batch: by token id, or by brand (id, as a number or a string, or slug) and printed serial. */
export const LookupItemRequest = z.union([
  z.strictObject({ tokenId: TokenId }),
  z.strictObject({
    brand: z.union([z.int().min(1).max(0xffffffff), BrandIdOrSlug]),
    serial: Serial,
  }),
]);

/**
 * The batch's envelope. Its items are parsed one by one (a malformed one is that item's 400, not the
 * batch's); here only that there are some, and not too many (above MAX_LOOKUP_ITEMS: 413).
 */
export const LookupRequest = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1, "a batch names at least one item")
    .describe(`1 to ${MAX_LOOKUP_ITEMS} items, each {"tokenId"} or {"brand", "serial"}`),
});

/** The request as the OpenAPI document describes it (the route parses the same in two steps). */
export const LookupRequestDocument = z.strictObject({
  items: z.array(LookupItemRequest).min(1).max(MAX_LOOKUP_ITEMS),
});

/** A challenge's id in a path: the bytes32 the challenge answer named (the capability to watch it). */
export const ChallengeParams = z.object({
  challengeId: Bytes32.describe("challengeId from POST /v1/ownership/challenges"),
});

export const ProofRequest = z.strictObject({
  challengeId: Bytes32,
  signature: Signature,
  /** Optional: when given it must be the token the challenge was issued for. */
  tokenId: TokenId.optional(),
});

export const EventsQuery = z.strictObject({
  type: z
    .string()
    .max(200)
    .regex(/^[a-z.]+(?:,[a-z.]+)*$/, "expected comma-separated event types")
    .optional(),
  after: z
    .string()
    .regex(/^[0-9]{1,15}$/, "expected an event id")
    .transform(Number)
    .optional(),
});
