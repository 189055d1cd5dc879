import type { RequestHandler } from "express";

/**
 * Security headers for every answer (helmet is not a dependency; these are the ones that matter
 * for a JSON API and one tiny HTML page). Routes that serve untrusted bytes (/ipfs) tighten CSP
 * further themselves.
 */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeaders(): RequestHandler {
  return (_request, response, next) => {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", DEFAULT_CSP);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    response.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    next();
  };
}

/**
 * The API is public and read-mostly: any origin may call it from a browser (partners' pages).
 * No credentials are ever involved, so a wildcard origin is safe.
 */
export function publicCors(): RequestHandler {
  return (request, response, next) => {
    response.setHeader("Access-Control-Allow-Origin", "*");
    response.setHeader("Access-Control-Expose-Headers", "Retry-After, Location");
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
