import { expect } from "chai";
import {
  certificateDomain,
  encodeType,
  garmentsDomain,
  SIGNED_TYPES,
  typeHash,
} from "../../../server/chain/eip712.js";
import type { PrimaryType } from "../../../server/chain/eip712.js";
import { deployGarments, ethers, networkHelpers } from "../../contracts/fixtures.js";

/** A contract's typehash constant, read on chain by the name SIGNED_TYPES gives. */
async function typehashOnChain(
  contract: { getFunction(name: string): () => Promise<unknown> },
  name: string,
): Promise<string> {
  return String(await contract.getFunction(name)());
}

describe("server/chain/eip712 (the one definition of the signed types)", function () {
  const primaryTypes = Object.keys(SIGNED_TYPES) as PrimaryType[];

  it("covers every typehash constant the contracts declare", async function () {
    const { certificate, garments } = await networkHelpers.loadFixture(deployGarments);
    const declared = [certificate.interface, garments.interface].flatMap((abi) => {
      const names: string[] = [];
      abi.forEachFunction((fragment) => {
        if (fragment.name.endsWith("_TYPEHASH")) names.push(fragment.name);
      });
      return names;
    });
    expect(declared.sort()).to.deep.equal(primaryTypes.map((type) => SIGNED_TYPES[type].typehash).sort());
  });

  for (const primaryType of primaryTypes) {
    const { contract, typehash } = SIGNED_TYPES[primaryType];
    it(`hashes ${primaryType} to the ${contract} contract's ${typehash}`, async function () {
      const deployed = await networkHelpers.loadFixture(deployGarments);
      const onChain = await typehashOnChain(
        contract === "certificate" ? deployed.certificate : deployed.garments,
        typehash,
      );
      expect(typeHash(primaryType), encodeType(primaryType)).to.equal(onChain);
    });
  }

  it("builds the domains the contracts report through EIP-5267 eip712Domain()", async function () {
    const { certificate, garments } = await networkHelpers.loadFixture(deployGarments);
    const { chainId } = await ethers.provider.getNetwork();
    for (const [contract, built] of [
      [certificate, certificateDomain(chainId, await certificate.getAddress())],
      [garments, garmentsDomain(chainId, await garments.getAddress())],
    ] as const) {
      const reported = await contract.eip712Domain();
      expect({
        name: reported.name,
        version: reported.version,
        chainId: reported.chainId,
        verifyingContract: reported.verifyingContract,
      }).to.deep.equal(built);
    }
  });
});
