import { computeAddress, sha256, toUtf8Bytes } from "ethers";
import type { SigningKey } from "ethers";
import { didPkhOf, verificationMethodOf } from "./did-pkh.js";

/**
 * A W3C Verifiable Credential secured as a JWT (VC-JOSE-COSE, media type `application/vc+jwt`):
 * the payload is the credential itself, signed ES256K (ECDSA over secp256k1 with SHA-256, RFC 8812).
 * The registered claims `iss`, `sub`, `jti`, `iat` and `nbf` repeat the credential's issuer,
 * subject, id and validity so that generic JWT verifiers (did-jwt, jose) find what they look for.
 */

/** A brand's credential signer: its issuer key, named as a did:pkh on the verifier's chain. */
export interface CredentialIssuer {
  did: string;
  /** The JWS `kid`: `${did}#blockchainAccountId`. */
  kid: string;
  key: SigningKey;
}

export function credentialIssuerOf(chainId: number, key: SigningKey): CredentialIssuer {
  const did = didPkhOf(chainId, computeAddress(key.publicKey));
  return { did, kid: verificationMethodOf(did), key };
}

const base64url = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === "string" ? toUtf8Bytes(bytes) : bytes).toString("base64url");

export interface JwtClaims {
  /** Seconds since the epoch. */
  iat: number;
  nbf?: number;
  exp?: number;
  jti?: string;
  sub?: string;
}

/** The compact JWS of `credential`, signed by `issuer`. */
export function signCredentialJwt(
  credential: Record<string, unknown>,
  issuer: CredentialIssuer,
  claims: JwtClaims,
): string {
  const header = { alg: "ES256K", typ: "vc+jwt", cty: "vc", kid: issuer.kid };
  const payload = { ...credential, iss: issuer.did, ...claims };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  // ethers signs the digest as given and normalises s to the lower half (as RFC 8812 verifiers accept).
  const signature = issuer.key.sign(sha256(toUtf8Bytes(signingInput)));
  const rs = Buffer.concat([
    Buffer.from(signature.r.slice(2), "hex"),
    Buffer.from(signature.s.slice(2), "hex"),
  ]);
  return `${signingInput}.${base64url(rs)}`;
}
