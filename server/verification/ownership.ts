import { ZeroAddress } from "ethers";
import { DependencyUnavailableError, NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import type {
  OwnershipChallengeState,
  OwnershipChallengeView,
  OwnershipProofResult,
} from "./answers/ownership.js";
import type { ChallengeStore } from "./challenge-store.js";
import type { ChainIdentity } from "./context.js";
import type { CertificateChainReader } from "../chain/contracts.js";
import { certificateDomain, EIP712_DOMAIN_TYPE, OWNERSHIP_PROOF_TYPES } from "../chain/eip712.js";
import { CompactSignatureError, requireAccountSignatureForm } from "../chain/signature-form.js";
import { ForeignChallengeError } from "./proof-errors.js";

/**
 * Ownership proof: the owner signs an EIP-712 OwnershipProof(tokenId, owner, challenge) with the
 * domain of the certificate contract, and the contract's own `verifyOwnership` view decides at
 * the chain head (EOA signatures and EIP-1271 smart wallets alike). The server only issues
 * single-use challenges and asks the chain, after refusing the signature forms the contract
 * would refuse (server/chain/signature-form.ts).
 */
export interface OwnershipChallengePayload {
  tokenId: string;
}

/** The answers' shapes are their schemas' (./answers/ownership.ts), which the OpenAPI document is generated from. */
export type {
  OwnershipChallengeState,
  OwnershipChallengeView,
  OwnershipProofResult,
} from "./answers/ownership.js";

/** The store of ownership challenges: each keeps the result of its proof for a watching device. */
export type OwnershipChallenges = ChallengeStore<OwnershipChallengePayload, OwnershipProofResult>;

function typedDataOf(
  identity: ChainIdentity,
  tokenId: string,
  owner: string,
  challengeId: string,
): OwnershipChallengeView["typedData"] {
  return {
    types: { EIP712Domain: EIP712_DOMAIN_TYPE, ...OWNERSHIP_PROOF_TYPES },
    primaryType: "OwnershipProof",
    domain: certificateDomain(identity.chainId, identity.certificateAddress),
    message: { tokenId, owner, challenge: challengeId },
  };
}

export async function createOwnershipChallenge(
  index: IndexReader,
  identity: ChainIdentity,
  challenges: OwnershipChallenges,
  tokenId: bigint,
  /** Who asks (clientKeyOf): each client holds a bounded share of the open challenges. */
  client?: string,
): Promise<OwnershipChallengeView> {
  const certificate = await index.getCertificate(tokenId.toString());
  if (certificate === null) throw new NotFoundError(`No certificate ${tokenId.toString()}`);
  const challenge = await challenges.issue(() => ({ tokenId: certificate.tokenId }), client);
  return {
    challengeId: challenge.id,
    tokenId: certificate.tokenId,
    expiresAt: new Date(challenge.expiresAt).toISOString(),
    typedData: typedDataOf(identity, certificate.tokenId, certificate.owner, challenge.id),
  };
}

export async function verifyOwnershipProof(
  chain: CertificateChainReader,
  challenges: OwnershipChallenges,
  proof: { challengeId: string; signature: string; tokenId?: bigint },
): Promise<OwnershipProofResult> {
  const peeked = await challenges.peek(proof.challengeId);
  if (proof.tokenId !== undefined && proof.tokenId.toString() !== peeked.payload.tokenId) {
    throw new ForeignChallengeError(
      `This challenge was issued for certificate ${peeked.payload.tokenId}, not ${proof.tokenId.toString()}`,
    );
  }
  const challenge = await challenges.take(proof.challengeId);
  const tokenId = BigInt(challenge.payload.tokenId);
  try {
    // One block for both reads: the owner named is the one the signature was checked against.
    const block = await chain.headBlock();
    const address = await chain.ownerOf(tokenId, block);
    if (address !== null)
      await requireAccountSignatureForm(proof.signature, () => chain.hasCode(address, block));
    const valid =
      address !== null && (await chain.verifyOwnership(tokenId, challenge.id, proof.signature, block));
    const result: OwnershipProofResult = { tokenId: challenge.payload.tokenId, owner: valid, address, block };
    await challenges.consume(challenge.id, result);
    return result;
  } catch (error) {
    // Nothing was decided: the challenge stays open for a retry (the 65-byte form, or once the chain answers).
    if (error instanceof DependencyUnavailableError || error instanceof CompactSignatureError)
      await challenges.release(challenge.id);
    else await challenges.consume(challenge.id);
    throw error;
  }
}

/**
 * A challenge as a second device sees it (the buyer's phone while the seller signs on theirs):
 * - pending: not proven yet; with the typed data, so the seller's device can sign it;
 * - proven: the proof's result, exactly what POST /v1/ownership/proofs answered;
 * - failed: a proof was submitted but could not be decided (the contract refused the call);
 * - expired: past its expiry, whatever happened before.
 *
 * Security: the id is 32 random bytes handed only to whoever asked for the challenge, so knowing
 * it is the capability to watch (and to sign). Reading consumes nothing. The state tells no more
 * than the proof's answer does: owner or not, and `address`, the owner at `block` (the signer
 * when `owner` is true; a public fact on-chain otherwise). It lives in the challenge's bounded
 * entry and expires with it.
 */
export async function ownershipChallengeState(
  index: IndexReader,
  identity: ChainIdentity,
  challenges: OwnershipChallenges,
  challengeId: string,
): Promise<OwnershipChallengeState> {
  const status = await challenges.stateOf(challengeId);
  const { id, payload } = status.challenge;
  const base = {
    challengeId: id,
    tokenId: payload.tokenId,
    expiresAt: new Date(status.challenge.expiresAt).toISOString(),
  };
  switch (status.state) {
    case "expired":
      return { state: "expired", ...base };
    case "used":
      return status.outcome === undefined
        ? { state: "failed", ...base }
        : { state: "proven", ...base, ...status.outcome };
    case "open": {
      const owner = (await index.getCertificate(payload.tokenId))?.owner ?? ZeroAddress;
      return { state: "pending", ...base, typedData: typedDataOf(identity, payload.tokenId, owner, id) };
    }
  }
}
