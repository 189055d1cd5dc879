import { InvalidInputError } from "../errors.js";

/** A pagination cursor that this server did not issue (or that no longer parses): HTTP 400. */
export class InvalidCursorError extends InvalidInputError {
  override readonly type: string = "invalid-cursor";
  constructor(message = "Malformed pagination cursor.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Encodes a keyset position as an opaque cursor (base64url of a tagged JSON array). */
export function encodeCursor(tag: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([tag, ...key]), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by encodeCursor with the same tag and the given shape of its key
 * ("n" an integer, "s" a string); throws InvalidCursorError otherwise.
 */
export function decodeCursor(
  cursor: string,
  tag: string,
  shape: readonly ("n" | "s")[],
): (string | number)[] {
  if (cursor.length === 0 || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError(undefined, { cause });
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1 || parsed[0] !== tag)
    throw new InvalidCursorError();
  const key = parsed.slice(1) as unknown[];
  key.forEach((value, i) => {
    const ok =
      shape[i] === "n" ? Number.isSafeInteger(value) : typeof value === "string" && value.length <= 200;
    if (!ok) throw new InvalidCursorError();
  });
  return key as (string | number)[];
}

/** Clamps a requested page size. */
export function clampLimit(limit: number | undefined, defaultLimit: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return defaultLimit;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}
