import express, { Router } from "express";
import type { Request, Response } from "express";
import { ExpiredError, HallmarkError, InvalidInputError } from "../../errors.js";
import { TagClaimForm } from "../../verification/answers/tag-claim.js";
import { claimWithTap, TagClaimUnavailableError } from "../../verification/tag-claim.js";
import type { TagClaimRelay } from "../../verification/tag-claim.js";
import { parseInput } from "../../http/input.js";
import { withTapQueryKeptOutOfLogs } from "../../tags/redact-url.js";
import { SunQuery, sunMessageOf } from "../../tags/sun-params.js";
import { TAP_PATH } from "../../tags/sun-url.js";
import { TokenId } from "../../verification/id-schemas.js";
import type { VerifierContext } from "../../verification/context.js";
import { verifyTagTap } from "../../verification/tag-tap.js";
import type { TagTapDependencies, TagTapView } from "../../verification/tag-tap.js";
import type { SafeHtml } from "../html.js";
import { html } from "../html.js";
import type { Messages } from "../i18n/index.js";
import { format, pickLocale } from "../i18n/index.js";
import { tapMessagesFor } from "../i18n/tags.js";
import type { TapMessages } from "../i18n/tags.js";
import { page } from "../layout.js";
import { PAGE_CSP } from "../send-page.js";
import { verdictIcon, verdictKindOf } from "./verdict.js";
import type { VerdictKind } from "./verdict.js";

/**
 * The page an NTAG 424 DNA tap opens (`/t/<token id>?picc_data=…&cmac=…`): the tag's answer first
 * (authentic, copied link, not authentic, not this piece's), then, for an authentic tag, the
 * piece's own verdict (stolen and revoked say so) with a link to its certificate page.
 */
function banner(kind: VerdictKind, title: string, help: SafeHtml | string, extra?: SafeHtml): SafeHtml {
  return html`<section class="verdict verdict-${kind}" data-verdict="${kind}" aria-labelledby="verdict-title">
${verdictIcon(kind)}
<div>
<h1 id="verdict-title" class="verdict-title">${title}</h1>
<p>${help}</p>
${extra}
</div>
</section>`;
}

function pieceLine(view: TagTapView, m: TapMessages): string {
  const certificate = view.certificate;
  if (certificate === null) return m.pieceVerdict.do_not_buy;
  const kind = verdictKindOf(certificate);
  if (kind === "stolen" || kind === "revoked" || kind === "genuine") return m.pieceVerdict[kind];
  return certificate.verdict === "do_not_buy" ? m.pieceVerdict.do_not_buy : m.pieceVerdict.caution;
}

export function renderTapPage(view: TagTapView, t: Messages, path: string): string {
  const m = tapMessagesFor(t);
  const certificateLink = html`<p><a href="/v/${view.tokenId}?lang=${t.lang}">${m.openCertificate}</a></p>`;
  const count =
    view.tap.counter === null
      ? html``
      : html`<p class="tap-count">${format(m.tapCount, { counter: view.tap.counter })}</p>`;
  let body: SafeHtml;
  switch (view.tap.result) {
    case "authentic": {
      const kind = view.certificate === null ? "unknown" : verdictKindOf(view.certificate);
      body = banner(
        kind === "genuine" ? "genuine" : kind === "stolen" || kind === "revoked" ? kind : "warning",
        m.tagAuthentic,
        pieceLine(view, m),
        html`${count}${certificateLink}`,
      );
      if (view.claim !== null) body = html`${body}${claimForm(view.tokenId, view.claim.ticket, m, t.lang)}`;
      break;
    }
    case "copied_link":
      body = banner("warning", m.copiedTitle, m.copiedHelp);
      break;
    case "not_authentic":
      body = banner(
        "revoked",
        m.notAuthenticTitle,
        m.notAuthenticHelp[view.tap.reason === "cmac" ? "cmac" : "unknown_key"],
      );
      break;
    case "unbound":
      body = banner(
        "label_mismatch",
        m.unboundTitle,
        m.unboundHelp,
        view.certificate === null ? html`` : certificateLink,
      );
      break;
    case "unverified":
      body = banner("unverified", m.unverifiedTitle, m.unverifiedHelp, certificateLink);
      break;
  }
  return page({ t, title: m.title, path, body });
}

/** The claim by presence a fresh tap offers: a plain form (no script), posted to this verifier. */
function claimForm(tokenId: string, ticket: string, m: TapMessages, lang: string): SafeHtml {
  return html`<section class="tag-claim" aria-labelledby="tag-claim-title">
<h2 id="tag-claim-title">${m.claimTitle}</h2>
<p>${m.claimHelp}</p>
<form method="post" action="${TAP_PATH}/${tokenId}/claim?lang=${lang}" id="tag-claim-form">
<input type="hidden" name="ticket" value="${ticket}">
<label for="tag-claim-recipient">${m.claimRecipient}</label>
<input id="tag-claim-recipient" name="recipient" type="text" required autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="42" pattern="0x[0-9a-fA-F]{40}">
<p><button type="submit" class="button" id="tag-claim-button">${m.claimButton}</button></p>
</form>
</section>`;
}

export function renderTagClaimedPage(
  claimed: { tokenId: string; recipient: string; block: number | null },
  t: Messages,
  path: string,
): string {
  const m = tapMessagesFor(t);
  const query = claimed.block === null ? `lang=${t.lang}` : `minBlock=${claimed.block}&lang=${t.lang}`;
  const extra = html`${claimed.block === null ? html`<p>${m.claimPending}</p>` : html``}
<p><a href="/v/${claimed.tokenId}?${query}" id="tag-claim-certificate">${m.openCertificate}</a></p>`;
  return page({
    t,
    title: m.title,
    path,
    body: banner("genuine", m.claimedTitle, format(m.claimedHelp, { recipient: claimed.recipient }), extra),
  });
}

export function renderTagClaimRefusedPage(error: HallmarkError, t: Messages, path: string): string {
  const m = tapMessagesFor(t);
  const reason =
    error instanceof ExpiredError
      ? "expired"
      : error.type === "transaction-refused" || error.type === "conflict"
        ? "used"
        : error instanceof InvalidInputError
          ? "recipient"
          : error instanceof TagClaimUnavailableError || error.type === "claim-relay-unavailable"
            ? "unavailable"
            : "other";
  return page({
    t,
    title: m.title,
    path,
    body: banner("warning", m.claimRefusedTitle, m.claimRefused[reason]),
  });
}

export function renderMalformedTapPage(t: Messages, path: string): string {
  const m = tapMessagesFor(t);
  return page({ t, title: m.title, path, body: banner("unknown", m.malformedTitle, m.malformedHelp) });
}

/**
 * GET /t/:tokenId: the page; a malformed link is a 400 page, not a problem document.
 * POST /t/:tokenId/claim: the claim form a fresh tap's page offers (ticket and recipient, a plain
 * form post); answers a page, claimed or refused, never a problem document.
 */
export function tapPageRouter(v1: {
  verifier: VerifierContext;
  tags?: TagTapDependencies;
  relay?: TagClaimRelay;
}): Router {
  const router = Router();
  router.post(
    `${TAP_PATH}/:tokenId/claim`,
    express.urlencoded({ extended: false, limit: "2kb", parameterLimit: 4 }),
    async (request: Request, response: Response) => {
      const t = pickLocale(request);
      const tags = v1.tags;
      try {
        const tokenId = parseInput(TokenId, request.params.tokenId, "path");
        const form = parseInput(TagClaimForm, request.body ?? {}, "body");
        if (tags === undefined) throw new TagClaimUnavailableError("This verifier verifies no NFC tags");
        const claimed = await claimWithTap(
          { keyring: tags.keyring, identity: v1.verifier.identity, relay: v1.relay },
          { tokenId, ticket: form.ticket, recipient: form.recipient },
        );
        sendTapPage(
          response,
          renderTagClaimedPage({ tokenId: tokenId.toString(), ...claimed }, t, request.originalUrl),
        );
      } catch (error) {
        // Any refusal of the customer's request is a page in their language; a fault stays a 5xx problem.
        if (!(error instanceof HallmarkError) || error.retryable) throw error;
        const status = error instanceof ExpiredError ? 410 : error instanceof InvalidInputError ? 400 : 422;
        sendTapPage(response, renderTagClaimRefusedPage(error, t, request.originalUrl), status);
      }
    },
  );
  router.get(`${TAP_PATH}/:tokenId`, (request: Request, response: Response) =>
    withTapQueryKeptOutOfLogs(request, async () => {
      const tags = v1.tags;
      const t = pickLocale(request);
      let input: { tokenId: bigint; query: SunQuery };
      try {
        input = {
          tokenId: parseInput(TokenId, request.params.tokenId, "path"),
          query: parseInput(SunQuery, request.query, "query"),
        };
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        sendTapPage(response, renderMalformedTapPage(t, request.originalUrl), 400);
        return;
      }
      if (tags === undefined) {
        sendTapPage(response, renderMalformedTapPage(t, request.originalUrl), 404);
        return;
      }
      const view = await verifyTagTap(v1.verifier, tags, {
        tokenId: input.tokenId,
        message: sunMessageOf(input.query),
      });
      sendTapPage(response, renderTapPage(view, t, request.originalUrl));
    }),
  );
  return router;
}

/** As sendPage, but a tap is answered once: never stored, so never replayed from a cache. */
function sendTapPage(response: Response, markup: string, status = 200): void {
  response.status(status);
  response.setHeader("Content-Security-Policy", PAGE_CSP);
  response.setHeader("Cache-Control", "no-store");
  response.vary("Accept-Language");
  response.type("text/html; charset=utf-8").send(markup);
}
