import { getAddress, Signature, verifyMessage } from "ethers";
import { DependencyUnavailableError, InvalidInputError, NotFoundError } from "../errors.js";
import type { CertificateChainReader } from "../chain/contracts.js";
import { requireKeySignatureForm } from "../chain/signature-form.js";
import type { IndexReader } from "../store/IndexStore.js";
import type { ChipChallengeView, ChipProofResult } from "./answers/chip.js";
import type { ChallengeStore } from "./challenge-store.js";
import type { ChainIdentity } from "./context.js";
import { sameAddress } from "./ids.js";
import { ForeignChallengeError, NoChipError } from "./proof-errors.js";

/**
 * Chip authentication: the NFC chip in the piece signs a fresh challenge with the key bound to
 * the certificate at manufacture, so a partner knows the object in hand is the one certified.
 *
 * Scheme: EIP-191 personal message (`personal_sign`), because that is what NFC signing chips
 * (e.g. HaLo / Arx) and phone wallets produce without typed-data support. The message names the
 * chain, the contract, the token and the challenge, so a signature for one piece, chain or
 * challenge is worth nothing for another. The key is the one bound at mint (index), confirmed
 * with `chipOf` at the head.
 */
export const CHIP_SIGNATURE_SCHEME = "eip191-personal-sign";

export interface ChipChallengePayload {
  tokenId: string;
  message: string;
}

/** The answers' shapes are their schemas' (./answers/chip.ts), which the OpenAPI document is generated from. */
export type { ChipChallengeView, ChipProofResult } from "./answers/chip.js";

export function chipMessage(identity: ChainIdentity, tokenId: string, challenge: string): string {
  return [
    "Hallmark chip authentication",
    `chain: ${identity.chainId}`,
    `certificate contract: ${getAddress(identity.certificateAddress)}`,
    `token: ${tokenId}`,
    `challenge: ${challenge}`,
  ].join("\n");
}

export async function createChipChallenge(
  index: IndexReader,
  identity: ChainIdentity,
  challenges: ChallengeStore<ChipChallengePayload>,
  tokenId: bigint,
  /** Who asks (clientKeyOf): each client holds a bounded share of the open challenges. */
  client?: string,
): Promise<ChipChallengeView> {
  const certificate = await index.getCertificate(tokenId.toString());
  if (certificate === null) throw new NotFoundError(`No certificate ${tokenId.toString()}`);
  if (certificate.chip === null)
    throw new NoChipError(`Certificate ${certificate.tokenId} has no NFC chip bound`);
  // The message embeds the challenge, whose id the store draws.
  const challenge = await challenges.issue(
    (id) => ({ tokenId: certificate.tokenId, message: chipMessage(identity, certificate.tokenId, id) }),
    client,
  );
  const { message } = challenge.payload;
  return {
    challengeId: challenge.id,
    tokenId: certificate.tokenId,
    expiresAt: new Date(challenge.expiresAt).toISOString(),
    scheme: CHIP_SIGNATURE_SCHEME,
    message,
    chip: certificate.chip,
  };
}

export async function verifyChipProof(
  chain: CertificateChainReader,
  challenges: ChallengeStore<ChipChallengePayload>,
  proof: { challengeId: string; signature: string; tokenId?: bigint },
): Promise<ChipProofResult> {
  const peeked = await challenges.peek(proof.challengeId);
  if (proof.tokenId !== undefined && proof.tokenId.toString() !== peeked.payload.tokenId) {
    throw new ForeignChallengeError(
      `This challenge was issued for certificate ${peeked.payload.tokenId}, not ${proof.tokenId.toString()}`,
    );
  }
  // A chip is a key: the 65-byte form only, as the contract's claimWithChip takes it.
  requireKeySignatureForm(proof.signature);
  let signer: string;
  try {
    Signature.from(proof.signature);
    signer = verifyMessage(peeked.payload.message, proof.signature);
  } catch (cause) {
    throw new InvalidInputError("signature is not a valid secp256k1 signature", { cause });
  }
  const challenge = await challenges.take(proof.challengeId);
  try {
    const block = await chain.headBlock();
    const { chip } = await chain.chipOf(BigInt(challenge.payload.tokenId), block);
    await challenges.consume(challenge.id);
    return { tokenId: challenge.payload.tokenId, authentic: sameAddress(chip, signer), chip, signer, block };
  } catch (error) {
    if (error instanceof DependencyUnavailableError) await challenges.release(challenge.id);
    else await challenges.consume(challenge.id);
    throw error;
  }
}
