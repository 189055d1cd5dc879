import type { Request } from "express";

/** Whether the client would rather read a page than JSON (a browser following a printed QR code). */
export function prefersHtml(request: Request): boolean {
  return request.accepts(["application/json", "text/html"]) === "text/html";
}
