import { createHash, randomBytes } from "node:crypto";
import { p256 } from "@noble/curves/p256";
import { getBytes, toBeHex } from "ethers";

/**
 * A software WebAuthn authenticator and browser for the verifier's tests: it answers
 * navigator.credentials.create() and .get() the way a phone's platform authenticator and Chromium do
 * (attestation "none" with CBOR authenticator data and a COSE ES256 key; DER ECDSA assertions), as the
 * JSON @simplewebauthn/browser's startRegistration and startAuthentication return. Every part a real
 * phone controls can be bent to test a refusal: the page's origin, the RP id, the flags (UV), the type,
 * the challenge, a high-s signature.
 */

export interface CeremonyOptions {
  origin?: string;
  rpId?: string;
  /** Authenticator flags; default UP | UV (| AT for a registration). */
  flags?: number;
  type?: string;
  /** Answer with the high-s twin of the signature (a malleated one). */
  highS?: boolean;
  /** Write the challenge before the type: valid JSON, but not WebAuthn's serialization order. */
  challengeFirst?: boolean;
}

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;
const P256_N = p256.CURVE.n;

export interface RegistrationJson {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  authenticatorAttachment: "platform";
  clientExtensionResults: Record<string, never>;
}

export interface AssertionJson {
  credentialId: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

export class SoftAuthenticator {
  readonly credentialId: string;
  readonly qx: string;
  readonly qy: string;
  private readonly privateKey: Uint8Array;
  private counter = 0;

  constructor(
    /** The site the "browser" is on: its origin, and the RP id it scopes the passkey to. */
    readonly site: { origin: string; rpId: string },
    seed: string = randomBytes(16).toString("hex"),
  ) {
    this.privateKey = new Uint8Array(sha(Buffer.from(`soft authenticator ${seed}`)));
    const point = p256.getPublicKey(this.privateKey, false);
    this.qx = toBeHex(BigInt("0x" + Buffer.from(point.slice(1, 33)).toString("hex")), 32);
    this.qy = toBeHex(BigInt("0x" + Buffer.from(point.slice(33, 65)).toString("hex")), 32);
    this.credentialId = Buffer.from(sha(Buffer.from(seed)).subarray(0, 20)).toString("base64url");
  }

  get publicKey(): { x: string; y: string } {
    return { x: this.qx, y: this.qy };
  }

  /** navigator.credentials.create() for `options` (the verifier's creation options JSON). */
  register(
    options: { challenge: string; rp: { id?: string } },
    bend: CeremonyOptions = {},
  ): RegistrationJson {
    const rpId = bend.rpId ?? this.site.rpId;
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: bend.type ?? "webauthn.create",
        challenge: options.challenge,
        origin: bend.origin ?? this.site.origin,
        crossOrigin: false,
      }),
    );
    const credentialIdBytes = Buffer.from(this.credentialId, "base64url");
    const coseKey = cbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, getBytes(this.qx)],
        [-3, getBytes(this.qy)],
      ]),
    );
    const authData = Buffer.concat([
      sha(Buffer.from(rpId)),
      Buffer.from([bend.flags ?? UP | UV | AT]),
      Buffer.from([0, 0, 0, 0]),
      Buffer.alloc(16), // AAGUID: none
      Buffer.from([credentialIdBytes.length >> 8, credentialIdBytes.length & 0xff]),
      credentialIdBytes,
      coseKey,
    ]);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        attestationObject: Buffer.from(attestationObject).toString("base64url"),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() with `challenge` (base64url), as startAuthentication returns it. */
  assert(challenge: string, bend: CeremonyOptions = {}): AssertionJson {
    const rpId = bend.rpId ?? this.site.rpId;
    this.counter += 1;
    const authenticatorData = Buffer.concat([
      sha(Buffer.from(rpId)),
      Buffer.from([bend.flags ?? UP | UV]),
      Buffer.from(toBeHex(this.counter, 4).slice(2), "hex"),
    ]);
    // Chromium's key order, and the extra member it sometimes adds so nobody compares against a template.
    const type = bend.type ?? "webauthn.get";
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        ...(bend.challengeFirst ? { challenge, type } : { type, challenge }),
        origin: bend.origin ?? this.site.origin,
        crossOrigin: false,
        other_keys_can_be_added_here:
          "do not compare clientDataJSON against a template. See https://goo.gl/yabPex",
      }),
    );
    const digest = sha(Buffer.concat([authenticatorData, sha(clientDataJSON)]));
    const signature = p256.sign(digest, this.privateKey, { prehash: false, lowS: true });
    const der = bend.highS
      ? new p256.Signature(signature.r, P256_N - signature.s).toDERRawBytes()
      : signature.toDERRawBytes();
    return {
      credentialId: this.credentialId,
      authenticatorData: authenticatorData.toString("base64url"),
      clientDataJSON: clientDataJSON.toString("base64url"),
      signature: Buffer.from(der).toString("base64url"),
    };
  }
}

function sha(bytes: Uint8Array): Buffer {
  return createHash("sha256").update(bytes).digest();
}

/** The CBOR WebAuthn uses (RFC 8949, definite lengths): integers, text and byte strings, maps. */
function cbor(value: unknown): Uint8Array {
  const out: number[] = [];
  const head = (major: number, length: number) => {
    if (length < 24) out.push((major << 5) | length);
    else if (length < 0x100) out.push((major << 5) | 24, length);
    else out.push((major << 5) | 25, length >> 8, length & 0xff);
  };
  const write = (item: unknown): void => {
    if (typeof item === "number") {
      if (item >= 0) head(0, item);
      else head(1, -1 - item);
    } else if (typeof item === "string") {
      const bytes = Buffer.from(item, "utf8");
      head(3, bytes.length);
      out.push(...bytes);
    } else if (item instanceof Uint8Array) {
      head(2, item.length);
      out.push(...item);
    } else if (item instanceof Map) {
      head(5, item.size);
      for (const [key, entry] of item) {
        write(key);
        write(entry);
      }
    } else throw new Error(`cbor: cannot encode ${typeof item}`);
  };
  write(value);
  return new Uint8Array(out);
}
