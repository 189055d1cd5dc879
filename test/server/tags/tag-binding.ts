import { expect } from "chai";
import { keccak256, solidityPacked } from "ethers";
import { prepareCertificates } from "../../../server/issuer/certificate-rows.js";
import type { ManifestError } from "../../../server/issuer/errors.js";
import { formatProblem } from "../../../server/issuer/errors.js";
import { parseManifest } from "../../../server/issuer/manifest.js";
import { serialHashOf } from "../../../server/issuer/serials.js";
import { isBoundTo, tagUidCommitment } from "../../../server/tags/tag-binding.js";
import { makeTempDir } from "../support/temp-dir.js";
import { CSV_HEADER, csvRow, generateCatalogue } from "../../scripts/support/catalogue-fixture.js";

const SALT = "0x" + "11".repeat(32);
const UID = "04A1B2C3D4E5F6";

describe("binding a certificate to an NTAG 424 DNA (server/tags/tag-binding.ts)", function () {
  describe("tagUidCommitment", function () {
    it("is keccak256(brand salt ‖ domain ‖ UID), whatever the UID's case", function () {
      const expected = keccak256(
        solidityPacked(["bytes32", "string"], [SALT, `hallmark:ntag424-dna-uid:${UID}`]),
      );
      expect(tagUidCommitment(SALT, UID)).to.equal(expected);
      expect(tagUidCommitment(SALT, UID.toLowerCase())).to.equal(expected);
      expect(isBoundTo(expected.toUpperCase().replace("0X", "0x"), SALT, UID)).to.equal(true);
    });

    it("differs under another brand's salt, for another UID, and from the serial hash of the same text", function () {
      const commitment = tagUidCommitment(SALT, UID);
      expect(tagUidCommitment("0x" + "22".repeat(32), UID)).not.to.equal(commitment);
      expect(isBoundTo(commitment, SALT, "04A1B2C3D4E5F7")).to.equal(false);
      expect(serialHashOf(SALT, UID)).not.to.equal(commitment);
    });
  });

  describe("the manifest's tagUid column", function () {
    let dir: { path: string; remove: () => Promise<void> };
    let media: string;
    const context = () => ({ brandId: 7, brandName: "Maison Test", brandSalt: SALT, mediaRoot: media });
    const header = `${CSV_HEADER},tagUid`;

    before(async function () {
      dir = await makeTempDir("tag-binding");
      media = (await generateCatalogue(dir.path, 2)).media;
    });
    after(() => dir.remove());

    it("puts the UID's salted commitment in the passport, never the UID", async function () {
      const rows = parseManifest(
        [header, `${csvRow("S-1", 0, "MT-2025-00001.svg")},${UID.toLowerCase()}`].join("\n"),
        "csv",
      );
      const { certificates } = await prepareCertificates(rows, context());
      expect(certificates[0].tagUid).to.equal(UID);
      const text = new TextDecoder().decode(certificates[0].document);
      expect(text.toUpperCase()).not.to.include(UID);
      const document = JSON.parse(text) as { passport: { tag?: unknown } };
      expect(document.passport.tag).to.deep.equal({
        kind: "ntag424-dna",
        uidCommitment: tagUidCommitment(SALT, UID),
      });
    });

    it("leaves the passport without a tag when the column is empty", async function () {
      const rows = parseManifest([header, `${csvRow("S-1", 0, "MT-2025-00001.svg")},`].join("\n"), "csv");
      const { certificates } = await prepareCertificates(rows, context());
      expect(certificates[0].tagUid).to.equal(undefined);
      expect(new TextDecoder().decode(certificates[0].document)).not.to.include("ntag424");
    });

    it("reports a malformed UID and one tag given to two pieces, with their rows", async function () {
      const rows = parseManifest(
        [
          header,
          `${csvRow("S-1", 0, "MT-2025-00001.svg")},${UID}`,
          `${csvRow("S-2", 1, "MT-2025-00002.svg")},${UID}`,
          `${csvRow("S-3", 0, "MT-2025-00001.svg")},04XYZ`,
        ].join("\n"),
        "csv",
      );
      const problems = await prepareCertificates(rows, context()).then(
        () => expect.fail("accepted the batch"),
        (error: unknown) => (error as ManifestError).problems.map(formatProblem),
      );
      expect(problems.join("\n")).to.match(/row 2.*tagUid.*duplicates row 1/);
      expect(problems.join("\n")).to.match(/row 3.*tagUid.*14 digits/);
    });
  });
});
