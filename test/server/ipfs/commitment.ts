import { expect } from "chai";
import { CID } from "multiformats/cid";
import { IntegrityError, InvalidDocumentError, InvalidInputError } from "../../../server/errors.js";
import {
  cidToDigest,
  digestToCid,
  sha256Hex,
  verifyAgainstCommitment,
} from "../../../server/ipfs/commitment.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { loadExample } from "../../../server/metadata/examples.js";
import {
  encodeDocument,
  publishDocument,
  readCommittedDocument,
} from "../../../server/metadata/metadata-document.js";
import { makeTempDir } from "../support/temp-dir.js";

const HELLO_DIGEST = sha256Hex(new TextEncoder().encode("hello world\n"));
const HELLO_CID = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail("expected a rejection");
}

describe("On-chain commitments and CIDs", function () {
  it("turns a committed sha256 digest into the raw CID Kubo gives the same bytes", function () {
    expect(digestToCid(HELLO_DIGEST).toString()).to.equal(HELLO_CID);
  });

  it("turns a raw sha2-256 CID back into its digest", function () {
    expect(cidToDigest(CID.parse(HELLO_CID))).to.equal(HELLO_DIGEST);
  });

  it("refuses to derive a digest from a dag-pb CID or a non-bytes32 value", function () {
    const dagPb = CID.createV1(0x70, CID.parse(HELLO_CID).multihash);
    expect(() => cidToDigest(dagPb)).to.throw(InvalidInputError);
    expect(() => digestToCid("0x1234")).to.throw(InvalidInputError);
  });

  it("accepts bytes that match the committed digest, in any hex case", function () {
    expect(
      verifyAgainstCommitment(
        new TextEncoder().encode("hello world\n"),
        HELLO_DIGEST.toUpperCase().replace("0X", "0x"),
      ),
    ).to.equal(HELLO_DIGEST);
  });

  it("rejects a document whose bytes do not match the committed digest, naming both values", function () {
    const tampered = new TextEncoder().encode("hello world!\n");
    const error = (() => {
      try {
        verifyAgainstCommitment(tampered, HELLO_DIGEST);
      } catch (caught) {
        return caught as IntegrityError;
      }
      expect.fail("accepted tampered bytes");
    })();
    expect(error).to.be.instanceOf(IntegrityError);
    expect(error.message).to.include(HELLO_DIGEST).and.to.include(sha256Hex(tampered));
    expect(error.expected).to.equal(HELLO_DIGEST);
  });
});

describe("Committed metadata documents", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedMetadataStore;

  before(async function () {
    temp = await makeTempDir("commitment");
    store = await EmbeddedMetadataStore.open({ directory: temp.path });
  });

  after(async function () {
    await store.close();
    await temp.remove();
  });

  it("publishes a certificate document as one raw block whose CID is its digest", async function () {
    const published = await publishDocument(
      store,
      "certificate-metadata",
      loadExample("certificate-metadata.json"),
    );
    expect(published.cid.toString()).to.match(/^bafkrei/);
    expect(cidToDigest(published.cid)).to.equal(published.digest);
  });

  it("reads back a document by the digest committed on-chain, validated", async function () {
    const published = await publishDocument(
      store,
      "provenance-details",
      loadExample("provenance-repair.json"),
    );
    const read = await readCommittedDocument(store, "provenance-details", published.digest);
    expect(read.document.kind).to.equal("repaired");
  });

  it("refuses a stored document that does not pass its schema even though its digest matches", async function () {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ schema: "hallmark.garment-metadata.v1", name: "x" }),
    );
    await store.addBytes(bytes);
    const error = await rejection(readCommittedDocument(store, "garment-metadata", sha256Hex(bytes)));
    expect(error).to.be.instanceOf(InvalidDocumentError);
  });

  it("refuses to publish a document above one raw block", function () {
    const document = structuredClone(loadExample("provenance-repair.json")) as Record<string, unknown>;
    document.notes = "x".repeat(9_000);
    const big = {
      ...document,
      repair: {
        description: "y".repeat(1_900),
        partsReplaced: Array.from({ length: 2_000 }, () => "z".repeat(150)),
      },
    };
    expect(() => encodeDocument("provenance-details", big)).to.throw(InvalidInputError);
  });
});
