import { z } from "zod";

/**
 * How a brand's printed serials are compared: declared once per brand beside its salt (the brand
 * salts setting, HALLMARK_BRAND_SALTS or the salts file, which both the issuer and the verifier
 * read), and applied the same way at issuance (the serial hashed on-chain is the normalised one)
 * and at lookup (the serial asked is normalised before it is hashed). A brand without a rule keeps
 * exact matching, so certificates minted before rules existed stay resolvable.
 *
 * `ignoreCase`: letters compare without case (the normalised form is upper case).
 * `ignore`: characters dropped wherever they appear, e.g. " -" so that `MA 2024 0001`,
 * `ma-2024-0001` and `MA20240001` are one serial.
 */
export interface SerialRule {
  ignoreCase: boolean;
  ignore: string;
}

export const EXACT_SERIALS: SerialRule = Object.freeze({ ignoreCase: false, ignore: "" });

export const SerialRuleSetting = z.strictObject({
  ignoreCase: z.boolean().default(false),
  ignore: z
    .string()
    .max(16)
    .regex(/^[\x20-\x7e]*$/, "ignore lists printable ASCII characters (such as ' -./_')")
    .default(""),
});

const Bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed bytes32");

/**
 * One brand's entry in the salts setting: its salt alone (exact serials), or the salt with the
 * rule its serials follow: `"0x…"` or `{"salt": "0x…", "serial": {"ignoreCase": true, "ignore": " -"}}`.
 */
export const BrandSaltSetting = z.union([
  Bytes32,
  z.strictObject({ salt: Bytes32, serial: SerialRuleSetting.optional() }),
]);
export type BrandSaltSetting = z.input<typeof BrandSaltSetting>;

export function saltOf(setting: BrandSaltSetting): string {
  return (typeof setting === "string" ? setting : setting.salt).toLowerCase();
}

export function serialRuleOf(setting: z.output<typeof BrandSaltSetting>): SerialRule {
  return typeof setting === "string" || setting.serial === undefined ? EXACT_SERIALS : setting.serial;
}

/** The serial as the brand's rule compares it: what is hashed at issuance and at lookup. */
export function normaliseSerial(rule: SerialRule | undefined, serial: string): string {
  if (rule === undefined || (!rule.ignoreCase && rule.ignore === "")) return serial;
  let normalised = serial.normalize("NFC");
  for (const character of rule.ignore) normalised = normalised.split(character).join("");
  return rule.ignoreCase ? normalised.toUpperCase() : normalised;
}

/** "case ignored, ' -' ignored" — for messages and `hallmark status`. */
export function describeSerialRule(rule: SerialRule | undefined): string {
  if (rule === undefined || (!rule.ignoreCase && rule.ignore === "")) return "exact";
  return [
    ...(rule.ignoreCase ? ["case ignored"] : []),
    ...(rule.ignore === "" ? [] : [`${JSON.stringify(rule.ignore)} ignored`]),
  ].join(", ");
}
