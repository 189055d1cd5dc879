/** What an API key may do, besides reading its brand's audit trail (any key may). */
export const ISSUER_SCOPES = ["mint", "claim-codes", "events", "status"] as const;

export type IssuerScope = (typeof ISSUER_SCOPES)[number];

/**
 * A partner key's only scope: it reads the verifier API on its own, larger rate budget
 * (server/issuer/auth/partner-keys.ts). It acts for no brand and opens no issuer route.
 */
export const PARTNER_SCOPE = "partner";

export type ApiKeyScope = IssuerScope | typeof PARTNER_SCOPE;

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return value === PARTNER_SCOPE || isIssuerScope(value);
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
