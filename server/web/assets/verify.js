// Ownership check on the verification page: the seller signs the verifier's one-time challenge
// with the wallet holding the certificate (EIP-712, eth_signTypedData_v4); the page shows the
// verifier's answer. The verdict and history above work without this script.
const config = JSON.parse(document.getElementById("hallmark-page").textContent);
const m = config.messages;
const button = document.getElementById("ownership-button");
const result = document.getElementById("ownership-result");

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (whole, key) => (Object.hasOwn(values, key) ? String(values[key]) : whole));
const short = (address) => (typeof address === "string" && address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : String(address));

function show(text, kind, owner) {
  result.textContent = text;
  result.className = `result ${kind}`;
  if (owner !== undefined) result.dataset.owner = String(owner);
  else delete result.dataset.owner;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.detail || json.title || `HTTP ${response.status}`);
  return json;
}

async function check() {
  if (!window.ethereum) {
    show(m.noWallet, "error");
    return;
  }
  button.disabled = true;
  show(m.ownershipWorking, "");
  try {
    const [account] = await window.ethereum.request({ method: "eth_requestAccounts" });
    const challenge = await post("/v1/ownership/challenges", { tokenId: config.tokenId });
    const typedData = { ...challenge.typedData, message: { ...challenge.typedData.message, owner: account } };
    const signature = await window.ethereum.request({ method: "eth_signTypedData_v4", params: [account, JSON.stringify(typedData)] });
    const proof = await post("/v1/ownership/proofs", { challengeId: challenge.challengeId, signature, tokenId: config.tokenId });
    if (proof.owner) show(fill(m.ownershipOk, { account: short(proof.address), block: proof.block }), "ok", true);
    else show(fill(m.ownershipNo, { owner: short(proof.address ?? "—") }), "error", false);
  } catch (error) {
    if (error && error.code === 4001) show(m.rejected, "error");
    else show(fill(m.ownershipFailed, { message: error && error.message ? error.message : String(error) }), "error");
  } finally {
    button.disabled = false;
  }
}

if (button) {
  button.hidden = false;
  button.addEventListener("click", () => void check());
}
