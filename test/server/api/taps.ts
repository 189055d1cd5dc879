import path from "node:path";
import { expect } from "chai";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { SimulatedTag } from "../../../server/tags/simulated-tag.js";
import { sunUrl } from "../../../server/tags/sun-url.js";
import { tagUidCommitment } from "../../../server/tags/tag-binding.js";
import { importTagKeystore, TagMasterKey } from "../../../server/tags/tag-keystore.js";
import { makeTempDir } from "../support/temp-dir.js";
import { buildStack, getJson, SALT_A, serialHashOf } from "./stack.js";
import type { Stack } from "./stack.js";

const PASSWORD = "tag keystore password";
const MASTER = Buffer.alloc(16, 0x5a);
const OTHER_BRAND_MASTER = Buffer.alloc(16, 0x7b);

interface TapAnswer {
  tokenId: string;
  tap: { result: string; reason: string | null; counter: number | null; lastCounter: number | null };
  copied: boolean;
  verdict: string;
  certificate: { status: string } | null;
}

describe("NTAG 424 DNA taps (GET /v1/taps/:tokenId, GET /t/:tokenId)", function () {
  let stack: Stack;
  let keys: { path: string; remove: () => Promise<void> };
  let uids = 0;

  before(async function () {
    keys = await makeTempDir("tap-keys");
    const keystore = path.join(keys.path, "brand-1-tags.json");
    await importTagKeystore(keystore, 1, [new TagMasterKey(1, MASTER, "2026-01-01")], PASSWORD, {
      scryptN: 1 << 10,
    });
    stack = await buildStack({
      env: {
        HALLMARK_TAG_KEYSTORES: JSON.stringify({ 1: { keystore, passwordEnv: "TEST_TAG_PASSWORD" } }),
        TEST_TAG_PASSWORD: PASSWORD,
      },
    });
  });
  after(async function () {
    await stack?.close();
    await keys?.remove();
  });

  /** A piece of brand 1 whose certificate commits to a new tag's UID; returns the tag and the token. */
  async function taggedPiece(serial: string, options: { bindUid?: string } = {}) {
    const uid = `04AB${(++uids).toString(16).toUpperCase().padStart(10, "0")}`;
    const base = loadExample("certificate-metadata.json") as Record<string, unknown> & {
      passport: Record<string, unknown>;
    };
    const digest = (
      await publishDocument(stack.metadataStore, "certificate-metadata", {
        ...base,
        name: `Tagged piece ${serial}`,
        passport: {
          ...base.passport,
          serial: { kind: "salted-hash", serialHash: serialHashOf(serial) },
          tag: { kind: "ntag424-dna", uidCommitment: tagUidCommitment(SALT_A, options.bindUid ?? uid) },
        },
      })
    ).digest;
    const tokenId = await stack.issue(serial, stack.alice.address, { digest });
    await stack.sync();
    return { tag: new SimulatedTag(MASTER, Buffer.from(uid, "hex")), tokenId };
  }

  const tapApi = (link: string) => getJson<TapAnswer>(link.replace("/t/", "/v1/taps/"));

  describe("an authentic tap", function () {
    it("answers authentic with the piece's verdict, and the same link opened again is flagged copied", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-1");
      const link = sunUrl(stack.url, tokenId, tag.tap());
      const first = await tapApi(link);
      expect(first.status).to.equal(200);
      expect(first.headers.get("cache-control")).to.equal("no-store");
      expect(first.body).to.deep.include({ tokenId: tokenId.toString(), copied: false, verdict: "genuine" });
      expect(first.body.tap).to.deep.include({ result: "authentic", counter: 1 });
      const again = await tapApi(link);
      expect(again.body).to.deep.include({ copied: true, verdict: "caution" });
      expect(again.body.tap).to.deep.include({ result: "copied_link", counter: 1, lastCounter: 1 });
      // The next real tap is fresh again; an older link stays copied.
      expect((await tapApi(sunUrl(stack.url, tokenId, tag.tap()))).body.tap.result).to.equal("authentic");
      expect((await tapApi(sunUrl(stack.url, tokenId, tag.messageAt(1)))).body.copied).to.equal(true);
    });

    it("says stolen and revoked pieces' verdicts while the tag itself is authentic", async function () {
      const stolen = await taggedPiece("TAP-STOLEN");
      await (await stack.certificate.connect(stack.alice).reportStolen(stolen.tokenId, "taken")).wait();
      const revoked = await taggedPiece("TAP-REVOKED");
      await (await stack.certificate.connect(stack.adminA).revoke(revoked.tokenId, "fraud")).wait();
      await stack.sync();
      const onStolen = await tapApi(sunUrl(stack.url, stolen.tokenId, stolen.tag.tap()));
      expect(onStolen.body.tap.result).to.equal("authentic");
      expect(onStolen.body).to.deep.include({ verdict: "do_not_buy" });
      expect(onStolen.body.certificate?.status).to.equal("stolen");
      const onRevoked = await tapApi(sunUrl(stack.url, revoked.tokenId, revoked.tag.tap()));
      expect(onRevoked.body.certificate?.status).to.equal("revoked");
      expect(onRevoked.body.verdict).to.equal("do_not_buy");
    });
  });

  describe("a tap that does not hold", function () {
    it("answers not_authentic (cmac) for an altered MAC, and records nothing", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-BAD-MAC");
      const message = tag.tap();
      message.cmac[3] ^= 0x40;
      const answer = await tapApi(sunUrl(stack.url, tokenId, message));
      expect(answer.body.tap).to.deep.include({ result: "not_authentic", reason: "cmac", counter: null });
      expect(answer.body.verdict).to.equal("do_not_buy");
      message.cmac[3] ^= 0x40; // the genuine tap still verifies: the forged one did not burn its counter
      expect((await tapApi(sunUrl(stack.url, tokenId, message))).body.tap.result).to.equal("authentic");
    });

    it("answers not_authentic (unknown_key) for a tag made under another brand's key", async function () {
      const { tokenId } = await taggedPiece("TAP-OTHER-KEY");
      const foreign = new SimulatedTag(OTHER_BRAND_MASTER, Buffer.from("04FFEEDDCCBBAA", "hex"));
      const answer = await tapApi(sunUrl(stack.url, tokenId, foreign.tap()));
      expect(answer.body.tap).to.deep.include({ result: "not_authentic", reason: "unknown_key" });
    });

    it("answers unbound when the certificate commits to another tag (a tag moved between pieces)", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-MOVED", { bindUid: "04000000000001" });
      const answer = await tapApi(sunUrl(stack.url, tokenId, tag.tap()));
      expect(answer.body.tap).to.deep.include({ result: "unbound", reason: "not_bound" });
      expect(answer.body.verdict).to.equal("do_not_buy");
    });

    it("answers unbound for a certificate with no tag, and for one that does not exist", async function () {
      const untagged = await stack.issue("TAP-NO-TAG", stack.alice.address);
      await stack.sync();
      const tag = new SimulatedTag(MASTER, Buffer.from("04ABCDEF000001", "hex"));
      expect((await tapApi(sunUrl(stack.url, untagged, tag.tap()))).body.tap).to.deep.include({
        result: "unbound",
        reason: "not_bound",
      });
      const nobody = (1n << 224n) + 12345n;
      const answer = await tapApi(sunUrl(stack.url, nobody, tag.tap()));
      expect(answer.body.tap).to.deep.include({ result: "unbound", reason: "no_certificate" });
      expect(answer.body.certificate).to.equal(null);
    });
  });

  describe("malformed parameters", function () {
    for (const [what, query] of [
      ["picc_data absent", "cmac=0011223344556677"],
      ["picc_data too short", `picc_data=${"A".repeat(30)}&cmac=0011223344556677`],
      ["cmac not hex", `picc_data=${"A".repeat(32)}&cmac=00112233445566ZZ`],
      ["cmac absent", `picc_data=${"A".repeat(32)}`],
    ] as const) {
      it(`answers 400 problem+json on the API (${what}), naming the parameter`, async function () {
        const answer = await getJson<{ type: string; errors?: unknown }>(`${stack.url}/v1/taps/1?${query}`);
        expect(answer.status).to.equal(400);
        expect(answer.headers.get("content-type")).to.match(/application\/problem\+json/);
        expect(JSON.stringify(answer.body)).to.match(/query\.(picc_data|cmac)/);
      });
    }

    it("answers a 400 page in the browser that says the link is incomplete, in English and French", async function () {
      const english = await fetch(`${stack.url}/t/1?picc_data=XYZ&cmac=1`, {
        headers: { accept: "text/html" },
      });
      expect(english.status).to.equal(400);
      expect(await english.text()).to.include("This link is incomplete");
      const french = await fetch(`${stack.url}/t/1?picc_data=XYZ&cmac=1&lang=fr`);
      expect(await french.text()).to.include("Ce lien est incomplet");
    });
  });

  describe("the page a tap opens", function () {
    it("shows Tag authentic with the piece's verdict, then the copied-link message on a second opening", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-PAGE");
      const link = sunUrl(stack.url, tokenId, tag.tap());
      const first = await fetch(link);
      expect(first.status).to.equal(200);
      expect(first.headers.get("cache-control")).to.equal("no-store");
      const page = await first.text();
      expect(page).to.include("Tag authentic");
      expect(page).to.include("Genuine piece");
      expect(page).to.include(`/v/${tokenId.toString()}`);
      const second = await (await fetch(`${link}&lang=fr`)).text();
      expect(second).to.include("Ce lien a déjà été utilisé");
    });

    it("says a forged link is not authentic", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-PAGE-FORGED");
      const message = tag.tap();
      message.cmac[0] ^= 1;
      expect(await (await fetch(sunUrl(stack.url, tokenId, message))).text()).to.include(
        "This tag is not authentic",
      );
    });
  });
});
