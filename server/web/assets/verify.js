// Ownership check on the verification page. On one device: the seller signs the verifier's
// one-time challenge with the wallet holding the certificate and the page shows the verifier's
// answer. On two: the buyer asks for a challenge, shows the seller a QR code of the prove link
// (the challenge id in its fragment, so it reaches no server log), and watches its state until
// the seller's phone has proven it. The verdict and history above work without this script.
import { fill, getJson, postJson, proveOwnership, short, show } from "./ownership.js";
import { wireOwnerPanel } from "./piece-owner.js";

const config = JSON.parse(document.getElementById("hallmark-page").textContent);
const m = config.messages;
const button = document.getElementById("ownership-button");
const result = document.getElementById("ownership-result");
const watchButton = document.getElementById("watch-button");
const watchPanel = document.getElementById("watch-panel");
const watchStatus = document.getElementById("watch-status");

async function check() {
  if (!window.ethereum) {
    show(result, m.noWallet, "error");
    return;
  }
  button.disabled = true;
  show(result, m.ownershipWorking, "");
  try {
    const challenge = await postJson("/v1/ownership/challenges", { tokenId: config.tokenId });
    const proof = await proveOwnership(window.ethereum, challenge, config.tokenId);
    if (proof.owner)
      show(result, fill(m.ownershipOk, { account: short(proof.address), block: proof.block }), "ok", {
        owner: true,
      });
    else show(result, fill(m.ownershipNo, { owner: short(proof.address ?? "—") }), "error", { owner: false });
  } catch (error) {
    if (error && error.code === 4001) show(result, m.rejected, "error");
    else
      show(
        result,
        fill(m.ownershipFailed, { message: error && error.message ? error.message : String(error) }),
        "error",
      );
  } finally {
    button.disabled = false;
  }
}

const POLL_MS = 1500;
let watching = 0; // the current watch; a new request stops the previous one's polling

function showWatched(state) {
  if (state.state === "proven" && state.owner)
    show(watchStatus, fill(m.watchOk, { account: short(state.address), block: state.block }), "ok", {
      owner: true,
      state: "proven",
    });
  else if (state.state === "proven")
    show(watchStatus, fill(m.watchNo, { owner: short(state.address ?? "—") }), "error", {
      owner: false,
      state: "proven",
    });
  else if (state.state === "failed") show(watchStatus, m.watchFailed, "error", { state: "failed" });
  else show(watchStatus, m.watchExpired, "error", { state: "expired" });
}

async function poll(run, challengeId, expiresAt) {
  // Bounded: at most until the challenge expires (plus one last look), whatever the answers.
  while (run === watching) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (run !== watching) return;
    let state;
    try {
      state = await getJson(`/v1/ownership/challenges/${challengeId}`);
    } catch (error) {
      if (error && error.status === 404) state = { state: "expired" };
      else if (Date.now() <= expiresAt)
        continue; // a network blip: try again at the next tick
      else state = { state: "expired" };
    }
    if (state.state !== "pending" || Date.now() > expiresAt + POLL_MS) {
      showWatched(state.state === "pending" ? { state: "expired" } : state);
      watchButton.disabled = false;
      return;
    }
  }
}

async function watch() {
  const run = ++watching;
  watchButton.disabled = true;
  show(watchStatus, m.watchPreparing, "");
  try {
    const challenge = await postJson("/v1/ownership/challenges", { tokenId: config.tokenId });
    const link = `${config.proveUrl}#challenge=${challenge.challengeId}`;
    // The QR is drawn by the server (the id goes in the body, not a URL) and shown from a blob: URL.
    const response = await fetch(`/v/${config.tokenId}/prove/qr`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "image/svg+xml" },
      body: JSON.stringify({ challengeId: challenge.challengeId }),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const image = document.getElementById("watch-qr");
    if (image.src.startsWith("blob:")) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(new Blob([await response.text()], { type: "image/svg+xml" }));
    const anchor = document.getElementById("watch-link");
    anchor.href = link;
    anchor.textContent = link;
    watchPanel.hidden = false;
    show(
      watchStatus,
      fill(m.watchWaiting, {
        time: new Date(challenge.expiresAt).toLocaleTimeString(document.documentElement.lang),
      }),
      "",
      { state: "pending" },
    );
    await poll(run, challenge.challengeId, Date.parse(challenge.expiresAt));
  } catch (error) {
    show(
      watchStatus,
      fill(m.ownershipFailed, { message: error && error.message ? error.message : String(error) }),
      "error",
    );
    watchButton.disabled = false;
  }
}

if (button) {
  button.hidden = false;
  button.addEventListener("click", () => void check());
}
if (watchButton) {
  watchButton.hidden = false;
  watchButton.addEventListener("click", () => void watch());
}

// "You" instead of "a private owner" when the wallet this browser already shares with the page holds
// the certificate: eth_accounts asks nothing of the visitor (no prompt, no connection request).
const owner = document.querySelector("[data-owner][data-you]");
async function recogniseOwner() {
  if (!owner || !window.ethereum) return;
  try {
    const accounts = await window.ethereum.request({ method: "eth_accounts" });
    const held = owner.getAttribute("data-owner").toLowerCase();
    if (Array.isArray(accounts) && accounts.some((account) => String(account).toLowerCase() === held)) {
      owner.textContent = owner.getAttribute("data-you");
      owner.setAttribute("data-owner-is-visitor", "true");
    }
  } catch {
    // No answer from the wallet: the page keeps "a private owner".
  }
}
void recogniseOwner();
wireOwnerPanel(config);
