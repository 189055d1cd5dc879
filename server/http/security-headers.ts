import type { RequestHandler } from "express";

/**
 * Security headers for every answer (helmet is not a dependency; these are the ones that matter
 * for a JSON API and one tiny HTML page). Routes that serve untrusted bytes (/ipfs) tighten CSP
 * further themselves.
 */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["X-Content-Type-Options", "nosniff"],
  ["Content-Security-Policy", DEFAULT_CSP],
  ["X-Frame-Options", "DENY"],
  ["Referrer-Policy", "no-referrer"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"],
];

/** Headers of every cross-origin answer other than a preflight. */
export const CORS_HEADERS: readonly (readonly [string, string])[] = [
  ["Access-Control-Allow-Origin", "*"],
  ["Access-Control-Expose-Headers", "Retry-After, Location"],
];

export function securityHeaders(): RequestHandler {
  return (_request, response, next) => {
    for (const [name, value] of SECURITY_HEADERS) response.setHeader(name, value);
    next();
  };
}

/**
 * The API is public and read-mostly: any origin may call it from a browser (partners' pages).
 * No credentials are ever involved, so a wildcard origin is safe.
 */
export function publicCors(): RequestHandler {
  return (request, response, next) => {
    for (const [name, value] of CORS_HEADERS) response.setHeader(name, value);
    if (request.method === "OPTIONS") {
      response.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
      response.setHeader("Access-Control-Allow-Headers", "Content-Type, Accept, Last-Event-ID");
      response.setHeader("Access-Control-Max-Age", "600");
      response.status(204).end();
      return;
    }
    next();
  };
}
