import { getAddress } from "ethers";
import { NotFoundError } from "../errors.js";
import { certificateDomain, OWNERSHIP_PROOF_TYPES } from "../chain/eip712.js";
import { wrapErc6492 } from "../chain/passkey/erc6492.js";
import { nestedTypedData } from "../chain/passkey/erc7739.js";
import type { NestedTypedData } from "../chain/passkey/erc7739.js";
import { createAccountCallData } from "../chain/passkey/user-operation.js";
import { challengeOf, encodePasskeySignature } from "../chain/passkey/webauthn-signature.js";
import type { OwnershipChallenges } from "../verification/ownership.js";
import type { PasskeyCredential, PasskeyCredentials } from "./credentials.js";
import type { PasskeyChain } from "./passkey-chain.js";
import type { RelyingParty } from "./relying-party.js";
import { checkAssertion } from "./webauthn-assertion.js";
import type { AssertionJson } from "./webauthn-assertion.js";

/**
 * Proving ownership with a passkey (the two-phone check): the buyer's challenge is an OwnershipProof
 * (tokenId, owner, challenge) under the certificate's EIP-712 domain; a passkey account answers EIP-1271
 * through ERC-7739, so the passkey signs the nested TypedDataSign hash that also names the account. The
 * verifier gives the seller's page that hash as a WebAuthn challenge, checks the answer (origin, RP id,
 * UV, challenge) and builds the account's signature, wrapped with ERC-6492 (the factory call that would
 * deploy it) when the account does not exist yet. The certificate's own verifyOwnership then decides,
 * through the existing proof route, exactly as for any wallet.
 */
export interface PasskeyProofContext {
  chain: PasskeyChain;
  party: RelyingParty;
  credentials: PasskeyCredentials;
  challenges: OwnershipChallenges;
}

export interface PasskeyProofOptions {
  challengeId: string;
  tokenId: string;
  /** The account the proof is for (the owner it claims to be). */
  account: string;
  deployed: boolean;
  /** The ERC-7739 hash the passkey signs. */
  hash: string;
  /** For navigator.credentials.get() (@simplewebauthn/browser startAuthentication's optionsJSON). */
  options: {
    challenge: string;
    rpId: string;
    allowCredentials: { id: string; type: "public-key" }[];
    userVerification: "required";
    timeout: number;
  };
}

export async function passkeyProofOptions(
  context: PasskeyProofContext,
  request: { challengeId: string; credentialId: string; account?: string },
): Promise<PasskeyProofOptions> {
  const challenge = await context.challenges.peek(request.challengeId);
  const credential = await credentialOf(context.credentials, request.credentialId);
  const account = getAddress(request.account ?? credential.account);
  const nested = proofTypedData(context.chain, challenge.payload.tokenId, account, challenge.id);
  return {
    challengeId: challenge.id,
    tokenId: challenge.payload.tokenId,
    account,
    deployed: await context.chain.isDeployed(account),
    hash: nested.hash,
    options: {
      challenge: challengeOf(nested.hash),
      rpId: context.party.rpId,
      allowCredentials: [{ id: credential.credentialId, type: "public-key" }],
      userVerification: "required",
      timeout: Math.max(1_000, challenge.expiresAt - Date.now()),
    },
  };
}

/** The account signature for the passkey's answer, ready for verifyOwnershipProof (ERC-1271 or ERC-6492). */
export async function passkeyProofSignature(
  context: PasskeyProofContext,
  request: { challengeId: string; passkey: AssertionJson; account?: string },
): Promise<string> {
  const challenge = await context.challenges.peek(request.challengeId);
  const credential = await credentialOf(context.credentials, request.passkey.credentialId);
  const account = getAddress(request.account ?? credential.account);
  const key = { qx: credential.qx, qy: credential.qy };
  const nested = proofTypedData(context.chain, challenge.payload.tokenId, account, challenge.id);
  const assertion = checkAssertion(request.passkey, { party: context.party, hash: nested.hash, key });
  const signature = nested.wrap(encodePasskeySignature(key, assertion));
  if (await context.chain.isDeployed(account)) return signature;
  // Not deployed: only the passkey's own account can be made by the factory call; for any other address
  // the plain signature goes to the contract, which finds no code there and answers false.
  if ((await context.chain.accountAddress(key.qx, key.qy)) !== account) return signature;
  return wrapErc6492(context.chain.addresses.factory, createAccountCallData(key.qx, key.qy), signature);
}

function proofTypedData(
  chain: PasskeyChain,
  tokenId: string,
  account: string,
  challengeId: string,
): NestedTypedData {
  return nestedTypedData(
    certificateDomain(chain.chainId, chain.addresses.certificate),
    OWNERSHIP_PROOF_TYPES,
    { tokenId, owner: account, challenge: challengeId },
    account,
    chain.chainId,
  );
}

async function credentialOf(
  credentials: PasskeyCredentials,
  credentialId: string,
): Promise<PasskeyCredential> {
  const credential = await credentials.find(credentialId);
  if (credential === null)
    throw new NotFoundError("No passkey is registered here with this credential id: register it first");
  return credential;
}
