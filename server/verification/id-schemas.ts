import { z } from "zod";
import { parseGtin } from "./gs1.js";
import { parseAddress, parseUint256, UINT32_MAX } from "./ids.js";

/**
 * The identifiers of ids.ts as zod schemas, for every edge that parses them: the verifier API,
 * the issuer API and the pages. A failure names what was expected; the edge turns it into a 400.
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

/**
 * A brand by id or by slug (server/verification/brand-slugs.ts): digits are an id, anything else a
 * slug of letters, digits and single dashes (case is ignored). Either way a malformed one is a 400.
 */
export const BrandIdOrSlug = z
  .string()
  .describe("brand id (uint32, from 1) or slug (e.g. maison-aurelle)")
  .transform((text, context): number | string => {
    if (/^[0-9]+$/.test(text)) {
      const id = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
      if (!(id <= UINT32_MAX)) {
        context.addIssue({ code: "custom", message: "expected a brand id (1..2^32-1) or a brand slug" });
        return z.NEVER;
      }
      return id;
    }
    const slug = text.toLowerCase();
    if (slug.length > 64 || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) {
      context.addIssue({
        code: "custom",
        message: "expected a brand id or a brand slug (letters, digits and single dashes, up to 64)",
      });
      return z.NEVER;
    }
    return slug;
  });

export const Address = z
  .string()
  .describe("0x address; mixed case must be a valid EIP-55 checksum")
  .transform((text, context) => {
    const address = parseAddress(text);
    if (address === null) {
      context.addIssue({
        code: "custom",
        message: "expected a 0x address (40 hex digits, valid checksum when mixed case)",
      });
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
      context.addIssue({
        code: "custom",
        message: "expected a GTIN (8, 12, 13 or 14 digits with a valid check digit)",
      });
      return z.NEVER;
    }
    return gtin;
  });
