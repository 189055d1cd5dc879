/** What an API key may do, besides reading its brand's audit trail (any key may). */
export const ISSUER_SCOPES = ["mint", "claim-codes", "events", "status"] as const;

export type IssuerScope = (typeof ISSUER_SCOPES)[number];

/**
 * A partner key's only scope: it reads the verifier API on its own, larger rate budget
 * (server/issuer/auth/partner-keys.ts). It acts for no brand and opens no issuer route.
 */
export const PARTNER_SCOPE = "partner";

/**
 * A partner key's passport scope, `passport:<tier>:<brand>`: it opens that brand's restricted
 * passport sections of the tier (legitimate interest, or authority, which reads both) on
 * GET /v1/certificates/{id}/passport. A brand grants it; it opens nothing of another brand.
 */
export type PassportScope = `passport:${"interest" | "authority"}:${number}`;
const PASSPORT_SCOPE = /^passport:(interest|authority):([1-9]\d{0,9})$/;

export function isPassportScope(value: string): value is PassportScope {
  const match = PASSPORT_SCOPE.exec(value);
  return match !== null && Number(match[2]) <= 0xffffffff;
}

/** "interest:1,authority:2" → ["passport:interest:1", "passport:authority:2"]; throws RangeError naming a bad one. */
export function parsePassportScopes(text: string): PassportScope[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .map((grant) => {
          const scope = `passport:${grant.replace(/^passport:/, "")}`;
          if (!isPassportScope(scope))
            throw new RangeError(
              `"${grant}" is not <tier>:<brand> (tier interest or authority, e.g. interest:1)`,
            );
          return scope;
        }),
    ),
  ];
}

export type ApiKeyScope = IssuerScope | typeof PARTNER_SCOPE | PassportScope;

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return value === PARTNER_SCOPE || isIssuerScope(value) || isPassportScope(value);
}

export function isIssuerScope(value: string): value is IssuerScope {
  return (ISSUER_SCOPES as readonly string[]).includes(value);
}

/** "mint,events" → ["mint", "events"]; throws RangeError naming an unknown scope. */
export function parseScopes(text: string): IssuerScope[] {
  const scopes = [
    ...new Set(
      text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
  if (scopes.length === 0) throw new RangeError(`Name at least one scope (${ISSUER_SCOPES.join(", ")})`);
  for (const scope of scopes) {
    if (!isIssuerScope(scope))
      throw new RangeError(`Unknown scope "${scope}" (one of ${ISSUER_SCOPES.join(", ")})`);
  }
  return scopes as IssuerScope[];
}
