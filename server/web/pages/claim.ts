import { certificateDomain, CLAIM_TYPES } from "../../chain/eip712.js";
import type { BrandProfileView } from "../../verification/brand-profile.js";
import type { CertificateView } from "../../verification/certificate.js";
import type { ClaimState } from "../claim-state.js";
import { formatDate, gatewayPath, shortAddress } from "../format.js";
import type { SafeHtml } from "../html.js";
import { html, jsonScript } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format } from "../i18n/index.js";
import { passkeyMessagesFor } from "../i18n/passkeys.js";
import { ASSET_BASE, page } from "../layout.js";
import { brandContact } from "./brand-contact.js";
import { verdictBanner, verdictIcon, verdictKindOf } from "./verdict.js";

export interface ClaimPageData {
  view: CertificateView;
  state: ClaimState;
  chainId: number;
  certificateAddress: string;
  path: string;
  /** The last claim made with a code (from the history), to tell "already registered" from "withdrawn". */
  lastCodeClaim: { time: string; to: string | null } | null;
  brand: BrandProfileView | null;
}

/** What the page can do: claim, or say why not (each with its own `data-claim-state`). */
type ClaimPageState = "open" | "blocked" | "used" | "withdrawn";

function stateOf(data: ClaimPageData): ClaimPageState {
  if (data.view.status !== "active") return "blocked";
  if (data.state.claimKey !== null) return "open";
  return data.lastCodeClaim === null ? "withdrawn" : "used";
}

/** The piece being registered: its picture, name and the Genuine badge, so the customer knows what the code is for. */
function pieceSummary(t: Messages, view: CertificateView): SafeHtml {
  const doc = view.metadata.document;
  const name = doc?.passport.productName ?? doc?.name ?? view.tokenId;
  const brand = doc?.passport.brand.name ?? view.brand.name ?? String(view.brand.id);
  const image = doc?.passport.images[0];
  const src = image === undefined ? null : gatewayPath(image.uri, image.mediaType);
  const genuine = verdictKindOf(view) === "genuine";
  return html`<section class="card claim-piece" aria-labelledby="claim-piece-name">
${src === null ? "" : html`<img src="${src}" alt="${image?.alt ?? name}" width="96" height="96" decoding="async">`}
<div>
<p class="brand">${brand}</p>
<p class="product-name" id="claim-piece-name"><a href="/v/${view.tokenId}">${name}</a></p>
${genuine ? html`<p class="badge badge-genuine" data-verdict="genuine">${verdictIcon("genuine")}<span>${format(t.entry.claimGenuine, { brand })}</span></p>` : ""}
</div>
</section>`;
}

/**
 * Claim with this phone (#17): a passkey made here owns the account the certificate goes to. Shown
 * by claim.js only where the browser can make passkeys; the wallet way stays below it.
 */
function passkeyClaim(t: Messages): SafeHtml {
  const pk = passkeyMessagesFor(t);
  return html`<div id="passkey-claim" class="passkey-claim" hidden>
<h3 class="claim-way">${pk.claimHeading}</h3>
<p class="hint" id="passkey-claim-help">${pk.claimHelp}</p>
<p><button type="button" id="passkey-claim-button" class="button" aria-describedby="passkey-claim-help" data-held-label="${pk.claimHeldButton}">${pk.claimButton}</button></p>
<h3 class="claim-way">${pk.walletHeading}</h3>
</div>`;
}

function claimForm(t: Messages, tokenId: string): SafeHtml {
  return html`<p>${t.claim.intro}</p><noscript><p>${t.claim.noJs}</p></noscript>
<form id="code-entry" class="code-entry" novalidate hidden>
<label for="typed-code">${t.entry.claimTypeCode}</label>
<input id="typed-code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="120" class="code-input" aria-describedby="typed-code-hint claim-result">
<p id="typed-code-hint" class="hint">${t.entry.codeHint}</p>
<p><button type="submit" class="button" id="typed-code-button">${t.entry.claimTypeButton}</button></p>
</form>
<div id="claim-ui" hidden>
${passkeyClaim(t)}
<p><button type="button" id="connect-button" class="button">${t.claim.connect}</button></p>
<p id="wallet-status" role="status" aria-live="polite"></p>
<form id="claim-form" novalidate>
<p>${t.claim.orPaste}</p>
<label for="recipient">${t.claim.addressLabel}</label>
<input id="recipient" name="recipient" type="text" inputmode="text" autocomplete="off" autocapitalize="off" spellcheck="false" pattern="0x[0-9a-fA-F]{40}" aria-describedby="claim-result">
<p class="actions"><button type="submit" id="claim-button" class="button">${t.claim.claimButton}</button>
<button type="button" id="sign-button" class="button secondary">${t.claim.signOnly}</button></p>
</form>
</div>
<div id="claim-result" class="result" role="status" aria-live="polite"></div>
<p id="claim-done" class="claim-done-link" hidden><a class="button" href="/v/${tokenId}">${t.entry.seeYourCertificate}</a>
<a id="claim-account-link" class="button secondary" href="/account${t.lang === "en" ? "" : `?lang=${t.lang}`}" hidden>${passkeyMessagesFor(t).accountLink}</a></p>
<pre id="signed-claim" class="signed" hidden tabindex="0"></pre>
<p><button type="button" id="copy-button" class="button secondary" hidden>${t.client.copy}</button></p>`;
}

function closedMessage(t: Messages, data: ClaimPageData, state: Exclude<ClaimPageState, "open">): SafeHtml {
  const { view } = data;
  if (state === "blocked")
    return html`<h2 class="claim-closed-title">${t.entry.claimBlockedTitle}</h2><p class="result error" id="claim-result" data-claim-state="blocked">${t.entry.claimBlocked}</p>`;
  if (state === "withdrawn")
    return html`<p class="result error" id="claim-result" data-claim-state="withdrawn">${t.entry.claimWithdrawn}</p>`;
  const claim = data.lastCodeClaim!;
  const owner = view.custody === "brand_vault_unclaimed" ? t.heldByBrand : shortAddress(view.owner);
  return html`<h2 class="claim-closed-title">${t.entry.claimUsedTitle}</h2>
<p class="result" id="claim-result" data-claim-state="used" data-owner="${view.owner}">${format(t.entry.claimUsed, { date: formatDate(t, claim.time), owner })}</p>
<p id="claim-not-you">${t.entry.claimUsedNotYou}</p>
<p><a class="button" href="/v/${view.tokenId}">${t.entry.seeCertificate}</a></p>`;
}

export function renderClaimPage(t: Messages, data: ClaimPageData): string {
  const { view, state } = data;
  const kind = verdictKindOf(view);
  const pageState = stateOf(data);
  const open = pageState === "open";
  const body = html`<h1 class="page-title">${t.claim.title}</h1>
${kind === "genuine" ? "" : verdictBanner(t, kind)}
${pieceSummary(t, view)}
<section class="card" aria-labelledby="claim-title" data-claim-page="${pageState}"><h2 id="claim-title" class="visually-hidden">${t.claim.title}</h2>
${open ? claimForm(t, view.tokenId) : closedMessage(t, data, pageState)}
</section>
${open ? "" : brandContact(t, data.brand, { tokenId: view.tokenId })}`;
  return page({
    t,
    title: t.claim.title,
    path: data.path,
    body,
    noindex: true,
    head: jsonScript("hallmark-claim", {
      tokenId: view.tokenId,
      chainId: data.chainId,
      verifyingContract: data.certificateAddress,
      // The page signs with the server's one copy of the type (server/chain/eip712.ts), never its own.
      domain: certificateDomain(data.chainId, data.certificateAddress),
      types: CLAIM_TYPES,
      claimKey: state.claimKey,
      nonce: state.nonce,
      chainTime: state.chainTime,
      pageState,
      owner: view.owner,
      messages: { ...t.client, ...t.entry.client, codeProblem: t.entry.codeProblem },
      passkeyMessages: passkeyMessagesFor(t).client,
      lang: t.lang,
    }),
    scripts: [`${ASSET_BASE}/claim.js`],
  });
}
