import { concat, getBytes, hexlify, toBeHex, zeroPadValue } from "ethers";

/**
 * The signature a Hallmark passkey account checks, OpenZeppelin's WebAuthnAuth packed after the key:
 * `qx ‖ qy ‖ r ‖ s ‖ uint16 challengeIndex ‖ uint16 typeIndex ‖ uint16 authenticatorData.length ‖
 * authenticatorData ‖ clientDataJSON` (contracts/account/SignerPasskeys.sol). Built from what
 * navigator.credentials.get() returns; the same module runs in the browser page (bundled as is) and the server.
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
  const clientData = new TextDecoder().decode(assertion.clientDataJSON);
  const challengeIndex = clientData.indexOf('"challenge":"');
  const typeIndex = clientData.indexOf('"type":"');
  if (challengeIndex < 0 || typeIndex < 0) throw new Error("clientDataJSON has no type or challenge");
  // The indexes are byte offsets; the account reads each of the three lengths as a uint16.
  const uint16 = (value: number, what: string) => {
    if (value > 0xffff) throw new Error(`${what} beyond 65,535 bytes`);
    return toBeHex(value, 2);
  };
  const challengeAt = new TextEncoder().encode(clientData.slice(0, challengeIndex)).length;
  const typeAt = new TextEncoder().encode(clientData.slice(0, typeIndex)).length;
  return concat([
    zeroPadValue(key.qx, 32),
    zeroPadValue(key.qy, 32),
    toBeHex(assertion.r, 32),
    toBeHex(assertion.s, 32),
    uint16(challengeAt, "challenge index"),
    uint16(typeAt, "type index"),
    uint16(assertion.authenticatorData.length, "authenticator data"),
    assertion.authenticatorData,
    assertion.clientDataJSON,
  ]);
}

/** WebAuthn's challenge encoding (base64url without padding) of the 32-byte hash the passkey signs. */
export function challengeOf(hash: string): string {
  const binary = String.fromCharCode(...getBytes(hash));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
