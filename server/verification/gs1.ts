/**
 * GS1 Digital Link (`/01/{gtin}/21/{serial}`): GTIN parsing and the brand a GTIN belongs to.
 * GTIN-8, -12, -13 and -14 are accepted with a valid check digit and normalised to 14 digits.
 */
export function parseGtin(text: string): string | null {
  if (!/^(?:[0-9]{8}|[0-9]{12,14})$/.test(text)) return null;
  const gtin14 = text.padStart(14, "0");
  return checkDigit(gtin14.slice(0, 13)) === Number(gtin14[13]) ? gtin14 : null;
}

/** GS1 mod-10 check digit of the first 13 digits of a GTIN-14. */
export function checkDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // From the right of the body, weights alternate 3, 1, 3, …
    const weight = (body.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The brand whose GS1 company prefix starts the GTIN; the longest prefix wins. Prefixes are
 * compared with the GTIN-14 and with its GTIN-13 form (leading indicator 0 dropped), since
 * company prefixes are usually written in GTIN-13 form.
 */
export function brandForGtin(prefixes: ReadonlyMap<string, number>, gtin14: string): number | null {
  const forms = gtin14.startsWith("0") ? [gtin14, gtin14.slice(1)] : [gtin14];
  let best: { length: number; brandId: number } | null = null;
  for (const [prefix, brandId] of prefixes) {
    if (forms.some((form) => form.startsWith(prefix)) && (best === null || prefix.length > best.length)) {
      best = { length: prefix.length, brandId };
    }
  }
  return best?.brandId ?? null;
}
