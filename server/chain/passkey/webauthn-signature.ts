import { concat, getBytes, hexlify, toBeHex, zeroPadValue } from "ethers";

/**
 * The signature a Hallmark passkey account checks, OpenZeppelin's WebAuthnAuth packed after the key:
 * `qx ‖ qy ‖ r ‖ s ‖ uint16 authenticatorData.length ‖ authenticatorData ‖ clientDataSuffix`
 * (contracts/account/SignerPasskeys.sol, PackedWebAuthn.sol). The suffix is the client data JSON without its
 * first 80 bytes, `{"type":"webauthn.get","challenge":"<base64url of the hash>"`, which every browser writes
 * first (WebAuthn's JSON-compatible serialization of client data) and the account rebuilds from the hash it
 * checks: 80 calldata bytes fewer per signature. Built from what navigator.credentials.get() returns; the same
 * module runs in the browser page (bundled as is) and the server.
 */

/** Order of the P-256 group. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export interface PasskeyPublicKey {
  qx: string;
  qy: string;
}

export interface WebAuthnAssertion {
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  /** The P-256 signature as (r, s); see derSignatureToRS for the DER form browsers return. */
  r: bigint;
  s: bigint;
}

/** Parses the ASN.1 DER ECDSA signature WebAuthn authenticators return. */
export function derSignatureToRS(der: Uint8Array): { r: bigint; s: bigint } {
  let at = 0;
  const expect = (tag: number): number => {
    if (der[at] !== tag) throw new Error("not a DER ECDSA signature");
    const length = der[at + 1];
    at += 2;
    return length;
  };
  expect(0x30);
  const rLength = expect(0x02);
  const r = BigInt(hexlify(der.slice(at, at + rLength)));
  at += rLength;
  const sLength = expect(0x02);
  const s = BigInt(hexlify(der.slice(at, at + sLength)));
  return { r, s };
}

/**
 * Encodes an assertion for the account. The s value is moved to the low half of the group: (r, s) and
 * (r, n - s) are the same signature, and the account refuses the high form so that none has two encodings.
 */
export function encodePasskeySignature(key: PasskeyPublicKey, assertion: WebAuthnAssertion): string {
  const s = assertion.s > P256_N / 2n ? P256_N - assertion.s : assertion.s;
  return encodePasskeyAuth(key, { ...assertion, s });
}

/** Encodes an assertion exactly as given (the s value included). */
export function encodePasskeyAuth(key: PasskeyPublicKey, assertion: WebAuthnAssertion): string {
  return packPasskeyAuth(key, { ...assertion, clientDataSuffix: clientDataSuffix(assertion.clientDataJSON) });
}

/** The packed signature from its parts, the client data already cut after its challenge. */
export function packPasskeyAuth(
  key: PasskeyPublicKey,
  auth: { authenticatorData: Uint8Array; clientDataSuffix: Uint8Array; r: bigint; s: bigint },
): string {
  // The account reads the authenticator data's length as a uint16.
  if (auth.authenticatorData.length > 0xffff) throw new Error("authenticator data beyond 65,535 bytes");
  return concat([
    zeroPadValue(key.qx, 32),
    zeroPadValue(key.qy, 32),
    toBeHex(auth.r, 32),
    toBeHex(auth.s, 32),
    toBeHex(auth.authenticatorData.length, 2),
    auth.authenticatorData,
    auth.clientDataSuffix,
  ]);
}

/** What a client data JSON over `hash` starts with, in every browser: the bytes the account rebuilds. */
export function clientDataPrefix(hash: string): string {
  return `{"type":"webauthn.get","challenge":"${challengeOf(hash)}"`;
}

/** The 80 bytes of `{"type":"webauthn.get","challenge":"` (36), the base64url challenge (43) and `"`. */
const PREFIX_BYTES = 80;
const PREFIX_SHAPE = /^\{"type":"webauthn\.get","challenge":"[A-Za-z0-9_-]{43}"/;

/**
 * The client data JSON after its type and challenge. The caller has checked the challenge is the expected
 * one (checkAssertion); a client data JSON that does not start so is refused, since the account could not
 * verify it.
 */
export function clientDataSuffix(clientDataJSON: Uint8Array): Uint8Array {
  const head = new TextDecoder().decode(clientDataJSON.slice(0, PREFIX_BYTES));
  if (!PREFIX_SHAPE.test(head)) throw new Error("clientDataJSON does not start with its type and challenge");
  return clientDataJSON.slice(PREFIX_BYTES);
}

/** WebAuthn's challenge encoding (base64url without padding) of the 32-byte hash the passkey signs. */
export function challengeOf(hash: string): string {
  const binary = String.fromCharCode(...getBytes(hash));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
