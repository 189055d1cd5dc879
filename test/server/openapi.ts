import { expect } from "chai";
import type { Express } from "express";
import { Wallet } from "ethers";
import { buildOpenApiDocument } from "../../server/app.js";
import { buildStack, getJson } from "./api/stack.js";
import { OpenApiResponses } from "./support/openapi-responses.js";
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
            for (const openApiPath of toOpenApiPaths(path))
              routes.add(`${method.toUpperCase()} ${openApiPath}`);
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
    expect(
      [...served].filter((route) => !described.has(route)),
      "served but not in /openapi.json",
    ).to.deep.equal([]);
    expect(
      [...described].filter((route) => !served.has(route)),
      "in /openapi.json but not served",
    ).to.deep.equal([]);
  });

  it("is served at /openapi.json as OpenAPI 3.1 with request schemas from the zod validators", async function () {
    const { status, body } = await getJson<{
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string; schema: object }[] }>>;
    }>(`${stack.url}/openapi.json`);
    expect(status).to.equal(200);
    expect(body.openapi).to.equal("3.1.0");
    const list = body.paths["/v1/certificates"].get.parameters?.map((p) => p.name);
    expect(list).to.include.members(["brand", "owner", "status", "cursor", "limit"]);
    expect(body.paths["/v1/ownership/proofs"]).to.have.property("post");
  });

  it("names the public URL as its server, or the origin it was read from", async function () {
    const configured = buildOpenApiDocument({ serverUrl: "https://verify.example.com/" }) as {
      servers: { url: string }[];
    };
    expect(configured.servers).to.deep.equal([{ url: "https://verify.example.com" }]);
    // The test stack sets no HALLMARK_PUBLIC_URL: a relative server, never a hard-coded host.
    const { body } = await getJson<{ servers: { url: string }[] }>(`${stack.url}/openapi.json`);
    expect(body.servers).to.deep.equal([{ url: "/" }]);
  });

  it("documents a 400 on every operation (an unknown query parameter is refused everywhere)", function () {
    const document = buildOpenApiDocument() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const without = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => !("400" in operation.responses))
        .map(([method]) => `${method} ${path}`),
    );
    expect(without).to.deep.equal([]);
  });

  it("documents every problem status a route can answer with the Problem schema", function () {
    const document = buildOpenApiDocument() as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    };
    const proofs = document.paths["/v1/ownership/proofs"].post.responses;
    for (const status of ["400", "404", "409", "410", "422", "503"])
      expect(proofs[status].content).to.have.property("application/problem+json");
  });

  it("describes the claim state the claim page reads (getJson checks every answer against the document)", async function () {
    const claimKey = Wallet.createRandom();
    const tokenId = await stack.issue("OA-0001", stack.vaultA.address, { claimKey: claimKey.address });
    await stack.sync();
    const { status, body } = await getJson<{ tokenId: string; claimKey: string; nonce: string }>(
      `${stack.url}/claim/${tokenId.toString()}/state`,
    );
    expect(status).to.equal(200);
    expect(body).to.include({ tokenId: tokenId.toString(), claimKey: claimKey.address });
  });

  describe("response schemas", function () {
    type Responses = Record<string, { description: string; content?: Record<string, { schema?: object }> }>;
    const document = (): {
      paths: Record<string, Record<string, { operationId: string; responses: Responses }>>;
    } => buildOpenApiDocument() as never;

    it("gives every JSON response of every operation a schema", function () {
      const missing: string[] = [];
      let checked = 0;
      for (const [path, item] of Object.entries(document().paths)) {
        for (const [method, operation] of Object.entries(item)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            for (const [mediaType, content] of Object.entries(response.content ?? {})) {
              if (!mediaType.endsWith("json")) continue;
              checked++;
              if (content.schema === undefined || Object.keys(content.schema).length === 0)
                missing.push(`${method.toUpperCase()} ${path} ${status} ${mediaType}`);
            }
          }
        }
      }
      expect(checked).to.be.at.least(100);
      expect(missing).to.deep.equal([]);
    });

    it("names the answers' components, generated from the zod schemas, with $refs between them", function () {
      const built = buildOpenApiDocument() as {
        components: {
          schemas: Record<
            string,
            { required?: string[]; properties?: Record<string, object>; additionalProperties?: unknown }
          >;
        };
      };
      const { Certificate, ProvenancePage } = built.components.schemas;
      expect(Certificate.required).to.include.members([
        "tokenId",
        "flags",
        "verdict",
        "metadata",
        "twins",
        "index",
      ]);
      expect(Certificate.properties?.index).to.deep.equal({ $ref: "#/components/schemas/IndexFreshness" });
      expect(Certificate.additionalProperties, "an answer has no members its schema does not name").to.equal(
        false,
      );
      expect(ProvenancePage.properties?.items).to.deep.equal({
        type: "array",
        items: { $ref: "#/components/schemas/ProvenanceEvent" },
      });
    });

    describe("the validator the API walkthrough checks answers with", function () {
      const validator = new OpenApiResponses(buildOpenApiDocument());
      const certificate = {
        tokenId: "1",
        brand: { id: 1, name: "Maison Aurelle" },
        status: "active",
        statusReason: null,
        owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        custody: "owner",
        chip: { bound: false, address: null },
        successor: null,
        predecessor: null,
        issuer: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        issued: { block: 12, time: "2026-03-01T10:00:00.000Z", txHash: `0x${"ab".repeat(32)}` },
        flags: [],
        metadata: {
          cid: "bafkrei",
          digest: `0x${"cd".repeat(32)}`,
          verified: false,
          reason: "ipfs_unavailable",
          document: null,
        },
        twins: [],
        verdict: "genuine",
        index: { block: 12, caughtUp: true, head: 12 },
      };
      const check = (body: unknown, status = 200, type = "application/json; charset=utf-8"): string[] =>
        validator.problems("GET", "/v1/certificates/1?x=1", status, type, JSON.stringify(body));

      it("accepts a certificate answer of the documented shape", function () {
        expect(check(certificate)).to.deep.equal([]);
      });

      it("rejects an answer with a flag the document does not name, naming the request, the status and the member", function () {
        const [problem] = check({ ...certificate, flags: ["counterfeit"] });
        expect(problem).to.match(
          /^GET \/v1\/certificates\/1\?x=1 → 200: \/flags\/0 must be equal to one of the allowed values/,
        );
      });

      it("rejects an answer without the index's freshness, or with a member the document does not name", function () {
        const { index: _index, ...withoutIndex } = certificate;
        expect(check(withoutIndex).join("\n")).to.include("must have required property 'index'");
        expect(check({ ...certificate, price: 100 }).join("\n")).to.include(
          "must NOT have additional properties",
        );
      });

      it("rejects an undocumented status, an undocumented media type, and a problem that is no problem document", function () {
        expect(check(certificate, 418)).to.deep.equal([
          "GET /v1/certificates/1?x=1 → 418: status 418 is not documented for GET /v1/certificates/{tokenId}",
        ]);
        expect(check(certificate, 200, "text/plain")[0]).to.include("text/plain is not documented");
        expect(check({ title: "Not found" }, 404, "application/problem+json").join("\n")).to.include(
          "must have required property 'type'",
        );
      });

      it("rejects a malformed time and a malformed address (formats and patterns are checked)", function () {
        const problems = check({
          ...certificate,
          owner: "0x1234",
          issued: { ...certificate.issued, time: "yesterday" },
        }).join("\n");
        expect(problems).to.include("/owner must match pattern");
        expect(problems).to.include("/issued/time must match format");
      });
    });
  });
});
