import { getAddress, isAddress, ZeroAddress } from "ethers";
import { certificateDomain, signTypedMessage } from "../chain/eip712.js";
import { InvalidInputError, UnprocessableError } from "../errors.js";
import type { RelayedClaim, TagClaimToRelay } from "../issuer/claim-relay.js";
import { brandOfToken } from "../issuer/serials.js";
import type { TagKeyring } from "../tags/keyring.js";
import { openTagClaimTicket, TAG_CLAIM_TICKET_SECONDS } from "../tags/tag-claim-ticket.js";
import type { ChainIdentity } from "./context.js";

/** The relay's one method a tag claim needs (server/issuer/claim-relay.ts). */
export interface TagClaimRelay {
  relayTagClaim(claim: TagClaimToRelay): Promise<RelayedClaim>;
  /** The latest block's timestamp (Unix seconds): the clock the contract checks the deadline against. */
  chainTime(): Promise<number>;
}

/** This verifier holds no oracle key for the piece's brand, or relays no claims: nothing to sign with. */
export class TagClaimUnavailableError extends UnprocessableError {
  override readonly type = "tag-claim-unavailable";
}

export interface TagClaimDependencies {
  keyring: TagKeyring;
  identity: ChainIdentity;
  relay: TagClaimRelay | undefined;
}

/**
 * A claim with a fresh tap (TagAttestedClaims): the ticket the tap's page gave proves this verifier
 * saw tap `counter` of the piece's tag fresh; the brand's oracle key then signs TagClaim(tokenId,
 * recipient, counter, deadline) and the relay submits claimWithTag, so the customer pays no gas. The
 * contract refuses a counter already used, so a ticket claims once. The ticket's lapse is checked
 * here on this server's clock; the attestation's deadline is set on the chain's clock (the latest
 * block's time plus the ticket's lifetime), which is the one the contract compares it with.
 */
export async function claimWithTap(
  deps: TagClaimDependencies,
  input: { tokenId: bigint; ticket: string; recipient: string; now?: number },
): Promise<RelayedClaim & { recipient: string; counter: number }> {
  if (!isAddress(input.recipient) || getAddress(input.recipient) === ZeroAddress)
    throw new InvalidInputError("The recipient must be an Ethereum address (0x and 40 hex digits), not zero");
  const recipient = getAddress(input.recipient);
  const oracle = deps.keyring.oracle(brandOfToken(input.tokenId));
  if (oracle === null)
    throw new TagClaimUnavailableError("This verifier holds no tag oracle key for the piece's brand");
  if (deps.relay === undefined) throw new TagClaimUnavailableError("This verifier relays no claims");
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const ticket = openTagClaimTicket(oracle, input.tokenId, input.ticket, nowSeconds);
  const domain = certificateDomain(deps.identity.chainId, deps.identity.certificateAddress);
  const claim = {
    tokenId: input.tokenId,
    recipient,
    counter: BigInt(ticket.counter),
    deadline: BigInt((await deps.relay.chainTime()) + TAG_CLAIM_TICKET_SECONDS),
  };
  const attestation = await signTypedMessage(oracle, "TagClaim", domain, claim);
  const relayed = await deps.relay.relayTagClaim({ ...claim, oracle: oracle.address, attestation });
  return { ...relayed, recipient, counter: ticket.counter };
}
