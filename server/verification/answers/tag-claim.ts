import { z } from "zod";
import { Address } from "../id-schemas.js";
import { AddressString, BlockNumber } from "./chain-values.js";

/** POST /v1/taps/{tokenId}/claims and the tap page's form: a fresh tap's ticket and who gets the piece. */
export const TagClaimRequest = z.strictObject({
  ticket: z
    .string()
    .max(100)
    .describe("The `claim.ticket` of a fresh tap's answer (GET /v1/taps/{tokenId}), valid ten minutes"),
  recipient: Address.describe("The address that will own the certificate; the oracle's attestation names it"),
});

/** The page's form: the same fields as text (an invalid address is answered by the domain, in the page). */
export const TagClaimForm = z.object({
  ticket: z.string().max(100),
  recipient: z.string().max(100),
});

export const TagClaimAnswer = z.object({
  txHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  block: BlockNumber.nullable().describe("The block the claim was mined in; null when not mined within 10 s"),
  recipient: AddressString,
  counter: z.number().int().describe("The tap counter the oracle attested"),
});
