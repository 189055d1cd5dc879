import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import hre from "hardhat";
import { CertificateChain } from "../../../server/chain/contracts.js";
import { wrapErc6492 } from "../../../server/chain/passkey/erc6492.js";
import { ERC6492_OWNERSHIP_CHECK_BYTECODE } from "../../../server/chain/passkey/erc6492-ownership-check-bytecode.js";
import { nestedTypedData } from "../../../server/chain/passkey/erc7739.js";
import { createAccountCallData } from "../../../server/chain/passkey/user-operation.js";
import {
  connection,
  eip712Domain,
  ethers,
  networkHelpers,
  OWNERSHIP_PROOF_TYPES,
} from "../../contracts/fixtures.js";
import { deployWithPasskeyOwner } from "../../contracts/passkey/fixtures.js";

const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);
const CHALLENGE = ethersLib.id("buyer's challenge");

describe("CertificateChain.verifyOwnership with passkey accounts", function () {
  async function proofs() {
    const fx = await deployWithPasskeyOwner();
    const { chainId } = await ethers.provider.getNetwork();
    const nested = nestedTypedData(
      await eip712Domain(fx.certificate),
      OWNERSHIP_PROOF_TYPES,
      { tokenId: fx.tokenId, owner: fx.sellerAccount, challenge: CHALLENGE },
      fx.sellerAccount,
      chainId,
    );
    const signature = nested.wrap(fx.seller.sign(nested.hash));
    const wrapped = wrapErc6492(
      await fx.factory.getAddress(),
      createAccountCallData(fx.seller.qx, fx.seller.qy),
      signature,
    );
    const chain = new CertificateChain(connection.provider, await fx.certificate.getAddress());
    return { ...fx, signature, wrapped, chain };
  }

  it("accepts an ERC-6492 proof of an account not yet deployed, and leaves it undeployed", async function () {
    const fx = await loadFixture(proofs);
    expect(await fx.chain.verifyOwnership(fx.tokenId, CHALLENGE, fx.wrapped)).to.equal(true);
    expect(await fx.chain.verifyOwnership(fx.tokenId, ethersLib.id("other"), fx.wrapped)).to.equal(false);
    expect(await ethers.provider.getCode(fx.sellerAccount)).to.equal("0x");
  });

  it("accepts the plain ERC-1271 proof once the account is deployed, and the wrapped one still", async function () {
    const fx = await loadFixture(proofs);
    expect(await fx.chain.verifyOwnership(fx.tokenId, CHALLENGE, fx.signature)).to.equal(false);
    await fx.factory.createAccount(fx.seller.qx, fx.seller.qy);
    expect(await fx.chain.verifyOwnership(fx.tokenId, CHALLENGE, fx.signature)).to.equal(true);
    expect(await fx.chain.verifyOwnership(fx.tokenId, CHALLENGE, fx.wrapped)).to.equal(true);
  });

  it("ships the creation code of the compiled ERC6492OwnershipCheck", async function () {
    const artifact = JSON.parse(
      await readFile(
        `${hre.config.paths.artifacts}/contracts/account/ERC6492OwnershipCheck.sol/ERC6492OwnershipCheck.json`,
        "utf8",
      ),
    ) as { bytecode: string };
    expect(ERC6492_OWNERSHIP_CHECK_BYTECODE).to.equal(artifact.bytecode);
  });
});
