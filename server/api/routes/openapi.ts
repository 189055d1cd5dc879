import { Router } from "express";
import { NoQuery, parseInput } from "../../http/input.js";

/** `GET /openapi.json`: the document of every route group served, assembled by the composition (server/app.ts). */
export function openApiRouter(document: object): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get("/openapi.json", (request, response) => {
    parseInput(NoQuery, request.query, "query");
    response.setHeader("Cache-Control", "public, max-age=300");
    response.type("application/json").send(body);
  });
  return router;
}
