/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- answers are read as loose JSON here */
import { expect } from "chai";
import { FsBlockstore } from "blockstore-fs";
import { digestToCid } from "../../../server/ipfs/commitment.js";
import { EmbeddedMetadataStore } from "../../../server/ipfs/embedded-store.js";
import { ProvenanceKind } from "../../contracts/fixtures.js";
import { buildStack, getJson, postJson } from "./stack.js";
import type { Stack } from "./stack.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a resale partner checking a day's intake needs: a batch call, verdicts in lists, brands by name, details inline. */
describe("the partner API", function () {
  let stack: Stack;
  const tokens: string[] = [];
  let stolen: string;
  let repaired: string;

  before(async function () {
    stack = await buildStack();
    for (let i = 1; i <= 20; i++)
      tokens.push((await stack.issue(`PA-${String(i).padStart(4, "0")}`, stack.alice.address)).toString());
    stolen = tokens[1];
    await (await stack.certificate.connect(stack.alice).reportStolen(BigInt(stolen), "taken")).wait();
    repaired = tokens[2];
    const report = await stack.resaleReport("good");
    const tampered = await stack.resaleReport("poor");
    await (
      await stack.certificate
        .connect(stack.repairerA)
        .recordProvenance(BigInt(repaired), ProvenanceKind.Repair, report, 8)
    ).wait();
    await (
      await stack.certificate
        .connect(stack.repairerA)
        .recordProvenance(BigInt(repaired), ProvenanceKind.Repair, tampered, 3)
    ).wait();
    // The second report's bytes are altered on the IPFS node after the chain committed to them.
    const blockstore = new FsBlockstore(EmbeddedMetadataStore.blocksDirectory(stack.ipfsDirectory));
    await blockstore.open();
    await blockstore.put(digestToCid(tampered), new TextEncoder().encode('{"forged":true}'));
    await blockstore.close();
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  describe("POST /v1/certificates/lookup", function () {
    it("answers twenty items by token id and by serial, in the order asked", async function () {
      const items = tokens.map((tokenId, i) =>
        i % 2 === 0 ? { tokenId } : { brand: 1, serial: `PA-${String(i + 1).padStart(4, "0")}` },
      );
      const { status, body } = await postJson<Json>(`${stack.url}/v1/certificates/lookup`, { items });
      expect(status).to.equal(200);
      expect(body.items.map((item: Json) => item.tokenId)).to.deep.equal(tokens);
      expect(body.items[0].verdict).to.equal("genuine");
      expect(body.items[1].verdict).to.equal("do_not_buy");
      expect(body.items[1].flags).to.deep.equal(["stolen"]);
      expect(body.index.block).to.be.a("number");
    });

    it("answers an item that fails with its own problem, the others still answered", async function () {
      const { status, body } = await postJson<Json>(`${stack.url}/v1/certificates/lookup`, {
        items: [
          { brand: "maison-a", serial: "PA-0001" },
          { brand: 1, serial: "NO-SUCH" },
          { tokenId: "12ab" },
          { brand: "no-such-brand", serial: "PA-0001" },
          { tokenId: tokens[3], serial: "PA-0004" },
          { tokenId: tokens[3] },
        ],
      });
      expect(status).to.equal(200);
      const [first, unknown, malformed, noBrand, mixed, last] = body.items as Json[];
      expect(first.tokenId).to.equal(tokens[0]);
      expect(unknown).to.include({ status: 404, type: "https://hallmark.dev/problems/not-found" });
      expect(unknown.detail).to.equal('No certificate of brand 1 has the serial "NO-SUCH"');
      expect(malformed).to.include({ status: 400, type: "https://hallmark.dev/problems/invalid-input" });
      expect(malformed.errors[0].path).to.match(/^body\.items\.2/);
      expect(noBrand).to.include({ status: 404 });
      expect(noBrand.detail).to.equal('No brand has the slug "no-such-brand"');
      expect(mixed).to.include({ status: 400 });
      expect(last.tokenId).to.equal(tokens[3]);
    });

    it("refuses an empty batch with 400", async function () {
      const { status, body } = await postJson<Json>(`${stack.url}/v1/certificates/lookup`, { items: [] });
      expect(status).to.equal(400);
      expect(body.errors[0].path).to.equal("body.items");
    });

    it("refuses 101 items with 413", async function () {
      const items = Array.from({ length: 101 }, () => ({ tokenId: "1" }));
      const { status, body } = await postJson<Json>(`${stack.url}/v1/certificates/lookup`, { items });
      expect(status).to.equal(413);
      expect(body.detail).to.equal("A lookup takes up to 100 items; this one has 101");
    });

    it("refuses a body that is not a batch with 400", async function () {
      for (const body of [
        {},
        { items: "all" },
        { items: [{ tokenId: "1" }], extra: 1 },
        [{ tokenId: "1" }],
      ]) {
        const answer = await postJson<Json>(`${stack.url}/v1/certificates/lookup`, body);
        expect(answer.status, JSON.stringify(body)).to.equal(400);
      }
    });
  });

  describe("GET /v1/certificates", function () {
    it("gives each certificate its verdict and its metadata's check", async function () {
      const { status, body } = await getJson<Json>(`${stack.url}/v1/certificates?brand=1&limit=3`);
      expect(status).to.equal(200);
      expect(body.items.map((item: Json) => item.verdict)).to.deep.equal([
        "genuine",
        "do_not_buy",
        "genuine",
      ]);
      expect(body.items[0].metadata.verified).to.equal(true);
    });

    it("takes a brand slug for ?brand=, and answers 404 for a slug no brand has", async function () {
      const bySlug = await getJson<Json>(`${stack.url}/v1/certificates?brand=maison-a&limit=3`);
      expect(bySlug.body.items.map((item: Json) => item.tokenId)).to.deep.equal(tokens.slice(0, 3));
      const unknown = await getJson<Json>(`${stack.url}/v1/certificates?brand=maison-z`);
      expect(unknown.status).to.equal(404);
    });
  });

  describe("brands by slug", function () {
    it("names each brand's slug, from its registered name", async function () {
      const { body } = await getJson<Json>(`${stack.url}/v1/brands`);
      expect(body.items.map((brand: Json) => [brand.id, brand.slug])).to.deep.equal([
        [1, "maison-a"],
        [2, "maison-b"],
      ]);
    });

    it("answers /v1/brands/{slug} and /v1/brands/{slug}/items/{serial}", async function () {
      const brand = await getJson<Json>(`${stack.url}/v1/brands/Maison-A`);
      expect(brand.status).to.equal(200);
      expect(brand.body).to.include({ id: 1, slug: "maison-a" });
      const item = await getJson<Json>(`${stack.url}/v1/brands/maison-a/items/PA-0005`);
      expect(item.body.tokenId).to.equal(tokens[4]);
    });

    it("answers 404 for a slug no brand has and 400 for a malformed one", async function () {
      expect((await getJson(`${stack.url}/v1/brands/maison-z`)).status).to.equal(404);
      for (const bad of ["maison--a", "-maison", "maison_a", "x".repeat(65), "0"])
        expect((await getJson(`${stack.url}/v1/brands/${bad}`)).status, bad).to.equal(400);
    });
  });

  describe("GET /v1/certificates/{tokenId}/provenance?include=details", function () {
    it("inlines each event's details verified against its digest, and flags one that fails", async function () {
      const { status, body } = await getJson<Json>(
        `${stack.url}/v1/certificates/${repaired}/provenance?include=details`,
      );
      expect(status).to.equal(200);
      const repairs = body.items.filter((event: Json) => event.kind === "repair");
      expect(repairs).to.have.length(2);
      expect(repairs[0].details.verified).to.equal(true);
      expect(repairs[0].details.document.inspection.conditionGrade).to.equal("good");
      expect(repairs[1].details).to.include({ verified: false, reason: "digest_mismatch", document: null });
      const issued = body.items.find((event: Json) => event.kind === "issued");
      expect(issued.details.verified).to.equal(true);
      expect(issued.details.document.schema).to.equal("hallmark.certificate-metadata.v1");
    });

    it("keeps details to digest and CID without ?include", async function () {
      const { body } = await getJson<Json>(`${stack.url}/v1/certificates/${repaired}/provenance`);
      const repair = body.items.find((event: Json) => event.kind === "repair");
      expect(Object.keys(repair.details).sort()).to.deep.equal(["cid", "digest"]);
    });

    it("refuses an include it does not know", async function () {
      const answer = await getJson(`${stack.url}/v1/certificates/${repaired}/provenance?include=everything`);
      expect(answer.status).to.equal(400);
    });
  });
});
