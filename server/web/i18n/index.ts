import type { Request } from "express";
import type { Messages } from "./en.js";
import { en } from "./en.js";
import { fr } from "./fr.js";

export type { Messages } from "./en.js";

/** Every language the pages are translated into; the first is the default. */
export const LOCALES: Readonly<Record<string, Messages>> = { en, fr };
export const DEFAULT_LOCALE = "en";

/** `?lang=` wins, then the browser's Accept-Language, then English. */
export function pickLocale(request: Request): Messages {
  const asked = typeof request.query.lang === "string" ? request.query.lang.toLowerCase() : undefined;
  if (asked !== undefined && asked in LOCALES) return LOCALES[asked];
  const accepted = request.acceptsLanguages(...Object.keys(LOCALES));
  return typeof accepted === "string" && accepted in LOCALES ? LOCALES[accepted] : LOCALES[DEFAULT_LOCALE];
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
