import { createHash, createPublicKey, verify } from "node:crypto";
import { getBytes, toBeHex } from "ethers";
import { challengeOf, clientDataPrefix, derSignatureToRS } from "../chain/passkey/webauthn-signature.js";
import type { PasskeyPublicKey, WebAuthnAssertion } from "../chain/passkey/webauthn-signature.js";
import { PasskeyAssertionError } from "./errors.js";
import type { RelyingParty } from "./relying-party.js";

/**
 * The checks the verifier makes of a passkey's answer to navigator.credentials.get() before it builds an
 * account signature from it: the page that asked was this verifier's own (clientDataJSON's origin), the
 * passkey is scoped to this verifier's RP id (authenticatorData's rpIdHash), the phone verified its user
 * (UV flag), it is a `webauthn.get` (not a registration) over exactly the expected 32-byte hash, and the
 * P-256 signature verifies with the passkey's key, and the client data starts with its type and challenge
 * in WebAuthn's order (the account rebuilds those bytes rather than reading them). The account contract
 * checks the type, challenge (by construction), flags and signature again; origin and RP id are the
 * verifier's to check (the contract cannot).
 */

/** An assertion as @simplewebauthn/browser's startAuthentication returns it (base64url fields). */
export interface AssertionJson {
  credentialId: string;
  authenticatorData: string;
  clientDataJSON: string;
  /** The DER-encoded ECDSA signature. */
  signature: string;
}

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;

export function base64UrlBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64url"));
}

export function sha256(bytes: Uint8Array | string): Buffer {
  return createHash("sha256").update(bytes).digest();
}

interface ClientData {
  type?: unknown;
  challenge?: unknown;
  origin?: unknown;
  crossOrigin?: unknown;
}

/**
 * Checks `assertion` as the answer to a request for `hash` by `key` on `party`; returns the assertion in
 * the form the account signature encodes (r, s as the authenticator gave them: the encoder makes s low).
 */
export function checkAssertion(
  assertion: AssertionJson,
  expected: { party: RelyingParty; hash: string; key: PasskeyPublicKey },
): WebAuthnAssertion {
  const authenticatorData = base64UrlBytes(assertion.authenticatorData);
  const clientDataJSON = base64UrlBytes(assertion.clientDataJSON);
  let clientData: ClientData;
  try {
    clientData = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(clientDataJSON)) as ClientData;
  } catch {
    throw new PasskeyAssertionError("clientDataJSON is not JSON");
  }
  if (typeof clientData !== "object" || clientData === null)
    throw new PasskeyAssertionError("clientDataJSON is not a JSON object");
  if (clientData.type !== "webauthn.get")
    throw new PasskeyAssertionError(`clientDataJSON's type is ${String(clientData.type)}, not webauthn.get`);
  if (clientData.origin !== expected.party.origin)
    throw new PasskeyAssertionError(
      `The passkey answered a page of ${String(clientData.origin)}, not of ${expected.party.origin}`,
    );
  if (clientData.crossOrigin === true)
    throw new PasskeyAssertionError("The passkey answered a cross-origin frame");
  if (clientData.challenge !== challengeOf(expected.hash))
    throw new PasskeyAssertionError("The passkey signed another challenge than this operation's or proof's");
  // The account rebuilds these first bytes from the hash rather than reading them (PackedWebAuthn.sol): a
  // client data JSON written in another order or spacing, valid as JSON, could not verify on chain.
  const prefix = clientDataPrefix(expected.hash);
  if (Buffer.from(clientDataJSON.subarray(0, prefix.length)).toString("latin1") !== prefix)
    throw new PasskeyAssertionError(
      `clientDataJSON does not start with ${prefix} (type, then challenge, as WebAuthn serialises them)`,
    );
  if (authenticatorData.length < 37) throw new PasskeyAssertionError("authenticatorData is too short");
  if (!sha256(expected.party.rpId).equals(authenticatorData.subarray(0, 32)))
    throw new PasskeyAssertionError(
      `The passkey is not one of ${expected.party.rpId}'s (RP id hash differs)`,
    );
  const flags = authenticatorData[32];
  if ((flags & FLAG_USER_PRESENT) === 0)
    throw new PasskeyAssertionError("The user was not present (UP flag)");
  if ((flags & FLAG_USER_VERIFIED) === 0)
    throw new PasskeyAssertionError(
      "The phone did not verify its user (UV flag unset): Face ID, fingerprint or screen lock is required",
    );
  let rs: { r: bigint; s: bigint };
  try {
    rs = derSignatureToRS(base64UrlBytes(assertion.signature));
  } catch {
    throw new PasskeyAssertionError("The signature is not a DER ECDSA signature");
  }
  const signed = Buffer.concat([authenticatorData, sha256(clientDataJSON)]);
  if (!p256Verifies(expected.key, signed, rs))
    throw new PasskeyAssertionError("The signature does not verify with this passkey's public key");
  return { authenticatorData, clientDataJSON, r: rs.r, s: rs.s };
}

/** ECDSA P-256 over SHA-256 of `message`, by node's crypto (either s form verifies). */
function p256Verifies(key: PasskeyPublicKey, message: Uint8Array, rs: { r: bigint; s: bigint }): boolean {
  try {
    const publicKey = createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(getBytes(toBeHex(BigInt(key.qx), 32))).toString("base64url"),
        y: Buffer.from(getBytes(toBeHex(BigInt(key.qy), 32))).toString("base64url"),
      },
      format: "jwk",
    });
    const signature = Buffer.concat([getBytes(toBeHex(rs.r, 32)), getBytes(toBeHex(rs.s, 32))]);
    return verify("sha256", message, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false; // A point off the curve, or r/s out of range.
  }
}
