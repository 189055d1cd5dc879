import { expect } from "chai";
import type { Express } from "express";
import { buildOpenApiDocument } from "../../server/app.js";
import { buildStack, getJson } from "./api/stack.js";
import type { Stack } from "./api/stack.js";

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** "GET /v1/certificates/{tokenId}" for every route of the Express app (router stacks walked recursively). */
function expressRoutes(app: Express): Set<string> {
  const routes = new Set<string>();
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== "_all")) {
            for (const openApiPath of toOpenApiPaths(path)) routes.add(`${method.toUpperCase()} ${openApiPath}`);
          }
        }
      } else if (layer.handle?.stack !== undefined) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

/** Express 5 path syntax to OpenAPI templates; an optional group `{/*path}` yields both forms. */
function toOpenApiPaths(path: string): string[] {
  const optional = /\{\/\*(\w+)\}$/.exec(path);
  const base = path.replace(/\{\/\*\w+\}$/, "").replace(/:(\w+)/g, "{$1}");
  return optional === null ? [base] : [base, `${base}/{${optional[1]}}`];
}

function documentRoutes(document: Record<string, unknown>): Set<string> {
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) routes.add(`${method.toUpperCase()} ${path}`);
  }
  return routes;
}

describe("OpenAPI document", function () {
  let stack: Stack;

  before(async function () {
    stack = await buildStack();
  });

  after(async function () {
    await stack?.close();
  });

  it("describes every route the app serves, and no route it does not serve", function () {
    const served = expressRoutes(stack.verifier.app);
    const described = documentRoutes(buildOpenApiDocument());
    expect(served.size).to.be.at.least(19);
    expect([...served].filter((route) => !described.has(route)), "served but not in /openapi.json").to.deep.equal([]);
    expect([...described].filter((route) => !served.has(route)), "in /openapi.json but not served").to.deep.equal([]);
  });

  it("is served at /openapi.json as OpenAPI 3.1 with request schemas from the zod validators", async function () {
    const { status, body } = await getJson<{ openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; schema: object }[] }>> }>(`${stack.url}/openapi.json`);
    expect(status).to.equal(200);
    expect(body.openapi).to.equal("3.1.0");
    const list = body.paths["/v1/certificates"].get.parameters?.map((p) => p.name);
    expect(list).to.include.members(["brand", "owner", "status", "cursor", "limit"]);
    expect(body.paths["/v1/ownership/proofs"]).to.have.property("post");
  });

  it("documents every problem status a route can answer with the Problem schema", function () {
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const proofs = document.paths["/v1/ownership/proofs"].post.responses;
    for (const status of ["400", "404", "409", "410", "422", "503"]) expect(proofs[status].content).to.have.property("application/problem+json");
  });
});
