import { z } from "zod";
import { InvalidInputError } from "../../errors.js";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "../../store/IndexStore.js";
import { parseGtin } from "../../verification/gs1.js";
import { parseAddress, parseUint256, UINT32_MAX } from "../../verification/ids.js";

/**
 * The edge of the API: every path parameter, query and body is parsed here, before any domain
 * function sees it. Malformed input is a 400 problem listing each offending field.
 */

export const TokenId = z
  .string()
  .describe("uint256 token id, decimal (canonical) or 0x-hex")
  .transform((text, context) => {
    const value = parseUint256(text);
    if (value === null) {
      context.addIssue({ code: "custom", message: "expected a uint256 token id (decimal or 0x-hex)" });
      return z.NEVER;
    }
    return value;
  });

export const DesignId = TokenId.describe("uint256 design id");

export const BrandId = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "expected a brand id (a positive integer)")
  .transform(Number)
  .refine((value) => value <= UINT32_MAX, "brand id above 2^32-1")
  .describe("brand id (uint32, from 1)");

export const Address = z
  .string()
  .describe("0x address; mixed case must be a valid EIP-55 checksum")
  .transform((text, context) => {
    const address = parseAddress(text);
    if (address === null) {
      context.addIssue({ code: "custom", message: "expected a 0x address (40 hex digits, valid checksum when mixed case)" });
      return z.NEVER;
    }
    return address;
  });

/** Printable, no control characters, as printed on a label. */
export const Serial = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x20-\x7e\u00a0-\uffff]+$/u, "serial has control characters")
  .describe("serial as printed on the piece");

export const Gtin = z
  .string()
  .describe("GTIN-8, -12, -13 or -14 with a valid check digit")
  .transform((text, context) => {
    const gtin = parseGtin(text);
    if (gtin === null) {
      context.addIssue({ code: "custom", message: "expected a GTIN (8, 12, 13 or 14 digits with a valid check digit)" });
      return z.NEVER;
    }
    return gtin;
  });

export const Bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed bytes32").transform((s) => s.toLowerCase());

/** Signatures: 65-byte ECDSA, or longer for EIP-1271 wallets (bounded). */
export const Signature = z.string().regex(/^0x(?:[0-9a-fA-F]{2}){64,2048}$/, "expected a 0x-hex signature (64 to 2048 bytes)");

export const Cursor = z.string().min(1).max(512).describe("opaque cursor from a previous page's nextCursor");

export const Limit = z
  .string()
  .regex(/^[0-9]{1,4}$/, "expected an integer")
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_PAGE_LIMIT, `limit must be 1..${MAX_PAGE_LIMIT}`)
  .describe(`page size, 1..${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`);

export const PageQuery = z.object({ cursor: Cursor.optional(), limit: Limit.optional() });

export const CertificateListQuery = PageQuery.extend({
  brand: BrandId.optional(),
  owner: Address.optional(),
  status: z.enum(["active", "stolen", "revoked"]).optional(),
});

export const OwnerItemsQuery = PageQuery.extend({ kind: z.enum(["certificate", "garment"]).optional() });

export const ResolverQuery = z.object({ brand: BrandId.optional(), linkType: z.string().max(64).optional() });

/** The verification page's query: `?gtin=` is the GTIN of the Digital Link that sent the browser there. */
export const VerifyPageQuery = z.object({
  gtin: Gtin.optional().describe("GTIN of the label scanned (set by the Digital Link's redirect): checked against the passport's"),
});

export const ChallengeRequest = z.strictObject({ tokenId: TokenId });

/** A challenge's id in a path: the bytes32 the challenge answer named (the capability to watch it). */
export const ChallengeParams = z.object({ challengeId: Bytes32.describe("challengeId from POST /v1/ownership/challenges") });

/** The verification page asks for the QR code of its prove link with the id in the body, not the URL (logs). */
export const ProveQrRequest = z.strictObject({ challengeId: Bytes32 });

export const ProofRequest = z.strictObject({
  challengeId: Bytes32,
  signature: Signature,
  /** Optional: when given it must be the token the challenge was issued for. */
  tokenId: TokenId.optional(),
});

/** A signed Claim for the relay (POST /v1/claims): the fields of claimWithCode, as the claim page signs them. */
export const ClaimRelayRequest = z.strictObject({
  tokenId: TokenId,
  recipient: Address.describe("the address the signature names; the contract checks it"),
  deadline: z
    .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[0-9]{1,20}$/, "expected unix seconds")])
    .transform((value) => BigInt(value))
    .describe("unix seconds (chain time) after which the signature is void"),
  // The claim key is an EOA: a 65-byte (or EIP-2098 64-byte) ECDSA signature.
  signature: z.string().regex(/^0x(?:[0-9a-fA-F]{2}){64,65}$/, "expected a 0x-hex ECDSA signature (64 or 65 bytes)"),
});

export const EventsQuery = z.object({
  type: z
    .string()
    .max(200)
    .regex(/^[a-z.]+(?:,[a-z.]+)*$/, "expected comma-separated event types")
    .optional(),
  after: z.string().regex(/^[0-9]{1,15}$/, "expected an event id").transform(Number).optional(),
});

/** Parses one part of a request; a failure is a 400 naming each field (`where.field`). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: "path" | "query" | "body"): z.output<S> {
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  throw new InvalidInputError(`Malformed ${where}: ${details.map((d) => d.path).join(", ")}`, { details });
}
