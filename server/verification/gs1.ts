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
 * The brand whose GS1 company prefix starts the GTIN; the longest prefix wins. A GTIN-14's first
 * digit is a packaging indicator, not part of the company prefix, so prefixes are compared with the
 * GTIN-13 that follows it (the form GS1 allocates prefixes in) and with that GTIN-13 behind a 0
 * (a prefix written in GTIN-14 form, as in `{"08012345": 1}`). Comparing with the GTIN-14 as it
 * stands would give `8012345` the case GTIN `80123450000001`, whose company prefix starts `0123…`.
 */
export function brandForGtin(prefixes: ReadonlyMap<string, number>, gtin14: string): number | null {
  const gtin13 = gtin14.slice(1);
  const forms = [gtin13, `0${gtin13}`];
  let best: { length: number; brandId: number } | null = null;
  for (const [prefix, brandId] of prefixes) {
    if (forms.some((form) => form.startsWith(prefix)) && (best === null || prefix.length > best.length)) {
      best = { length: prefix.length, brandId };
    }
  }
  return best?.brandId ?? null;
}
