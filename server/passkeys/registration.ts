import { randomBytes } from "node:crypto";
import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { cose, decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";
import { hexlify, toBeHex } from "ethers";
import type { ChallengeStore } from "../verification/challenge-store.js";
import type { PasskeyCredentials } from "./credentials.js";
import { PasskeyRegistrationError } from "./errors.js";
import type { PasskeyChain } from "./passkey-chain.js";
import type { RelyingParty } from "./relying-party.js";
import { base64UrlBytes } from "./webauthn-assertion.js";

/**
 * Registering a passkey: the options for navigator.credentials.create() (ES256 only, since the account
 * checks P-256; a discoverable credential, so the phone offers it without a user name; user verification
 * required), with a single-use challenge in the shared challenge store, and the check of the phone's
 * answer (origin, RP id, UV, challenge) with @simplewebauthn/server. The passkey's P-256 key names its
 * account: factory.accountAddress(qx, qy), an address known before the account exists.
 */
export interface RegistrationChallengePayload {
  purpose: "passkey-registration";
}

export type RegistrationChallenges = ChallengeStore<RegistrationChallengePayload>;

/** COSE ES256: ECDSA P-256 with SHA-256, the only algorithm the account verifies. */
const ES256: number = cose.COSEALG.ES256;

export interface RegisteredPasskey {
  credentialId: string;
  publicKey: { x: string; y: string };
  account: string;
  deployed: boolean;
}

export async function registrationOptions(
  party: RelyingParty,
  challenges: RegistrationChallenges,
  options: { label?: string; client?: string } = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const challenge = await challenges.issue(() => ({ purpose: "passkey-registration" }), options.client);
  const label = options.label ?? `${party.name} owner`;
  return generateRegistrationOptions({
    rpName: party.name,
    rpID: party.rpId,
    // Nothing personal: the phone lists the passkey under this label; the user handle is random.
    userName: label,
    userDisplayName: label,
    userID: new Uint8Array(randomBytes(16)),
    challenge: new Uint8Array(Buffer.from(challenge.id.slice(2), "hex")),
    timeout: challenges.ttlMs,
    attestationType: "none",
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: "required",
    },
    supportedAlgorithmIDs: [ES256],
  });
}

export async function registerPasskey(
  party: RelyingParty,
  challenges: RegistrationChallenges,
  credentials: PasskeyCredentials,
  chain: PasskeyChain,
  response: RegistrationResponseJSON,
): Promise<RegisteredPasskey> {
  const challenge = challengeOfResponse(response);
  const challengeId = hexlify(base64UrlBytes(challenge));
  if (challengeId.length !== 66)
    throw new PasskeyRegistrationError("The registration's challenge is not one of ours");
  // Taken before the check and consumed whatever it says: a registration challenge answers once.
  await challenges.take(challengeId);
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: party.origin,
      expectedRPID: party.rpId,
      expectedType: "webauthn.create",
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs: [ES256],
    });
  } catch (error) {
    await challenges.consume(challengeId);
    throw new PasskeyRegistrationError(
      `The passkey's registration does not verify: ${error instanceof Error ? error.message : "refused"}`,
    );
  }
  await challenges.consume(challengeId);
  if (!verified.verified) throw new PasskeyRegistrationError("The passkey's registration does not verify");
  const { credential } = verified.registrationInfo;
  const key = decodeCredentialPublicKey(credential.publicKey);
  if (
    !cose.isCOSEPublicKeyEC2(key) ||
    key.get(cose.COSEKEYS.alg) !== cose.COSEALG.ES256 ||
    key.get(cose.COSEKEYS.crv) !== 1
  )
    throw new PasskeyRegistrationError("The passkey is not a P-256 (ES256) key");
  const x = key.get(cose.COSEKEYS.x);
  const y = key.get(cose.COSEKEYS.y);
  if (x === undefined || y === undefined || x.length !== 32 || y.length !== 32)
    throw new PasskeyRegistrationError("The passkey's public key is malformed");
  const qx = toBeHex(BigInt(hexlify(x)), 32);
  const qy = toBeHex(BigInt(hexlify(y)), 32);
  const account = await chain.accountAddress(qx, qy);
  await credentials.save({ credentialId: credential.id, qx, qy, account, registeredAt: Date.now() });
  return {
    credentialId: credential.id,
    publicKey: { x: qx, y: qy },
    account,
    deployed: await chain.isDeployed(account),
  };
}

/** The challenge the phone answered, read from clientDataJSON (before any check: it names the store entry). */
function challengeOfResponse(response: RegistrationResponseJSON): string {
  try {
    const clientData = JSON.parse(
      Buffer.from(response.response.clientDataJSON, "base64url").toString("utf8"),
    ) as {
      challenge?: unknown;
    };
    if (typeof clientData.challenge === "string" && /^[A-Za-z0-9_-]{43}$/.test(clientData.challenge))
      return clientData.challenge;
  } catch {
    // reported below
  }
  throw new PasskeyRegistrationError("The registration's clientDataJSON names no challenge of ours");
}
