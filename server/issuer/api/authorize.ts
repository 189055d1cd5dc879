import type { RequestHandler } from "express";
import { ForbiddenError, HallmarkError } from "../../errors.js";
import { parseInput } from "../../http/input.js";
import { PARTNER_BRAND_ID } from "../auth/api-keys.js";
import type { ApiKey, ApiKeyStore } from "../auth/api-keys.js";
import type { IssuerScope } from "../auth/scopes.js";
import { auditOf } from "./audit-trail.js";
import { BrandParams } from "./schemas.js";

/**
 * The gate of every issuer route, in this order: a valid, unrevoked key (else 401), a well-formed
 * brand in the path (else 400), the key's own brand (else 403), the scope the action needs
 * (else 403). Nothing else runs before it passes. The key is marked used when the answer goes out,
 * unless the call was refused.
 */
export function authorize(
  keys: ApiKeyStore,
  action: string,
  scope: IssuerScope | "any",
  options: { brandInPath?: boolean } = {},
): RequestHandler {
  const brandInPath = options.brandInPath ?? true;
  return async (request, response, next) => {
    const audit = auditOf(response);
    audit.action = action;
    const pathBrand = brandInPath ? Number(request.params.brand) : NaN;
    if (Number.isSafeInteger(pathBrand) && pathBrand > 0) audit.brandId = pathBrand;
    let key: ApiKey;
    try {
      key = await keys.authenticate(request.get("authorization"));
    } catch (error) {
      if (error instanceof HallmarkError && "keyId" in error && typeof error.keyId === "string")
        audit.keyId = error.keyId;
      throw error;
    }
    audit.keyId = key.id;
    if (key.brandId === PARTNER_BRAND_ID)
      throw new ForbiddenError("A partner key reads the verifier API; it acts for no brand");
    // The key's brand: a refused attempt on another brand's route shows in the key owner's audit.
    audit.brandId = key.brandId;
    if (brandInPath) {
      const { brand } = parseInput(BrandParams, { brand: request.params.brand }, "path");
      if (brand !== key.brandId)
        throw new ForbiddenError(`This API key acts for brand ${key.brandId}, not brand ${brand}`);
    }
    if (scope !== "any" && !key.scopes.includes(scope))
      throw new ForbiddenError(`This API key lacks the "${scope}" scope`);
    // Only a call that was not refused counts as a use: a refusal writes nothing but its audit row,
    // including a 403 the workflow gives later (a token of another brand on the key's own route).
    response.once("finish", () => {
      if (response.statusCode !== 401 && response.statusCode !== 403) {
        // The last use is a hint for operators (api-key list); the call's audit row is the record,
        // so a lost update (the database restarting) is not worth failing anything for.
        keys.markUsed(key).catch(() => undefined);
      }
    });
    response.locals.apiKey = key;
    next();
  };
}

export function apiKeyOf(locals: Record<string, unknown>): ApiKey {
  return locals.apiKey as ApiKey;
}
