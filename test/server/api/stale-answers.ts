/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { buildStack, getJson, PASSPORT_GTIN, serialHashOf } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * No answer outlives the facts it was built from: the verifier's own caches (answers by index
 * version, documents by digest) and any cache in front of it.
 */
describe("answers are never served stale", function () {
  let stack: Stack;

  before(async function () {
    stack = await buildStack();
  });

  after(async function () {
    await stack?.close();
  });

  const verdictOf = (page: string): string | undefined => /data-verdict="([a-z_]+)"/.exec(page)?.[1];

  describe("after a status change", function () {
    it("answers the JSON (cached, then by the fast path) and the page with the new status", async function () {
      const token = await stack.issue("ST-0001", stack.alice.address);
      await stack.sync();
      for (let i = 0; i < 2; i++)
        expect(
          (await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`)).body.verdict,
        ).to.equal("genuine");
      expect(verdictOf(await (await fetch(`${stack.url}/v/${token.toString()}`)).text())).to.equal("genuine");
      await (await stack.certificate.connect(stack.alice).reportStolen(token, "taken from a car")).wait();
      await stack.sync();
      expect(
        (await getJson<Body>(`${stack.url}/v1/certificates/${token.toString()}`)).body.flags,
      ).to.deep.equal(["stolen"]);
      expect((await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN}/21/ST-0001`)).body.verdict).to.equal(
        "do_not_buy",
      );
      expect(
        verdictOf(await (await fetch(`${stack.url}/v/${token.toString()}?gtin=${PASSPORT_GTIN}`)).text()),
      ).to.equal("stolen");
    });

    it("tells any cache in front of the verifier to ask again before reusing an answer, a refusal or a page", async function () {
      const token = await stack.issue("ST-0002", stack.alice.address);
      await stack.sync();
      const path = `/v1/certificates/${token.toString()}`;
      const first = await fetch(`${stack.url}${path}`); // built by the route
      const second = await fetch(`${stack.url}${path}`); // served by the fast path
      const unknown = await fetch(`${stack.url}/v1/certificates/1`);
      const link = await fetch(`${stack.url}/01/${PASSPORT_GTIN}/21/ST-0002`, {
        headers: { accept: "application/json" },
      });
      const page = await fetch(`${stack.url}/v/${token.toString()}`);
      for (const [name, response] of Object.entries({ first, second, unknown, link, page })) {
        expect(response.headers.get("cache-control"), name).to.equal("no-cache");
        expect(response.headers.get("etag"), name).to.equal(null);
      }
      expect(unknown.status).to.equal(404);
    });
  });

  describe("after a metadata update", function () {
    it("shows the newly committed document, and checks the label against its GTIN, though the old one was cached", async function () {
      const token = await stack.issue("ST-0003", stack.alice.address);
      await stack.sync();
      const before = await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN}/21/ST-0003`);
      expect(before.body.digitalLink.gtinCheck).to.equal("match");
      const example = loadExample("certificate-metadata.json") as Record<string, unknown> & {
        passport: Record<string, unknown>;
      };
      // The brand corrects the passport: the piece is another model, with another GTIN.
      const corrected = await publishDocument(stack.metadataStore, "certificate-metadata", {
        ...example,
        name: "Corrected description",
        description: "Corrected: a Selleria tote 28.",
        passport: {
          ...example.passport,
          gtin: "08012345000012",
          serial: { kind: "salted-hash", serialHash: serialHashOf("ST-0003") },
        },
      });
      await (await stack.certificate.connect(stack.issuerA).updateMetadata(token, corrected.digest)).wait();
      await stack.sync();
      const after = await getJson<Body>(`${stack.url}/01/${PASSPORT_GTIN}/21/ST-0003`);
      expect(after.body.metadata.digest).to.equal(corrected.digest);
      expect(after.body.metadata.document.name).to.equal("Corrected description");
      expect(after.body.digitalLink).to.deep.equal({
        gtin: PASSPORT_GTIN,
        passportGtin: "08012345000012",
        gtinCheck: "mismatch",
      });
      expect(after.body.verdict).to.equal("do_not_buy");
      const page = await (await fetch(`${stack.url}/v/${token.toString()}`)).text();
      expect(page).to.include("Corrected: a Selleria tote 28.");
    });
  });
});
