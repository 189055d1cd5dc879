import { expect } from "chai";
import { buildStack, getJson, PASSPORT_GTIN } from "./stack.js";
import type { Stack } from "./stack.js";

const ALICE = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

/**
 * A misspelt or unsupported query parameter is refused, never ignored: `/v1/certificates?serial=…`
 * answering every certificate would look like a match. Each route names the parameter it refused.
 */
describe("unknown query parameters", function () {
  let stack: Stack;
  let tokenId: string;

  before(async function () {
    stack = await buildStack();
    tokenId = (await stack.issue("QP-1", ALICE)).toString();
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  const routes = (): [string, string][] => [
    ["GET", `/v1/certificates?serial=QP-1`],
    ["GET", `/v1/certificates/${tokenId}?verbose=1`],
    ["GET", `/v1/certificates/${tokenId}/provenance?sort=desc`],
    ["GET", `/v1/brands?serial=x`],
    ["GET", `/v1/brands/1?x=1`],
    ["GET", `/v1/brands/1/items/QP-1?gtin=1`],
    ["GET", `/v1/garments/1?x=1`],
    ["GET", `/v1/owners/${ALICE}/items?brand=1`],
    ["GET", `/01/${PASSPORT_GTIN}/21/QP-1?serial=QP-1`],
    ["GET", `/healthz?verbose=1`],
    ["GET", `/openapi.json?format=yaml`],
    ["POST", `/v1/ownership/challenges?dryRun=1`],
    ["POST", `/v1/chip/proofs?x=1`],
    ["POST", `/v1/claims?x=1`],
  ];

  it("answers 400 problem+json naming the parameter on every API route", async function () {
    for (const [method, path] of routes()) {
      const answer = await getJson<{ type: string; errors: { path: string; message: string }[] }>(
        `${stack.url}${path}`,
        method === "POST"
          ? { method, body: JSON.stringify({ tokenId }), headers: { "content-type": "application/json" } }
          : {},
      );
      const name = new URL(path, stack.url).searchParams.keys().next().value;
      expect({ path, status: answer.status, type: answer.body.type }).to.deep.equal({
        path,
        status: 400,
        type: "https://hallmark.dev/problems/invalid-input",
      });
      expect(answer.body.errors, path).to.deep.include({
        path: `query.${name}`,
        message: "unknown query parameter",
      });
    }
  });

  it("refuses an unknown parameter beside known ones", async function () {
    const answer = await getJson<{ errors: { path: string }[] }>(
      `${stack.url}/v1/certificates?brand=1&limit=2&owner_id=${ALICE}`,
    );
    expect(answer.status).to.equal(400);
    expect(answer.body.errors.map((e) => e.path)).to.deep.equal(["query.owner_id"]);
  });

  it("still lets a Digital Link carry GS1 data attributes (numeric AIs)", async function () {
    const answer = await getJson<{ tokenId: string }>(
      `${stack.url}/01/${PASSPORT_GTIN}/21/QP-1?10=LOT7&17=261231`,
    );
    expect(answer.status).to.equal(200);
    expect(answer.body.tokenId).to.equal(tokenId);
  });

  it("refuses an unknown parameter on the issuer API once the key is checked", async function () {
    const answer = await getJson(`${stack.url}/v1/issuer/audit?brand=1`);
    // No key: the gate answers first, so an anonymous caller learns nothing about the route's parameters.
    expect(answer.status).to.equal(401);
  });
});
