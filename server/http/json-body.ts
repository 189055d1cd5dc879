import express from "express";
import type { RequestHandler } from "express";
import { ContentTooLargeError, InvalidInputError } from "../errors.js";

/**
 * JSON bodies, bounded. The parser's own errors are translated into the taxonomy here so that
 * the single error handler maps them (413 too large, 400 malformed) without leaking the
 * parser's message.
 */
export function jsonBody(limitBytes = 16 * 1024): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true });
  return (request, response, next) => {
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) {
        next();
        return;
      }
      const type = typeof error === "object" && "type" in error ? error.type : undefined;
      if (type === "entity.too.large")
        next(new ContentTooLargeError(`Request body above ${limitBytes} bytes`, { cause: error }));
      else if (type === "entity.parse.failed")
        next(new InvalidInputError("Request body is not valid JSON", { cause: error }));
      else next(new InvalidInputError("Request body could not be read", { cause: error }));
    });
  };
}
