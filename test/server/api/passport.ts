/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- answers are read as loose JSON here */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { Wallet } from "ethers";
import type { Signer } from "ethers";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { writePassportKeystore } from "../../../server/passport/passport-keystore.js";
import { sealRestrictedSections } from "../../../server/passport/seal-document.js";
import { passportDomain, signPassportCredential } from "../../../server/passport/tier-credential.js";
import type { PassportAccessMessage } from "../../../server/passport/tier-credential.js";
import { demoPassportKeys, demoTextilePassport } from "../../../scripts/demo/passport-keys.js";
import { makeTempDir } from "../support/temp-dir.js";
import { buildStack, getJson, serialHashOf } from "./stack.js";
import type { Stack } from "./stack.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PASSWORD = "passport test password";
const BRAND = { name: "Maison A", eori: "FR12345678901", gln: "8012345000012" };
/** Plaintext that only the interest and authority tiers may read. */
const RESTRICTED_MARKERS = ["DEHP", "117-81-7", "Handle edge paint", "screwed", "8012345000012"];

describe("GET /v1/certificates/{tokenId}/passport (textile passport data and access tiers)", function () {
  let stack: Stack;
  let keysDir: Awaited<ReturnType<typeof makeTempDir>>;
  let tokenId: string;
  let oldTokenId: string;
  let digest: string;
  let domain: ReturnType<typeof passportDomain>;
  const partnerKeys: Record<string, string> = {};

  const passportUrl = (id: string, tier?: string) =>
    `${stack.url}/v1/certificates/${id}/passport${tier === undefined ? "" : `?tier=${tier}`}`;
  const withKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
  const withCredential = (credential: string) => ({
    headers: { "hallmark-passport-credential": credential },
  });
  const credential = (signer: Signer, message: Partial<PassportAccessMessage> & { holder: string }) =>
    signPassportCredential(signer, domain, {
      tier: "interest",
      brandId: 1,
      expiry: Math.floor(Date.now() / 1000) + 3600,
      ...message,
    });

  before(async function () {
    keysDir = await makeTempDir("passport-keys");
    const keystore = `${keysDir.path}/brand-1-passport.json`;
    await writePassportKeystore(keystore, 1, demoPassportKeys(1).keys, PASSWORD, { scryptN: 1 << 12 });
    stack = await buildStack({
      env: {
        HALLMARK_PASSPORT_KEYSTORES: JSON.stringify({
          "1": { keystore, passwordEnv: "PASSPORT_PASSWORD_1" },
        }),
        PASSPORT_PASSWORD_1: PASSWORD,
      },
    });
    domain = passportDomain(stack.deployments.chainId, stack.deployments.contracts.BrandRegistry);

    const base = loadExample("certificate-metadata.json") as Json;
    const textile = demoTextilePassport(BRAND, 0);
    const document = sealRestrictedSections(
      {
        ...base,
        name: "Maison A — textile piece",
        passport: {
          ...base.passport,
          serial: { kind: "salted-hash", serialHash: serialHashOf("DPP-0001") },
          sustainability: textile.sustainability,
        },
      },
      textile.restricted,
      demoPassportKeys(1),
    );
    digest = (await publishDocument(stack.metadataStore, "certificate-metadata", document)).digest;
    tokenId = (await stack.issue("DPP-0001", stack.alice.address, { digest })).toString();
    oldTokenId = (await stack.issue("DPP-OLD", stack.alice.address)).toString();
    await stack.sync();

    const keys = stack.verifier.issuer.keys;
    partnerKeys.interest = (
      await keys.createPartner({ label: "Recycler", passportScopes: ["passport:interest:1"] })
    ).key;
    partnerKeys.authority = (
      await keys.createPartner({ label: "Surveillance", passportScopes: ["passport:authority:1"] })
    ).key;
    partnerKeys.plain = (await keys.createPartner({ label: "Reseller" })).key;
    partnerKeys.otherBrand = (
      await keys.createPartner({ label: "Brand 2 recycler", passportScopes: ["passport:interest:2"] })
    ).key;
  });

  after(async function () {
    await stack?.close();
    await keysDir?.remove();
  });

  describe("the public tier", function () {
    it("shows the public textile data and names the restricted sections sealed", async function () {
      const { status, body } = await getJson<Json>(passportUrl(tokenId));
      expect(status).to.equal(200);
      expect(body.tier).to.equal("public");
      expect(body.schema).to.equal("hallmark.certificate-metadata.v2");
      expect(body.sections).to.deep.equal({ interest: "sealed", authority: "sealed" });
      expect(body.passport.sustainability.carbonFootprint).to.deep.include({ unit: "kg CO2e", class: "C" });
      expect(body.passport.sustainability.commodityCode).to.deep.equal({ scheme: "CN", code: "42022100" });
      expect(body.passport.sustainability.substancesOfConcern).to.equal(undefined);
      expect(body.passport.restricted).to.equal(undefined);
      for (const marker of RESTRICTED_MARKERS) expect(JSON.stringify(body)).not.to.include(marker);
    });

    it("serves a v1 document's passport as it is, with no sections", async function () {
      const { status, body } = await getJson<Json>(passportUrl(oldTokenId));
      expect(status).to.equal(200);
      expect(body.schema).to.equal("hallmark.certificate-metadata.v1");
      expect(body.sections).to.deep.equal({ interest: "absent", authority: "absent" });
      expect(body.passport.sustainability).to.equal(undefined);
    });

    it("answers 404 for an unknown certificate and 400 for an unknown tier", async function () {
      expect((await getJson(passportUrl("12345"))).status).to.equal(404);
      const { status, body } = await getJson<Json>(passportUrl(tokenId, "customer"));
      expect(status).to.equal(400);
      expect(body.errors[0].path).to.equal("query.tier");
    });
  });

  describe("the raw IPFS bytes", function () {
    it("hold only ciphertext for the restricted sections, and hash to the on-chain digest", async function () {
      const cid = (await getJson<Json>(passportUrl(tokenId))).body.metadata.cid as string;
      const response = await fetch(`${stack.url}/ipfs/${cid}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString("utf8");
      for (const marker of RESTRICTED_MARKERS) expect(text).not.to.include(marker);
      const stored = JSON.parse(text) as Json;
      expect(stored.passport.restricted.interest).to.have.keys(["alg", "kid", "iv", "ciphertext", "tag"]);
      // The digest check is unchanged: the chain commits to these bytes, ciphertext included.
      // The certificate was issued with this digest; the indexer read it back from the chain's event.
      const answer = await getJson<Json>(`${stack.url}/v1/certificates/${tokenId}`);
      expect(answer.body.metadata).to.deep.include({ digest, verified: true });
      expect(`0x${createHash("sha256").update(bytes).digest("hex")}`).to.equal(digest);
    });
  });

  describe("a partner key", function () {
    it("with passport:interest:1 opens the interest section, not the authority one", async function () {
      const { status, body, headers } = await getJson<Json>(
        passportUrl(tokenId, "interest"),
        withKey(partnerKeys.interest),
      );
      expect(status).to.equal(200);
      expect(headers.get("cache-control")).to.equal("private, no-store");
      expect(body.sections).to.deep.equal({ interest: "open", authority: "sealed" });
      expect(body.passport.sustainability.substancesOfConcern[0]).to.deep.include({
        casNumber: "117-81-7",
        location: "Handle edge paint",
      });
      expect(body.passport.sustainability.carbonFootprint.unit).to.equal("kg CO2e");
      expect(body.passport.sustainability.facility).to.equal(undefined);
      expect(body.access).to.deep.include({ via: "partner-key", scope: "passport:interest:1" });
    });

    it("with passport:interest:1 is refused the authority tier (403)", async function () {
      const { status } = await getJson<Json>(
        passportUrl(tokenId, "authority"),
        withKey(partnerKeys.interest),
      );
      expect(status).to.equal(403);
    });

    it("with passport:authority:1 opens both sections", async function () {
      const { status, body } = await getJson<Json>(
        passportUrl(tokenId, "authority"),
        withKey(partnerKeys.authority),
      );
      expect(status).to.equal(200);
      expect(body.sections).to.deep.equal({ interest: "open", authority: "open" });
      expect(body.passport.sustainability.facility.identifier).to.deep.equal({
        scheme: "GLN",
        value: "8012345000012",
      });
    });

    it("without a passport scope, or with another brand's, is refused with 403 problem+json", async function () {
      for (const key of [partnerKeys.plain, partnerKeys.otherBrand]) {
        const { status, body, headers } = await getJson<Json>(passportUrl(tokenId, "interest"), withKey(key));
        expect(status).to.equal(403);
        expect(headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(body.detail).to.match(/lacks the scope passport:interest:1/);
        for (const marker of RESTRICTED_MARKERS) expect(JSON.stringify(body)).not.to.include(marker);
      }
    });

    it("that is unknown gets 401", async function () {
      const { status } = await getJson<Json>(
        passportUrl(tokenId, "interest"),
        withKey(`hmk_${"0".repeat(16)}_${"1".repeat(64)}`),
      );
      expect(status).to.equal(401);
    });
  });

  describe("no proof at all", function () {
    it("asking for a restricted tier gets 401 with a challenge", async function () {
      const { status, body, headers } = await getJson<Json>(passportUrl(tokenId, "interest"));
      expect(status).to.equal(401);
      expect(headers.get("www-authenticate")).to.match(/HallmarkPassportCredential/);
      expect(body.type).to.equal("https://hallmark.dev/problems/unauthenticated");
    });
  });

  describe("an EIP-712 tier credential", function () {
    it("signed by the brand's resale partner for itself opens the interest tier", async function () {
      const header = await credential(stack.partnerA, { holder: stack.partnerA.address });
      const { status, body } = await getJson<Json>(passportUrl(tokenId, "interest"), withCredential(header));
      expect(status).to.equal(200);
      expect(body.sections.interest).to.equal("open");
      expect(body.access).to.deep.include({
        via: "credential",
        role: "resale-partner",
        holder: stack.partnerA.address,
      });
    });

    it("signed by the brand admin for a market-surveillance authority opens the authority tier", async function () {
      const authority = Wallet.createRandom();
      const header = await credential(stack.adminA, { tier: "authority", holder: authority.address });
      const { status, body } = await getJson<Json>(passportUrl(tokenId, "authority"), withCredential(header));
      expect(status).to.equal(200);
      expect(body.sections).to.deep.equal({ interest: "open", authority: "open" });
    });

    it("of another brand is refused (403)", async function () {
      const header = await credential(stack.partnerB, { brandId: 2, holder: stack.partnerB.address });
      const { status, body } = await getJson<Json>(passportUrl(tokenId, "interest"), withCredential(header));
      expect(status).to.equal(403);
      expect(body.detail).to.equal("The passport credential is for brand 2; this piece is brand 1's");
    });

    it("that has expired is refused (403, credential-expired)", async function () {
      const header = await credential(stack.partnerA, {
        holder: stack.partnerA.address,
        expiry: Math.floor(Date.now() / 1000) - 60,
      });
      const { status, body } = await getJson<Json>(passportUrl(tokenId, "interest"), withCredential(header));
      expect(status).to.equal(403);
      expect(body.type).to.equal("https://hallmark.dev/problems/credential-expired");
    });

    it("signed by a key without the brand's role, or by a partner for someone else, is refused (403)", async function () {
      const stranger = Wallet.createRandom();
      const own = await credential(stranger, { holder: stranger.address });
      expect((await getJson(passportUrl(tokenId, "interest"), withCredential(own))).status).to.equal(403);
      const delegated = await credential(stack.partnerA, { holder: stranger.address });
      expect((await getJson(passportUrl(tokenId, "interest"), withCredential(delegated))).status).to.equal(
        403,
      );
      // A resale partner's credential does not reach the authority tier.
      const partner = await credential(stack.partnerA, { tier: "authority", holder: stack.partnerA.address });
      expect((await getJson(passportUrl(tokenId, "authority"), withCredential(partner))).status).to.equal(
        403,
      );
    });

    it("that is not a credential is a 400 naming the header", async function () {
      const { status, body } = await getJson<Json>(
        passportUrl(tokenId, "interest"),
        withCredential("bm90IGpzb24"),
      );
      expect(status).to.equal(400);
      expect(body.detail).to.match(/hallmark-passport-credential/);
    });
  });

  describe("the piece page", function () {
    for (const [lang, heading, carbon] of [
      ["en", "Sustainability and care", "Carbon footprint"],
      ["fr", "Durabilité et entretien", "Empreinte carbone"],
    ]) {
      it(`shows the public textile data in a "${heading}" section (${lang}), nothing restricted`, async function () {
        const response = await fetch(`${stack.url}/v/${tokenId}?lang=${lang}`);
        const page = await response.text();
        expect(response.status).to.equal(200);
        expect(page).to.include(`<h2 id="sustainability-title">${heading}</h2>`);
        expect(page).to.include(carbon);
        expect(page).to.include("CN 42022100");
        for (const marker of RESTRICTED_MARKERS) expect(page).not.to.include(marker);
      });
    }

    it("has no such section for a v1 document", async function () {
      const page = await (await fetch(`${stack.url}/v/${oldTokenId}`)).text();
      expect(page).not.to.include("sustainability-title");
    });
  });

  describe("the audit trail", function () {
    it("holds a row for every restricted read, granted or refused, and none names a secret", async function () {
      const rows = await stack.verifier.issuer.audit.list(1, { limit: 500 });
      const reads = rows.filter((row) => row.action === "passport.read");
      expect(reads.filter((row) => row.outcome === "ok").length).to.be.at.least(4);
      expect(reads.filter((row) => row.outcome === "refused").length).to.be.at.least(6);
      const granted = reads.find((row) => row.outcome === "ok" && row.detail?.includes("(resale-partner)"));
      expect(granted?.target).to.equal(`${tokenId} tier=interest`);
      const keyIds = reads.filter((row) => row.outcome === "ok").map((row) => row.keyId);
      expect(keyIds).to.include(partnerKeys.interest.split("_")[1]);
      expect(keyIds).to.include(partnerKeys.authority.split("_")[1]);
      for (const row of reads) {
        for (const key of Object.values(partnerKeys)) expect(JSON.stringify(row)).not.to.include(key);
        expect(row.brandId).to.equal(1);
      }
    });
  });
});
