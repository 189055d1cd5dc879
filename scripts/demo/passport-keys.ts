import { createHash, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { IssuerKeystoreSetting } from "../../server/config.js";
import { RESTRICTED_TIERS } from "../../server/metadata/textile-passport.js";
import type { RestrictedTier, TextilePassportData } from "../../server/metadata/textile-passport.js";
import { PassportContentKey, writePassportKeystore } from "../../server/passport/passport-keystore.js";
import type { BrandPassportKeys } from "../../server/passport/passport-keystore.js";

/**
 * The demo brands' passport content keys. Like Hardhat's dev accounts and the demo tag key, they
 * are public (derived here from fixed text): for the local chain's demo collection only, so that the
 * demo's restricted passport sections open on `npm start`'s verifier and in the tests.
 */
export const DEMO_PASSPORT_BRANDS = [1, 2] as const;

export function demoPassportKeys(brandId: number): BrandPassportKeys {
  return {
    brandId,
    keys: RESTRICTED_TIERS.map(
      (tier) =>
        new PassportContentKey(
          tier,
          1,
          createHash("sha256").update(`hallmark-demo-passport/brand-${brandId}/${tier}`).digest(),
          "2026-01-01T00:00:00.000Z",
        ),
    ),
  };
}

/** The demo brands' passport keystores (the public demo keys, under a password made for this run). */
export async function demoPassportKeystores(dataDir: string): Promise<Map<number, IssuerKeystoreSetting>> {
  const directory = path.join(dataDir, "demo-passport-keys");
  await rm(directory, { recursive: true, force: true });
  const password = randomBytes(18).toString("base64url");
  const settings = new Map<number, IssuerKeystoreSetting>();
  for (const brandId of DEMO_PASSPORT_BRANDS) {
    const keystore = path.join(directory, `brand-${brandId}-passport.json`);
    await writePassportKeystore(keystore, brandId, demoPassportKeys(brandId).keys, password, {
      scryptN: 1 << 12,
    });
    settings.set(brandId, {
      keystore,
      passwordEnv: "(demo: generated for this run)",
      password: () => password,
    });
  }
  return settings;
}

/** The demo pieces' textile passport data: what the public reads, and what each restricted tier adds. */
export function demoTextilePassport(
  brand: { name: string; gln: string; eori: string },
  index: number,
): { sustainability: TextilePassportData; restricted: Record<RestrictedTier, TextilePassportData> } {
  return {
    sustainability: {
      environmentalFootprint: {
        value: 9.8 + (index % 5),
        unit: "µPt",
        class: "B",
        method: "PEFCR Apparel and Footwear v3.1",
      },
      carbonFootprint: { value: 14.2 + (index % 3), unit: "kg CO2e", class: "C" },
      recyclabilityScore: { value: 58, scaleMax: 100, class: "C" },
      recycledContent: [
        { material: "Cotton lining", percentageByWeight: 9, origin: "post-consumer" },
        { material: "Brass hardware", percentageByWeight: 6, origin: "pre-consumer" },
      ],
      durabilityScore: { value: 8.5, scaleMax: 10, class: "A" },
      economicOperator: { name: brand.name, identifier: { scheme: "EORI", value: brand.eori } },
      commodityCode: { scheme: "CN", code: "42022100" },
    },
    restricted: {
      // What a repairer, recycler or resale partner needs: where the substances are and how to take the piece apart.
      interest: {
        substancesOfConcern: [
          {
            name: "Bis(2-ethylhexyl) phthalate (DEHP)",
            casNumber: "117-81-7",
            ecNumber: "204-211-0",
            concentration: { value: 0.04, unit: "% w/w" },
            location: "Handle edge paint",
          },
        ],
        professionalInstructions: [
          "Hardware is screwed, not riveted: remove it before shredding the leather",
          "The lining is stitched separately and can be recycled as cotton",
        ],
      },
      // What a market-surveillance authority may ask for: the facility.
      authority: {
        facility: { name: "Atelier Oltrarno", identifier: { scheme: "GLN", value: brand.gln } },
      },
    },
  };
}
