import { DependencyUnavailableError, NotFoundError } from "../errors.js";
import type { IndexReader } from "../store/IndexStore.js";
import type { ChallengeStore } from "./challenge-store.js";
import type { ChainIdentity } from "./context.js";
import type { CertificateChainReader } from "../chain/contracts.js";
import { ForeignChallengeError } from "./proof-errors.js";

/**
 * Ownership proof: the owner signs an EIP-712 OwnershipProof(tokenId, owner, challenge) with the
 * domain of the certificate contract, and the contract's own `verifyOwnership` view decides at
 * the chain head (EOA signatures and EIP-1271 smart wallets alike). The server only issues
 * single-use challenges and asks the chain.
 */
export const OWNERSHIP_PROOF_TYPES = {
  OwnershipProof: [
    { name: "tokenId", type: "uint256" },
    { name: "owner", type: "address" },
    { name: "challenge", type: "bytes32" },
  ],
} as const;

const EIP712_DOMAIN_TYPE = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
] as const;

export interface OwnershipChallengePayload {
  tokenId: string;
}

export interface OwnershipChallengeView {
  challengeId: string;
  tokenId: string;
  expiresAt: string;
  /** Ready for eth_signTypedData_v4 (ethers' signTypedData takes `types` without EIP712Domain). */
  typedData: {
    types: { EIP712Domain: typeof EIP712_DOMAIN_TYPE } & typeof OWNERSHIP_PROOF_TYPES;
    primaryType: "OwnershipProof";
    domain: { name: "Hallmark Certificate"; version: "1"; chainId: number; verifyingContract: string };
    /** `owner` is the owner the index knows; the signer puts its own address (the proof is checked against the owner at the head). */
    message: { tokenId: string; owner: string; challenge: string };
  };
}

export function createOwnershipChallenge(
  index: IndexReader,
  identity: ChainIdentity,
  challenges: ChallengeStore<OwnershipChallengePayload>,
  tokenId: bigint,
  /** Who asks (clientKeyOf): each client holds a bounded share of the open challenges. */
  client?: string,
): OwnershipChallengeView {
  const certificate = index.getCertificate(tokenId.toString());
  if (certificate === null) throw new NotFoundError(`No certificate ${tokenId.toString()}`);
  const challenge = challenges.issue({ tokenId: certificate.tokenId }, client);
  return {
    challengeId: challenge.id,
    tokenId: certificate.tokenId,
    expiresAt: new Date(challenge.expiresAt).toISOString(),
    typedData: {
      types: { EIP712Domain: EIP712_DOMAIN_TYPE, ...OWNERSHIP_PROOF_TYPES },
      primaryType: "OwnershipProof",
      domain: { name: "Hallmark Certificate", version: "1", chainId: identity.chainId, verifyingContract: identity.certificateAddress },
      message: { tokenId: certificate.tokenId, owner: certificate.owner, challenge: challenge.id },
    },
  };
}

export interface OwnershipProofResult {
  tokenId: string;
  /** Whether the signature is the current owner's, at `block`. */
  owner: boolean;
  /** The owner at the head (null when the certificate no longer exists there). */
  address: string | null;
  block: number;
}

export async function verifyOwnershipProof(
  chain: CertificateChainReader,
  challenges: ChallengeStore<OwnershipChallengePayload>,
  proof: { challengeId: string; signature: string; tokenId?: bigint },
): Promise<OwnershipProofResult> {
  const peeked = challenges.peek(proof.challengeId);
  if (proof.tokenId !== undefined && proof.tokenId.toString() !== peeked.payload.tokenId) {
    throw new ForeignChallengeError(`This challenge was issued for certificate ${peeked.payload.tokenId}, not ${proof.tokenId.toString()}`);
  }
  const challenge = challenges.take(proof.challengeId);
  const tokenId = BigInt(challenge.payload.tokenId);
  try {
    // One block for both reads: the owner named is the one the signature was checked against.
    const block = await chain.headBlock();
    const address = await chain.ownerOf(tokenId, block);
    const valid = address !== null && (await chain.verifyOwnership(tokenId, challenge.id, proof.signature, block));
    challenges.consume(challenge.id);
    return { tokenId: challenge.payload.tokenId, owner: valid, address, block };
  } catch (error) {
    if (error instanceof DependencyUnavailableError) challenges.release(challenge.id);
    else challenges.consume(challenge.id);
    throw error;
  }
}
