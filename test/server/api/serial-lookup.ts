import { expect } from "chai";
import { buildStack, getJson, PASSPORT_GTIN, SALT_A, SALT_B } from "./stack.js";
import type { Stack } from "./stack.js";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/**
 * A partner types a serial as it reads it off a label: brand 1 declares that its serials compare
 * without case, spaces or dashes (HALLMARK_BRAND_SALTS), so every way of writing one finds it.
 */
describe("serial lookup under a brand's serial rule", function () {
  let stack: Stack;
  let ruled: string;
  let legacy: string;

  before(async function () {
    stack = await buildStack({
      env: {
        HALLMARK_BRAND_SALTS: JSON.stringify({
          "1": { salt: SALT_A, serial: { ignoreCase: true, ignore: " -" } },
          "2": SALT_B,
        }),
      },
    });
    // Issued under the rule: the issuer hashed the normalised serial (server/issuer/certificate-rows.ts).
    ruled = (await stack.issue("SR20240001", ALICE)).toString();
    // Issued before the brand declared its rule: hashed exactly as printed.
    legacy = (await stack.issue("Legacy-7", ALICE)).toString();
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  for (const printed of ["SR-2024-0001", "sr-2024-0001", "SR 2024 0001", "sr20240001"]) {
    it(`finds the certificate from ${JSON.stringify(printed)}`, async function () {
      const answer = await getJson<{ tokenId: string }>(
        `${stack.url}/v1/brands/1/items/${encodeURIComponent(printed)}`,
      );
      expect(answer.status).to.equal(200);
      expect(answer.body.tokenId).to.equal(ruled);
    });
  }

  it("still finds a certificate minted before the rule, by its serial as printed", async function () {
    const answer = await getJson<{ tokenId: string }>(`${stack.url}/v1/brands/1/items/Legacy-7`);
    expect(answer.status).to.equal(200);
    expect(answer.body.tokenId).to.equal(legacy);
  });

  it("resolves a GS1 Digital Link the same way", async function () {
    const answer = await getJson<{ tokenId: string }>(`${stack.url}/01/${PASSPORT_GTIN}/21/sr-2024-0001`);
    expect(answer.status).to.equal(200);
    expect(answer.body.tokenId).to.equal(ruled);
  });

  it("answers an unknown serial with a 404 naming the serial asked, not a hashed token id", async function () {
    const answer = await getJson<{ detail: string }>(`${stack.url}/v1/brands/1/items/ma-2024-9999`);
    expect(answer.status).to.equal(404);
    expect(answer.body.detail).to.equal('No certificate of brand 1 has the serial "ma-2024-9999"');
  });

  it("compares exactly for a brand that declares no rule", async function () {
    const answer = await getJson<{ detail: string }>(`${stack.url}/v1/brands/2/items/sr-2024-0001`);
    expect(answer.status).to.equal(404);
    expect(answer.body.detail).to.equal('No certificate of brand 2 has the serial "sr-2024-0001"');
  });
});
