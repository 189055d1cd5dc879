import path from "node:path";
import { expect } from "chai";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { SimulatedTag } from "../../../server/tags/simulated-tag.js";
import { sunUrl } from "../../../server/tags/sun-url.js";
import { tagUidCommitment } from "../../../server/tags/tag-binding.js";
import { importTagKeystore, TagMasterKey, TagOracleKey } from "../../../server/tags/tag-keystore.js";
import { hardhatDevAccount, writeKeystore } from "../../../server/issuer/keystore.js";
import { id } from "ethers";
import { networkHelpers } from "../../contracts/fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { buildStack, getJson, postJson, SALT_A, serialHashOf } from "./stack.js";
import type { Stack } from "./stack.js";

const PASSWORD = "tag keystore password";
const MASTER = Buffer.alloc(16, 0x5a);
const OTHER_BRAND_MASTER = Buffer.alloc(16, 0x7b);
/** Brand 1's tag oracle (in its tag keystore) and the issuer key its verifier relays claims from. */
const ORACLE = new TagOracleKey(Buffer.alloc(32, 0x0c));
const RELAY_ACCOUNT = 15;

interface TapAnswer {
  tokenId: string;
  tap: { result: string; reason: string | null; counter: number | null; lastCounter: number | null };
  copied: boolean;
  presence: { fresh: boolean; at: string | null };
  claim: { ticket: string; expiresAt: string; oracle: string } | null;
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
      oracle: ORACLE,
    });
    const issuerKeystore = path.join(keys.path, "brand-1-issuer.json");
    await writeKeystore(issuerKeystore, hardhatDevAccount(RELAY_ACCOUNT), PASSWORD, { scryptN: 1 << 10 });
    stack = await buildStack({
      env: {
        HALLMARK_TAG_KEYSTORES: JSON.stringify({ 1: { keystore, passwordEnv: "TEST_TAG_PASSWORD" } }),
        HALLMARK_ISSUER_KEYSTORES: JSON.stringify({
          1: { keystore: issuerKeystore, passwordEnv: "TEST_TAG_PASSWORD" },
        }),
        TEST_TAG_PASSWORD: PASSWORD,
      },
    });
    await (
      await stack.registry
        .connect(stack.adminA)
        .grantBrandRole(1n, id("hallmark.role.TAG_ORACLE"), ORACLE.address)
    ).wait();
  });
  after(async function () {
    await stack?.close();
    await keys?.remove();
  });

  /** A piece of brand 1 whose certificate commits to a new tag's UID; returns the tag and the token. */
  async function taggedPiece(serial: string, options: { bindUid?: string; owner?: string } = {}) {
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
    const tokenId = await stack.issue(serial, options.owner ?? stack.alice.address, { digest });
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

  describe("a claim with a fresh tap (TagAttestedClaims)", function () {
    it("offers a claim for a piece in brand custody, and the ticket moves it to the recipient once", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-CLAIM", { owner: stack.vaultA.address });
      const tap = await tapApi(sunUrl(stack.url, tokenId, tag.tap()));
      expect(tap.body.presence.fresh).to.equal(true);
      expect(tap.body.claim).to.deep.include({ oracle: ORACLE.address });
      const claimUrl = `${stack.url}/v1/taps/${tokenId.toString()}/claims`;
      const claimed = await postJson<{ block: number | null; recipient: string; counter: number }>(claimUrl, {
        ticket: tap.body.claim!.ticket,
        recipient: stack.bob.address,
      });
      expect(claimed.status).to.equal(202);
      expect(claimed.body).to.deep.include({ recipient: stack.bob.address, counter: 1 });
      expect(await stack.certificate.ownerOf(tokenId)).to.equal(stack.bob.address);
      expect(await stack.certificate.tagCounterOf(tokenId)).to.equal(1n);
      // The same ticket again: the contract has seen counter 1 (and bob has not opted in): refused, named.
      const again = await postJson<{ type: string }>(claimUrl, {
        ticket: tap.body.claim!.ticket,
        recipient: stack.carol.address,
      });
      expect(again.status).to.equal(422);
      expect(again.body.type).to.match(/transaction-refused$/);
    });

    it("offers none for a piece its owner holds without opting in, nor on a copied link; presence is fresh only once", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-NO-CLAIM");
      const link = sunUrl(stack.url, tokenId, tag.tap());
      const fresh = await tapApi(link);
      expect(fresh.body.presence.fresh).to.equal(true);
      expect(fresh.body.claim).to.equal(null);
      const copied = await tapApi(link);
      expect(copied.body.presence).to.deep.equal({ fresh: false, at: null });
      expect(copied.body.claim).to.equal(null);
    });

    it("offers one once the owner opted in to claims by presence", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-OPTED-IN");
      await (await stack.certificate.connect(stack.alice).setTagClaimsEnabled(tokenId, true)).wait();
      await stack.sync();
      const tap = await tapApi(sunUrl(stack.url, tokenId, tag.tap()));
      expect(tap.body.claim).to.not.equal(null);
    });

    it("refuses an altered ticket, another piece's ticket and a recipient that is not an address", async function () {
      const first = await taggedPiece("TAP-TICKET-1", { owner: stack.vaultA.address });
      const second = await taggedPiece("TAP-TICKET-2", { owner: stack.vaultA.address });
      const ticket = (await tapApi(sunUrl(stack.url, first.tokenId, first.tag.tap()))).body.claim!.ticket;
      const claimUrl = (tokenId: bigint) => `${stack.url}/v1/taps/${tokenId.toString()}/claims`;
      const altered = ticket.replace(/^1\./, "2.");
      const onAltered = await postJson<{ type: string }>(claimUrl(first.tokenId), {
        ticket: altered,
        recipient: stack.bob.address,
      });
      expect(onAltered.status).to.equal(422);
      expect(onAltered.body.type).to.match(/tag-claim-ticket-invalid$/);
      const onOther = await postJson<{ type: string }>(claimUrl(second.tokenId), {
        ticket,
        recipient: stack.bob.address,
      });
      expect(onOther.status).to.equal(422);
      expect(onOther.body.type).to.match(/tag-claim-ticket-invalid$/);
      const badRecipient = await postJson(claimUrl(first.tokenId), { ticket, recipient: "0x1234" });
      expect(badRecipient.status).to.equal(400);
      expect(await stack.certificate.ownerOf(first.tokenId)).to.equal(stack.vaultA.address);
    });

    it("sets the attestation's deadline on the chain's clock: a chain a day ahead of this server still takes the claim", async function () {
      // The test chain is shared and other suites move its clock; a host's clock may be skewed too.
      await networkHelpers.time.increase(24 * 3600);
      const { tag, tokenId } = await taggedPiece("TAP-CLAIM-CLOCK", { owner: stack.vaultA.address });
      const tap = await tapApi(sunUrl(stack.url, tokenId, tag.tap()));
      const claimed = await postJson(`${stack.url}/v1/taps/${tokenId.toString()}/claims`, {
        ticket: tap.body.claim!.ticket,
        recipient: stack.bob.address,
      });
      expect(claimed.status).to.equal(202);
      expect(await stack.certificate.ownerOf(tokenId)).to.equal(stack.bob.address);
    });

    it("claims from the tap page's form and answers a page naming the new owner", async function () {
      const { tag, tokenId } = await taggedPiece("TAP-CLAIM-PAGE", { owner: stack.vaultA.address });
      const page = await (await fetch(sunUrl(stack.url, tokenId, tag.tap()))).text();
      expect(page).to.include("Claim with this tag");
      const ticket = /name="ticket" value="([^"]+)"/.exec(page)![1];
      const posted = await fetch(`${stack.url}/t/${tokenId.toString()}/claim?lang=en`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ticket, recipient: stack.carol.address }).toString(),
      });
      expect(posted.status).to.equal(200);
      expect(await posted.text()).to.include(`now belongs to ${stack.carol.address}`);
      expect(await stack.certificate.ownerOf(tokenId)).to.equal(stack.carol.address);
      const replayed = await fetch(`${stack.url}/t/${tokenId.toString()}/claim?lang=fr`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ticket, recipient: stack.bob.address }).toString(),
      });
      expect(replayed.status).to.equal(422);
      expect(await replayed.text()).to.include("L&#39;enregistrement n&#39;a pas été accepté");
    });
  });
});
