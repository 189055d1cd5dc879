import path from "node:path";
import { expect } from "chai";
import { keccak256, solidityPacked } from "ethers";
import { sha256Hex } from "../../../server/ipfs/commitment.js";
import { prepareCertificates } from "../../../server/issuer/certificate-rows.js";
import { ManifestError, formatProblem } from "../../../server/issuer/errors.js";
import { parseManifest } from "../../../server/issuer/manifest.js";
import { certificateTokenId } from "../../../server/issuer/serials.js";
import { validateDocument } from "../../../server/metadata/validate-document.js";
import { makeTempDir } from "../support/temp-dir.js";
import { CSV_HEADER, csvRow, generateCatalogue } from "../../scripts/support/catalogue-fixture.js";

const SALT = "0x" + "11".repeat(32);
const context = (mediaRoot?: string) => ({
  brandId: 7,
  brandName: "Maison Test",
  brandSalt: SALT,
  mediaRoot,
});

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManifestError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("expected a ManifestError");
}

describe("issuer: manifest rows to certificate documents", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let media: string;

  before(async function () {
    dir = await makeTempDir("rows");
    media = (await generateCatalogue(dir.path, 3)).media;
  });
  after(() => dir.remove());

  describe("parseManifest", function () {
    it("reads RFC 4180 CSV with quoted commas, quotes and line breaks, numbering rows from 1", function () {
      const rows = parseManifest(
        'serial,productName,care\nA,"Bag, large","Say ""hi""\nthen dry"\nB,Pouch,Dry\n',
        "csv",
      );
      expect(rows.map((r) => r.row)).to.deep.equal([1, 2]);
      expect(rows[0].fields).to.deep.equal({
        serial: "A",
        productName: "Bag, large",
        care: 'Say "hi"\nthen dry',
      });
      expect(rows[1].line).to.equal(4);
    });

    it("reads a JSON array of objects with list values", function () {
      const rows = parseManifest(JSON.stringify([{ serial: "A", images: ["a.svg", "b.svg"] }]), "json");
      expect(rows[0].fields.images).to.deep.equal(["a.svg", "b.svg"]);
    });

    it("rejects JSON that is not an array", function () {
      expect(() => parseManifest("{}", "json")).to.throw("must be an array");
    });
  });

  describe("prepareCertificates", function () {
    describe("when every row is valid", function () {
      it("builds schema-valid documents committed by sha256 with the contract's token ids", async function () {
        const rows = parseManifest(
          [CSV_HEADER, csvRow("S-1", 0, "MT-2025-00001.svg"), csvRow("S-2", 1, "MT-2025-00002.svg")].join(
            "\n",
          ),
          "csv",
        );
        const { certificates, media: files } = await prepareCertificates(rows, context(media));
        expect(certificates).to.have.length(2);
        const [first] = certificates;
        const serialHash = keccak256(solidityPacked(["bytes32", "string"], [SALT, "S-1"]));
        expect(first.serialHash).to.equal(serialHash);
        expect(first.tokenId).to.equal((7n << 224n) | (BigInt(serialHash) & ((1n << 224n) - 1n)));
        expect(first.tokenId).to.equal(certificateTokenId(7, serialHash));
        expect(first.metadataDigest).to.equal(sha256Hex(first.document));
        const document = validateDocument(
          "certificate-metadata",
          JSON.parse(new TextDecoder().decode(first.document)),
        );
        expect(document.passport.serial).to.deep.equal({ kind: "salted-hash", serialHash });
        expect(document.passport.materials).to.deep.equal([
          { material: "Calfskin", percentage: 85, part: "main" },
          { material: "Brass", percentage: 15, part: "main" },
        ]);
        expect(document.image).to.equal(`ipfs://${files.get("MT-2025-00001.svg")!.cid.toString()}`);
        expect(document.attributes).to.deep.include({ trait_type: "Edition", value: 1 });
        expect(first.documentPath).to.equal(`certificates/${first.tokenId}.json`);
      });

      describe("when the brand declares a serial rule", function () {
        const rule = { ignoreCase: true, ignore: " -" };

        it("hashes the serial as the rule compares it (the form the verifier hashes at lookup)", async function () {
          const rows = parseManifest(
            [CSV_HEADER, csvRow("mt-2025 01", 0, "MT-2025-00001.svg")].join("\n"),
            "csv",
          );
          const [certificate] = (await prepareCertificates(rows, { ...context(media), serialRule: rule }))
            .certificates;
          expect(certificate.serialHash).to.equal(
            keccak256(solidityPacked(["bytes32", "string"], [SALT, "MT202501"])),
          );
          // The serial as printed stays what the receipt shows.
          expect(certificate.serial).to.equal("mt-2025 01");
        });

        it("refuses two rows whose serials the rule makes one", async function () {
          const rows = parseManifest(
            [CSV_HEADER, csvRow("MT-1", 0, "MT-2025-00001.svg"), csvRow("mt 1", 1, "MT-2025-00002.svg")].join(
              "\n",
            ),
            "csv",
          );
          const problems = await problemsOf(
            prepareCertificates(rows, { ...context(media), serialRule: rule }),
          );
          expect(problems.some((p) => p.includes("duplicates row 1"))).to.equal(true);
        });
      });

      it("gives the same bytes on every run, so a resumed run commits to the same digests", async function () {
        const rows = parseManifest([CSV_HEADER, csvRow("S-1", 0, "MT-2025-00001.svg")].join("\n"), "csv");
        const a = await prepareCertificates(rows, context(media));
        const b = await prepareCertificates(rows, context(media));
        expect(a.certificates[0].metadataDigest).to.equal(b.certificates[0].metadataDigest);
      });

      it("publishes the serial in clear only when asked", async function () {
        const rows = parseManifest([CSV_HEADER, csvRow("S-1", 0, "MT-2025-00001.svg")].join("\n"), "csv");
        const { certificates } = await prepareCertificates(rows, {
          ...context(media),
          serialVisibility: "clear",
        });
        expect(
          (
            JSON.parse(new TextDecoder().decode(certificates[0].document)) as {
              passport: { serial: unknown };
            }
          ).passport.serial,
        ).to.deep.equal({ kind: "clear", value: "S-1" });
      });
    });

    describe("when rows carry texts in other languages", function () {
      it("puts description_fr, care_fr, careRepair_fr and attributes_fr in the document's localized texts", async function () {
        const rows = parseManifest(
          JSON.stringify([
            {
              serial: "S-1",
              productName: "Bag",
              modelReference: "R1",
              materials: "Calfskin:100",
              manufactureCountry: "IT",
              manufactureDate: "2024-03",
              care: "Keep dry;Store in its bag",
              careRepair: "Brand ateliers only",
              description: "A bag.",
              attributes: "Colour=Tan",
              images: "MT-2025-00001.svg",
              language: "en",
              description_fr: "Un sac.",
              care_fr: "Tenir au sec;Ranger dans son sac",
              careRepair_fr: "Ateliers de la marque uniquement",
              attributes_fr: "Colour:Couleur=Fauve",
            },
          ]),
          "json",
        );
        const { certificates } = await prepareCertificates(rows, context(media));
        const document = validateDocument(
          "certificate-metadata",
          JSON.parse(new TextDecoder().decode(certificates[0].document)),
        );
        expect(document.language).to.equal("en");
        expect(document.description).to.equal("A bag.");
        expect(document.localized).to.deep.equal({
          fr: {
            description: "Un sac.",
            care: {
              instructions: ["Tenir au sec", "Ranger dans son sac"],
              repair: "Ateliers de la marque uniquement",
            },
            attributes: { Colour: "Fauve" },
            attributeNames: { Colour: "Couleur" },
          },
        });
      });

      it("leaves a document without them as it was (no language, no localized key)", async function () {
        const rows = parseManifest([CSV_HEADER, csvRow("S-1", 0, "MT-2025-00001.svg")].join("\n"), "csv");
        const { certificates } = await prepareCertificates(rows, context(media));
        const document = JSON.parse(new TextDecoder().decode(certificates[0].document)) as object;
        expect(document).to.not.have.any.keys("language", "localized");
      });

      it("refuses a text in a malformed language tag as an unknown column", async function () {
        const rows = parseManifest(
          JSON.stringify([{ serial: "S-1", description_French: "Un sac." }]),
          "json",
        );
        const problems = await problemsOf(prepareCertificates(rows, context()));
        expect(
          problems.some((p) => p.startsWith("row 1 [S-1]: description_French: unknown column")),
        ).to.equal(true);
      });
    });

    describe("when rows are invalid", function () {
      it("reports every problem of every row with its row number and column", async function () {
        const rows = parseManifest(
          [
            "serial,productName,modelReference,materials,manufactureCountry,manufactureDate,care,images,chip,colour",
            "A,Bag,R1,Calfskin:100,IT,2024-03,Dry,MT-2025-00001.svg,,red",
            "B,Bag,R1,Calfskin,IT,2024-03,Dry,../secret.svg,0x12,",
            "A,Bag,,Calfskin:100,IT,2024-03,Dry,MT-2025-00001.svg,,",
          ].join("\n"),
          "csv",
        );
        const problems = await problemsOf(prepareCertificates(rows, context(media)));
        expect(problems).to.include.members([
          `row 1 [A]: colour: unknown column (known: serial, productName, name, description, modelName, modelReference, gtin, materials, manufactureCity, manufactureCountry, manufactureFacility, manufactureDate, care, careRepair, images, imageAlt, attributes, externalUrl, language, chip, tagUid, and name, description, productName, care, careRepair, attributes with a language suffix such as _fr; prefix private columns with "x-")`,
          `row 2 [B]: chip: must be the chip key's 0x address`,
          `row 2 [B]: materials: "Calfskin" is not material:percentage[:part[:origin]]`,
          `row 2 [B]: images: "../secret.svg" must be a relative path inside the media folder`,
          `row 3 [A]: serial: duplicates row 1`,
          `row 3 [A]: modelReference (passport.model.reference): is required`,
        ]);
      });

      it("refuses an empty manifest", async function () {
        expect(await problemsOf(prepareCertificates([], context(media)))).to.deep.equal([
          "row 0: (manifest): the manifest has no rows",
        ]);
      });

      it("refuses pictures when no media folder is given", async function () {
        const rows = parseManifest([CSV_HEADER, csvRow("S-1", 0, "x.svg")].join("\n"), "csv");
        const problems = await problemsOf(prepareCertificates(rows, context(undefined)));
        expect(problems).to.include(
          "row 1 [S-1]: images: the manifest names pictures but no media folder was given (--media)",
        );
      });

      it("refuses a picture with an unsupported extension", async function () {
        const rows = parseManifest([CSV_HEADER, csvRow("S-1", 0, "notes.txt")].join("\n"), "csv");
        const problems = await problemsOf(prepareCertificates(rows, context(path.join(dir.path, "media"))));
        expect(problems[0]).to.match(/row 1 \[S-1\]: images: "notes\.txt" has an unsupported extension/);
      });
    });
  });
});
