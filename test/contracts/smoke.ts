import { expect } from "chai";
import { deployHallmark, gasUsed, item, networkHelpers } from "./fixtures.js";

describe("smoke", function () {
  it("mints a batch of 100 under 30k gas per item", async function () {
    const fx = await networkHelpers.loadFixture(deployHallmark);
    const items = Array.from({ length: 100 }, (_, i) => item(`S-${i}`));
    const gas = await gasUsed(fx.certificate.connect(fx.issuerA).issueBatch(fx.brandA, fx.vaultA.address, items));
    console.log("gas/item", gas / 100n);
    expect(gas / 100n).to.be.lessThan(35_000n);
  });
});
