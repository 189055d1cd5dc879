import { Router } from "express";
import type { Request, Response } from "express";
import { z } from "zod";
import { BrandStatusLists, STATUS_PURPOSES } from "../../credentials/status-list.js";
import { publicPassport, signedPassport, signedStatusList } from "../../credentials/passport-issuing.js";
import type { PassportIssuing } from "../../credentials/passport-issuing.js";
import { NotAcceptableError } from "../../errors.js";
import { BrandId, NoQuery, parseInput, TokenId } from "./schemas.js";
import type { V1Dependencies } from "./v1-dependencies.js";
import { sendJson } from "./v1-dependencies.js";

/**
 * The Digital Product Passport of a certificate (#19): the public passport as JSON, or the same
 * passport as a W3C Verifiable Credential signed by the brand's issuer key (`application/vc+jwt`),
 * chosen by the Accept header; and the brands' Bitstring Status Lists that revoke (and suspend)
 * those credentials as the chain does.
 */

export const VC_JWT = "application/vc+jwt";
const PASSPORT_TYPES = ["application/json", VC_JWT];

const TokenIdParams = z.object({ tokenId: TokenId });
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

export function passportRouter(deps: V1Dependencies): Router {
  const router = Router();
  const issuing: PassportIssuing = {
    verifier: deps.verifier,
    keys: deps.credentialKeys ?? (() => undefined),
    statusLists: new BrandStatusLists(deps.verifier.index),
  };

  router.get("/v1/certificates/:tokenId/passport", async (request, response) => {
    const { tokenId } = parseInput(TokenIdParams, request.params, "path");
    parseInput(NoQuery, request.query, "query");
    response.setHeader("Vary", "Accept");
    const wanted = request.accepts(PASSPORT_TYPES);
    if (wanted === false)
      throw new NotAcceptableError(
        `The passport is served as application/json (the public passport) or ${VC_JWT} (its verifiable credential)`,
      );
    const publicUrl = originOf(request, deps.publicUrl);
    if (wanted === VC_JWT) return sendJwt(response, await signedPassport(issuing, tokenId, publicUrl));
    const freshness = deps.freshness();
    const { view, passport } = await publicPassport(issuing, tokenId, publicUrl);
    sendJson(response, freshness, {
      tokenId: view.tokenId,
      verdict: view.verdict,
      flags: view.flags,
      passport,
    });
  });

  router.get("/v1/status/:brand/:purpose", async (request, response) => {
    const { brand, purpose } = parseInput(StatusListParams, request.params, "path");
    parseInput(NoQuery, request.query, "query");
    response.setHeader("Vary", "Accept");
    if (request.accepts([VC_JWT]) === false)
      throw new NotAcceptableError(`A status list is served as ${VC_JWT} only`);
    sendJwt(response, await signedStatusList(issuing, brand, purpose, originOf(request, deps.publicUrl)));
  });

  return router;
}
