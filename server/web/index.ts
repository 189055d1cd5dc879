import express, { Router } from "express";
import type { NextFunction, Request, Response } from "express";
import { z } from "zod";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors.js";
import { parseInput } from "../http/input.js";
import { MAX_PAGE_LIMIT } from "../store/IndexStore.js";
import { designView } from "../verification/catalogue.js";
import { resolveCertificate } from "../verification/certificate.js";
import type { CertificateView } from "../verification/certificate.js";
import type { VerifiedMetadata } from "../verification/committed-document.js";
import { verifiedDocument } from "../verification/committed-document.js";
import type { VerifierContext } from "../verification/context.js";
import type { IndexFreshness } from "../verification/freshness.js";
import { BrandId, Serial } from "../verification/id-schemas.js";
import { withGtinCheck } from "../verification/digital-link.js";
import { brandOfTokenId, parseUint256, tokenIdForSerial } from "../verification/ids.js";
import { normaliseSerial } from "../verification/serial-rule.js";
import { brandProfileOf } from "../verification/brand-profile.js";
import type { BrandProfileView } from "../verification/brand-profile.js";
import { claimKeyOf, parseClaimCode } from "../chain/claim-code.js";
import { ownershipChallengeState } from "../verification/ownership.js";
import type { OwnershipChallenges } from "../verification/ownership.js";
import type { ProvenanceEventView } from "../verification/provenance.js";
import { provenanceOf } from "../verification/provenance.js";
import { tokenIdOfSerial } from "../verification/serial.js";
import { ASSETS_DIR, assetHandler, warmAssets } from "./assets.js";
import type { ClaimStateReader } from "./claim-state.js";
import { LOCALES, pickLocale } from "./i18n/index.js";
import type { Messages } from "./i18n/index.js";
import { renderClaimPage } from "./pages/claim.js";
import { renderGarmentPage } from "./pages/garment.js";
import type { TwinPiece } from "./pages/garment.js";
import { renderHomePage } from "./pages/home.js";
import type { HomePageData } from "./pages/home.js";
import { renderUnknownPage } from "./pages/unknown.js";
import type { UnknownReason } from "./pages/unknown.js";
import { CONTACT_VERDICTS, renderProvePage, renderVerifyPage } from "./pages/verify.js";
import { verdictKindOf } from "./pages/verdict.js";
import { qrSvg } from "./qr.js";
import { siteFiles } from "./site-files.js";
import {
  AccountQrQuery,
  CheckQuery,
  ClaimCodeForm,
  ClaimKeyPath,
  ProveQrRequest,
  VerifyPageQuery,
} from "./schemas.js";
import { renderAccountPage } from "./pages/account.js";
import { GARMENT_CSP, sendPage } from "./send-page.js";
import type { SerialRule } from "../verification/serial-rule.js";

export { ChainClaimStateReader } from "./claim-state.js";
export type { ClaimState, ClaimStateReader } from "./claim-state.js";

/** The verifier's parts the pages read: the same objects the /v1 routes answer from (server/app.ts hands them over). */
export interface VerifierSources {
  verifier: VerifierContext;
  ownershipChallenges: OwnershipChallenges;
  brandSalts: ReadonlyMap<number, string>;
  serialRules?: ReadonlyMap<number, SerialRule>;
  freshness: () => IndexFreshness;
}

/** What the customer pages need: the verifier's domain (the same functions as /v1) and fresh claim state. */
export interface WebDependencies {
  v1: VerifierSources;
  /** claimStateOf at the head, for the claim screen's nonce and key. */
  claims: ClaimStateReader;
  /**
   * Public origin for the share QR code and link (e.g. https://verify.example.com); main.ts passes
   * HALLMARK_PUBLIC_URL. Without it the request's Host is used, which a client can spoof and which is
   * wrong behind a TLS proxy: set it in any deployment.
   */
  publicUrl?: string;
}

/**
 * A page that cannot be shown: the Unknown page for a browser (400 when the id is malformed, so
 * nothing was looked up; 404 when nobody issued it), a problem+json for a client that prefers JSON
 * (the API's error contract holds on these paths too).
 */
function sendUnknown(
  request: Request,
  response: Response,
  t: Messages,
  reason: UnknownReason,
  brand: BrandProfileView | null = null,
): void {
  const malformed = reason === "malformed" || reason === "garment-malformed";
  if (request.accepts(["text/html", "application/json"]) === "application/json") {
    throw malformed
      ? new InvalidInputError(`Malformed path ${request.path}`)
      : new NotFoundError(`Nothing at ${request.path}`);
  }
  sendPage(
    response,
    renderUnknownPage(t, { path: request.originalUrl, reason, brand }),
    malformed ? 400 : 404,
  );
}

function originOf(request: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, "");
  return `${request.protocol}://${request.get("host") ?? "localhost"}`;
}

async function allProvenance(deps: VerifierSources, tokenId: bigint): Promise<ProvenanceEventView[]> {
  const items: ProvenanceEventView[] = [];
  let cursor: string | undefined;
  do {
    const page = await provenanceOf(deps.verifier.index, tokenId, { cursor, limit: MAX_PAGE_LIMIT });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/**
 * The serial a visitor's link named, when it is this certificate's: the page may then show it even
 * though the metadata holds only its salted hash (the visitor holds the label that printed it).
 */
function labelSerialOf(deps: VerifierSources, tokenId: bigint, serial: string | undefined): string | null {
  if (serial === undefined) return null;
  const brandId = brandOfTokenId(tokenId);
  const salt = deps.brandSalts.get(brandId);
  if (salt === undefined) return null;
  // The brand's serial rule as at issuance (case, spaces...), or the serial exactly as asked (pieces
  // minted before the rule was declared), as the serial lookup tries them.
  const candidates = [normaliseSerial(deps.serialRules?.get(brandId), serial), serial];
  return candidates.some((candidate) => tokenIdForSerial(brandId, salt, candidate) === tokenId)
    ? serial
    : null;
}

/** How many of a twin design's physical pieces its page links to. */
const TWIN_PIECES_SHOWN = 12;

/** The first physical pieces whose twins were claimed, named by their verified descriptions. */
async function twinPiecesOf(deps: VerifierSources, designId: string): Promise<TwinPiece[]> {
  const { index, documents } = deps.verifier;
  const claims = await index.twinClaimsOfDesign(designId, { limit: TWIN_PIECES_SHOWN });
  return Promise.all(
    claims.items.map(async (claim) => {
      let name: string | null = null;
      try {
        const view = await resolveCertificate(index, documents, BigInt(claim.certificateId));
        name = view.metadata.document?.passport.productName ?? null;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      return {
        tokenId: claim.certificateId,
        name,
        claimedAt: new Date(claim.timestamp * 1000).toISOString(),
      };
    }),
  );
}

const REPORTED_KINDS = new Set(["sale", "authenticated_resale", "repair", "inspection"]);

type AsyncHandler = (request: Request, response: Response) => Promise<void>;
function handle(fn: AsyncHandler) {
  return (request: Request, response: Response, next: NextFunction): void => {
    fn(request, response).catch(next);
  };
}

export function createWebRouter(deps: WebDependencies): Router {
  const { v1 } = deps;
  const { verifier } = v1;
  const router = Router();

  /** The certificate a page is about, or null once the Unknown page is sent (400 malformed, 404 unknown). */
  async function certificateOrUnknown(
    request: Request,
    response: Response,
    t: Messages,
  ): Promise<{ tokenId: bigint; view: CertificateView } | null> {
    const tokenId = parseUint256(String(request.params.tokenId));
    if (tokenId === null) {
      sendUnknown(request, response, t, "malformed");
      return null;
    }
    try {
      return { tokenId, view: await resolveCertificate(verifier.index, verifier.documents, tokenId) };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // A certificate number carries its brand: the page can name whom to ask, if the brand exists.
      const brandId = brandOfTokenId(tokenId);
      const brand = brandId === 0 ? null : await brandProfileOf(verifier, brandId);
      sendUnknown(request, response, t, "unknown", brand?.name === null ? null : brand);
      return null;
    }
  }

  // Static files are middleware, not routes: they are assets, not part of the documented API.
  warmAssets().catch(() => undefined); // a file that fails here fails again, visibly, when asked for
  router.use(assetHandler);
  router.use("/web/assets", (request, _response, next) => {
    // The folder holds its own lint config; only the page assets are public.
    if (!/^\/[a-z-]+\.(?:js|css)$/.test(request.path) || request.path === "/eslint.config.js") next("router");
    else next();
  });
  router.use("/web/assets", express.static(ASSETS_DIR, { index: false, maxAge: "1h", fallthrough: true }));
  router.use(siteFiles);

  async function brandChoices(): Promise<HomePageData["brands"]> {
    const brands: HomePageData["brands"][number][] = [];
    let cursor: string | undefined;
    do {
      const page = await verifier.index.listBrands({ cursor, limit: MAX_PAGE_LIMIT });
      brands.push(...page.items.map((b) => ({ id: b.brandId, name: b.name })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && brands.length < 5_000);
    return brands.sort((a, b) => a.name.localeCompare(b.name));
  }

  async function sendHome(
    request: Request,
    response: Response,
    t: Messages,
    status = 200,
    extra: Pick<HomePageData, "problem" | "values"> = {},
  ): Promise<void> {
    const home = t.lang === "en" ? "/" : `/${t.lang}`;
    sendPage(
      response,
      renderHomePage(t, {
        path: request.originalUrl,
        pageUrl: `${originOf(request, deps.publicUrl)}${home}`,
        brands: await brandChoices(),
        ...extra,
      }),
      status,
    );
  }

  // The way in without a QR code: / (the reader's language) and /fr.
  router.get(
    "/",
    handle(async (request, response) => sendHome(request, response, pickLocale(request))),
  );
  router.get(
    "/fr",
    handle(async (request, response) => sendHome(request, response, LOCALES.fr)),
  );

  // The home page's check forms: a brand and a serial go to the serial's page, a number to its certificate.
  router.get(
    "/check",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const query = CheckQuery.safeParse(request.query);
      if (!query.success)
        return sendHome(request, response, t, 400, {
          problem: { form: "serial", message: t.entry.missingSerial },
        });
      const { brand, serial, certificate } = query.data;
      const lang = t.lang === "en" ? "" : `?lang=${t.lang}`;
      if (certificate !== undefined) {
        const tokenId = parseUint256(certificate.replace(/[\s.]/g, ""));
        if (tokenId === null)
          return sendHome(request, response, t, 400, {
            problem: { form: "certificate", message: t.entry.badCertificate },
            values: { certificate },
          });
        return response.redirect(303, `/v/${tokenId.toString()}${lang}`);
      }
      const parsed = z
        .object({ brand: BrandId, serial: Serial })
        .safeParse({ brand, serial: serial?.trim() });
      if (!parsed.success)
        return sendHome(request, response, t, 400, {
          problem: { form: "serial", message: t.entry.missingSerial },
          values: { brand, serial },
        });
      response.redirect(303, `/b/${parsed.data.brand}/${encodeURIComponent(parsed.data.serial)}${lang}`);
    }),
  );

  // "Register your piece" without JavaScript: the code is checked here as the page checks it, and the
  // browser is sent on to its claim page with the code in the fragment. The code arrives in a POST body
  // (never in a URL, so no access log holds it); this server already serves the script that reads the
  // code from the fragment, so receiving it asks no more trust of it.
  router.post(
    "/claim",
    express.urlencoded({ extended: false, limit: "2kb", parameterLimit: 4 }),
    handle(async (request, response) => {
      const form = parseInput(ClaimCodeForm, request.body, "body");
      const t = pickLocale({
        query: { lang: form.lang },
        acceptsLanguages: request.acceptsLanguages.bind(request),
      });
      const json = request.accepts(["text/html", "application/json"]) === "application/json";
      const parsed = parseClaimCode(form.code);
      if (!parsed.ok) {
        if (json) throw new InvalidInputError(`Malformed claim code (${parsed.problem})`);
        return sendHome(request, response, t, 400, {
          problem: { form: "code", message: t.entry.codeProblem[parsed.problem] },
        });
      }
      const found = await verifier.index.listCertificates({ claimKey: claimKeyOf(parsed).address, limit: 1 });
      const certificate = found.items[0];
      if (certificate === undefined) {
        if (json) throw new NotFoundError("No certificate waits for this claim code");
        return sendHome(request, response, t, 404, {
          problem: { form: "code", message: t.entry.codeUnknown },
        });
      }
      response.setHeader("Cache-Control", "no-store");
      response.setHeader("Referrer-Policy", "no-referrer");
      const lang = t.lang === "en" ? "" : `?lang=${t.lang}`;
      response.redirect(303, `/claim/${certificate.tokenId}${lang}#code=${encodeURIComponent(parsed.code)}`);
    }),
  );

  // The certificate a claim key belongs to: the home page's script sends the address a typed code
  // yields (public on-chain), never the code.
  router.get(
    "/claim/key/:address",
    handle(async (request, response) => {
      const { address } = parseInput(ClaimKeyPath, request.params, "path");
      const found = await verifier.index.listCertificates({ claimKey: address, limit: 1 });
      const certificate = found.items[0];
      response.setHeader("Cache-Control", "no-store");
      if (certificate === undefined) throw new NotFoundError("No certificate waits for this claim key");
      response.json({ tokenId: certificate.tokenId });
    }),
  );

  router.get(
    "/v/:tokenId",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const query = VerifyPageQuery.safeParse(request.query);
      if (!query.success) return sendUnknown(request, response, t, "malformed");
      const found = await certificateOrUnknown(request, response, t);
      if (found === null) return;
      const { tokenId } = found;
      // A page reached from a label answers for that label: its GTIN is checked as the resolver's JSON is.
      const view = query.data.gtin === undefined ? found.view : withGtinCheck(found.view, query.data.gtin);
      const provenance = await allProvenance(v1, tokenId);
      const digests = [
        ...new Set(
          provenance
            .filter((e) => e.details !== null && REPORTED_KINDS.has(e.kind))
            .map((e) => e.details?.digest ?? ""),
        ),
      ];
      const details = new Map<string, VerifiedMetadata<"provenance-details">>();
      await Promise.all(
        digests.map(async (digest) => {
          details.set(digest, await verifiedDocument(verifier.documents, "provenance-details", digest));
        }),
      );
      const record = await verifier.index.getCertificate(view.tokenId);
      const brand = CONTACT_VERDICTS.has(verdictKindOf(view))
        ? await brandProfileOf(verifier, view.brand.id)
        : null;
      const pageUrl = `${originOf(request, deps.publicUrl)}/v/${view.tokenId}`;
      const twins = await Promise.all(
        view.twins.map(async (twin) => {
          const design = await designView(verifier.index, verifier.documents, BigInt(twin.designId));
          return { designId: twin.designId, name: design.metadata.document?.name ?? null };
        }),
      );
      sendPage(
        response,
        renderVerifyPage(t, {
          proveUrl: `${pageUrl}/prove`,
          brand,
          view,
          metadataBlock: record?.metadataUpdatedAtBlock ?? view.issued.block,
          provenance,
          details,
          freshness: v1.freshness(),
          pageUrl,
          qrSvg: await qrSvg(pageUrl),
          path: request.originalUrl,
          certificateAddress: verifier.identity.certificateAddress,
          labelSerial: labelSerialOf(v1, tokenId, query.data.serial),
          twins,
        }),
      );
    }),
  );

  // The seller's phone, from the buyer's QR code: the challenge id is in the fragment (#challenge=),
  // which the browser never sends, so it is in no access log.
  router.get(
    "/v/:tokenId/prove",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const found = await certificateOrUnknown(request, response, t);
      if (found === null) return;
      const { view } = found;
      response.setHeader("Referrer-Policy", "no-referrer");
      response.setHeader("X-Robots-Tag", "noindex, nofollow");
      sendPage(response, renderProvePage(t, { view, path: request.originalUrl }));
    }),
  );

  // The QR code of a pending challenge's prove link, for the buyer's screen. The id comes in the
  // body (not the URL, so no log holds it); only links to this verifier's prove page are drawn,
  // so this is no general QR service.
  router.post(
    "/v/:tokenId/prove/qr",
    handle(async (request, response) => {
      const tokenId = parseUint256(String(request.params.tokenId));
      if (tokenId === null) throw new InvalidInputError(`Malformed path ${request.path}`);
      const { challengeId } = parseInput(ProveQrRequest, request.body, "body");
      const state = await ownershipChallengeState(
        verifier.index,
        verifier.identity,
        v1.ownershipChallenges,
        challengeId,
      );
      if (state.tokenId !== tokenId.toString())
        throw new NotFoundError("No such challenge for this certificate");
      if (state.state !== "pending")
        throw new ConflictError(`This challenge is ${state.state}: ask for a new one`);
      const link = `${originOf(request, deps.publicUrl)}/v/${state.tokenId}/prove#challenge=${state.challengeId}`;
      response.setHeader("Cache-Control", "no-store");
      response.type("image/svg+xml").send(await qrSvg(link));
    }),
  );

  // A serial printed on a label: /b/{brand}/{serial} → the certificate's page.
  router.get(
    "/b/:brand/:serial",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const parsed = z.object({ brand: BrandId, serial: Serial }).safeParse(request.params);
      if (!parsed.success) return sendUnknown(request, response, t, "malformed");
      try {
        const tokenId = await tokenIdOfSerial(verifier.index, v1, parsed.data.brand, parsed.data.serial);
        // The language the visitor chose follows them to the piece's page, and the serial asked with it
        // (the page shows it once it hashes to this certificate).
        const lang = typeof request.query.lang === "string" ? `&lang=${t.lang}` : "";
        response.redirect(
          303,
          `/v/${tokenId.toString()}?serial=${encodeURIComponent(parsed.data.serial)}${lang}`,
        );
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        const brand = await brandProfileOf(verifier, parsed.data.brand);
        sendUnknown(request, response, t, "unknown", brand.name === null ? null : brand);
      }
    }),
  );

  router.get(
    "/g/:designId",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const designId = parseUint256(String(request.params.designId));
      let design;
      try {
        if (designId === null) return sendUnknown(request, response, t, "garment-malformed");
        design = await designView(verifier.index, verifier.documents, designId);
      } catch (error) {
        if (error instanceof NotFoundError) return sendUnknown(request, response, t, "garment");
        throw error;
      }
      const pageUrl = `${originOf(request, deps.publicUrl)}/g/${design.designId}`;
      const twinPieces = design.twin === null ? [] : await twinPiecesOf(v1, design.designId);
      sendPage(
        response,
        renderGarmentPage(t, design, {
          path: request.originalUrl,
          pageUrl,
          qrSvg: await qrSvg(pageUrl),
          twinPieces,
        }),
        200,
        GARMENT_CSP,
      );
    }),
  );

  router.get(
    "/claim/:tokenId",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const found = await certificateOrUnknown(request, response, t);
      if (found === null) return;
      const { tokenId, view } = found;
      const [state, provenance, brand] = await Promise.all([
        deps.claims.claimStateOf(tokenId),
        allProvenance(v1, tokenId),
        brandProfileOf(verifier, view.brand.id),
      ]);
      const lastCodeClaim = provenance.findLast((entry) => entry.kind === "claimed_with_code") ?? null;
      response.setHeader("Referrer-Policy", "no-referrer");
      response.setHeader("X-Robots-Tag", "noindex, nofollow");
      sendPage(
        response,
        renderClaimPage(t, {
          view,
          state,
          lastCodeClaim: lastCodeClaim === null ? null : { time: lastCodeClaim.time, to: lastCodeClaim.to },
          brand,
          chainId: verifier.identity.chainId,
          certificateAddress: verifier.identity.certificateAddress,
          path: request.originalUrl,
        }),
      );
    }),
  );

  // The claim state right before signing: the code may have been used since the page loaded.
  router.get(
    "/claim/:tokenId/state",
    handle(async (request, response) => {
      const tokenId = parseUint256(String(request.params.tokenId));
      if (tokenId === null || (await verifier.index.getCertificate(tokenId.toString())) === null)
        throw new NotFoundError("No such certificate");
      const state = await deps.claims.claimStateOf(tokenId);
      response.setHeader("Cache-Control", "no-store");
      response.json({ tokenId: tokenId.toString(), ...state });
    }),
  );

  // --- #17: the phone's passkey account (its panels depend on what the phone holds: account.js) ---
  router.get("/account", (request, response) => {
    const t = pickLocale(request);
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Robots-Tag", "noindex, nofollow");
    sendPage(response, renderAccountPage(t, { path: request.originalUrl }));
  });

  // The account page's QR codes: its address, or one of the two links that add a device, at this origin.
  router.get(
    "/account/qr",
    handle(async (request, response) => {
      const query = parseInput(AccountQrQuery, request.query, "query");
      const lang = query.lang === "fr" ? "?lang=fr" : "";
      const account = `${originOf(request, deps.publicUrl)}/account${lang}`;
      const text =
        query.address ??
        (query.join !== undefined ? `${account}#join=${query.join}` : `${account}#add=${query.add}`);
      response.setHeader("Cache-Control", "public, max-age=3600");
      response.type("image/svg+xml").send(await qrSvg(text));
    }),
  );

  return router;
}
