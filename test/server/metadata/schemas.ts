import { readdirSync } from "node:fs";
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { InvalidDocumentError } from "../../../server/errors.js";
import type { MetadataKind } from "../../../server/metadata/document-kinds.js";
import { METADATA_KINDS } from "../../../server/metadata/document-kinds.js";
import { loadExample, METADATA_EXAMPLES } from "../../../server/metadata/examples.js";
import { jsonSchemaPath, renderJsonSchema } from "../../../server/metadata/json-schemas.js";
import { validateDocument } from "../../../server/metadata/validate-document.js";

type Json = Record<string, unknown>;

/** A copy of an example with one change applied at a dotted path (undefined deletes). */
function mutated(file: string, path: string, value: unknown): unknown {
  const document = structuredClone(loadExample(file)) as Json;
  const keys = path.split(".");
  let node: Json = document;
  for (const key of keys.slice(0, -1)) node = node[key] as Json;
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return document;
}

function refusedPaths(kind: MetadataKind, value: unknown): string[] {
  try {
    validateDocument(kind, value);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidDocumentError);
    return (error as InvalidDocumentError).details.map((detail) => detail.path);
  }
  expect.fail("document was accepted");
}

const INVALID_CASES: { kind: MetadataKind; file: string; change: string; value: unknown; path: string }[] = [
  // Certificate metadata: ERC-721 fields and every part of the passport.
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "name",
    value: undefined,
    path: "name",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "image",
    value: "ftp://x/y.jpg",
    path: "image",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "schema",
    value: "other.v1",
    path: "schema",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "attributes",
    value: [{ value: 1 }],
    path: "attributes.0.trait_type",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.brand",
    value: { name: "" },
    path: "passport.brand.name",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.productName",
    value: 42,
    path: "passport.productName",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.model",
    value: {},
    path: "passport.model.reference",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.gtin",
    value: "08012345678900",
    path: "passport.gtin",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.serial",
    value: { kind: "salted-hash", serialHash: "0x1234" },
    path: "passport.serial.serialHash",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.serial",
    value: { kind: "guess" },
    path: "passport.serial.kind",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.materials",
    value: [{ material: "Silk", percentage: 90 }],
    path: "passport.materials.0.percentage",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.materials",
    value: [],
    path: "passport.materials",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.manufacture.place.country",
    value: "Italy",
    path: "passport.manufacture.place.country",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.manufacture.date",
    value: "2024-13-01",
    path: "passport.manufacture.date",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.care.instructions",
    value: [],
    path: "passport.care.instructions",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.images",
    value: [{ uri: "ipfs://bafy", mediaType: "jpeg" }],
    path: "passport.images.0.mediaType",
  },
  {
    kind: "certificate-metadata",
    file: "certificate-metadata.json",
    change: "passport.model3d",
    value: { uri: "ipfs://bafy/x.obj", mediaType: "model/obj" },
    path: "passport.model3d.mediaType",
  },
  // Garment metadata: ERC-1155 fields and the wearable.
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "decimals",
    value: 1.5,
    path: "decimals",
  },
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "wearable.category",
    value: "cape",
    path: "wearable.category",
  },
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "wearable.model.format",
    value: "fbx",
    path: "wearable.model.format",
  },
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "wearable.previews",
    value: [],
    path: "wearable.previews",
  },
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "wearable.fit",
    value: {},
    path: "wearable.fit",
  },
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "wearable.platforms",
    value: [{ name: "" }],
    path: "wearable.platforms.0.name",
  },
  {
    kind: "garment-metadata",
    file: "garment-metadata.json",
    change: "wearable.technicalSheet.materials",
    value: [],
    path: "wearable.technicalSheet.materials",
  },
  // Provenance details.
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "kind",
    value: "stolen-ish",
    path: "kind",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "actor.role",
    value: "friend",
    path: "actor.role",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "actor.address",
    value: "0xabc",
    path: "actor.address",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "date",
    value: "11/02/2026",
    path: "date",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "inspection.conditionGrade",
    value: "mint",
    path: "inspection.conditionGrade",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "inspection.findings",
    value: [{ area: "strap", description: "scuff", severity: "huge" }],
    path: "inspection.findings.0.severity",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "inspection.photos",
    value: [{ uri: "data:xyz", mediaType: "image/png" }],
    path: "inspection.photos.0.uri",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "inspection",
    value: undefined,
    path: "inspection",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "price.amount",
    value: 1850,
    path: "price.amount",
  },
  {
    kind: "provenance-details",
    file: "provenance-authenticated-resale.json",
    change: "price.currency",
    value: "euro",
    path: "price.currency",
  },
  {
    kind: "provenance-details",
    file: "provenance-repair.json",
    change: "repair",
    value: undefined,
    path: "repair",
  },
  {
    kind: "provenance-details",
    file: "provenance-repair.json",
    change: "repair.description",
    value: " ",
    path: "repair.description",
  },
];

describe("Metadata schemas", function () {
  describe("examples", function () {
    for (const { kind, file } of METADATA_EXAMPLES) {
      it(`accepts the ${file} example as ${kind}`, function () {
        expect(() => validateDocument(kind, loadExample(file))).not.to.throw();
      });
    }

    it("names the check digit a wrong GTIN calls for", function () {
      const document = loadExample("certificate-metadata.json") as Json;
      (document.passport as Json).gtin = "08012345678908";
      expect(() => validateDocument("certificate-metadata", document)).to.throw(InvalidDocumentError);
      try {
        validateDocument("certificate-metadata", document);
      } catch (error) {
        expect((error as InvalidDocumentError).details.map((d) => d.message)).to.include(
          "has a wrong GS1 check digit: 8, where 0801234567890 calls for 7 (08012345678907)",
        );
      }
    });

    it("lists every file of server/metadata/examples, so each one is validated", function () {
      const files = readdirSync(new URL("../../../server/metadata/examples/", import.meta.url)).filter((f) =>
        f.endsWith(".json"),
      );
      expect(METADATA_EXAMPLES.map((example) => example.file)).to.have.members(files);
    });

    it("has at least one example of every kind", function () {
      for (const kind of METADATA_KINDS)
        expect(METADATA_EXAMPLES.some((example) => example.kind === kind)).to.be.true;
    });
  });

  describe("refusals", function () {
    for (const { kind, file, change, value, path } of INVALID_CASES) {
      const what = value === undefined ? "without" : "with a bad";
      it(`refuses a ${kind} document ${what} ${change}, naming ${path}`, function () {
        expect(refusedPaths(kind, mutated(file, change, value))).to.include(path);
      });
    }

    it("names every offending field when several are wrong", function () {
      const document = mutated("garment-metadata.json", "wearable.category", "cape") as Json;
      document.image = "not a uri";
      expect(refusedPaths("garment-metadata", document)).to.have.members(["wearable.category", "image"]);
    });

    it("refuses something that is not an object at the document root", function () {
      expect(refusedPaths("provenance-details", [])).to.deep.equal(["(document)"]);
    });
  });

  describe("published JSON Schemas", function () {
    for (const kind of METADATA_KINDS) {
      it(`keeps ${jsonSchemaPath(kind)} in step with the zod schema`, async function () {
        const published = await readFile(jsonSchemaPath(kind), "utf8");
        expect(published, "run `npx tsx server/metadata/write-json-schemas.ts`").to.equal(
          renderJsonSchema(kind),
        );
      });
    }
  });
});
