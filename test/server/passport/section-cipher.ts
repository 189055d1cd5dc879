import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { expect } from "chai";
import { IntegrityError } from "../../../server/errors.js";
import { SignerError } from "../../../server/issuer/errors.js";
import type { TextilePassportData } from "../../../server/metadata/textile-passport.js";
import {
  createPassportKeystore,
  decryptPassportKeystore,
  PassportContentKey,
} from "../../../server/passport/passport-keystore.js";
import { openSection, sealSection } from "../../../server/passport/section-cipher.js";
import { makeTempDir } from "../support/temp-dir.js";

const SUBSTANCES: TextilePassportData = {
  substancesOfConcern: [
    {
      name: "Bis(2-ethylhexyl) phthalate (DEHP)",
      casNumber: "117-81-7",
      concentration: { value: 0.05, unit: "% w/w" },
      location: "Handle edge paint",
    },
  ],
};
const interestKey = new PassportContentKey("interest", 1, randomBytes(32), "2026-01-01T00:00:00Z");
const binding = { brandId: 1, tier: "interest" as const, serialRef: "MA-0001" };

describe("passport section cipher (AES-256-GCM)", function () {
  it("opens what it sealed, with the key the section names", function () {
    const sealed = sealSection(SUBSTANCES, interestKey, binding);
    expect(sealed.alg).to.equal("A256GCM");
    expect(sealed.kid).to.equal("interest-1");
    expect(openSection(sealed, interestKey, binding)).to.deep.equal(SUBSTANCES);
  });

  it("shows nothing of the plaintext in the sealed form", function () {
    const text = JSON.stringify(sealSection(SUBSTANCES, interestKey, binding));
    for (const secret of ["DEHP", "117-81-7", "Handle", "phthalate", "substances"])
      expect(text).not.to.include(secret);
  });

  it("seals the same section of the same piece to the same bytes, so a re-run keeps its digest", function () {
    expect(sealSection(SUBSTANCES, interestKey, binding)).to.deep.equal(
      sealSection(SUBSTANCES, interestKey, binding),
    );
    expect(sealSection(SUBSTANCES, interestKey, { ...binding, serialRef: "MA-0002" }).iv).not.to.equal(
      sealSection(SUBSTANCES, interestKey, binding).iv,
    );
  });

  it("refuses a section moved to another brand, tier or piece", function () {
    const sealed = sealSection(SUBSTANCES, interestKey, binding);
    expect(() => openSection(sealed, interestKey, { ...binding, brandId: 2 })).to.throw(
      IntegrityError,
      /does not open/,
    );
    expect(() => openSection(sealed, interestKey, { ...binding, serialRef: "MA-0002" })).to.throw(
      IntegrityError,
    );
  });

  it("refuses altered ciphertext and a wrong key", function () {
    const sealed = sealSection(SUBSTANCES, interestKey, binding);
    const bytes = Buffer.from(sealed.ciphertext, "base64url");
    bytes[0] ^= 1;
    expect(() =>
      openSection({ ...sealed, ciphertext: bytes.toString("base64url") }, interestKey, binding),
    ).to.throw(IntegrityError);
    const other = new PassportContentKey("interest", 1, randomBytes(32), "2026-01-01T00:00:00Z");
    expect(() => openSection(sealed, other, binding)).to.throw(IntegrityError);
  });

  it("refuses to seal a field outside the schema (no customer data can be encrypted in)", function () {
    const withCustomer = { ...SUBSTANCES, customer: { name: "Jane Doe" } } as TextilePassportData;
    expect(() => sealSection(withCustomer, interestKey, binding)).to.throw(/customer/);
  });
});

describe("passport keystore", function () {
  it("round-trips one key per restricted tier under its password, and never prints a key", async function () {
    const temp = await makeTempDir("passport-keystore");
    try {
      const file = `${temp.path}/brand-1-passport.json`;
      await createPassportKeystore(file, 1, "correct horse battery", { scryptN: 1 << 12 });
      const keys = await decryptPassportKeystore(file, "correct horse battery");
      expect(keys.brandId).to.equal(1);
      expect(keys.keys.map((key) => `${key.tier}-${key.id}`)).to.deep.equal(["interest-1", "authority-1"]);
      const hex = keys.keys[0].bytes().toString("hex");
      expect(JSON.stringify(keys)).not.to.include(hex);
      expect(inspect(keys)).not.to.include(hex);
      const wrong = await decryptPassportKeystore(file, "wrong password!").catch((error: unknown) => error);
      expect(wrong)
        .to.be.instanceOf(SignerError)
        .with.property("message")
        .match(/Wrong password/);
      const again = await createPassportKeystore(file, 1, "correct horse battery").catch(
        (error: unknown) => error,
      );
      expect(again)
        .to.be.instanceOf(Error)
        .with.property("message")
        .match(/refusing to overwrite/);
    } finally {
      await temp.remove();
    }
  });
});
