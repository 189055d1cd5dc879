import type { NextFunction, Request, Response } from "express";

/**
 * robots.txt: search engines may index the verification pages (a shared link should find the
 * piece), never the pages about an owner's secret or wallet — claim (a one-time code), prove (a
 * seller's challenge) — nor the API. Those pages also say `noindex` themselves, for crawlers
 * that reach them by a link and ignore this file.
 */
export const ROBOTS_TXT = `User-agent: *
Disallow: /claim
Disallow: /v/*/prove
Disallow: /check
Disallow: /account
Disallow: /v1/
Disallow: /web/
Allow: /
`;

/** The diamond of the header, as the browser tab's icon. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1a1a1a"/><path d="M32 10 52 32 32 54 12 32Z" fill="#f7f5f1"/><path d="M32 20 42 32 32 44 22 32Z" fill="#1a1a1a"/></svg>
`;

/**
 * The site's own small files, served as files are (middleware, like the page assets: not part of
 * the documented API). Browsers ask for /favicon.ico whatever the page links: it redirects.
 */
export function siteFiles(request: Request, response: Response, next: NextFunction): void {
  if (request.method !== "GET" && request.method !== "HEAD") return next();
  if (request.path === "/robots.txt") {
    response.setHeader("Cache-Control", "public, max-age=86400");
    response.type("text/plain; charset=utf-8").send(ROBOTS_TXT);
    return;
  }
  if (request.path === "/favicon.svg") {
    response.setHeader("Cache-Control", "public, max-age=604800");
    response.type("image/svg+xml").send(FAVICON_SVG);
    return;
  }
  if (request.path === "/favicon.ico") {
    response.setHeader("Cache-Control", "public, max-age=604800");
    response.redirect(301, "/favicon.svg");
    return;
  }
  next();
}
