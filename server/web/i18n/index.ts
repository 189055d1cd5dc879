import type { Request } from "express";
import type { Messages } from "./en.js";
import { en } from "./en.js";
import { fr } from "./fr.js";

export type { Messages } from "./en.js";

/** Every language the pages are translated into; the first is the default. */
export const LOCALES: Readonly<Record<string, Messages>> = { en, fr };
export const DEFAULT_LOCALE = "en";

/** Whether `code` is one of our languages: own keys only (`in` would take `constructor` or `toString`). */
function isLocale(code: string | false | undefined): code is string {
  return typeof code === "string" && Object.hasOwn(LOCALES, code);
}

/** `?lang=` wins, then the browser's Accept-Language, then English. */
export function pickLocale(request: Pick<Request, "query" | "acceptsLanguages">): Messages {
  const asked = typeof request.query.lang === "string" ? request.query.lang.toLowerCase() : undefined;
  if (isLocale(asked)) return LOCALES[asked];
  const accepted = request.acceptsLanguages(...Object.keys(LOCALES));
  return isLocale(accepted) ? LOCALES[accepted] : LOCALES[DEFAULT_LOCALE];
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? String(values[key]) : whole,
  );
}
