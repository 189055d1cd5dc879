import { z } from "zod";

/**
 * The pieces of an OpenAPI 3.1 document that every route group shares: the shape of an operation,
 * request descriptions generated from the very zod schemas the routes parse with (so they cannot
 * drift), the problem responses, and the assembly of the groups' parts into one document. Each
 * route group describes its own operations (server/api/openapi.ts, server/issuer/api/openapi.ts,
 * server/web/openapi.ts); server/app.ts assembles them.
 */

export type Method = "get" | "post";

export interface Operation {
  method: Method;
  /** OpenAPI path template, e.g. /v1/certificates/{tokenId}. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A raw request body (a file) of one of these media types, instead of a JSON body. */
  rawBody?: { mediaTypes: readonly string[]; description: string };
  /** Status → [description, schema ref or inline schema, media type]. */
  responses: Record<string, [string, object?, string?]>;
  /** The security scheme the operation needs (a name from some part's securitySchemes). */
  security?: string;
  headers?: { name: string; required: boolean; description: string }[];
}

/** What one route group contributes to the document. */
export interface OpenApiPart {
  operations: readonly Operation[];
  /** Component schemas its operations refer to. */
  schemas?: Record<string, object>;
  securitySchemes?: Record<string, object>;
}

export const ref = (name: string): object => ({ $ref: `#/components/schemas/${name}` });

/** A page of `item`s with the cursor of the next one, as every list answer is. */
export const list = (item: string): object => ({
  type: "object",
  required: ["items", "nextCursor", "index"],
  properties: {
    items: { type: "array", items: ref(item) },
    nextCursor: { type: ["string", "null"] },
    index: ref("IndexFreshness"),
  },
});

export const PROBLEM_MEDIA_TYPE = "application/problem+json";

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed id, address, CID, cursor or body",
  404: "Unknown certificate, brand, design or challenge",
  409: "Challenge already used (replay)",
  410: "Challenge expired",
  413: "Body above 16 KiB",
  422: "Challenge issued for another token; no chip bound; no serial salt for the brand",
  429: "Rate limited (Retry-After)",
  503: "Chain RPC (or the index) unavailable (Retry-After)",
  401: "No API key, a malformed one, or an unknown or revoked one (WWW-Authenticate)",
  403: "The key is for another brand, or lacks the action's scope",
};

/** Problem responses with their usual descriptions. */
export const problems = (...statuses: number[]): Record<string, [string, object, string]> =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      [PROBLEM_DESCRIPTIONS[s] ?? "Problem", ref("Problem"), PROBLEM_MEDIA_TYPE],
    ]),
  );

/** A problem response described for one operation. */
export const problem = (description: string): [string, object, string] => [
  description,
  ref("Problem"),
  PROBLEM_MEDIA_TYPE,
];

export function shapeOf(schema: z.ZodObject): Record<string, z.ZodType> {
  return schema.shape;
}

export const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" };
export const nullableAddress = { type: ["string", "null"], pattern: "^0x[0-9a-fA-F]{40}$" };
export const decimal = { type: "string", pattern: "^[0-9]+$" };

/** The schemas every part refers to: the index's freshness that every answer carries, and the problem document. */
const SHARED_SCHEMAS: Record<string, object> = {
  IndexFreshness: {
    type: "object",
    required: ["block", "caughtUp"],
    description: "How fresh the answer is: carried by every answer (problems too)",
    properties: {
      block: { type: "integer" },
      caughtUp: { type: "boolean" },
      head: { type: ["integer", "null"] },
      stale: { const: true },
      rebuilding: { const: true },
    },
  },
  Problem: {
    type: "object",
    required: ["type", "title", "status"],
    properties: {
      type: { type: "string", format: "uri" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      instance: { type: "string" },
      errors: {
        type: "array",
        items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
      },
      index: ref("IndexFreshness"),
    },
  },
};

function jsonSchemaOf(schema: z.ZodType): object {
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function pathItem(op: Operation): object {
  const parameters: object[] = [];
  for (const [name, schema] of Object.entries(op.params ?? {})) {
    parameters.push({
      name,
      in: "path",
      required: true,
      schema: jsonSchemaOf(schema),
      description: schema.description,
    });
  }
  for (const header of op.headers ?? [])
    parameters.push({
      name: header.name,
      in: "header",
      required: header.required,
      schema: { type: "string" },
      description: header.description,
    });
  for (const [name, schema] of Object.entries(op.query?.shape ?? {})) {
    const field = schema as z.ZodType;
    parameters.push({
      name,
      in: "query",
      required: !field.safeParse(undefined).success,
      schema: jsonSchemaOf(field),
      description: field.description,
    });
  }
  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([status, [description, schema, mediaType]]) => [
      status,
      schema === undefined
        ? { description }
        : { description, content: { [mediaType ?? "application/json"]: { schema } } },
    ]),
  );
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: op.tags,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.security === undefined ? {} : { security: [{ [op.security]: [] }] }),
    ...(op.body === undefined
      ? {}
      : {
          requestBody: { required: true, content: { "application/json": { schema: jsonSchemaOf(op.body) } } },
        }),
    ...(op.rawBody === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            description: op.rawBody.description,
            content: Object.fromEntries(
              op.rawBody.mediaTypes.map((type) => [type, { schema: { type: "string", format: "binary" } }]),
            ),
          },
        }),
    responses,
  };
}

export interface OpenApiInfo {
  title: string;
  description: string;
  version?: string;
  serverUrl?: string;
}

/** One OpenAPI 3.1 document from the parts of every route group served. */
export function buildOpenApiDocument(
  parts: readonly OpenApiPart[],
  info: OpenApiInfo,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of parts.flatMap((part) => part.operations)) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = pathItem(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version ?? "1.0.0",
      description: info.description,
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: info.serverUrl ?? "http://127.0.0.1:8080" }],
    paths,
    components: {
      schemas: { ...SHARED_SCHEMAS, ...mergeOf(parts.map((part) => part.schemas)) },
      securitySchemes: mergeOf(parts.map((part) => part.securitySchemes)),
    },
  };
}

function mergeOf(records: readonly (Record<string, object> | undefined)[]): Record<string, object> {
  const merged: Record<string, object> = {};
  for (const record of records) Object.assign(merged, record);
  return merged;
}
