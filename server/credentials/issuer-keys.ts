import { BaseWallet } from "ethers";
import type { Signer, SigningKey } from "ethers";

/**
 * The brands' issuer keys a verifier can sign credentials with: the keys it already holds for the
 * issuer API (HALLMARK_ISSUER_KEYSTORES, server/issuer/service/brand-signers.ts). A JWS signs a
 * SHA-256 digest, not an Ethereum message, so only a key the process holds can do it: a signer
 * hook's remote Signer (a KMS) has no raw signing and counts as no key.
 */
export type CredentialKeys = (brandId: number) => SigningKey | undefined;

export function credentialKeysOf(signers: ReadonlyMap<number, Signer>): CredentialKeys {
  return (brandId) => {
    const signer = signers.get(brandId);
    return signer instanceof BaseWallet ? signer.signingKey : undefined;
  };
}
