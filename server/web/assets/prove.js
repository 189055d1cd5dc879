// The prove page, on the seller's phone: the buyer's screen showed a QR code of this page with a
// challenge id in the fragment. The seller's wallet signs that challenge; the buyer's page, which
// watches the challenge, shows the result. This page only tells the seller it is done.
import { fill, getJson, proveOwnership, short, show } from "./ownership.js";
import { isCancel, provePasskeyOwnership, remembered, supported } from "./passkey.js";

const config = JSON.parse(document.getElementById("hallmark-page").textContent);
const m = config.messages;
const pm = config.passkeyMessages;
const passkeyButton = document.getElementById("prove-passkey-button");
const button = document.getElementById("prove-button");
const result = document.getElementById("prove-result");
const challengeId = new URLSearchParams(location.hash.slice(1)).get("challenge");

/** With the phone's passkey (#17) or the browser's wallet: the same challenge, the same answers. */
async function prove(withPasskey) {
  if (!withPasskey && !window.ethereum) {
    show(result, m.proveNoWallet, "error");
    return;
  }
  button.disabled = true;
  passkeyButton.disabled = true;
  show(
    result,
    withPasskey ? pm.proveWorking : m.ownershipWorking,
    "",
    withPasskey ? { state: "signing" } : {},
  );
  try {
    const challenge = await getJson(`/v1/ownership/challenges/${challengeId}`);
    if (challenge.state !== "pending" || challenge.tokenId !== config.tokenId) {
      show(result, challenge.state === "expired" ? m.proveExpired : m.proveUsed, "error", {
        state: challenge.state,
      });
      return;
    }
    const proof = withPasskey
      ? await provePasskeyOwnership(challenge.challengeId, config.tokenId)
      : await proveOwnership(window.ethereum, challenge, config.tokenId);
    const done = withPasskey ? pm.proveDone : m.proveDone;
    const no = withPasskey ? pm.proveNotOwner : m.ownershipNo;
    if (proof.owner) show(result, fill(done, { account: short(proof.address) }), "ok", { owner: true });
    else show(result, fill(no, { owner: short(proof.address ?? "—") }), "error", { owner: false });
  } catch (error) {
    if (error && error.code === 4001) show(result, m.rejected, "error");
    else if (isCancel(error)) show(result, pm.cancelled, "error", { state: "cancelled" });
    else if (error && error.status === 404) show(result, m.proveExpired, "error");
    else if (error && error.status === 409) show(result, m.proveUsed, "error");
    else if (error && error.status === 410) show(result, m.proveExpired, "error");
    else
      show(
        result,
        fill(m.ownershipFailed, { message: error && error.message ? error.message : String(error) }),
        "error",
      );
  } finally {
    button.disabled = false;
    passkeyButton.disabled = false;
  }
}

if (challengeId === null || !/^0x[0-9a-fA-F]{64}$/.test(challengeId)) {
  show(result, m.proveNoChallenge, "error");
} else {
  button.hidden = false;
  button.addEventListener("click", () => void prove(false));
  // A phone holding a passkey account proves with it first; the wallet stays as the other way.
  if (supported() && remembered() !== null) {
    passkeyButton.hidden = false;
    button.classList.add("secondary");
    passkeyButton.addEventListener("click", () => void prove(true));
  }
}
