import { expect } from "chai";
import { network } from "hardhat";
import { deployHallmark } from "../../scripts/deploy/deploy-hallmark.js";
import {
  CANONICAL_ENTRY_POINT_V08,
  deployPasskeyAccounts,
} from "../../scripts/deploy/deploy-passkey-accounts.js";

describe("deployPasskeyAccounts", function () {
  async function group() {
    const connection = await network.create();
    const { deployments } = await deployHallmark(connection);
    const { BrandRegistry, HallmarkCertificate, HallmarkGarments } = deployments.contracts;
    return {
      connection,
      options: { registry: BrandRegistry, certificate: HallmarkCertificate, garments: HallmarkGarments },
    };
  }

  it("deploys an EntryPoint where the chain has none, and a factory and a funded paymaster bound to it", async function () {
    const { connection, options } = await group();
    try {
      const { ethers } = connection;
      const deployed = await deployPasskeyAccounts(connection, { ...options, depositWei: 5n * 10n ** 18n });
      expect(deployed.EntryPoint).to.not.equal(CANONICAL_ENTRY_POINT_V08);
      const entryPoint = await ethers.getContractAt("EntryPoint", deployed.EntryPoint);
      const paymaster = await ethers.getContractAt("HallmarkPaymaster", deployed.HallmarkPaymaster);
      const factory = await ethers.getContractAt(
        "HallmarkPasskeyAccountFactory",
        deployed.HallmarkPasskeyAccountFactory,
      );
      expect(await paymaster.entryPoint()).to.equal(deployed.EntryPoint);
      expect(await entryPoint.balanceOf(deployed.HallmarkPaymaster)).to.equal(5n * 10n ** 18n);
      const account = await ethers.getContractAt("HallmarkPasskeyAccount", await factory.implementation());
      expect(await account.entryPoint()).to.equal(deployed.EntryPoint);
    } finally {
      await connection.close();
    }
  });

  it("uses the canonical EntryPoint v0.8 when the chain has it", async function () {
    const { connection, options } = await group();
    try {
      const { ethers } = connection;
      const reference = await ethers.deployContract("EntryPoint");
      const code = await ethers.provider.getCode(await reference.getAddress());
      await connection.networkHelpers.setCode(CANONICAL_ENTRY_POINT_V08, code);
      const deployed = await deployPasskeyAccounts(connection, options);
      expect(deployed.EntryPoint).to.equal(CANONICAL_ENTRY_POINT_V08);
      const paymaster = await ethers.getContractAt("HallmarkPaymaster", deployed.HallmarkPaymaster);
      expect(await paymaster.entryPoint()).to.equal(CANONICAL_ENTRY_POINT_V08);
    } finally {
      await connection.close();
    }
  });
});
