// The home page's "Register your piece": the typed code is checked here (its check symbol catches a
// typo before any request), turned into its claim key's address in the page, and only that public
// address is looked up. The code itself never leaves the phone: it rides to the claim page in the
// URL fragment. Without this script the form posts the code to /claim, which checks it the same way.
import { claimKeyHex, parseClaimCode } from "./claim-code.js";

const config = JSON.parse(document.getElementById("hallmark-home").textContent);
const m = config.messages;
const form = document.getElementById("code-form");
const input = document.getElementById("claim-code");
const error = document.getElementById("code-error");
const button = form.querySelector("button[type=submit]");

function showError(text) {
  error.textContent = text;
  error.hidden = false;
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

function clearError() {
  error.textContent = "";
  error.hidden = true;
  input.removeAttribute("aria-invalid");
}

input.addEventListener("input", () => {
  if (input.getAttribute("aria-invalid") === "true") clearError();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const parsed = parseClaimCode(input.value);
  if (!parsed.ok) {
    showError(m[parsed.problem]);
    return;
  }
  clearError();
  button.disabled = true;
  try {
    const ethers = await import("/web/vendor/ethers.min.js");
    const address = new ethers.Wallet(claimKeyHex(parsed, ethers)).address;
    const response = await fetch(`/claim/key/${address}`, { headers: { Accept: "application/json" } });
    if (response.status === 404) return showError(m.unknown);
    if (!response.ok) return showError(m.failed);
    const { tokenId } = await response.json();
    const lang = config.lang === "en" ? "" : `?lang=${config.lang}`;
    location.assign(`/claim/${tokenId}${lang}#code=${encodeURIComponent(parsed.code)}`);
  } catch {
    showError(m.failed);
  } finally {
    button.disabled = false;
  }
});
