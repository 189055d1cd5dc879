/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument --
   Credentials are read as loose JSON here: the assertions are the type checks. */
import { Bitstring } from "@digitalbazaar/bitstring";
import { expect } from "chai";
import { decodeJWT, verifyJWT } from "did-jwt";
import { Resolver } from "did-resolver";
import { ethers as ethersLib } from "ethers";
import { getResolver as pkhResolver } from "pkh-did-resolver";
import { loadExample } from "../../../server/metadata/examples.js";
import { publishDocument } from "../../../server/metadata/metadata-document.js";
import { hardhatDevAccount } from "../../../server/issuer/keystore.js";
import { tokenIdOf } from "../../contracts/fixtures.js";
import { buildIssuerStack, SALT_1 } from "../issuer/api/issuer-stack.js";
import type { IssuerStack } from "../issuer/api/issuer-stack.js";
import { getJson } from "./stack.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The stack's HALLMARK_PUBLIC_URL: the credentials' URLs name it, and the tests reach it at the stack's address. */
const PUBLIC_URL = "https://verify.example.test";
let stackUrl = "";

/** A verifier that has never talked to Hallmark: did-jwt with the did:pkh method's resolver, offline. */
const resolver = new Resolver(pkhResolver());

/** Verifies a VC-JWT as any relying party would: signature by the issuer's did:pkh, then the payload. */
async function verifyCredential(jwt: string): Promise<Json> {
  const { payload, issuer } = await verifyJWT(jwt, { resolver, policies: { aud: false } });
  expect(payload.issuer === issuer || (payload.issuer as Json).id === issuer).to.equal(true);
  return payload;
}

/** The Bitstring Status List check of one entry: fetch the list credential, verify it, read the bit. */
async function statusBit(entry: Json, credentialIssuer: string): Promise<boolean> {
  const url = (entry.statusListCredential as string).replace(PUBLIC_URL, stackUrl);
  const response = await fetch(url, {
    headers: { accept: "application/vc+jwt" },
  });
  expect(response.status).to.equal(200);
  expect(response.headers.get("content-type")).to.equal("application/vc+jwt");
  const list = await verifyCredential(await response.text());
  expect(list.type).to.deep.equal(["VerifiableCredential", "BitstringStatusListCredential"]);
  // The list must come from the credential's own issuer, or anyone could "un-revoke" it.
  expect(list.issuer).to.equal(credentialIssuer);
  expect(list.credentialSubject.statusPurpose).to.equal(entry.statusPurpose);
  const encoded = list.credentialSubject.encodedList as string;
  expect(encoded.startsWith("u"), "multibase base64url").to.equal(true);
  const bits = new Bitstring({ buffer: await Bitstring.decodeBits({ encoded: encoded.slice(1) }) });
  expect(bits.length).to.be.at.least(131_072);
  return bits.get(Number(entry.statusListIndex));
}

/** What a relying party concludes: the signature holds and no status list marks the credential. */
async function acceptsCredential(jwt: string): Promise<boolean> {
  const credential = await verifyCredential(jwt);
  for (const entry of credential.credentialStatus as Json[])
    if (await statusBit(entry, credential.issuer.id as string)) return false;
  return true;
}

async function getPassport(stack: IssuerStack, tokenId: bigint | string, accept: string): Promise<Response> {
  return fetch(`${stack.url}/v1/certificates/${tokenId}/passport`, { headers: { accept } });
}

describe("GET /v1/certificates/{tokenId}/passport: the Digital Product Passport as a verifiable credential", function () {
  let stack: IssuerStack;
  let tote: bigint; // the demo's Selleria tote, serial in clear: its product id is its Digital Link
  let hidden: bigint; // serial published only as its salted hash
  const issuerDid = `did:pkh:eip155:31337:${hardhatDevAccount(2).address}`;

  async function issue(serial: string, document: Json): Promise<bigint> {
    const serialHash = ethersLib.solidityPackedKeccak256(["bytes32", "string"], [SALT_1, serial]);
    const { digest } = await publishDocument(stack.metadataStore, "certificate-metadata", document);
    const input = {
      serialHash,
      metadataDigest: digest,
      chip: ethersLib.ZeroAddress,
      claimKey: ethersLib.ZeroAddress,
    };
    await (
      await stack.certificate.connect(stack.issuerA).issue(stack.brandA, stack.alice.address, input)
    ).wait();
    return tokenIdOf(stack.brandA, serialHash);
  }

  before(async function () {
    stack = await buildIssuerStack();
    stackUrl = stack.url;
    const example = loadExample("certificate-metadata.json") as Json;
    tote = await issue("SEL-0001", {
      ...example,
      passport: { ...example.passport, serial: { kind: "clear", value: "SEL-0001" } },
    });
    hidden = await issue("SEL-0002", example);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  describe("with Accept: application/vc+jwt", function () {
    it("returns a VC 2.0 that a standard VC-JWT verifier accepts offline, signed ES256K by the brand's issuer key", async function () {
      const response = await getPassport(stack, tote, "application/vc+jwt");
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.equal("application/vc+jwt");
      const jwt = await response.text();
      const { header } = decodeJWT(jwt);
      expect(header).to.include({ alg: "ES256K", typ: "vc+jwt", kid: `${issuerDid}#blockchainAccountId` });
      const credential = await verifyCredential(jwt);
      expect(credential["@context"]).to.deep.equal([
        "https://www.w3.org/ns/credentials/v2",
        "https://test.uncefact.org/vocabulary/untp/dpp/0.6.0/",
      ]);
      expect(credential.type).to.deep.equal(["VerifiableCredential", "DigitalProductPassport"]);
      expect(credential.issuer).to.deep.include({ id: issuerDid, name: "Maison Aurelia" });
      expect(Date.parse(credential.validFrom as string)).to.be.closeTo(Date.now(), 60_000);
    });

    it("describes the product after UNTP: its Digital Link as id, GTIN, serial, brand, materials, origin, care", async function () {
      const credential = await verifyCredential(
        await (await getPassport(stack, tote, "application/vc+jwt")).text(),
      );
      const subject = credential.credentialSubject;
      expect(subject.type).to.deep.equal(["ProductPassport"]);
      expect(subject.product).to.deep.include({
        id: `${PUBLIC_URL}/01/08012345678907/21/SEL-0001`,
        name: "Selleria Tote",
        registeredId: "08012345678907",
        serialNumber: "SEL-0001",
        modelNumber: "SEL-T32-CGN",
        productionDate: "2024-03",
        countryOfProduction: "IT",
      });
      expect(subject.product.brand).to.deep.equal({ name: "Maison Aurelia" });
      expect(subject.product.producedAtFacility).to.deep.include({ name: "Atelier Oltrarno" });
      expect(subject.materialsProvenance).to.have.length(3);
      expect(subject.materialsProvenance[0]).to.deep.include({
        name: "Calfskin leather",
        originCountry: "IT",
        part: "shell",
        percentageOfPart: 100,
      });
      expect(subject.careInstructions).to.include("Store in the dust bag");
      expect(subject.repairInformation).to.match(/re-stitching/);
    });

    it("holds nothing about the customer: no owner, no claim state", async function () {
      const jwt = await (await getPassport(stack, tote, "application/vc+jwt")).text();
      const text = JSON.stringify(decodeJWT(jwt).payload).toLowerCase();
      expect(text).not.to.include(stack.alice.address.toLowerCase());
      expect(text).not.to.include("owner");
      expect(text).not.to.include("claim");
    });

    it("names the verification page as the product when the serial is only published hashed", async function () {
      const credential = await verifyCredential(
        await (await getPassport(stack, hidden, "application/vc+jwt")).text(),
      );
      expect(credential.credentialSubject.product.id).to.equal(`${PUBLIC_URL}/v/${hidden}`);
      expect(credential.credentialSubject.product).not.to.have.property("serialNumber");
    });

    it("points at the brand's revocation and suspension lists, which a verifier reads as not revoked", async function () {
      const jwt = await (await getPassport(stack, tote, "application/vc+jwt")).text();
      const credential = await verifyCredential(jwt);
      expect(credential.credentialStatus).to.deep.equal([
        {
          id: `${PUBLIC_URL}/v1/status/1/revocation#0`,
          type: "BitstringStatusListEntry",
          statusPurpose: "revocation",
          statusListIndex: "0",
          statusListCredential: `${PUBLIC_URL}/v1/status/1/revocation`,
        },
        {
          id: `${PUBLIC_URL}/v1/status/1/suspension#0`,
          type: "BitstringStatusListEntry",
          statusPurpose: "suspension",
          statusListIndex: "0",
          statusListCredential: `${PUBLIC_URL}/v1/status/1/suspension`,
        },
      ]);
      expect(await acceptsCredential(jwt)).to.equal(true);
    });
  });

  describe("with Accept: application/json", function () {
    it("answers the passport's public tier (the access tiers' JSON), not a credential", async function () {
      const { status, body } = await getJson<Json>(`${stack.url}/v1/certificates/${tote}/passport`);
      expect(status).to.equal(200);
      expect(body).to.deep.include({ tokenId: tote.toString(), tier: "public" });
      expect(body.metadata.verified).to.equal(true);
      expect(body.index.block).to.be.a("number");
    });

    it("refuses a credential of a restricted tier: a credential carries the public passport only", async function () {
      const response = await fetch(`${stack.url}/v1/certificates/${tote}/passport?tier=interest`, {
        headers: { accept: "application/vc+jwt" },
      });
      expect(response.status).to.equal(406);
      expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
    });
  });

  describe("when the certificate is revoked on chain", function () {
    it("flips the credential's revocation bit: the credential issued before stops being accepted", async function () {
      const before = await (await getPassport(stack, hidden, "application/vc+jwt")).text();
      expect(await acceptsCredential(before)).to.equal(true);
      const key = await stack.createKey(1, ["status"]);
      const revoked = await stack.call("POST", `/v1/issuer/brands/1/certificates/${hidden}/status`, {
        key,
        body: { action: "revoke", reason: "Counterfeit label found at inspection" },
      });
      expect(revoked.status).to.equal(200);
      await stack.sync();
      // The signature still holds: it is the status list that revokes.
      await verifyCredential(before);
      expect(await acceptsCredential(before)).to.equal(false);
      const entry = (decodeJWT(before).payload as Json).credentialStatus[0];
      expect(await statusBit(entry, issuerDid)).to.equal(true);
      // The other certificate of the brand is untouched.
      const tote1 = await (await getPassport(stack, tote, "application/vc+jwt")).text();
      expect(await acceptsCredential(tote1)).to.equal(true);
    });

    it("suspends while a certificate is reported stolen, and lifts it when restored", async function () {
      const jwt = await (await getPassport(stack, tote, "application/vc+jwt")).text();
      const [, suspension] = (decodeJWT(jwt).payload as Json).credentialStatus as Json[];
      const key = await stack.createKey(1, ["status"]);
      const route = `/v1/issuer/brands/1/certificates/${tote}/status`;
      await stack.call("POST", route, { key, body: { action: "stolen", reason: "Boutique break-in" } });
      await stack.sync();
      expect(await statusBit(suspension, issuerDid)).to.equal(true);
      expect(await acceptsCredential(jwt)).to.equal(false);
      await stack.call("POST", route, { key, body: { action: "restore", reason: "Recovered" } });
      await stack.sync();
      expect(await acceptsCredential(jwt)).to.equal(true);
    });
  });

  describe("bad requests", function () {
    it("answers an Accept it does not serve with 406 problem+json naming what it serves", async function () {
      const response = await getPassport(stack, tote, "text/csv");
      expect(response.status).to.equal(406);
      expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
      const problem = (await response.json()) as Json;
      expect(problem.type).to.equal("https://hallmark.dev/problems/not-acceptable");
      expect(problem.detail).to.include("application/vc+jwt");
    });

    it("answers an unknown certificate with 404, in either form", async function () {
      for (const accept of ["application/json", "application/vc+jwt"]) {
        const response = await getPassport(stack, 12345n, accept);
        expect(response.status, accept).to.equal(404);
        expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
      }
    });

    it("answers a malformed token id with 400", async function () {
      const { status } = await getJson(`${stack.url}/v1/certificates/not-a-token/passport`);
      expect(status).to.equal(400);
    });

    it("answers 503 for a brand whose issuer key this verifier does not hold", async function () {
      // Brand 2 has no keystore in this stack.
      const serialHash = ethersLib.solidityPackedKeccak256(["bytes32", "string"], [SALT_1, "B2-0001"]);
      const { digest } = await publishDocument(
        stack.metadataStore,
        "certificate-metadata",
        loadExample("certificate-metadata.json"),
      );
      await (
        await stack.certificate.connect(stack.issuerB).issue(stack.brandB, stack.bob.address, {
          serialHash,
          metadataDigest: digest,
          chip: ethersLib.ZeroAddress,
          claimKey: ethersLib.ZeroAddress,
        })
      ).wait();
      await stack.sync();
      const response = await getPassport(stack, tokenIdOf(stack.brandB, serialHash), "application/vc+jwt");
      expect(response.status).to.equal(503);
      expect(((await response.json()) as Json).detail).to.match(/no issuer key for brand 2/);
      const list = await fetch(`${stack.url}/v1/status/2/revocation`, {
        headers: { accept: "application/vc+jwt" },
      });
      expect(list.status).to.equal(503);
    });

    it("answers an unknown brand's status list with 404 and an unknown purpose with 400", async function () {
      const unknown = await fetch(`${stack.url}/v1/status/77/revocation`);
      expect(unknown.status).to.equal(404);
      const { status } = await getJson(`${stack.url}/v1/status/1/refresh`);
      expect(status).to.equal(400);
    });
  });
});
