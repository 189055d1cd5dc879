// This phone's passkey account (issue #17): the WebAuthn calls, written out here rather than taken
// from a library (a few conversions between base64url and bytes), the verifier's passkey and
// operation routes, and what the phone remembers of its account.
//
// The verifier checks every registration (origin, RP id, user verification) and builds every
// operation; the passkey signs the operation's hash, so the verifier cannot change what it submits.
// Nothing here is secret: the private key never leaves the phone's authenticator.
import { fill, getJson, postJson, short, show } from "./ownership.js";

/** What this phone remembers (per origin): its passkey's id and public key, and the account they own. */
const MEMORY_KEY = "hallmark.passkey";

function bytesOf(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function base64urlOf(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function supported() {
  return typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

/** The account this phone holds, or null. */
export function remembered() {
  try {
    const value = JSON.parse(localStorage.getItem(MEMORY_KEY) ?? "null");
    return value && typeof value.account === "string" && typeof value.credentialId === "string"
      ? value
      : null;
  } catch {
    return null;
  }
}

export function remember(credential) {
  const value = {
    credentialId: credential.credentialId,
    publicKey: credential.publicKey,
    account: credential.account,
    // A second device acts for the account it joined: its own key is not the one the address comes from.
    joined: credential.joined === true,
  };
  try {
    localStorage.setItem(MEMORY_KEY, JSON.stringify(value));
  } catch {
    // storage refused (private mode): the passkey itself still finds the account ("Find my account")
  }
  return value;
}

let configPromise = null;
/** The verifier's relying party and contracts: GET /v1/passkeys/config, asked once per page. */
export function passkeyConfig() {
  configPromise ??= getJson("/v1/passkeys/config").catch((error) => {
    configPromise = null;
    throw error;
  });
  return configPromise;
}

/** WebAuthn's JSON creation options (base64url strings) as the browser API takes them (bytes). */
function creationOptions(json) {
  return {
    ...json,
    challenge: bytesOf(json.challenge),
    user: { ...json.user, id: bytesOf(json.user.id) },
    excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: bytesOf(c.id) })),
  };
}

function registrationJson(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: base64urlOf(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: base64urlOf(response.clientDataJSON),
      attestationObject: base64urlOf(response.attestationObject),
      transports: typeof response.getTransports === "function" ? response.getTransports() : [],
    },
  };
}

/**
 * Creates a passkey on this phone (Face ID, fingerprint, screen lock) and registers it: the verifier
 * answers with the account's address, known before the account exists. The phone remembers it.
 */
export async function createAccount() {
  const options = await postJson("/v1/passkeys/registration-options", {});
  const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
  if (credential === null) throw Object.assign(new Error("no passkey"), { name: "NotAllowedError" });
  const registered = await postJson("/v1/passkeys/registrations", { response: registrationJson(credential) });
  return remember(registered);
}

/** The phone's passkey signs `challenge` (base64url); `credentialId` null lets the phone choose (discoverable). */
async function assert(challenge, credentialId) {
  const config = await passkeyConfig();
  const credential = await navigator.credentials.get({
    publicKey: {
      challenge: bytesOf(challenge),
      rpId: config.rpId,
      userVerification: "required",
      timeout: 120_000,
      allowCredentials: credentialId === null ? [] : [{ type: "public-key", id: bytesOf(credentialId) }],
    },
  });
  if (credential === null) throw Object.assign(new Error("no passkey"), { name: "NotAllowedError" });
  return {
    credentialId: credential.id,
    authenticatorData: base64urlOf(credential.response.authenticatorData),
    clientDataJSON: base64urlOf(credential.response.clientDataJSON),
    signature: base64urlOf(credential.response.signature),
  };
}

/**
 * "Find my account": the phone offers the passkeys it holds for this site, the customer picks one, and
 * the verifier says which account it owns. The signature proves nothing here and is not sent: the
 * credential id alone names the account, which is public.
 */
export async function findAccount() {
  const challenge = base64urlOf(crypto.getRandomValues(new Uint8Array(32)));
  const { credentialId } = await assert(challenge, null);
  const found = await getJson(`/v1/passkeys/credentials/${encodeURIComponent(credentialId)}`);
  return remember(found);
}

/**
 * One sponsored operation: the verifier prepares it (nonce, gas, paymaster), the passkey signs its
 * hash, the verifier simulates and submits it. `onState` hears "signing" then "sending".
 * Resolves to { transactionHash, blockNumber, success }.
 */
export async function operate(action, onState = () => {}) {
  const held = remembered();
  if (held === null) throw Object.assign(new Error("no account on this phone"), { name: "NoAccount" });
  const prepared = await postJson("/v1/operations/prepare", {
    account: held.account,
    // The account's first key, for an account not deployed yet (the operation deploys it).
    ...(held.joined ? {} : { publicKey: held.publicKey }),
    action,
  });
  onState("signing");
  const assertion = await assert(prepared.challenge, held.credentialId);
  onState("sending");
  return postJson("/v1/operations", { operation: prepared.operation, assertion });
}

/**
 * Answers a buyer's ownership challenge with this phone's passkey: the verifier gives what the
 * passkey must sign for this account (the ERC-7739 hash of the certificate's OwnershipProof), the
 * passkey signs it, and the verifier checks it (ERC-1271, or ERC-6492 for an account not yet
 * deployed). Resolves to the verifier's result { owner, address, block }.
 */
export async function provePasskeyOwnership(challengeId, tokenId) {
  const held = remembered();
  if (held === null) throw Object.assign(new Error("no account on this phone"), { name: "NoAccount" });
  const prepared = await postJson(`/v1/ownership/challenges/${challengeId}/passkey`, {
    credentialId: held.credentialId,
    account: held.account,
  });
  const assertion = await assert(prepared.options.challenge, held.credentialId);
  return postJson("/v1/ownership/proofs", {
    challengeId,
    tokenId,
    account: held.account,
    passkey: assertion,
  });
}

/**
 * Runs one sponsored operation and says each state in the result line `element` (its data-state:
 * preparing, signing, sending, then done, submitted (sent, not yet in a block), failed (in a block, but
 * reverted), refused (the verifier's problem, in its own words) or cancelled). `doneText(values)` says
 * what was done; `buttons` are disabled meanwhile. Resolves to true once the operation is done.
 */
export async function runOperation({ element, buttons, action, messages: m, doneText }) {
  for (const button of buttons) button.disabled = true;
  show(element, m.preparing, "", { state: "preparing" });
  try {
    const answer = await operate(action, (state) =>
      show(element, state === "signing" ? m.confirmPasskey : m.sending, "", { state }),
    );
    const values = { tx: short(answer.transactionHash), block: answer.blockNumber };
    element.dataset.transaction = answer.transactionHash;
    if (answer.blockNumber === null) {
      show(element, fill(m.submitted, values), "", { state: "submitted" });
      return false;
    }
    if (answer.success === false) {
      show(element, fill(m.failedOnChain, values), "error", { state: "failed" });
      return false;
    }
    show(element, doneText(values), "ok", { state: "done" });
    return true;
  } catch (error) {
    const cancelled = isCancel(error);
    const text = cancelled
      ? m.cancelled
      : fill(m.refused, { message: error && error.message ? error.message : String(error) });
    show(element, text, "error", { state: cancelled ? "cancelled" : "refused" });
    return false;
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

/** The customer cancelled the system's passkey sheet, or it timed out. */
export function isCancel(error) {
  return !!error && (error.name === "NotAllowedError" || error.name === "AbortError");
}

export const sameAddress = (a, b) =>
  typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
