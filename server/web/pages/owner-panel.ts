import type { SafeHtml } from "../html.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { passkeyMessagesFor } from "../i18n/passkeys.js";

/**
 * The owner's actions on a piece's page (#17): transfer it to the buyer and report it stolen, each a
 * sponsored operation the phone's passkey signs. The server cannot know whose phone reads the page,
 * so the panel comes hidden and piece-owner.js shows it when this phone's account is the owner.
 */
export function ownerPanel(t: Messages, data: { stolen: boolean }): SafeHtml {
  const o = passkeyMessagesFor(t).owner;
  return html`<section id="owner-panel" class="card owner-panel" aria-labelledby="owner-title" hidden>
<h2 id="owner-title">${o.heading}</h2>
<p id="owner-intro" data-template="${o.intro}"></p>
<h3 id="transfer-heading">${o.transferHeading}</h3>
<form id="transfer-form" novalidate>
<label for="transfer-to">${o.transferLabel}</label>
<input id="transfer-to" name="to" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="transfer-hint transfer-result">
<p class="hint" id="transfer-hint">${o.transferHint}</p>
<p><button type="submit" id="transfer-button" class="button">${o.transferButton}</button></p>
</form>
<p id="transfer-result" class="result" role="status" aria-live="polite"></p>
${
  data.stolen
    ? ""
    : html`<div id="stolen-section"><h3>${o.stolenHeading}</h3>
<p>${o.stolenHelp}</p>
<p><button type="button" id="stolen-button" class="button secondary" aria-expanded="false" aria-controls="stolen-confirm">${o.stolenButton}</button></p>
<div id="stolen-confirm" hidden>
<p>${o.stolenConfirm}</p>
<p class="actions"><button type="button" id="stolen-confirm-button" class="button danger">${o.stolenConfirmButton}</button>
<button type="button" id="stolen-cancel-button" class="button secondary">${o.stolenCancelButton}</button></p>
</div>
<p id="stolen-result" class="result" role="status" aria-live="polite"></p></div>`
}
</section>`;
}

/** For the buyer: where a phone without a wallet gets an address to receive the piece. */
export function receiveHint(t: Messages): SafeHtml {
  const pk = passkeyMessagesFor(t);
  return html`<p class="small receive-hint">${pk.owner.receiveHelp} <a href="/account${t.lang === "en" ? "" : `?lang=${t.lang}`}">${pk.accountLink}</a></p>`;
}
