import { certificateDomain, CLAIM_TYPES } from "../../chain/eip712.js";
import type { CertificateView } from "../../verification/certificate.js";
import type { ClaimState } from "../claim-state.js";
import { html, jsonScript } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { ASSET_BASE, page } from "../layout.js";
import { verdictBanner, verdictKindOf } from "./verdict.js";

export interface ClaimPageData {
  view: CertificateView;
  state: ClaimState;
  chainId: number;
  certificateAddress: string;
  path: string;
}

export function renderClaimPage(t: Messages, data: ClaimPageData): string {
  const { view, state } = data;
  const doc = view.metadata.document;
  const kind = verdictKindOf(view);
  const name = doc?.passport.productName ?? doc?.name ?? view.tokenId;
  const blocked = view.status !== "active";
  const used = state.claimKey === null;
  const serverMessage = blocked ? t.claim.notClaimable : used ? t.claim.usedServer : null;
  const form = html`<div id="claim-ui" hidden>
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
<pre id="signed-claim" class="signed" hidden tabindex="0"></pre>
<p><button type="button" id="copy-button" class="button secondary" hidden>${t.client.copy}</button></p>`;
  const body = html`<h1 class="page-title">${t.claim.title}</h1>
<p class="brand">${view.brand.name ?? ""}</p>
<p class="product-name"><a href="/v/${view.tokenId}">${name}</a></p>
${kind === "genuine" ? "" : verdictBanner(t, kind)}
<section class="card" aria-labelledby="claim-title"><h2 id="claim-title" class="visually-hidden">${t.claim.title}</h2>
${serverMessage === null ? html`<p>${t.claim.intro}</p><noscript><p>${t.claim.noJs}</p></noscript>${form}` : html`<p class="result error" id="claim-result" data-claim-state="${blocked ? "blocked" : "used"}">${serverMessage}</p>`}
</section>`;
  return page({
    t,
    title: t.claim.title,
    path: data.path,
    body,
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
      messages: t.client,
      lang: t.lang,
    }),
    scripts: serverMessage === null ? [`${ASSET_BASE}/claim.js`] : [],
  });
}
