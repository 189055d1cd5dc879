import { z } from "zod";
import { Problem } from "./problem-document.js";

/**
 * The pieces of an OpenAPI 3.1 document that every route group shares: the shape of an operation,
 * request descriptions generated from the very zod schemas the routes parse with, response
 * descriptions generated from the zod schemas the answers' types are derived from (so neither can
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
  /**
   * Status → [description, schema, media type (default application/json)]. A zod schema must be a
   * component of some part (it is referred to by name); a plain object is a JSON Schema as is
   * (a $ref to a component, a binary or text body). A fourth element gives more media types of the
   * same status (content negotiation), each with a plain JSON Schema.
   */
  responses: Record<string, [string, (z.ZodType | object)?, string?, Record<string, object>?]>;
  /** The security scheme the operation needs (a name from some part's securitySchemes). */
  security?: string;
  headers?: { name: string; required: boolean; description: string }[];
}

/** What one route group contributes to the document. */
export interface OpenApiPart {
  operations: readonly Operation[];
  /**
   * Component schemas by name, generated with zod's JSON Schema output: a registered schema found
   * inside another one becomes a $ref. Two parts may name the same schema object, never two schemas
   * with one name. `Problem` (./problem-document.ts) is there unless a part gives its own.
   */
  schemas?: Record<string, z.ZodType>;
  securitySchemes?: Record<string, object>;
}

export const ref = (name: string): object => ({ $ref: `#/components/schemas/${name}` });

export const PROBLEM_MEDIA_TYPE = "application/problem+json";

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed id, address, CID, cursor or body, or an unknown query parameter",
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

const UNKNOWN_PARAMETER: [string, object, string] = [
  "An unknown query parameter",
  ref("Problem"),
  PROBLEM_MEDIA_TYPE,
];

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

const COMPONENTS_URI = "#/components/schemas/";

/** The component schemas of every part, named; a name given to two different schemas is a mistake. */
function componentsOf(parts: readonly OpenApiPart[]): Map<string, z.ZodType> {
  const components = new Map<string, z.ZodType>([["Problem", Problem]]);
  const given = new Set<string>();
  for (const [name, schema] of parts.flatMap((part) => Object.entries(part.schemas ?? {}))) {
    if (given.has(name) && components.get(name) !== schema)
      throw new Error(`Two schemas are named ${name} in the OpenAPI document`);
    components.set(name, schema);
    given.add(name);
  }
  return components;
}

/** JSON Schemas (draft 2020-12, OpenAPI 3.1's dialect) of what the server sends, referring to each other by name. */
function componentSchemas(components: ReadonlyMap<string, z.ZodType>): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of components) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    // What leaves the server is the schemas' output: objects have no other members (additionalProperties: false).
    io: "output",
    unrepresentable: "any",
    uri: (id) => COMPONENTS_URI + id,
    override: ({ jsonSchema }) => tidy(jsonSchema as Record<string, unknown>),
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, json]) => {
      const { $schema: _schema, $id: _id, ...schema } = json as Record<string, unknown>;
      return [name, schema];
    }),
  );
}

/**
 * Drops what zod writes that says nothing to a reader: the bounds of a safe integer (JSON numbers
 * are not bounded by JavaScript's), and the regular expression beside `format: date-time`, which
 * names the same rule (a validator checks the format).
 */
function tidy(json: Record<string, unknown>): void {
  if (json.type === "integer") {
    if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
    if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  }
  if (json.format === "date-time") delete json.pattern;
}

function jsonSchemaOf(schema: z.ZodType): object {
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function pathItem(op: Operation, names: ReadonlyMap<z.ZodType, string>): object {
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
  // Every route refuses a query parameter it does not take (server/http/input.ts NoQuery), so every
  // operation may answer 400, whether or not it has other malformed input to refuse.
  const described = "400" in op.responses ? op.responses : { ...op.responses, "400": UNKNOWN_PARAMETER };
  const responses = Object.fromEntries(
    Object.entries(described).map(([status, [description, schema, mediaType, alternatives]]) => [
      status,
      schema === undefined
        ? { description }
        : {
            description,
            content: {
              [mediaType ?? "application/json"]: { schema: responseSchema(op, status, schema, names) },
              ...Object.fromEntries(
                Object.entries(alternatives ?? {}).map(([type, alternative]) => [
                  type,
                  { schema: alternative },
                ]),
              ),
            },
          },
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

function responseSchema(
  op: Operation,
  status: string,
  schema: z.ZodType | object,
  names: ReadonlyMap<z.ZodType, string>,
): object {
  if (!(schema instanceof z.ZodType)) return schema;
  const name = names.get(schema);
  if (name === undefined)
    throw new Error(`The ${status} answer of ${op.operationId} is not a component schema of any part`);
  return ref(name);
}

export interface OpenApiInfo {
  title: string;
  description: string;
  version?: string;
  /** The public origin clients reach (HALLMARK_PUBLIC_URL); without it `/`, the origin the document was read from. */
  serverUrl?: string;
}

/** One OpenAPI 3.1 document from the parts of every route group served. */
export function buildOpenApiDocument(
  parts: readonly OpenApiPart[],
  info: OpenApiInfo,
): Record<string, unknown> {
  const components = componentsOf(parts);
  const names = new Map([...components].map(([name, schema]) => [schema, name]));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of parts.flatMap((part) => part.operations)) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = pathItem(op, names);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version ?? "1.0.0",
      description: info.description,
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: info.serverUrl?.replace(/\/+$/, "") ?? "/" }],
    paths,
    components: {
      schemas: componentSchemas(components),
      securitySchemes: mergeOf(parts.map((part) => part.securitySchemes)),
    },
  };
}

function mergeOf(records: readonly (Record<string, object> | undefined)[]): Record<string, object> {
  const merged: Record<string, object> = {};
  for (const record of records) Object.assign(merged, record);
  return merged;
}
