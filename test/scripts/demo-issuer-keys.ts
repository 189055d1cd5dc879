import { expect } from "chai";
import { demoIssuerKeystores } from "../../scripts/demo/issuer-keys.js";
import { decryptKeystore, hardhatDevAccount } from "../../server/issuer/keystore.js";
import { makeTempDir } from "../server/support/temp-dir.js";

describe("demoIssuerKeystores (npm start)", function () {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async function () {
    temp = await makeTempDir("demo-keys");
  });
  after(async function () {
    await temp.remove();
  });

  it("writes each demo brand's issuer key as an encrypted keystore the verifier's configuration can load", async function () {
    const issuers = [
      { brandId: 1, address: hardhatDevAccount(2).address, devAccountIndex: 2 },
      { brandId: 2, address: hardhatDevAccount(7).address, devAccountIndex: 7 },
    ];
    const settings = await demoIssuerKeystores(temp.path, issuers);
    expect([...settings.keys()]).to.deep.equal([1, 2]);
    for (const issuer of issuers) {
      const setting = settings.get(issuer.brandId)!;
      const wallet = await decryptKeystore(setting.keystore, setting.password()!);
      expect(wallet.address).to.equal(issuer.address);
    }
  });

  it("refuses an issuer that is not the named development account", async function () {
    let error: unknown;
    try {
      await demoIssuerKeystores(temp.path, [
        { brandId: 1, address: hardhatDevAccount(3).address, devAccountIndex: 2 },
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.match(/not Hardhat dev account #2/);
  });
});
