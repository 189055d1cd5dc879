import { z } from "zod";
import { NonEmptyText } from "./common.js";

/**
 * The textile passport data of the Commission's preparatory study for the ESPR delegated act on
 * textiles (schema hallmark.certificate-metadata.v2): footprints, recyclability, recycled content,
 * durability, substances of concern, the economic operator's and the facility's identifiers and the
 * commodity code. Every object here is strict: an unknown key is an error, never silently kept, so
 * nothing about the customer can ride along in a passport (the customer's identity is in no tier).
 */

/** Who may read a part of the passport: everyone, a repairer/recycler/resale partner, a market-surveillance authority. */
export const PASSPORT_TIERS = ["public", "interest", "authority"] as const;
export type PassportTier = (typeof PASSPORT_TIERS)[number];
/** The tiers whose sections are encrypted before they reach IPFS. */
export const RESTRICTED_TIERS = ["interest", "authority"] as const;
export type RestrictedTier = (typeof RESTRICTED_TIERS)[number];

/** An A (best) to E (worst) class, as the EU energy label and the study's footprint classes are written. */
const PerformanceClass = z.enum(["A", "B", "C", "D", "E"]);

/** The GS1 mod-10 check digit (GTIN, GLN). */
function gs1CheckDigitOk(digits: string): boolean {
  const body = digits.slice(0, -1);
  const sum = [...body]
    .map(Number)
    .reverse()
    .reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === Number(digits.at(-1));
}

/** CAS Registry Number: 2-7 digits, 2 digits, a check digit (sum of digits × position from the right, mod 10). */
function casCheckDigitOk(cas: string): boolean {
  const digits = cas.replaceAll("-", "");
  const body = digits.slice(0, -1);
  const sum = [...body].reverse().reduce((total, digit, i) => total + Number(digit) * (i + 1), 0);
  return sum % 10 === Number(digits.at(-1));
}

/** EC number (EINECS/ELINCS/NLP): ddd-ddd-d, check digit = Σ digit × position mod 11. */
function ecCheckDigitOk(ec: string): boolean {
  const digits = ec.replaceAll("-", "");
  const sum = [...digits.slice(0, 6)].reduce((total, digit, i) => total + Number(digit) * (i + 1), 0);
  return sum % 11 === Number(digits.at(-1));
}

/** ISO 17442 LEI: 18 characters and two check digits, ISO 7064 mod 97-10. */
function leiCheckOk(lei: string): boolean {
  const numeric = [...lei].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  return BigInt(numeric) % 97n === 1n;
}

export const Gln = z
  .string()
  .regex(/^\d{13}$/, "must be a 13-digit GS1 Global Location Number")
  .refine((gln) => !/^\d{13}$/.test(gln) || gs1CheckDigitOk(gln), "has a wrong GS1 check digit");

const Footprint = <U extends z.ZodType>(unit: U) =>
  z.strictObject({
    value: z.number().nonnegative(),
    unit,
    class: PerformanceClass.optional(),
    /** The calculation rules ("PEFCR Apparel and Footwear v3.1"). */
    method: NonEmptyText.optional(),
  });

/** A score on a scale of `scaleMax` (100 unless said), with its class when the rules define one. */
const Score = z
  .strictObject({
    value: z.number().nonnegative(),
    scaleMax: z.number().positive().default(100),
    class: PerformanceClass.optional(),
  })
  .refine((score) => score.value <= score.scaleMax, {
    message: "must not exceed scaleMax",
    path: ["value"],
  });

const RecycledShare = z.strictObject({
  material: z.string().trim().min(1).max(100),
  percentageByWeight: z.number().gt(0).max(100),
  origin: z.enum(["pre-consumer", "post-consumer"]),
});

export const CasNumber = z
  .string()
  .regex(/^\d{2,7}-\d{2}-\d$/, "must be a CAS number such as 117-81-7")
  .refine((cas) => !/^\d{2,7}-\d{2}-\d$/.test(cas) || casCheckDigitOk(cas), "has a wrong CAS check digit");

export const EcNumber = z
  .string()
  .regex(/^\d{3}-\d{3}-\d$/, "must be an EC number such as 204-211-0")
  .refine((ec) => !/^\d{3}-\d{3}-\d$/.test(ec) || ecCheckDigitOk(ec), "has a wrong EC check digit");

const SubstanceOfConcern = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    casNumber: CasNumber.optional(),
    ecNumber: EcNumber.optional(),
    concentration: z.strictObject({
      value: z.number().nonnegative(),
      unit: z.enum(["% w/w", "mg/kg"]),
    }),
    /** Where in the product ("zip puller coating", "lining"): what a recycler needs to separate it. */
    location: z.string().trim().min(1).max(200),
  })
  .refine((substance) => substance.casNumber !== undefined || substance.ecNumber !== undefined, {
    message: "needs a casNumber or an ecNumber",
    path: ["casNumber"],
  });

const OperatorIdentifier = z.discriminatedUnion("scheme", [
  z.strictObject({ scheme: z.literal("GLN"), value: Gln }),
  z.strictObject({
    scheme: z.literal("EORI"),
    value: z
      .string()
      .regex(/^[A-Z]{2}[A-Za-z0-9]{1,15}$/, "must be an EORI number (country code + up to 15)"),
  }),
  z.strictObject({
    scheme: z.literal("LEI"),
    value: z
      .string()
      .regex(/^[A-Z0-9]{18}\d{2}$/, "must be a 20-character LEI")
      .refine((lei) => !/^[A-Z0-9]{18}\d{2}$/.test(lei) || leiCheckOk(lei), "has wrong LEI check digits"),
  }),
  z.strictObject({
    scheme: z.literal("VAT"),
    value: z.string().regex(/^[A-Z]{2}[A-Za-z0-9]{2,13}$/, "must be a VAT number with its country prefix"),
  }),
]);

/** The economic operator placing the product on the EU market (ESPR Art. 9: its unique operator identifier). */
const EconomicOperator = z.strictObject({
  name: NonEmptyText.optional(),
  identifier: OperatorIdentifier,
});

/** The manufacturing facility (ESPR Art. 9: its unique facility identifier, a GLN here). */
const Facility = z.strictObject({
  name: NonEmptyText.optional(),
  identifier: z.strictObject({ scheme: z.literal("GLN"), value: Gln }),
});

/** The product's customs commodity code: HS (6 digits) or the EU's Combined Nomenclature (8). */
const CommodityCode = z.discriminatedUnion("scheme", [
  z.strictObject({ scheme: z.literal("HS"), code: z.string().regex(/^\d{6}$/, "must be a 6-digit HS code") }),
  z.strictObject({
    scheme: z.literal("CN"),
    code: z.string().regex(/^\d{8}$/, "must be an 8-digit CN code"),
  }),
]);

/**
 * The textile data, every field optional: the same shape is the public `passport.sustainability`
 * and the plaintext of each restricted section, so a brand chooses per field who reads it.
 */
export const TextilePassportData = z
  .strictObject({
    environmentalFootprint: Footprint(z.enum(["Pt", "mPt", "µPt"])).optional(),
    carbonFootprint: Footprint(z.enum(["kg CO2e", "g CO2e"])).optional(),
    recyclabilityScore: Score.optional(),
    recycledContent: z.array(RecycledShare).min(1).optional(),
    durabilityScore: Score.optional(),
    substancesOfConcern: z.array(SubstanceOfConcern).min(1).optional(),
    economicOperator: EconomicOperator.optional(),
    facility: Facility.optional(),
    commodityCode: CommodityCode.optional(),
    /** Instructions for professionals (disassembly, sorting, safe handling): typically restricted. */
    professionalInstructions: z.array(NonEmptyText).min(1).optional(),
  })
  .superRefine((data, context) => {
    const total = (data.recycledContent ?? []).reduce((sum, share) => sum + share.percentageByWeight, 0);
    if (total > 100.01)
      context.addIssue({
        code: "custom",
        path: ["recycledContent", 0, "percentageByWeight"],
        message: `recycled shares add up to ${total}% of the weight, more than 100%`,
      });
  });
export type TextilePassportData = z.infer<typeof TextilePassportData>;

const Base64Url = (bytes?: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "must be base64url without padding")
    .refine(
      (text) => bytes === undefined || Buffer.from(text, "base64url").length === bytes,
      bytes === undefined ? "must be base64url" : `must encode ${bytes} bytes`,
    );

/**
 * A restricted section as it is stored: AES-256-GCM ciphertext of the section's JSON under the
 * brand's content key of that tier (server/passport/section-cipher.ts). A public read of the
 * document sees these four strings and nothing of the plaintext.
 */
export const SealedSection = z
  .strictObject({
    alg: z.literal("A256GCM"),
    /** The content key: its tier and number within the brand ("interest-1"); rotation adds a number. */
    kid: z.string().regex(/^(interest|authority)-[1-9]\d{0,5}$/, "must be <tier>-<key number>"),
    iv: Base64Url(12),
    ciphertext: Base64Url(),
    tag: Base64Url(16),
  })
  .meta({ description: "An encrypted passport section (AES-256-GCM, base64url fields)" });
export type SealedSection = z.infer<typeof SealedSection>;

/** The restricted sections of a passport, by tier. */
export const RestrictedSections = z
  .strictObject({ interest: SealedSection.optional(), authority: SealedSection.optional() })
  .superRefine((sections, context) => {
    for (const tier of RESTRICTED_TIERS) {
      const kid = sections[tier]?.kid;
      if (kid !== undefined && !kid.startsWith(`${tier}-`))
        context.addIssue({ code: "custom", path: [tier, "kid"], message: `names a key of another tier` });
    }
  });
export type RestrictedSections = z.infer<typeof RestrictedSections>;
