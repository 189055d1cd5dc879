import type { Request, Response } from "express";
import { pickLocale } from "./i18n/index.js";
import { renderUnknownPage } from "./pages/unknown.js";

/** Pages load only this origin's scripts and styles; IPFS images come through /ipfs. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");
/**
 * The garment page only: model-viewer (lit) injects its shadow styles, and its bundled meshopt
 * decoder compiles WebAssembly as it loads ('wasm-unsafe-eval' allows WebAssembly compilation by
 * this origin's scripts, not eval of JavaScript).
 */
export const GARMENT_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
  "script-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
);

export function sendPage(response: Response, markup: string, status = 200, csp = PAGE_CSP): void {
  response.status(status);
  response.setHeader("Content-Security-Policy", csp);
  response.setHeader("Cache-Control", "no-cache");
  response.vary("Accept-Language");
  response.type("text/html; charset=utf-8").send(markup);
}

/** The Unknown page, in the reader's language: what a browser gets for a label nobody issued (or a malformed one, 400). */
export function sendUnknownPage(request: Request, response: Response, status: 400 | 404 | 422): void {
  const t = pickLocale(request);
  const reason = status === 400 ? "malformed" : status === 422 ? "unresolvable" : "unknown";
  sendPage(response, renderUnknownPage(t, { path: request.originalUrl, reason }), status);
}
