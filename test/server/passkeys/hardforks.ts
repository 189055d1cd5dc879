import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { network } from "hardhat";
import { PasskeyChain } from "../../../server/passkeys/passkey-chain.js";
import { MemoryOperationLocks } from "../../../server/passkeys/operation-locks.js";
import { prepareOperation } from "../../../server/passkeys/prepare-operation.js";
import { relayOperation } from "../../../server/passkeys/relay-operation.js";
import { OperationRelayer } from "../../../server/passkeys/relayer.js";
import { relyingPartyOf } from "../../../server/passkeys/relying-party.js";
import { SqlitePasskeyCredentials } from "../../../server/store/sqlite/passkey-credentials.js";
import { SoftAuthenticator } from "../support/soft-authenticator.js";

const ISSUER_ROLE = ethersLib.id("hallmark.role.ISSUER");
const party = relyingPartyOf("https://hallmark.example");

/**
 * The gas limits the verifier sets follow the chain: on a hardfork with the P-256 precompile (Osaka,
 * EIP-7951) the account's validation is cheap, without it (Prague) OpenZeppelin's Solidity P-256 runs,
 * and an operation prepared for either goes through, with its paymaster's cap checked against the sum.
 */
describe("Sponsored operations on hardforks with and without the P-256 precompile", function () {
  this.timeout(120_000);

  for (const [hardfork, precompile] of [
    ["osaka", true],
    ["prague", false],
  ] as const) {
    it(`${hardfork}: detects the precompile (${precompile}) and relays a first operation, then a second`, async function () {
      const connection = await network.create({ override: { hardfork } });
      try {
        const { ethers } = connection;
        const [groupAdmin, brandAdmin, issuer, relayerSigner] = await ethers.getSigners();
        const registry = await ethers.deployContract("BrandRegistry", [3n * 24n * 3600n, groupAdmin.address]);
        const certificate = await ethers.deployContract("HallmarkCertificate", [await registry.getAddress()]);
        const garments = await ethers.deployContract("HallmarkGarments", [
          await registry.getAddress(),
          await certificate.getAddress(),
        ]);
        await registry.registerBrand(
          "Maison",
          "ipfs://brand",
          brandAdmin.address,
          brandAdmin.address,
          brandAdmin.address,
          500n,
        );
        await registry.connect(brandAdmin).grantBrandRole(1n, ISSUER_ROLE, issuer.address);
        const entryPoint = await ethers.deployContract("EntryPoint");
        const factory = await ethers.deployContract("HallmarkPasskeyAccountFactory", [
          await entryPoint.getAddress(),
        ]);
        const paymaster = await ethers.deployContract("HallmarkPaymaster", [
          await entryPoint.getAddress(),
          await registry.getAddress(),
          await certificate.getAddress(),
          await garments.getAddress(),
          await factory.getAddress(),
          { opsPerAccountPerDay: 10n, opsPerBrandPerDay: 100n, maxCostPerOp: ethersLib.parseEther("0.01") },
        ]);
        await paymaster.deposit({ value: ethersLib.parseEther("1") });

        const chain = new PasskeyChain(
          ethers.provider,
          {
            entryPoint: await entryPoint.getAddress(),
            factory: await factory.getAddress(),
            paymaster: await paymaster.getAddress(),
            certificate: await certificate.getAddress(),
            garments: await garments.getAddress(),
          },
          (await ethers.provider.getNetwork()).chainId,
        );
        expect(await chain.hasP256Precompile()).to.equal(precompile);

        const owner = new SoftAuthenticator({ origin: party.origin, rpId: party.rpId });
        const account = await chain.accountAddress(owner.qx, owner.qy);
        const credentials = new SqlitePasskeyCredentials(":memory:");
        await credentials.save({
          credentialId: owner.credentialId,
          qx: owner.qx,
          qy: owner.qy,
          account,
          registeredAt: 0,
        });
        const deps = {
          chain,
          party,
          credentials,
          locks: new MemoryOperationLocks(),
          relayer: new OperationRelayer(relayerSigner),
        };
        for (const serial of ["HF-1", "HF-2"]) {
          const serialHash = ethersLib.id(`${hardfork} ${serial}`);
          await certificate.connect(issuer).issue(1n, account, {
            serialHash,
            metadataDigest: ethersLib.sha256(ethersLib.toUtf8Bytes(serial)),
            chip: ethersLib.ZeroAddress,
            claimKey: ethersLib.ZeroAddress,
          });
          const tokenId = await certificate.tokenIdOf(1n, serialHash);
          const prepared = await prepareOperation(chain, {
            account,
            publicKey: { qx: owner.qx, qy: owner.qy },
            action: { type: "reportStolen", certificateId: tokenId },
          });
          const relayed = await relayOperation(deps, {
            operation: prepared.operation,
            assertion: owner.assert(prepared.challenge),
          });
          expect(relayed.success).to.equal(true);
          expect(await certificate.statusOf(tokenId)).to.equal(1n);
        }
        await credentials.close();
      } finally {
        await connection.close();
      }
    });
  }
});
