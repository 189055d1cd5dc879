// The owner's actions on a piece's page (#17), shown when this phone's passkey account owns the
// piece: transfer it to a buyer (their own passkey account, or any address) and report it stolen.
// Each is a sponsored operation: the verifier prepares it, the passkey signs its hash, the verifier
// submits it; the result line says each state (data-state: preparing, signing, sending, done,
// failed, refused, cancelled) and, when done, the transaction.
import { fill, short, show } from "./ownership.js";
import { remembered, runOperation, sameAddress, supported } from "./passkey.js";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function wireOwnerPanel(config) {
  const panel = document.getElementById("owner-panel");
  const held = remembered();
  if (!panel || !supported() || held === null || !sameAddress(held.account, config.owner)) return;
  const m = config.passkeyMessages;
  const $ = (id) => document.getElementById(id);
  panel.hidden = false;
  $("owner-intro").textContent = fill($("owner-intro").dataset.template, { account: short(held.account) });
  // The page's "a private owner" becomes "you": this phone's account holds the piece.
  const owner = document.querySelector("[data-owner][data-you]");
  if (owner) {
    owner.textContent = owner.getAttribute("data-you");
    owner.setAttribute("data-owner-is-visitor", "true");
  }

  const buttons = [$("transfer-button"), $("stolen-button"), $("stolen-confirm-button")].filter(Boolean);

  const run = (element, action, doneText) =>
    runOperation({ element, buttons, action, messages: m, doneText });

  const input = $("transfer-to");
  const transferResult = $("transfer-result");
  $("transfer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const to = input.value.trim();
    const problem = !ADDRESS.test(to) ? m.badAddress : sameAddress(to, held.account) ? m.selfTransfer : null;
    if (problem !== null) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
      show(transferResult, problem, "error", { state: "invalid" });
      return;
    }
    input.removeAttribute("aria-invalid");
    const done = await run(
      transferResult,
      { type: "transfer", certificateId: config.tokenId, to },
      (values) => fill(m.transferred, { ...values, account: short(to) }),
    );
    // Not this phone's any more: nothing left to do here but read the result.
    if (done) {
      $("owner-title").textContent = m.transferredTitle;
      $("owner-intro").hidden = true;
      $("transfer-heading").hidden = true;
      $("transfer-form").hidden = true;
      const stolenSection = $("stolen-section");
      if (stolenSection) stolenSection.hidden = true;
      if (owner) {
        owner.textContent = short(to);
        owner.removeAttribute("data-owner-is-visitor");
      }
    }
  });

  const stolen = $("stolen-button");
  if (stolen) {
    const confirm = $("stolen-confirm");
    const toggle = (open) => {
      confirm.hidden = !open;
      stolen.setAttribute("aria-expanded", String(open));
    };
    stolen.addEventListener("click", () => {
      toggle(true);
      $("stolen-confirm-button").focus();
    });
    $("stolen-cancel-button").addEventListener("click", () => {
      toggle(false);
      stolen.focus();
    });
    $("stolen-confirm-button").addEventListener("click", async () => {
      const done = await run(
        $("stolen-result"),
        { type: "reportStolen", certificateId: config.tokenId },
        (values) => fill(m.reportedStolen, values),
      );
      if (done) {
        toggle(false);
        stolen.hidden = true;
      }
    });
  }
}
