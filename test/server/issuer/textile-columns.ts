import { writeFile } from "node:fs/promises";
import { expect } from "chai";
import { prepareCertificates } from "../../../server/issuer/certificate-rows.js";
import { ManifestError, formatProblem } from "../../../server/issuer/errors.js";
import { parseManifest } from "../../../server/issuer/manifest.js";
import type { CertificateMetadata } from "../../../server/metadata/certificate-metadata.js";
import { openSection } from "../../../server/passport/section-cipher.js";
import { serialRefOf } from "../../../server/passport/passport-view.js";
import { demoPassportKeys } from "../../../scripts/demo/passport-keys.js";
import { makeTempDir } from "../support/temp-dir.js";

const SALT = "0x" + "11".repeat(32);
const KEYS = { ...demoPassportKeys(7), brandId: 7 };
let media: Awaited<ReturnType<typeof makeTempDir>>;
const context = () => ({
  brandId: 7,
  brandName: "Maison Test",
  brandSalt: SALT,
  passportKeys: KEYS,
  mediaRoot: media.path,
});

const BASE = "serial,productName,modelReference,materials,manufactureCountry,manufactureDate,care,images";
const BASE_ROW = "S-1,Tote,T-1,Cotton:100,IT,2024-03,Dry clean only,tote.svg";

/** A CSV of one base row plus the given textile columns. */
function csv(columns: Record<string, string>, rows = 1): string {
  const header = [BASE, ...Object.keys(columns)].join(",");
  const values = Object.values(columns).map((value) => `"${value.replaceAll('"', '""')}"`);
  const lines = Array.from({ length: rows }, (_, i) =>
    [BASE_ROW.replace("S-1", `S-${i + 1}`), ...values].join(","),
  );
  return [header, ...lines].join("\n");
}

async function problemsOf(text: string, format: "csv" | "json" = "csv", ctx: object = {}): Promise<string[]> {
  try {
    await prepareCertificates(parseManifest(text, format), { ...context(), ...ctx });
  } catch (error) {
    if (error instanceof ManifestError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

async function documentOf(text: string, format: "csv" | "json" = "csv"): Promise<CertificateMetadata> {
  const { certificates } = await prepareCertificates(parseManifest(text, format), context());
  return JSON.parse(new TextDecoder().decode(certificates[0].document)) as CertificateMetadata;
}

const GOOD = {
  environmentalFootprint: "12.4 µPt B",
  carbonFootprint: "18.7 kg CO2e C",
  recyclabilityScore: "62/100 C",
  durabilityScore: "8.5/10 A",
  recycledContent: "Cotton:12:post-consumer;Brass:4:pre-consumer",
  economicOperator: "EORI:FR12345678901",
  economicOperatorName: "Maison Test",
  commodityCode: "CN:4202.21.00",
  "interest.substancesOfConcern": "DEHP|117-81-7|204-211-0|0.04 % w/w|Handle edge paint",
  "authority.facility": "GLN:8012345000012",
  "authority.facilityName": "Atelier Test",
};

describe("catalogue manifest: textile passport columns (#19)", function () {
  before(async function () {
    media = await makeTempDir("textile-rows");
    await writeFile(`${media.path}/tote.svg`, '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
  });
  after(() => media.remove());

  it("builds a v2 document: public columns in passport.sustainability, tier columns sealed", async function () {
    const document = await documentOf(csv(GOOD));
    expect(document.schema).to.equal("hallmark.certificate-metadata.v2");
    expect(document.passport.sustainability).to.deep.include({
      carbonFootprint: { value: 18.7, unit: "kg CO2e", class: "C" },
      commodityCode: { scheme: "CN", code: "42022100" },
    });
    expect(JSON.stringify(document)).not.to.include("117-81-7");
    expect(JSON.stringify(document)).not.to.include("8012345000012");
    const binding = { brandId: 7, serialRef: serialRefOf(document.passport) };
    const interest = openSection(document.passport.restricted!.interest!, KEYS.keys[0], {
      ...binding,
      tier: "interest",
    });
    expect(interest.substancesOfConcern?.[0]).to.deep.include({
      casNumber: "117-81-7",
      location: "Handle edge paint",
    });
    const authority = openSection(document.passport.restricted!.authority!, KEYS.keys[1], {
      ...binding,
      tier: "authority",
    });
    expect(authority.facility).to.deep.equal({
      name: "Atelier Test",
      identifier: { scheme: "GLN", value: "8012345000012" },
    });
  });

  it("reads the same columns from a JSON manifest", async function () {
    const json = JSON.stringify([
      {
        serial: "S-1",
        productName: "Tote",
        modelReference: "T-1",
        materials: "Cotton:100",
        manufactureCountry: "IT",
        manufactureDate: "2024-03",
        care: ["Dry clean only"],
        images: "tote.svg",
        ...GOOD,
      },
    ]);
    const document = await documentOf(json, "json");
    expect(document.passport.sustainability?.durabilityScore).to.deep.equal({
      value: 8.5,
      scaleMax: 10,
      class: "A",
    });
  });

  it("keeps a manifest without textile columns at v1, byte for byte as before", async function () {
    const document = await documentOf(csv({}));
    expect(document.schema).to.equal("hallmark.certificate-metadata.v1");
    expect(document.passport).not.to.have.property("sustainability");
  });

  it("names the row, the column and what is wrong for each bad textile cell", async function () {
    const problems = await problemsOf(
      csv(
        {
          carbonFootprint: "lots",
          recyclabilityScore: "120/100",
          recycledContent: "Cotton:12:ocean",
          commodityCode: "HS:42022100",
          "interest.substancesOfConcern": "DEHP|117-81-8||0.04 % w/w|Handle",
          "authority.facility": "GLN:8012345000013",
        },
        2,
      ),
    );
    expect(problems).to.include.members([
      'row 1 [S-1]: carbonFootprint: "lots" is not "<value> <unit> [class A-E]"',
      "row 1 [S-1]: recyclabilityScore (passport.sustainability.recyclabilityScore.value): must not exceed scaleMax",
      "row 2 [S-2]: commodityCode (passport.sustainability.commodityCode.code): must be a 6-digit HS code",
      "row 1 [S-1]: interest.substancesOfConcern (interest.substancesOfConcern.0.casNumber): has a wrong CAS check digit",
      "row 2 [S-2]: authority.facility (authority.facility.identifier.value): has a wrong GS1 check digit",
    ]);
    expect(
      problems.some((line) =>
        line.startsWith("row 1 [S-1]: recycledContent (passport.sustainability.recycledContent.0.origin)"),
      ),
    ).to.equal(true);
  });

  it("refuses tier columns without the brand's passport keystore", async function () {
    const problems = await problemsOf(
      csv({ "interest.substancesOfConcern": GOOD["interest.substancesOfConcern"] }),
      "csv",
      {
        passportKeys: undefined,
      },
    );
    expect(problems).to.deep.equal([
      "row 1 [S-1]: interest.*: restricted passport columns need the brand's passport keystore (--passport-keystore)",
    ]);
  });

  it("refuses columns with the customer's identity, in any tier, once per column", async function () {
    const problems = await problemsOf(
      csv(
        { customerName: "Jane Doe", "interest.buyerEmail": "jane@example.com", phone: "+33 1 00 00 00 00" },
        2,
      ),
    );
    expect(problems).to.deep.equal([
      'row 1 [S-1]: customerName: personal data of the customer is never part of a passport (in no tier); drop the column, or prefix it "x-" to keep it private',
      'row 1 [S-1]: interest.buyerEmail: personal data of the customer is never part of a passport (in no tier); drop the column, or prefix it "x-" to keep it private',
      'row 1 [S-1]: phone: personal data of the customer is never part of a passport (in no tier); drop the column, or prefix it "x-" to keep it private',
    ]);
  });
});
