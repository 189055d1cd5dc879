import { expect } from "chai";
import type { UnverifiedReason } from "../../../server/verification/committed-document.js";
import { metadataFlagOf, verdictOf } from "../../../server/verification/flags.js";

describe("metadataFlagOf", function () {
  it("raises no flag for a verified document", function () {
    expect(metadataFlagOf({ verified: true })).to.equal(null);
  });

  const failed: UnverifiedReason[] = ["digest_mismatch", "schema_invalid"];
  const pending: UnverifiedReason[] = ["not_found", "ipfs_unavailable", "too_large", "unreadable"];
  for (const reason of failed) {
    it(`flags metadata_mismatch for ${reason}: the check failed`, function () {
      expect(metadataFlagOf({ verified: false, reason })).to.equal("metadata_mismatch");
    });
  }
  for (const reason of pending) {
    it(`flags metadata_unverified for ${reason}: the check could not complete`, function () {
      expect(metadataFlagOf({ verified: false, reason })).to.equal("metadata_unverified");
    });
  }
});

describe("verdictOf", function () {
  it("is genuine without flags", function () {
    expect(verdictOf([])).to.equal("genuine");
  });

  it("is caution when only the metadata check is pending", function () {
    expect(verdictOf(["metadata_unverified"])).to.equal("caution");
  });

  it("is do_not_buy for a document that does not match, alone or with others", function () {
    expect(verdictOf(["metadata_mismatch"])).to.equal("do_not_buy");
    expect(verdictOf(["metadata_unverified", "metadata_mismatch"])).to.equal("do_not_buy");
  });

  it("is do_not_buy for every other flag", function () {
    for (const flag of ["stolen", "revoked", "superseded", "suspect_issuer"] as const) {
      expect(verdictOf([flag, "metadata_unverified"])).to.equal("do_not_buy");
    }
  });
});
