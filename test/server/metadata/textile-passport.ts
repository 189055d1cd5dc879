/* eslint-disable @typescript-eslint/no-unsafe-member-access -- documents are edited as loose JSON here */
import { expect } from "chai";
import { InvalidDocumentError } from "../../../server/errors.js";
import { loadExample } from "../../../server/metadata/examples.js";
import { renderJsonSchema } from "../../../server/metadata/json-schemas.js";
import { validateDocument } from "../../../server/metadata/validate-document.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function textile(): Json {
  return structuredClone(loadExample("certificate-metadata-textile.json")) as Json;
}

function refusals(value: unknown): { path: string; message: string }[] {
  try {
    validateDocument("certificate-metadata", value);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidDocumentError);
    return [...(error as InvalidDocumentError).details];
  }
  return expect.fail("document was accepted");
}

describe("certificate metadata schema versions", function () {
  describe("hallmark.certificate-metadata.v1", function () {
    it("still validates a v1 document, with no textile data added to it", function () {
      const document = validateDocument("certificate-metadata", loadExample("certificate-metadata.json"));
      expect(document.schema).to.equal("hallmark.certificate-metadata.v1");
      expect(document.passport.sustainability).to.equal(undefined);
      expect(document.passport.restricted).to.equal(undefined);
    });

    it("refuses textile data in a document that says v1, naming the version it needs", function () {
      const document = textile();
      document.schema = "hallmark.certificate-metadata.v1";
      expect(refusals(document)).to.deep.equal([
        {
          path: "passport.sustainability",
          message:
            "needs schema hallmark.certificate-metadata.v2 (this document says hallmark.certificate-metadata.v1)",
        },
      ]);
    });
  });

  describe("hallmark.certificate-metadata.v2", function () {
    it("validates the textile example with every field of the preparatory study", function () {
      const { passport } = validateDocument("certificate-metadata", textile());
      expect(passport.sustainability?.carbonFootprint).to.deep.include({
        value: 18.7,
        unit: "kg CO2e",
        class: "C",
      });
      expect(passport.sustainability?.commodityCode).to.deep.equal({ scheme: "CN", code: "42022100" });
      expect(passport.sustainability?.recycledContent?.[0].origin).to.equal("post-consumer");
    });

    it("validates substances of concern, a facility GLN and an LEI operator", function () {
      const document = textile();
      document.passport.sustainability.substancesOfConcern = [
        {
          name: "Bis(2-ethylhexyl) phthalate (DEHP)",
          casNumber: "117-81-7",
          ecNumber: "204-211-0",
          concentration: { value: 0.05, unit: "% w/w" },
          location: "Handle edge paint",
        },
      ];
      document.passport.sustainability.facility = {
        name: "Atelier Oltrarno",
        identifier: { scheme: "GLN", value: "8012345000012" },
      };
      document.passport.sustainability.economicOperator = {
        identifier: { scheme: "LEI", value: "5493001KJTIIGC8Y1R12" },
      };
      expect(() => validateDocument("certificate-metadata", document)).not.to.throw();
    });

    const BAD: [string, (document: Json) => void, string, RegExp][] = [
      [
        "a CAS number with a wrong check digit",
        (d) =>
          (d.passport.sustainability.substancesOfConcern = [
            {
              name: "DEHP",
              casNumber: "117-81-8",
              concentration: { value: 1, unit: "mg/kg" },
              location: "lining",
            },
          ]),
        "passport.sustainability.substancesOfConcern.0.casNumber",
        /wrong CAS check digit/,
      ],
      [
        "a substance without CAS or EC number",
        (d) =>
          (d.passport.sustainability.substancesOfConcern = [
            { name: "DEHP", concentration: { value: 1, unit: "mg/kg" }, location: "lining" },
          ]),
        "passport.sustainability.substancesOfConcern.0.casNumber",
        /needs a casNumber or an ecNumber/,
      ],
      [
        "a facility GLN with a wrong check digit",
        (d) =>
          (d.passport.sustainability.facility = { identifier: { scheme: "GLN", value: "8012345000013" } }),
        "passport.sustainability.facility.identifier.value",
        /wrong GS1 check digit/,
      ],
      [
        "an HS code of 8 digits",
        (d) => (d.passport.sustainability.commodityCode = { scheme: "HS", code: "42022100" }),
        "passport.sustainability.commodityCode.code",
        /6-digit HS code/,
      ],
      [
        "recycled shares over 100% of the weight",
        (d) =>
          (d.passport.sustainability.recycledContent = [
            { material: "Cotton", percentageByWeight: 70, origin: "post-consumer" },
            { material: "Polyester", percentageByWeight: 40, origin: "pre-consumer" },
          ]),
        "passport.sustainability.recycledContent.0.percentageByWeight",
        /add up to 110%/,
      ],
      [
        "a recycled origin that is neither pre- nor post-consumer",
        (d) => (d.passport.sustainability.recycledContent[0].origin = "ocean"),
        "passport.sustainability.recycledContent.0.origin",
        /pre-consumer/,
      ],
      [
        "a durability score above its scale",
        (d) => (d.passport.sustainability.durabilityScore = { value: 12, scaleMax: 10 }),
        "passport.sustainability.durabilityScore.value",
        /must not exceed scaleMax/,
      ],
      [
        "a carbon footprint class outside A-E",
        (d) => (d.passport.sustainability.carbonFootprint.class = "F"),
        "passport.sustainability.carbonFootprint.class",
        /./,
      ],
      [
        "a customer field slipped into the textile data",
        (d) => (d.passport.sustainability.customer = { name: "Jane Doe", email: "jane@example.com" }),
        "passport.sustainability",
        /customer/,
      ],
      [
        "a sealed section whose key names another tier",
        (d) =>
          (d.passport.restricted = {
            interest: {
              alg: "A256GCM",
              kid: "authority-1",
              iv: "AAAAAAAAAAAAAAAA",
              ciphertext: "AA",
              tag: "AAAAAAAAAAAAAAAAAAAAAA",
            },
          }),
        "passport.restricted.interest.kid",
        /another tier/,
      ],
    ];
    for (const [what, change, path, message] of BAD) {
      it(`refuses ${what}, naming the field`, function () {
        const document = textile();
        change(document);
        const found = refusals(document).find((detail) => detail.path === path);
        expect(found, JSON.stringify(refusals(document))).not.to.equal(undefined);
        expect(found!.message).to.match(message);
      });
    }
  });

  describe("the customer's identity", function () {
    it("has no field in any tier: no property of the published schema names a person or a contact", function () {
      const text = renderJsonSchema("certificate-metadata");
      const properties = [...text.matchAll(/"([A-Za-z_]+)": \{/g)].map((match) => match[1].toLowerCase());
      for (const personal of [
        "owner",
        "customer",
        "buyer",
        "holder",
        "email",
        "phone",
        "address",
        "person",
        "firstname",
        "lastname",
        "birthdate",
      ])
        expect(properties, personal).not.to.include(personal);
    });
  });
});
