import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

/** The base URI the document is registered under, so that its "#/components/schemas/X" refs resolve. */
const DOCUMENT_ID = "https://hallmark.dev/openapi.json";

interface DescribedResponse {
  description: string;
  content?: Record<string, { schema?: object }>;
}
type Operations = Record<string, Record<string, { responses: Record<string, DescribedResponse> }>>;

/** An RFC 6901 JSON pointer token. */
const pointerToken = (token: string): string =>
  encodeURIComponent(token.replaceAll("~", "~0").replaceAll("/", "~1"));

/**
 * Checks answers against the OpenAPI document the server serves: the operation the request went
 * to (its path matched against the path templates), the status documented for it, the media type
 * documented for that status and, for JSON, the body against its schema (ajv, JSON Schema 2020-12,
 * OpenAPI 3.1's dialect, with formats). Each failure names the request, the status and ajv's errors.
 */
export class OpenApiResponses {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { method: string; template: string; pattern: RegExp; literals: number }[] = [];
  private readonly paths: Operations;

  constructor(document: Record<string, unknown>) {
    addFormats(this.ajv);
    // The document's own members are no JSON Schema keywords: known to ajv, not checked.
    this.ajv.addVocabulary(["openapi", "info", "servers", "paths", "components"]);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    this.paths = document.paths as Operations;
    for (const [template, item] of Object.entries(this.paths)) {
      const pattern = new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
      );
      const literals = template.split("/").filter((segment) => !segment.startsWith("{")).length;
      for (const method of Object.keys(item)) this.templates.push({ method, template, pattern, literals });
    }
    // The most literal template first: /v1/brands/{brand} must not swallow a literal sibling.
    this.templates.sort((a, b) => b.literals - a.literals);
  }

  /** What is wrong with an answer, per the document; empty when it conforms. */
  problems(method: string, url: string, status: number, contentType: string | null, text: string): string[] {
    const path = new URL(url, "http://localhost").pathname;
    const request = `${method.toUpperCase()} ${url} → ${status}`;
    const found = this.templates.find((t) => t.method === method.toLowerCase() && t.pattern.test(path));
    if (found === undefined)
      return [`${request}: no operation in /openapi.json for ${method.toUpperCase()} ${path}`];
    const response = this.paths[found.template][found.method].responses[String(status)];
    if (response === undefined)
      return [
        `${request}: status ${status} is not documented for ${found.method.toUpperCase()} ${found.template}`,
      ];
    // A response documented without content (a redirect, a range) says nothing about its body.
    if (response.content === undefined) return [];
    const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
    // The most specific media range that covers it: text/html, then text/*, then */*.
    const range = [mediaType, `${mediaType.split("/")[0]}/*`, "*/*"].find(
      (key) => response.content?.[key] !== undefined,
    );
    if (range === undefined)
      return [
        `${request}: ${mediaType || "no Content-Type"} is not documented (${Object.keys(response.content).join(", ")})`,
      ];
    const content = response.content[range];
    // Only a JSON media type named as such promises a JSON body of its schema.
    if (range !== mediaType || !mediaType.endsWith("json")) return [];
    if (content.schema === undefined) return [`${request}: ${mediaType} has no schema`];
    const pointer = [
      "paths",
      found.template,
      found.method,
      "responses",
      String(status),
      "content",
      mediaType,
      "schema",
    ]
      .map(pointerToken)
      .join("/");
    let validate = this.validators.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer}` });
      this.validators.set(pointer, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${request}: the ${mediaType} body is not JSON`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${request}: ${error.instancePath || "(body)"} ${error.message ?? ""} ${JSON.stringify(error.params)}`,
    );
  }

  /** Throws, naming every problem, unless the answer conforms to the document. */
  assertConforms(
    method: string,
    url: string,
    status: number,
    contentType: string | null,
    text: string,
  ): void {
    const problems = this.problems(method, url, status, contentType, text);
    if (problems.length > 0)
      throw new Error(`The answer does not conform to /openapi.json:\n${problems.join("\n")}`);
  }
}
