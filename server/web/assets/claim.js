// The claim screen. The claim code (a one-time private key) arrives in the URL fragment, which
// never reaches the server. This script signs Claim(tokenId, recipient, nonce, deadline) with it
// in the browser (ethers, served from this origin; the domain and the type come in the page's
// config, from the server's EIP-712 module) and submits claimWithCode through the
// connected wallet. Without a wallet it posts the signed claim to the verifier's relay
// (POST /v1/claims: the brand pays the gas; the signature names the recipient, so the relay cannot
// redirect it), or shows it for another relayer when this verifier relays none for the brand.
//
// The code comes from the card's QR code (#code=) or, when the QR code cannot be scanned, is typed
// here; either way its check symbol is verified before anything else (./claim-code.js).
import { getAddress, Interface, isAddress, keccak256, toUtf8Bytes, Wallet } from "/web/vendor/ethers.min.js";
import { claimKeyHex, parseClaimCode } from "./claim-code.js";
import { createAccount, isCancel, remembered, supported as passkeysSupported } from "./passkey.js";

const config = JSON.parse(document.getElementById("hallmark-claim").textContent);
const m = config.messages;
const pm = config.passkeyMessages;
const $ = (id) => document.getElementById(id);
const ui = {
  root: $("claim-ui"),
  connect: $("connect-button"),
  walletStatus: $("wallet-status"),
  form: $("claim-form"),
  recipient: $("recipient"),
  claim: $("claim-button"),
  sign: $("sign-button"),
  result: $("claim-result"),
  signed: $("signed-claim"),
  copy: $("copy-button"),
  entry: $("code-entry"),
  typed: $("typed-code"),
  done: $("claim-done"),
  passkey: $("passkey-claim"),
  passkeyButton: $("passkey-claim-button"),
  accountLink: $("claim-account-link"),
};
/** This browser remembers the pieces it registered (never the code): a reload can then say "yours". */
const rememberKey = `hallmark.claimed.${config.tokenId}`;

const certificate = new Interface([
  "function claimWithCode(uint256 tokenId, address recipient, uint256 deadline, bytes signature)",
  "error HallmarkNoClaimKey(uint256 tokenId)",
  "error HallmarkSignatureExpired(uint256 deadline)",
  "error HallmarkInvalidSignature(uint256 tokenId)",
  "error HallmarkCertificateLocked(uint256 tokenId, uint8 status)",
]);
/** How long a signed claim stays valid, counted from the chain's clock. */
const VALIDITY_SECONDS = 3600;

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => (Object.hasOwn(values, key) ? String(values[key]) : whole));
const short = (address) => `${address.slice(0, 6)}…${address.slice(-4)}`;

class ClaimError extends Error {
  constructor(message, state) {
    super(message);
    this.state = state;
  }
}

function show(text, kind, state) {
  ui.result.textContent = text;
  ui.result.className = `result ${kind}`;
  if (state) ui.result.dataset.claimState = state;
  else delete ui.result.dataset.claimState;
}

let finished = false;

function busy(on) {
  for (const button of [ui.connect, ui.claim, ui.sign, ui.passkeyButton]) button.disabled = on || finished;
}

/** After "Done!": nothing left to press but the link to the certificate. */
function finish(recipient) {
  finished = true;
  busy(true);
  ui.recipient.disabled = true;
  ui.done.hidden = false;
  try {
    localStorage.setItem(rememberKey, recipient);
  } catch {
    // storage refused (private mode): the page simply will not remember
  }
}

// 1. The code: from the fragment, or typed; well-formed, and the key this certificate expects.
const code = config.pageState === "open" ? new URLSearchParams(location.hash.slice(1)).get("code") : null;
// The code now lives only in this page's memory: take it out of the address bar and the history, so
// it is not left in the tab's back list, a shared or bookmarked link, or a synced browsing history.
if (location.hash !== "") history.replaceState(history.state, "", location.pathname + location.search);
let codeWallet = null;

/** The code's claim key, or a ClaimError saying what is wrong with the code as written. */
function walletOf(text) {
  const parsed = parseClaimCode(text);
  if (!parsed.ok) throw new ClaimError(m.codeProblem[parsed.problem], "bad-code");
  try {
    return new Wallet(claimKeyHex(parsed, { keccak256, toUtf8Bytes }));
  } catch {
    throw new ClaimError(m.wrongCode, "wrong");
  }
}

let account = null;

function checkCodeAgainst(claimKey) {
  if (claimKey === null) throw new ClaimError(m.usedCode, "used");
  if (getAddress(claimKey) !== codeWallet.address) throw new ClaimError(m.wrongCode, "wrong");
}

async function freshState() {
  const response = await fetch(`/claim/${config.tokenId}/state`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new ClaimError(fill(m.failed, { message: `HTTP ${response.status}` }), "error");
  return response.json();
}

async function signClaim(recipient) {
  const state = await freshState();
  checkCodeAgainst(state.claimKey);
  const deadline = state.chainTime + VALIDITY_SECONDS;
  const signature = await codeWallet.signTypedData(config.domain, config.types, {
    tokenId: BigInt(config.tokenId),
    recipient,
    nonce: BigInt(state.nonce),
    deadline: BigInt(deadline),
  });
  return { tokenId: config.tokenId, recipient, deadline, signature };
}

function recipientOrThrow() {
  const typed = ui.recipient.value.trim();
  if (typed !== "") {
    if (!isAddress(typed)) {
      ui.recipient.setAttribute("aria-invalid", "true");
      ui.recipient.focus();
      throw new ClaimError(m.badAddress, "bad-address");
    }
    ui.recipient.removeAttribute("aria-invalid");
    return getAddress(typed);
  }
  if (account !== null) return account;
  ui.recipient.focus();
  throw new ClaimError(window.ethereum ? m.badAddress : m.noWallet, "bad-address");
}

function revertName(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.error || e.cause, depth++) {
    const data =
      typeof e.data === "string" ? e.data : e.data && typeof e.data.data === "string" ? e.data.data : null;
    if (data && data.startsWith("0x") && data.length >= 10) {
      try {
        return certificate.parseError(data)?.name ?? null;
      } catch {
        // not one of ours
      }
    }
    const name = /Hallmark[A-Za-z]+/.exec(String(e.message || ""));
    if (name) return name[0];
  }
  return null;
}

function explain(error) {
  if (error instanceof ClaimError) return [error.message, error.state];
  if (isCancel(error)) return [pm.cancelled, "cancelled"];
  if (error && error.code === 4001) return [m.rejected, "rejected"];
  const name = revertName(error);
  if (name === "HallmarkSignatureExpired") return [m.expired, "expired"];
  if (name === "HallmarkNoClaimKey") return [m.usedCode, "used"];
  if (name === "HallmarkInvalidSignature") return [m.wrongCode, "wrong"];
  return [fill(m.failed, { message: error && error.message ? error.message : String(error) }), "error"];
}

async function connect() {
  if (!window.ethereum) throw new ClaimError(m.noWallet, "no-wallet");
  const accounts = await window.ethereum.request({ method: "eth_requestAccounts" });
  const chainId = Number(await window.ethereum.request({ method: "eth_chainId" }));
  if (chainId !== config.chainId) {
    try {
      await window.ethereum.request({
        method: "wallet_switchEthereumChain",
        params: [{ chainId: `0x${config.chainId.toString(16)}` }],
      });
    } catch {
      throw new ClaimError(fill(m.wrongChain, { chainId: config.chainId }), "wrong-chain");
    }
  }
  account = getAddress(accounts[0]);
  ui.walletStatus.textContent = fill(m.connected, { account: short(account) });
  ui.walletStatus.dataset.account = account;
}

/**
 * Polls the certificate until it names the new owner. With the claim's block (the relay's answer),
 * each read asks for an answer holding that block (?minBlock=): whichever instance or replica
 * answers, it never shows the old owner as current; a 503 means "not there yet, retry".
 */
async function waitForOwner(recipient, block) {
  const query = Number.isSafeInteger(block) ? `?minBlock=${block}` : "";
  for (let i = 0; i < 120; i++) {
    const response = await fetch(`/v1/certificates/${config.tokenId}${query}`, {
      headers: { Accept: "application/json" },
    });
    if (response.ok) {
      const view = await response.json();
      if (typeof view.owner === "string" && view.owner.toLowerCase() === recipient.toLowerCase()) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new ClaimError(fill(m.failed, { message: "timeout" }), "error");
}

async function claim() {
  if (account === null && !window.ethereum) return relayClaim();
  if (account === null) await connect();
  const recipient = recipientOrThrow();
  show(m.signing, "");
  const signed = await signClaim(recipient);
  const data = certificate.encodeFunctionData("claimWithCode", [
    signed.tokenId,
    signed.recipient,
    signed.deadline,
    signed.signature,
  ]);
  show(m.sending, "");
  const tx = await window.ethereum.request({
    method: "eth_sendTransaction",
    params: [{ from: account, to: config.verifyingContract, data }],
  });
  show(fill(m.submitted, { tx: short(String(tx)) }), "");
  await waitForOwner(recipient);
  show(fill(m.claimed, { account: recipient }), "ok", "claimed");
  finish(recipient);
}

function showSigned(signed, message) {
  const payload = {
    chainId: config.chainId,
    contract: config.verifyingContract,
    function: "claimWithCode(uint256,address,uint256,bytes)",
    ...signed,
  };
  ui.signed.textContent = JSON.stringify(payload, null, 2);
  ui.signed.hidden = false;
  ui.copy.hidden = false;
  const until = new Intl.DateTimeFormat(config.lang, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(signed.deadline * 1000),
  );
  show(fill(message, { deadline: until }), "ok", "signed");
}

async function signForRelayer() {
  const recipient = recipientOrThrow();
  show(m.signing, "");
  showSigned(await signClaim(recipient), m.signedForRelayer);
}

const problemIs = (problem, slug) =>
  typeof problem.type === "string" && problem.type.endsWith(`/problems/${slug}`);

/** No wallet: the verifier submits the claim from the brand's key. */
async function relayClaim(recipient = recipientOrThrow()) {
  show(m.signing, "");
  const signed = await signClaim(recipient);
  show(m.relaying, "");
  const response = await fetch("/v1/claims", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(signed),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 202 && typeof answer.txHash === "string") {
    show(fill(m.submitted, { tx: short(answer.txHash) }), "", "submitted");
    await waitForOwner(recipient, answer.block);
    show(fill(m.claimed, { account: recipient }), "ok", "claimed");
    finish(recipient);
    return;
  }
  if (problemIs(answer, "claim-relay-unavailable")) return showSigned(signed, m.relayUnavailable);
  if (problemIs(answer, "conflict")) throw new ClaimError(m.relayBusy, "busy");
  // A refusal names the contract's custom error in its detail: explain() turns it into used / expired / wrong.
  throw new Error(typeof answer.detail === "string" ? answer.detail : `HTTP ${response.status}`);
}

function run(task) {
  return async (event) => {
    if (event) event.preventDefault();
    busy(true);
    try {
      await task();
    } catch (error) {
      const [text, state] = explain(error);
      show(text, "error", state);
    } finally {
      busy(false);
    }
  };
}

/**
 * Claim with this phone: the account of the passkey this phone holds, or of one it creates now. The
 * code signs the claim for that address and the brand's relay sends it: nothing to type or install.
 */
async function passkeyClaim() {
  if (!passkeysSupported()) throw new ClaimError(pm.unsupported, "no-passkey");
  let held = remembered();
  if (held === null) {
    show(pm.creating, "", "creating-passkey");
    held = await createAccount();
    show(fill(pm.created, { account: short(held.account) }), "", "passkey-created");
  }
  await relayClaim(getAddress(held.account));
  if (finished) ui.accountLink.hidden = false;
}

let wired = false;

/** A code that belongs to this piece: the claim controls appear. */
function begin(text) {
  codeWallet = walletOf(text);
  checkCodeAgainst(config.claimKey);
  ui.entry.hidden = true;
  ui.root.hidden = false;
  show("", "");
  if (wired) return;
  wired = true;
  ui.connect.addEventListener("click", run(connect));
  if (passkeysSupported()) {
    ui.passkey.hidden = false;
    // The phone's own way leads; a wallet is the other way.
    ui.connect.classList.add("secondary");
    if (remembered() !== null) ui.passkeyButton.textContent = ui.passkeyButton.dataset.heldLabel;
    ui.passkeyButton.addEventListener("click", run(passkeyClaim));
  }
  ui.form.addEventListener("submit", run(claim));
  ui.sign.addEventListener("click", run(signForRelayer));
  ui.copy.addEventListener("click", () => {
    void navigator.clipboard?.writeText(ui.signed.textContent).then(() => {
      ui.copy.textContent = m.copied;
    });
  });
}

/** No code in the link (a damaged QR code, a code read over the phone): the customer types it. */
function askForCode() {
  ui.entry.hidden = false;
  show(m.noCodeTyped, "", "no-code");
  ui.entry.addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      begin(ui.typed.value);
      ui.typed.removeAttribute("aria-invalid");
    } catch (error) {
      const [text, state] = explain(error);
      show(text, "error", state);
      ui.typed.setAttribute("aria-invalid", "true");
      ui.typed.focus();
    }
  });
}

/** A used code on reload: if this browser registered the piece to its current owner, say "yours". */
function recallOwnClaim() {
  let mine;
  try {
    mine = localStorage.getItem(rememberKey);
  } catch {
    return;
  }
  if (mine === null || mine.toLowerCase() !== String(config.owner).toLowerCase()) return;
  const result = $("claim-result");
  result.textContent = fill(m.claimedYou, { account: mine });
  result.dataset.claimedBy = "you";
  const notYou = $("claim-not-you");
  if (notYou) notYou.hidden = true;
}

if (config.pageState === "used") recallOwnClaim();
else if (config.pageState === "open") {
  if (!code) askForCode();
  else {
    try {
      begin(code);
    } catch (error) {
      const [text, state] = explain(error);
      // A used code stays "used"; a damaged one may be typed again from the card.
      if (state === "bad-code") askForCode();
      show(text, "error", state);
    }
  }
}
