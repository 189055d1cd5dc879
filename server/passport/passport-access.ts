import { AuthenticationError, ForbiddenError, HallmarkError } from "../errors.js";
import type { ApiKeyStore } from "../issuer/auth/api-keys.js";
import type { RestrictedTier } from "../metadata/textile-passport.js";
import type { PassportKeyring } from "./passport-keyring.js";
import { verifyPassportCredential } from "./tier-credential.js";
import type { BrandRoleReader, PassportDomain } from "./tier-credential.js";

/**
 * Who may read a restricted tier of a brand's passports, proved one of two ways: a partner key
 * holding the scope `passport:<tier>:<brand>` (authority covers interest), or an EIP-712 tier
 * credential signed by a holder of the matching brand role (./tier-credential.ts).
 */
export interface PassportAccessDependencies {
  keyring: PassportKeyring;
  roles: BrandRoleReader;
  domain: PassportDomain;
  /** Partner keys (the issuer database: sqlite, or PostgreSQL in a fleet). */
  keys?: ApiKeyStore;
  now?: () => number;
}

/** Where tier reads are recorded: the issuer's audit trail (sqlite or PostgreSQL) fits this shape. */
export interface PassportAuditTrail {
  record(entry: {
    keyId: string | null;
    brandId: number | null;
    action: string;
    target: string | null;
    status: number;
    outcome: string;
    detail: string | null;
  }): Promise<void>;
}

export type TierGrant =
  | { via: "partner-key"; keyId: string; scope: string }
  | { via: "credential"; holder: string; signer: string; role: string; expiry: number };

export const PASSPORT_CHALLENGE = 'Bearer realm="hallmark-passport", HallmarkPassportCredential';

/** The scopes that open `tier` of `brandId`: the tier's own, and authority's (which reads every section). */
export function scopesOpening(tier: RestrictedTier, brandId: number): string[] {
  return tier === "interest"
    ? [`passport:interest:${brandId}`, `passport:authority:${brandId}`]
    : [`passport:authority:${brandId}`];
}

export async function grantTier(
  deps: PassportAccessDependencies,
  request: { tier: RestrictedTier; brandId: number; authorization?: string; credential?: string },
  onKey?: (keyId: string) => void,
): Promise<TierGrant> {
  if (request.credential !== undefined) {
    const verified = await verifyPassportCredential(
      request.credential,
      { brandId: request.brandId, domain: deps.domain, nowS: Math.floor((deps.now ?? Date.now)() / 1000) },
      deps.roles,
    );
    // An authority credential reads every section; an interest one does not open authority's.
    if (verified.tier === "interest" && request.tier === "authority")
      throw new ForbiddenError("An interest credential does not open the authority tier");
    return { via: "credential", ...verified };
  }
  if (request.authorization !== undefined && /^Bearer\s+hmk_/i.test(request.authorization.trim())) {
    if (deps.keys === undefined)
      throw new AuthenticationError("This verifier keeps no partner keys", PASSPORT_CHALLENGE);
    let key;
    try {
      key = await deps.keys.authenticate(request.authorization);
    } catch (error) {
      if (error instanceof HallmarkError && "keyId" in error && typeof error.keyId === "string")
        onKey?.(error.keyId);
      throw error;
    }
    onKey?.(key.id);
    const scope = scopesOpening(request.tier, request.brandId).find((wanted) =>
      (key.scopes as readonly string[]).includes(wanted),
    );
    if (scope === undefined)
      throw new ForbiddenError(
        `This key lacks the scope passport:${request.tier}:${request.brandId} for brand ${request.brandId}'s ${request.tier} tier`,
      );
    return { via: "partner-key", keyId: key.id, scope };
  }
  throw new AuthenticationError(
    `The ${request.tier} tier needs a partner key with its passport scope (Authorization: Bearer hmk_…) or a tier credential (Hallmark-Passport-Credential)`,
    PASSPORT_CHALLENGE,
  );
}
