import { z } from "zod";

/**
 * Building blocks shared by the metadata schemas. Links are `ipfs://` (preferred: content
 * addressed, verifiable) or `https://`; money is a decimal string so no float rounds a price.
 */
export const ContentUri = z
  .string()
  .regex(/^(ipfs:\/\/[A-Za-z0-9]+(\/[^\s]*)?|https:\/\/[^\s]+)$/, "must be an ipfs:// or https:// URI")
  .meta({ description: "ipfs://<cid>[/path] (preferred) or https:// URI" });

export const Bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string");

export const EthereumAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");

export const CountryCode = z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code");

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code");

/** Calendar date or month ("2024-03-14" or "2024-03"): brands often only know the month. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, "must be YYYY-MM or YYYY-MM-DD");

export const Timestamp = z.iso.datetime({ offset: true });

export const DecimalAmount = z
  .string()
  .regex(/^\d{1,18}(\.\d{1,18})?$/, "must be a non-negative decimal string");

export const NonEmptyText = z.string().trim().min(1).max(2_000);

/** The GS1 check digit the leading digits of a GTIN call for. */
function gtinCheckDigitOf(body: string): number {
  const sum = [...body]
    .map(Number)
    .reverse()
    .reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10;
}

/** GS1 GTIN-8/12/13/14 with its check digit verified; a wrong one is named with the digit expected. */
export const Gtin = z
  .string()
  .regex(/^(\d{8}|\d{12,14})$/, "must be 8, 12, 13 or 14 digits")
  .superRefine((gtin, context) => {
    if (!/^(\d{8}|\d{12,14})$/.test(gtin)) return;
    const expected = gtinCheckDigitOf(gtin.slice(0, -1));
    if (Number(gtin.at(-1)) !== expected)
      context.addIssue({
        code: "custom",
        message: `has a wrong GS1 check digit: ${gtin.at(-1)}, where ${gtin.slice(0, -1)} calls for ${expected} (${gtin.slice(0, -1)}${expected})`,
      });
  });

export const MediaReference = z.object({
  uri: ContentUri,
  mediaType: z.string().regex(/^[a-z]+\/[a-zA-Z0-9.+-]+$/, "must be a media type such as image/jpeg"),
  alt: z.string().max(500).optional(),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
});

export const ThreeDimensionalModel = z.object({
  uri: ContentUri,
  mediaType: z.enum(["model/gltf-binary", "model/gltf+json", "model/vnd.usdz+zip"]),
  sizeBytes: z.int().nonnegative().optional(),
});

/** ERC-721 / OpenSea attribute: a trait name and a string or number value. */
export const Attribute = z.object({
  trait_type: z.string().min(1).max(100),
  value: z.union([z.string().max(500), z.number()]),
  display_type: z.enum(["number", "boost_number", "boost_percentage", "date"]).optional(),
});

/** A BCP 47 language tag as brands write them: "fr", "en", "pt-BR", "zh-Hant". */
export const LanguageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a BCP 47 language tag such as fr or pt-BR");

/**
 * The language of a document's own texts, and its texts in other languages. Both optional: a
 * document without them is in English, as every document was before they existed.
 */
export function localizedTexts<T extends z.ZodType>(texts: T) {
  return {
    language: LanguageTag.optional().describe(
      "Language of the document's own texts (default en); the page falls back to them",
    ),
    localized: z
      .record(LanguageTag, texts)
      .optional()
      .describe("The document's texts in other languages, by language tag"),
  };
}
