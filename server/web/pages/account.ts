import type { SafeHtml } from "../html.js";
import { html, jsonScript } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { passkeyMessagesFor } from "../i18n/passkeys.js";
import { ASSET_BASE, page } from "../layout.js";

/** Recovery delays the page offers, in days: the account refuses less than 2. */
export const RECOVERY_DELAY_DAYS = [2, 7, 30] as const;

/**
 * "Your phone's account" (#17): the account a passkey on this phone owns, its address to receive a
 * piece (text and QR code), its pieces, a second device and the recovery. Everything here depends on
 * what this phone holds, so the server sends every panel hidden and account.js shows the right ones.
 * The fragment carries the two-phone links: #join=<account> (new device) and #add=<x>.<y> (its key).
 */
export function renderAccountPage(t: Messages, data: { path: string }): string {
  const pk = passkeyMessagesFor(t);
  const a = pk.account;
  const lang = t.lang === "en" ? "" : `?lang=${t.lang}`;
  const body = html`<h1 class="page-title">${a.title}</h1>
<p>${a.intro}</p>
<noscript><p>${a.noJs}</p></noscript>
<p id="account-status" class="result" role="status" aria-live="polite"></p>
${joinPanel(t)}
${addPanel(t)}
<section id="account-none" class="card" aria-labelledby="account-none-title" hidden>
<h2 id="account-none-title" class="visually-hidden">${a.title}</h2>
<p><button type="button" id="create-account-button" class="button">${a.createButton}</button></p>
<p class="hint" id="find-help">${a.findHelp}</p>
<p><button type="button" id="find-account-button" class="button secondary" aria-describedby="find-help">${a.findButton}</button></p>
</section>
<div id="account-held" hidden>
<section class="card" aria-labelledby="address-title">
<h2 id="address-title">${a.addressHeading}</h2>
<p>${a.addressHelp}</p>
<p><code id="account-address" class="wrap account-address"></code></p>
<img id="account-qr" class="qr" alt="${a.qrAlt}" width="192" height="192">
<p><button type="button" id="copy-address-button" class="button secondary">${a.copyAddress}</button></p>
</section>
<section class="card" aria-labelledby="pieces-title">
<h2 id="pieces-title">${a.piecesHeading}</h2>
<ul id="account-pieces" class="plain"></ul>
<p id="account-pieces-none" hidden>${a.piecesNone}</p>
</section>
<section class="card" aria-labelledby="device-title">
<h2 id="device-title">${a.deviceHeading}</h2>
<p>${a.deviceHelp}</p>
<img id="device-qr" class="qr" alt="${a.deviceQrAlt}" width="192" height="192">
<p><a id="device-link" class="wrap small" href="/account${lang}"></a></p>
</section>
${recoveryCard(t)}
</div>
<section class="card" aria-labelledby="who-title">
<h2 id="who-title">${a.whoHeading}</h2>
<ul>${a.who.map((line) => html`<li>${line}</li>`)}</ul>
</section>`;
  return page({
    t,
    title: a.title,
    path: data.path,
    noindex: true,
    body,
    head: jsonScript("hallmark-account", {
      lang: t.lang,
      messages: { ...t.client, ...pk.client },
    }),
    scripts: [`${ASSET_BASE}/account.js`],
  });
}

/** The new device's side of "add another device": make a passkey here, then show its key to the first phone. */
function joinPanel(t: Messages): SafeHtml {
  const a = passkeyMessagesFor(t).account;
  return html`<section id="join-panel" class="card" aria-labelledby="join-title" hidden>
<h2 id="join-title">${a.joinHeading}</h2>
<p id="join-intro" data-template="${a.joinIntro}"></p>
<p><button type="button" id="join-button" class="button">${a.joinButton}</button></p>
<div id="join-show" hidden>
<p>${a.joinShowHelp}</p>
<img id="join-qr" class="qr" alt="${a.joinQrAlt}" width="192" height="192">
<p><a id="join-link" class="wrap small" href="#"></a></p>
</div>
</section>`;
}

/** The first phone's side: it opened the new device's link, and adds that passkey with a sponsored operation. */
function addPanel(t: Messages): SafeHtml {
  const a = passkeyMessagesFor(t).account;
  return html`<section id="add-panel" class="card" aria-labelledby="add-title" hidden>
<h2 id="add-title">${a.addHeading}</h2>
<p id="add-intro" data-template="${a.addIntro}"></p>
<p><button type="button" id="add-button" class="button">${a.addButton}</button></p>
<p id="add-result" class="result" role="status" aria-live="polite"></p>
</section>`;
}

function recoveryCard(t: Messages): SafeHtml {
  const a = passkeyMessagesFor(t).account;
  return html`<section class="card" aria-labelledby="recovery-title">
<h2 id="recovery-title">${a.recoveryHeading}</h2>
<p>${a.recoveryHelp}</p>
<form id="recovery-form" novalidate>
<label for="recoverer">${a.recovererLabel}</label>
<input id="recoverer" name="recoverer" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="recoverer-hint recovery-result">
<p class="hint" id="recoverer-hint">${a.recovererHint}</p>
<label for="recovery-delay">${a.delayLabel}</label>
<select id="recovery-delay" name="delay">${RECOVERY_DELAY_DAYS.map(
    (days) =>
      html`<option value="${days * 86_400}"${days === 7 ? html` selected` : ""}>${a.delayDays.replace("{days}", String(days))}</option>`,
  )}</select>
<p><button type="submit" id="recovery-button" class="button">${a.recoveryButton}</button></p>
</form>
<p class="small">${a.cancelRecoveryHelp}</p>
<p><button type="button" id="cancel-recovery-button" class="button secondary">${a.cancelRecoveryButton}</button></p>
<p id="recovery-result" class="result" role="status" aria-live="polite"></p>
</section>`;
}
