import { createHmac, timingSafeEqual } from "node:crypto";
import { ExpiredError, UnprocessableError } from "../errors.js";
import type { TagOracleKey } from "./tag-keystore.js";

/**
 * A claim ticket: what the page of a fresh tap hands the person holding the piece, so that they can
 * name a recipient after the tap (the tap's link is spent once opened, by design). It names the
 * certificate, the tap's counter and when it lapses, under an HMAC keyed from the brand's oracle key:
 * every verifier of a fleet holding that keystore accepts it, no shared store is needed, and a ticket
 * cannot be made for a counter the verifier did not see fresh. It is not single-use itself: the
 * contract is, since it accepts each counter once (TagAttestedClaims).
 */
export const TAG_CLAIM_TICKET_SECONDS = 10 * 60;
const PURPOSE = "hallmark:tag-claim-ticket:v1";
const TICKET = /^([0-9]{1,8})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface TagClaimTicket {
  tokenId: bigint;
  counter: number;
  /** Unix seconds; also the attestation's deadline. */
  expiresAt: number;
}

/** The ticket is not one this verifier's oracle made for this certificate (altered, forged, another piece's). */
export class InvalidTagClaimTicketError extends UnprocessableError {
  override readonly type = "tag-claim-ticket-invalid";
}

function mac(oracle: TagOracleKey, ticket: TagClaimTicket): Buffer {
  return createHmac("sha256", oracle.derive(PURPOSE))
    .update(`${ticket.tokenId.toString()}.${ticket.counter}.${ticket.expiresAt}`)
    .digest();
}

export function issueTagClaimTicket(oracle: TagOracleKey, ticket: TagClaimTicket): string {
  return `${ticket.counter}.${ticket.expiresAt}.${mac(oracle, ticket).toString("base64url")}`;
}

/** The ticket's counter and lapse time, once its MAC holds for `tokenId` and it has not lapsed. */
export function openTagClaimTicket(
  oracle: TagOracleKey,
  tokenId: bigint,
  text: string,
  nowSeconds: number,
): TagClaimTicket {
  const match = TICKET.exec(text);
  if (match === null) throw new InvalidTagClaimTicketError("This claim ticket is not one a tap gave");
  const ticket = { tokenId, counter: Number(match[1]), expiresAt: Number(match[2]) };
  const given = Buffer.from(match[3], "base64url");
  if (!timingSafeEqual(given, mac(oracle, ticket)))
    throw new InvalidTagClaimTicketError("This claim ticket is not one a tap of this piece's tag gave");
  if (nowSeconds > ticket.expiresAt)
    throw new ExpiredError("This claim ticket has lapsed: tap the tag on the piece again");
  return ticket;
}
