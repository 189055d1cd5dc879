import { getAddress } from "ethers";

/**
 * did:pkh (W3C CCG draft) names an issuer by its blockchain account: `did:pkh:eip155:{chainId}:{address}`.
 * Its DID document is derived from the identifier alone, with one verification method,
 * `#blockchainAccountId` (EcdsaSecp256k1RecoveryMethod2020): a verifier recovers the public key
 * from an ES256K signature and compares its address. No registry, no network: the passport's
 * credential verifies offline, and the same address is the one the chain gives the ISSUER role.
 */
export function didPkhOf(chainId: number, address: string): string {
  return `did:pkh:eip155:${chainId}:${getAddress(address)}`;
}

/** The JWS `kid` of a did:pkh issuer: its one verification method. */
export function verificationMethodOf(did: string): string {
  return `${did}#blockchainAccountId`;
}
