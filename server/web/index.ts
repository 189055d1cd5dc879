import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
import { parseUint256 } from "../verification/ids.js";
import { ownershipChallengeState } from "../verification/ownership.js";
import type { OwnershipChallenges } from "../verification/ownership.js";
import type { ProvenanceEventView } from "../verification/provenance.js";
import { provenanceOf } from "../verification/provenance.js";
import { tokenIdOfSerial } from "../verification/serial.js";
import type { ClaimStateReader } from "./claim-state.js";
import { pickLocale } from "./i18n/index.js";
import type { Messages } from "./i18n/index.js";
import { renderClaimPage } from "./pages/claim.js";
import { renderGarmentPage } from "./pages/garment.js";
import { renderProvePage, renderUnknownPage, renderVerifyPage } from "./pages/verify.js";
import { qrSvg } from "./qr.js";
import { ProveQrRequest, VerifyPageQuery } from "./schemas.js";
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

const HERE = dirname(fileURLToPath(import.meta.url));
const ASSETS_DIR = join(HERE, "assets");

/** A package's dist file, found from its resolved entry point (no CDN: the browser gets our copy). */
function packageFile(specifier: string, packageName: string, relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
  while (!dir.endsWith(join("node_modules", ...packageName.split("/"))) && dirname(dir) !== dir)
    dir = dirname(dir);
  return join(dir, relative);
}

const VENDOR: Record<string, () => string> = {
  "ethers.min.js": () => packageFile("ethers", "ethers", join("dist", "ethers.min.js")),
  "model-viewer.min.js": () =>
    packageFile("@google/model-viewer", "@google/model-viewer", join("dist", "model-viewer.min.js")),
};

/**
 * A page that cannot be shown: the Unknown verdict for a browser, a problem+json for a client
 * that prefers JSON (the API's error contract holds on these paths too).
 */
function sendUnknown(
  request: Request,
  response: Response,
  t: Messages,
  status: 400 | 404,
  message: string,
): void {
  if (request.accepts(["text/html", "application/json"]) === "application/json") {
    throw status === 400
      ? new InvalidInputError(`Malformed path ${request.path}`)
      : new NotFoundError(`Nothing at ${request.path}`);
  }
  sendPage(response, renderUnknownPage(t, request.originalUrl, message), status);
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
      sendUnknown(request, response, t, 400, t.verdictHelp.unknown);
      return null;
    }
    try {
      return { tokenId, view: await resolveCertificate(verifier.index, verifier.documents, tokenId) };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      sendUnknown(request, response, t, 404, t.verdictHelp.unknown);
      return null;
    }
  }

  router.use("/web/assets", (request, _response, next) => {
    // The folder holds its own lint config; only the page assets are public.
    if (!/^\/[a-z-]+\.(?:js|css)$/.test(request.path) || request.path === "/eslint.config.js") next("router");
    else next();
  });
  router.use("/web/assets", express.static(ASSETS_DIR, { index: false, maxAge: "1h", fallthrough: true }));
  // Static files are middleware, not routes: they are assets, not part of the documented API.
  router.use("/web/vendor", (request, response, next) => {
    const name = request.path.slice(1);
    // Own keys only: /web/vendor/constructor must not reach Object's prototype.
    const locate =
      (request.method === "GET" || request.method === "HEAD") && Object.hasOwn(VENDOR, name)
        ? VENDOR[name]
        : undefined;
    if (locate === undefined) {
      next();
      return;
    }
    response.sendFile(
      locate(),
      { maxAge: "1d", headers: { "Content-Type": "text/javascript; charset=utf-8" } },
      (error) => {
        if (error) next(error);
      },
    );
  });

  router.get(
    "/v/:tokenId",
    handle(async (request, response) => {
      const t = pickLocale(request);
      const query = VerifyPageQuery.safeParse(request.query);
      if (!query.success) return sendUnknown(request, response, t, 400, t.verdictHelp.unknown);
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
      const pageUrl = `${originOf(request, deps.publicUrl)}/v/${view.tokenId}`;
      sendPage(
        response,
        renderVerifyPage(t, {
          proveUrl: `${pageUrl}/prove`,
          view,
          metadataBlock: record?.metadataUpdatedAtBlock ?? view.issued.block,
          provenance,
          details,
          freshness: v1.freshness(),
          pageUrl,
          qrSvg: await qrSvg(pageUrl),
          path: request.originalUrl,
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
      if (!parsed.success) return sendUnknown(request, response, t, 400, t.verdictHelp.unknown);
      try {
        const tokenId = await tokenIdOfSerial(verifier.index, v1, parsed.data.brand, parsed.data.serial);
        response.redirect(303, `/v/${tokenId.toString()}`);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        sendUnknown(request, response, t, 404, t.verdictHelp.unknown);
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
        if (designId === null) return sendUnknown(request, response, t, 400, t.garment.unknown);
        design = await designView(verifier.index, verifier.documents, designId);
      } catch (error) {
        if (error instanceof NotFoundError) return sendUnknown(request, response, t, 404, t.garment.unknown);
        throw error;
      }
      const pageUrl = `${originOf(request, deps.publicUrl)}/g/${design.designId}`;
      sendPage(
        response,
        renderGarmentPage(t, design, { path: request.originalUrl, pageUrl, qrSvg: await qrSvg(pageUrl) }),
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
      const state = await deps.claims.claimStateOf(tokenId);
      response.setHeader("Referrer-Policy", "no-referrer");
      sendPage(
        response,
        renderClaimPage(t, {
          view,
          state,
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

  return router;
}
