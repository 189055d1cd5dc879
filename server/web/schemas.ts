import { z } from "zod";
import { Bytes32 } from "../http/schemas.js";
import { Gtin, Serial } from "../verification/id-schemas.js";

/** The verification page asks for the QR code of its prove link with the id in the body, not the URL (logs). */
export const ProveQrRequest = z.strictObject({ challengeId: Bytes32 });

/**
 * The verification page's query: `?gtin=` is the GTIN of the Digital Link that sent the browser there,
 * `?serial=` the serial of that link (or of /b/): shown only when it hashes to this certificate.
 */
export const VerifyPageQuery = z.object({
  gtin: Gtin.optional().describe(
    "GTIN of the label scanned (set by the Digital Link's redirect): checked against the passport's",
  ),
  serial: Serial.optional().describe(
    "Serial of the label's link (set by the Digital Link's and /b/'s redirects): shown when it is this certificate's",
  ),
});

const Lang = z.string().max(8).optional().describe("page language (en, fr)");

/**
 * The home page's check forms (GET, so they work without JavaScript): a brand and a serial, or a
 * certificate number. Loose on purpose: the route says in the page what is missing or wrong.
 */
export const CheckQuery = z.object({
  brand: z.string().max(12).optional().describe("brand id, with serial"),
  serial: z.string().max(256).optional().describe("serial printed on the piece, with brand"),
  certificate: z.string().max(128).optional().describe("certificate number, decimal or 0x-hex"),
  lang: Lang,
});

/** "Register your piece" without JavaScript: the code goes in a POST body, never in a URL or a log. */
export const ClaimCodeForm = z.object({
  code: z
    .string()
    .max(200)
    .describe("claim code as typed (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, or an older 0x code)"),
  lang: Lang,
});

/** The address of a claim key, which a typed code yields in the page (the code itself is never sent). */
export const ClaimKeyPath = z.object({
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x address")
    .describe("address of the claim key a typed code yields"),
});

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x address");

/**
 * The account page's QR codes (#17), each of something public: the account's address, the link a new
 * device opens to join it (#join=), or the link the first phone opens to add the new device's key
 * (#add=x.y). Exactly one of them, and only links to this verifier's own account page, so this is no
 * general QR service.
 */
export const AccountQrQuery = z
  .strictObject({
    address: Address.optional().describe("the account's address, drawn as itself"),
    join: Address.optional().describe("the account a new device joins: draws the join link"),
    add: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}\.0x[0-9a-fA-F]{64}$/, "expected x.y, each 32 bytes in 0x hex")
      .optional()
      .describe("the new device's passkey public key, x.y: draws the link that adds it"),
    lang: Lang,
  })
  .refine(
    (query) => [query.address, query.join, query.add].filter((value) => value !== undefined).length === 1,
    { message: "give exactly one of address, join and add" },
  );
