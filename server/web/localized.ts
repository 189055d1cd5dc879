import type { Messages } from "./i18n/index.js";
import { format } from "./i18n/index.js";

/** A brand text in the language it is shown in: `lang` is set on its element when it is not the page's. */
export interface BrandText<T> {
  value: T;
  lang: string;
  /** True when the visitor's language had no text and the document's own language shows instead. */
  fallback: boolean;
}

interface LocalizedDocument<L> {
  language?: string;
  localized?: Record<string, L>;
}

/** The document's own language: English for every document written before documents could say. */
export function documentLanguage(doc: { language?: string }): string {
  return doc.language ?? "en";
}

/**
 * The text in the visitor's language (its exact tag, then its primary language: "pt" for "pt-BR"),
 * else the document's own text, marked as a fallback.
 */
export function brandText<L, T>(
  t: Messages,
  doc: LocalizedDocument<L>,
  own: T,
  pick: (texts: L) => T | undefined,
): BrandText<T> {
  const language = documentLanguage(doc);
  const base = t.lang.split("-")[0];
  if (language === t.lang || language.split("-")[0] === base)
    return { value: own, lang: language, fallback: false };
  const texts = doc.localized ?? {};
  for (const tag of [t.lang, base]) {
    const entry = Object.hasOwn(texts, tag) ? texts[tag] : undefined;
    const value = entry === undefined ? undefined : pick(entry);
    if (value !== undefined) return { value, lang: tag, fallback: false };
  }
  return { value: own, lang: language, fallback: true };
}

/** A language's name in the reader's language ("anglais"), or the tag itself. */
export function languageName(t: Messages, tag: string): string {
  try {
    return new Intl.DisplayNames([t.lang], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "Shown in English: the brand gives no French text." */
export function fallbackNote(t: Messages, tag: string): string {
  return format(t.piece.shownIn, {
    language: languageName(t, tag),
    visitorLanguage: languageName(t, t.lang),
  });
}
