/* eslint-disable @typescript-eslint/no-unsafe-member-access -- answers are read as loose JSON here */
import { expect } from "chai";
import { writePassportKeystore } from "../../server/passport/passport-keystore.js";
import { DEMO_PASSPORT_BRANDS, demoPassportKeys } from "../../scripts/demo/passport-keys.js";
import { startE2eStack } from "../e2e/stack.js";
import type { E2eStack } from "../e2e/stack.js";
import { makeTempDir } from "../server/support/temp-dir.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** #19's "done when": the demo's pieces carry textile passport data whose restricted section a public read cannot see and a partner key can. */
describe("the demo collection's textile passports", function () {
  this.timeout(120_000);
  let stack: E2eStack;
  let keys: Awaited<ReturnType<typeof makeTempDir>>;
  let tokenId: string;

  before(async function () {
    keys = await makeTempDir("demo-passport");
    const settings: Record<string, { keystore: string; passwordEnv: string }> = {};
    for (const brand of DEMO_PASSPORT_BRANDS) {
      const keystore = `${keys.path}/brand-${brand}-passport.json`;
      await writePassportKeystore(keystore, brand, demoPassportKeys(brand).keys, "demo passport pw", {
        scryptN: 1 << 12,
      });
      settings[String(brand)] = { keystore, passwordEnv: "DEMO_PASSPORT_PASSWORD" };
    }
    stack = await startE2eStack({
      env: {
        HALLMARK_PASSPORT_KEYSTORES: JSON.stringify(settings),
        DEMO_PASSPORT_PASSWORD: "demo passport pw",
      },
    });
    tokenId = stack.demo.tags[0].tokenId;
  });

  after(async function () {
    await stack?.close();
    await keys?.remove();
  });

  it("publishes v2 documents whose IPFS bytes hold the restricted sections as ciphertext only", async function () {
    const answer = (await (await fetch(`${stack.url}/v1/certificates/${tokenId}/passport`)).json()) as Json;
    expect(answer.schema).to.equal("hallmark.certificate-metadata.v2");
    expect(answer.sections).to.deep.equal({ interest: "sealed", authority: "sealed" });
    const raw = await (await fetch(`${stack.url}/ipfs/${answer.metadata.cid as string}`)).text();
    expect(raw).to.include('"restricted"');
    for (const secret of ["DEHP", "117-81-7", "Handle edge paint", "8012345000012"])
      expect(raw).not.to.include(secret);
  });

  it("opens the interest section for a partner key holding passport:interest:1", async function () {
    const key = await stack.verifier.issuer.keys.createPartner({
      label: "Demo recycler",
      passportScopes: ["passport:interest:1"],
    });
    const response = await fetch(`${stack.url}/v1/certificates/${tokenId}/passport?tier=interest`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(response.status).to.equal(200);
    const answer = (await response.json()) as Json;
    expect(answer.passport.sustainability.substancesOfConcern[0].casNumber).to.equal("117-81-7");
    expect(answer.sections.authority).to.equal("sealed");
  });
});
