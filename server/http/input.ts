import type { z } from "zod";
import { InvalidInputError } from "../errors.js";

/** Parses one part of a request; a failure is a 400 naming each field (`where.field`). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "path" | "query" | "body",
): z.output<S> {
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  throw new InvalidInputError(`Malformed ${where}: ${details.map((d) => d.path).join(", ")}`, { details });
}
