import { expect } from "chai";
import type { CertificateMetadata } from "../../../server/metadata/certificate-metadata.js";
import { loadExample } from "../../../server/metadata/examples.js";
import { isPublicSection, passportSubject } from "../../../server/credentials/passport-credential.js";

const PUBLIC_URL = "https://verify.example.test";
const example = loadExample("certificate-metadata.json") as CertificateMetadata;

/** The example document with more passport sections than the v1 schema names (as the schema grows). */
function withSections(sections: Record<string, unknown>): CertificateMetadata {
  return { ...example, passport: { ...example.passport, ...sections } };
}

describe("passportSubject: the public passport a credential carries", function () {
  it("carries a public section it does not know under its own name (textile and sustainability data)", function () {
    const sustainability = {
      carbonFootprintClass: "B",
      recycledContent: [{ material: "Cotton", share: 30 }],
    };
    const subject = passportSubject("1", withSections({ sustainability }), { publicUrl: PUBLIC_URL });
    expect(subject.sustainability).to.deep.equal(sustainability);
  });

  it("holds back an encrypted tier's section, whatever its name", function () {
    const sealed = { tier: "authority", alg: "A256GCM", nonce: "AAAA", ciphertext: "BBBB" };
    const subject = passportSubject(
      "1",
      withSections({ restricted: { legitimateInterest: sealed }, facilityAudit: sealed, notes: [sealed] }),
      { publicUrl: PUBLIC_URL },
    );
    expect(subject).not.to.have.any.keys("restricted", "facilityAudit", "notes");
    expect(JSON.stringify(subject)).not.to.include("ciphertext");
  });

  it("never lets a section overwrite a mapped field", function () {
    const subject = passportSubject("1", withSections({ product: { id: "https://evil.example" } }), {
      publicUrl: PUBLIC_URL,
    });
    expect((subject.product as { id: string }).id).to.equal(`${PUBLIC_URL}/v/1`);
  });

  it("gives UNTP's massFraction only for a one-part product (shares are per part)", function () {
    const multiPart = passportSubject("1", example, { publicUrl: PUBLIC_URL });
    expect((multiPart.materialsProvenance as object[])[0]).not.to.have.property("massFraction");
    const onePart = passportSubject(
      "1",
      withSections({ materials: [{ material: "Steel", percentage: 100, part: "main" }] }),
      { publicUrl: PUBLIC_URL },
    );
    expect((onePart.materialsProvenance as object[])[0]).to.deep.include({ massFraction: 1 });
  });

  it("uses the serial the caller knows for the Digital Link when the document only has its hash", function () {
    const subject = passportSubject("7", example, { publicUrl: PUBLIC_URL, serial: "SEL 01" });
    expect((subject.product as { id: string }).id).to.equal(`${PUBLIC_URL}/01/08012345678907/21/SEL%2001`);
  });
});

describe("isPublicSection", function () {
  it("refuses the tiers' names and anything holding a ciphertext, and admits the rest", function () {
    expect(isPublicSection("restricted", {})).to.equal(false);
    expect(isPublicSection("audit", { deep: { deeper: { ciphertext: "x" } } })).to.equal(false);
    expect(isPublicSection("durability", { score: 7 })).to.equal(true);
  });
});
