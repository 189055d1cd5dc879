// What both ownership pages share: the verification page (one device, or the buyer's) and the
// prove page (the seller's phone). The seller's wallet signs the verifier's EIP-712 challenge
// (eth_signTypedData_v4) and the verifier checks it at the chain head.

export const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => (Object.hasOwn(values, key) ? String(values[key]) : whole));
export const short = (address) =>
  typeof address === "string" && address.length > 12
    ? `${address.slice(0, 6)}…${address.slice(-4)}`
    : String(address);

async function answerOf(response) {
  const json = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(json.detail || json.title || `HTTP ${response.status}`), {
      status: response.status,
    });
  return json;
}

export async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return answerOf(response);
}

export async function getJson(path) {
  return answerOf(await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" }));
}

/**
 * Signs `challenge` (an answer carrying challengeId and typedData: POST /v1/ownership/challenges,
 * or a pending GET /v1/ownership/challenges/{id}) with the wallet's account, and submits the proof.
 * Resolves to the verifier's result { owner, address, block }; a wallet refusal rejects with code 4001.
 */
export async function proveOwnership(ethereum, challenge, tokenId) {
  const [account] = await ethereum.request({ method: "eth_requestAccounts" });
  const typedData = { ...challenge.typedData, message: { ...challenge.typedData.message, owner: account } };
  const signature = await ethereum.request({
    method: "eth_signTypedData_v4",
    params: [account, JSON.stringify(typedData)],
  });
  return postJson("/v1/ownership/proofs", { challengeId: challenge.challengeId, signature, tokenId });
}

/** Shows a result line; data-owner / data-state carry it for tests and for readers of the markup. */
export function show(element, text, kind, data = {}) {
  element.textContent = text;
  element.className = `result ${kind}`;
  for (const key of ["owner", "state"]) {
    if (data[key] !== undefined) element.dataset[key] = String(data[key]);
    else delete element.dataset[key];
  }
}
