import { z } from "zod";
import { InvalidInputError } from "../errors.js";

/** Parses one part of a request; a failure is a 400 naming each field (`where.field`). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "path" | "query" | "body",
): z.output<S> {
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (result.success) return result.data;
  // An unknown field is named by itself (query.serial), so a client sees which parameter it misspelt.
  const details = result.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: [where, ...issue.path.map(String), key].join("."),
          message: where === "query" ? "unknown query parameter" : "unknown field",
        }))
      : [{ path: [where, ...issue.path.map(String)].join("."), message: issue.message }],
  );
  throw new InvalidInputError(`Malformed ${where}: ${details.map((d) => d.path).join(", ")}`, { details });
}

/** The query of a route that takes none: any parameter is a 400 rather than silently ignored. */
export const NoQuery = z.strictObject({});
