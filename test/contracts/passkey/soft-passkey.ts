import { p256 } from "@noble/curves/p256";
import { concat, getBytes, sha256, toBeHex, toUtf8Bytes } from "ethers";
import {
  challengeOf,
  encodePasskeyAuth,
  encodePasskeySignature,
  P256_N,
  packPasskeyAuth,
  type PasskeyPublicKey,
} from "../../../server/chain/passkey/webauthn-signature.js";

/** What an authenticator and browser put around a signature; each can be bent to test a refusal. */
export interface AssertionOptions {
  rpId?: string;
  origin?: string;
  /** Authenticator flags: UP (0x01) | UV (0x04) by default. */
  flags?: number;
  type?: string;
  /** Keep the s value in the high half (a malleated signature). */
  highS?: boolean;
}

/**
 * A software passkey for tests and benchmarks: a P-256 key that answers navigator.credentials.get() the way
 * a platform authenticator does (authenticator data, client data JSON, signature over both).
 */
export class SoftPasskey implements PasskeyPublicKey {
  readonly qx: string;
  readonly qy: string;
  private readonly privateKey: Uint8Array;

  constructor(seed: string) {
    this.privateKey = getBytes(sha256(toUtf8Bytes(`soft passkey ${seed}`)));
    const point = p256.getPublicKey(this.privateKey, false);
    this.qx = toBeHex(BigInt("0x" + Buffer.from(point.slice(1, 33)).toString("hex")), 32);
    this.qy = toBeHex(BigInt("0x" + Buffer.from(point.slice(33, 65)).toString("hex")), 32);
  }

  /** The account signature over `hash` (a user operation hash or an ERC-7739 hash). */
  sign(hash: string, options: AssertionOptions = {}): string {
    const {
      rpId = "localhost",
      origin = "http://localhost:8080",
      flags = 0x05,
      type = "webauthn.get",
    } = options;
    const authenticatorData = getBytes(concat([sha256(toUtf8Bytes(rpId)), toBeHex(flags, 1), "0x00000001"]));
    const clientDataJSON = toUtf8Bytes(
      JSON.stringify({ type, challenge: challengeOf(hash), origin, crossOrigin: false }),
    );
    const digest = sha256(concat([authenticatorData, sha256(clientDataJSON)]));
    const signature = p256.sign(getBytes(digest), this.privateKey, { prehash: false, lowS: true });
    const assertion = { authenticatorData, clientDataJSON, r: signature.r, s: signature.s };
    if (type !== "webauthn.get") {
      // The encoder takes only a webauthn.get: cut this one after its challenge as a relay would have to.
      const cut = clientDataJSON.indexOf(
        0x22,
        new TextDecoder().decode(clientDataJSON).indexOf(challengeOf(hash)),
      );
      return packPasskeyAuth(this, { ...assertion, clientDataSuffix: clientDataJSON.slice(cut + 1) });
    }
    return options.highS
      ? encodePasskeyAuth(this, { ...assertion, s: P256_N - signature.s })
      : encodePasskeySignature(this, assertion);
  }
}
