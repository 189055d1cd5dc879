import { expect } from "chai";
import { createHash } from "node:crypto";
import { FsBlockstore } from "blockstore-fs";
import { digestToCid } from "../../../server/ipfs/commitment.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { loadExample } from "../../../server/metadata/examples.js";
import { buildStack, getJson } from "./stack.js";
import type { Stack } from "./stack.js";

interface CertificateBody {
  flags: string[];
  verdict: string;
  metadata: {
    cid: string;
    digest: string;
    verified: boolean;
    reason?: string;
    actualDigest?: string;
    document: unknown;
  };
}

const sha256 = (bytes: Uint8Array): string => `0x${createHash("sha256").update(bytes).digest("hex")}`;

describe("GET /v1/certificates/:tokenId — metadata that fails its check", function () {
  let stack: Stack;

  before(async function () {
    stack = await buildStack();
  });

  after(async function () {
    await stack?.close();
  });

  async function certificate(tokenId: bigint): Promise<CertificateBody> {
    const { status, body } = await getJson<CertificateBody>(
      `${stack.url}/v1/certificates/${tokenId.toString()}`,
    );
    expect(status).to.equal(200);
    return body;
  }

  describe("when the bytes IPFS holds were tampered with", function () {
    it("flags metadata_mismatch, answers do_not_buy and names both digests, showing no document", async function () {
      const digest = await stack.certificateDocument("MM-0001");
      const tokenId = await stack.issue("MM-0001", stack.alice.address, { digest });
      await stack.sync();
      // Disk rot or an attacker: other bytes under the document's CID, behind the node's back.
      const forged = new TextEncoder().encode(
        JSON.stringify({ ...(loadExample("certificate-metadata.json") as object), name: "Forged tote" }),
      );
      const blockstore = new FsBlockstore(EmbeddedMetadataStore.blocksDirectory(stack.ipfsDirectory));
      await blockstore.open();
      await blockstore.put(digestToCid(digest), forged);
      await blockstore.close();

      const body = await certificate(tokenId);
      expect(body.flags).to.deep.equal(["metadata_mismatch"]);
      expect(body.verdict).to.equal("do_not_buy");
      expect(body.metadata).to.deep.include({
        digest,
        verified: false,
        reason: "digest_mismatch",
        actualDigest: sha256(forged),
        document: null,
      });
    });
  });

  describe("when the committed document is not a valid certificate document", function () {
    it("flags metadata_mismatch for a document that breaks the schema", async function () {
      const invalid = new TextEncoder().encode(
        JSON.stringify({ name: "A tote", description: "no passport, no image" }),
      );
      const cid = await stack.metadataStore.addBytes(invalid);
      const digest = sha256(invalid);
      expect(digestToCid(digest).toString()).to.equal(cid.toString());
      const tokenId = await stack.issue("MM-0002", stack.alice.address, { digest });
      await stack.sync();

      const body = await certificate(tokenId);
      expect(body.flags).to.deep.equal(["metadata_mismatch"]);
      expect(body.verdict).to.equal("do_not_buy");
      expect(body.metadata).to.deep.include({
        digest,
        verified: false,
        reason: "schema_invalid",
        document: null,
      });
      expect(body.metadata.actualDigest).to.equal(undefined);
    });

    it("flags metadata_mismatch for bytes that are not JSON", async function () {
      const garbage = new TextEncoder().encode("<html>not a certificate</html>");
      await stack.metadataStore.addBytes(garbage);
      const tokenId = await stack.issue("MM-0003", stack.alice.address, { digest: sha256(garbage) });
      await stack.sync();

      const body = await certificate(tokenId);
      expect(body.flags).to.deep.equal(["metadata_mismatch"]);
      expect(body.verdict).to.equal("do_not_buy");
      expect(body.metadata.reason).to.equal("schema_invalid");
    });
  });

  describe("when the document cannot be read", function () {
    it("keeps metadata_unverified and caution: a pending check is not a failed one", async function () {
      const tokenId = await stack.issue("MM-0004", stack.alice.address, {
        digest: sha256(new TextEncoder().encode("never published")),
      });
      await stack.sync();

      const body = await certificate(tokenId);
      expect(body.flags).to.deep.equal(["metadata_unverified"]);
      expect(body.verdict).to.equal("caution");
      expect(body.metadata.actualDigest).to.equal(undefined);
    });
  });

  it("lists the metadata flags in the OpenAPI document", async function () {
    const { body } = await getJson<{
      components: {
        schemas: Record<
          string,
          { properties: Record<string, { items?: { enum: string[] }; properties?: Record<string, unknown> }> }
        >;
      };
    }>(`${stack.url}/openapi.json`);
    const view = body.components.schemas.Certificate;
    expect(view.properties.flags.items?.enum).to.include.members([
      "metadata_mismatch",
      "metadata_unverified",
    ]);
    expect(view.properties.metadata.properties).to.have.property("actualDigest");
  });
});
