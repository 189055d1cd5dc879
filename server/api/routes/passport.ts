import { Router } from "express";
import type { Request, Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { BrandStatusLists, STATUS_PURPOSES } from "../../credentials/status-list.js";
import { signedPassport, signedStatusList } from "../../credentials/passport-issuing.js";
import type { PassportIssuing } from "../../credentials/passport-issuing.js";
import { DependencyUnavailableError, NotAcceptableError } from "../../errors.js";
import { problemFor } from "../../http/problem.js";
import { PASSPORT_TIERS } from "../../metadata/textile-passport.js";
import { grantTier } from "../../passport/passport-access.js";
import type {
  PassportAccessDependencies,
  PassportAuditTrail,
  TierGrant,
} from "../../passport/passport-access.js";
import { PassportKeyring } from "../../passport/passport-keyring.js";
import { resolvePassport } from "../../passport/passport-view.js";
import { PASSPORT_CREDENTIAL_HEADER } from "../../passport/tier-credential.js";
import { brandOfTokenId } from "../../verification/ids.js";
import { BrandId, NoQuery, parseInput, TokenId } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * GET /v1/certificates/{tokenId}/passport: the product passport as JSON. `?tier=public` (the
 * default) needs nothing and shows restricted sections as "sealed"; `?tier=interest|authority`
 * opens them for a caller who proves the tier (server/passport/passport-access.ts), and every such
 * read — granted or refused — leaves a row in the audit trail. A restricted answer is never cached
 * by anyone in between (private, no-store).
 *
 * The same route answers `Accept: application/vc+jwt` with the public passport as a W3C Verifiable
 * Credential signed by the brand's issuer key (server/credentials/), and the brands' Bitstring Status
 * Lists that revoke (and suspend) those credentials as the chain does are served here too.
 */
export interface PassportRouteDependencies extends PassportAccessDependencies {
  /** Where tier reads are recorded; without it no restricted tier is served. */
  audit?: PassportAuditTrail;
  logger?: Logger;
}

const Params = z.strictObject({ tokenId: TokenId });
const Query = z.strictObject({
  tier: z.enum(PASSPORT_TIERS).default("public").describe("public (default), interest or authority"),
});

export const VC_JWT = "application/vc+jwt";
const PASSPORT_TYPES = ["application/json", VC_JWT];

export const StatusPurposeParam = z
  .enum(STATUS_PURPOSES)
  .describe("revocation (revoked) or suspension (stolen)");
const StatusListParams = z.object({ brand: BrandId, purpose: StatusPurposeParam });

/** Where the credentials' URLs point: the configured public address, else the request's own origin. */
function originOf(request: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, "");
  return `${request.protocol}://${request.get("host") ?? "localhost"}`;
}

function sendJwt(response: Response, jwt: string): void {
  // A credential says what the chain says now: revocation must show on the next read.
  response.setHeader("Cache-Control", "no-cache");
  // Sent as bytes: the media type has no charset parameter (a JWT is ASCII).
  response.setHeader("Content-Type", VC_JWT);
  response.status(200).end(jwt);
}

/** A verifier without passport keys still serves every public passport. */
const EMPTY_KEYRING = new PassportKeyring([]);

function grantDetail(grant: TierGrant): string {
  return grant.via === "partner-key"
    ? `partner key, scope ${grant.scope}`
    : `credential of ${grant.holder}, signed by ${grant.signer} (${grant.role}), until ${new Date(grant.expiry * 1000).toISOString()}`;
}

export function passportRouter(v1: V1Dependencies, deps: PassportRouteDependencies | undefined): Router {
  const router = Router();
  const issuing: PassportIssuing = {
    verifier: v1.verifier,
    keys: v1.credentialKeys ?? (() => undefined),
    statusLists: new BrandStatusLists(v1.verifier.index),
  };

  router.get("/v1/certificates/:tokenId/passport", async (request, response: Response) => {
    const { tokenId } = parseInput(Params, request.params, "path");
    const { tier } = parseInput(Query, request.query, "query");
    response.setHeader("Vary", "Accept");
    const wanted = request.accepts(PASSPORT_TYPES);
    if (wanted === false)
      throw new NotAcceptableError(
        `The passport is served as application/json (its tiers) or ${VC_JWT} (the public passport's verifiable credential)`,
      );
    if (wanted === VC_JWT) {
      // A credential is public by nature: restricted tiers are read as JSON by a caller who proves them.
      if (tier !== "public")
        throw new NotAcceptableError(
          `A ${VC_JWT} credential carries the public passport only: ask for application/json`,
        );
      return sendJwt(response, await signedPassport(issuing, tokenId, originOf(request, v1.publicUrl)));
    }
    if (tier === "public") {
      const view = await resolvePassport(
        v1.verifier.index,
        v1.verifier.documents,
        deps?.keyring ?? EMPTY_KEYRING,
        tokenId,
        "public",
      );
      sendJson(response, v1.freshness(), view);
      return;
    }

    response.setHeader("Cache-Control", "private, no-store");
    response.setHeader("Vary", `Accept, Authorization, ${PASSPORT_CREDENTIAL_HEADER}`);
    const brandId = brandOfTokenId(tokenId);
    const audit = { keyId: null as string | null, detail: null as string | null };
    if (deps?.audit === undefined)
      throw new DependencyUnavailableError(
        "Restricted passport tiers need the audit trail, which this verifier lacks",
      );
    const trail = deps.audit;
    try {
      const grant = await grantTier(
        deps,
        {
          tier,
          brandId,
          authorization: request.get("authorization"),
          credential: request.get(PASSPORT_CREDENTIAL_HEADER),
        },
        (keyId) => (audit.keyId = keyId),
      );
      audit.detail = grantDetail(grant);
      const view = await resolvePassport(
        v1.verifier.index,
        v1.verifier.documents,
        deps.keyring,
        tokenId,
        tier,
      );
      // Recorded before the answer leaves: once a caller has read a tier, its row exists.
      await record(trail, deps.logger, {
        brandId,
        keyId: audit.keyId,
        tokenId,
        tier,
        status: 200,
        detail: audit.detail,
      });
      sendJson(response, v1.freshness(), { ...view, access: grant });
    } catch (error) {
      const { problem } = problemFor(error);
      await record(trail, deps.logger, {
        brandId,
        keyId: audit.keyId,
        tokenId,
        tier,
        status: problem.status,
        detail: audit.detail === null ? (problem.detail ?? problem.type) : `${audit.detail}: ${problem.type}`,
      });
      throw error;
    }
  });

  router.get("/v1/status/:brand/:purpose", async (request, response) => {
    const { brand, purpose } = parseInput(StatusListParams, request.params, "path");
    parseInput(NoQuery, request.query, "query");
    response.setHeader("Vary", "Accept");
    if (request.accepts([VC_JWT]) === false)
      throw new NotAcceptableError(`A status list is served as ${VC_JWT} only`);
    sendJwt(response, await signedStatusList(issuing, brand, purpose, originOf(request, v1.publicUrl)));
  });

  return router;
}

async function record(
  trail: PassportAuditTrail,
  logger: Logger | undefined,
  entry: {
    brandId: number;
    keyId: string | null;
    tokenId: bigint;
    tier: string;
    status: number;
    detail: string;
  },
): Promise<void> {
  const outcome = entry.status >= 500 ? "failed" : entry.status >= 400 ? "refused" : "ok";
  try {
    await trail.record({
      keyId: entry.keyId,
      brandId: entry.brandId,
      action: "passport.read",
      target: `${entry.tokenId.toString()} tier=${entry.tier}`,
      status: entry.status,
      outcome,
      detail: entry.detail.slice(0, 500),
    });
  } catch (error) {
    // The answer has gone or is going out; a lost audit row is an operator's alarm, not the caller's error.
    logger?.error({ err: error, action: "passport.read", brand: entry.brandId }, "audit write failed");
  }
}
