/**
 * Passkey accounts' gas (issue #17), printed by `npm run bench:gas`: a sponsored certificate transfer through
 * the EntryPoint by an account already deployed, on a hardfork with the P-256 precompile (Osaka, EIP-7951 at
 * 0x100) and on one without (Prague: OpenZeppelin's Solidity fallback), and the first operation of a new
 * account (its deployment included). Each runs on its own in-process chain, apart from the shared table,
 * because the certificate benchmarks run on Prague. Operations are relayed as the verifier relays them by default
 * (HALLMARK_RELAY_FEES=none: zero fees, no ether moved by the EntryPoint); the Osaka transfer is also measured
 * with the relayer paid back from the paymaster's deposit (HALLMARK_RELAY_FEES=reimburse).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { ethers as ethersLib } from "ethers";
import { network } from "hardhat";
import {
  batchCallData,
  packUint128Pair,
  passkeyInitCode,
  paymasterAndData,
  type PackedUserOperation,
} from "../server/chain/passkey/user-operation.js";
import { SoftPasskey } from "../test/contracts/passkey/soft-passkey.js";

/** The goal for a sponsored transfer with the precompile. */
export const PASSKEY_TRANSFER_GOAL_GAS = 150_000n;

const ISSUER_ROLE = ethersLib.id("hallmark.role.ISSUER");

/** Fee caps of the measured operations: zero (the verifier's default) or a fee-paying operation. */
type Fees = "none" | "reimburse";

export interface PasskeyGas {
  hardfork: string;
  /** handleOps of a transfer by a deployed account, sponsored. */
  transfer: bigint;
  /** handleOps of the account's first operation: deployment and a transfer. */
  firstOperation: bigint;
}

async function measure(ethers: HardhatEthers, hardfork: string, fees: Fees): Promise<PasskeyGas> {
  const [groupAdmin, brandAdmin, issuer, relayer] = await ethers.getSigners();
  const registry = await ethers.deployContract("BrandRegistry", [3n * 24n * 3600n, groupAdmin.address]);
  const certificate = await ethers.deployContract("HallmarkCertificate", [await registry.getAddress()]);
  const garments = await ethers.deployContract("HallmarkGarments", [
    await registry.getAddress(),
    await certificate.getAddress(),
  ]);
  await registry.registerBrand(
    "Maison Bench",
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
    { opsPerAccountPerDay: 100n, opsPerBrandPerDay: 10_000n, maxCostPerOp: ethersLib.parseEther("0.01") },
  ]);
  await paymaster.deposit({ value: ethersLib.parseEther("1") });

  const seller = new SoftPasskey("bench seller");
  const sellerAccount = await factory.accountAddress(seller.qx, seller.qy);
  // Each transfer goes to a new holder, and the measured one leaves the seller with none: the balances of the
  // certificate benchmark's "transferFrom to a new holder" row, so the two compare.
  const buyers = [new SoftPasskey("bench buyer 1"), new SoftPasskey("bench buyer 2")];
  const buyerAccounts = await Promise.all(buyers.map((buyer) => factory.accountAddress(buyer.qx, buyer.qy)));
  const tokenIds: bigint[] = [];
  for (const serial of ["BENCH-PK-1", "BENCH-PK-2"]) {
    const serialHash = ethersLib.id(serial);
    await certificate.connect(issuer).issue(1n, sellerAccount, {
      serialHash,
      metadataDigest: ethersLib.sha256(ethersLib.toUtf8Bytes(serial)),
      chip: ethersLib.ZeroAddress,
      claimKey: ethersLib.ZeroAddress,
    });
    tokenIds.push(await certificate.tokenIdOf(1n, serialHash));
  }

  const transferOf = async (tokenId: bigint, buyerAccount: string, deploy: boolean): Promise<bigint> => {
    const op: PackedUserOperation = {
      sender: sellerAccount,
      nonce: await entryPoint.getNonce(sellerAccount, 0n),
      initCode: deploy ? passkeyInitCode(await factory.getAddress(), seller.qx, seller.qy) : "0x",
      callData: batchCallData([
        {
          target: await certificate.getAddress(),
          value: 0n,
          data: certificate.interface.encodeFunctionData("transferFrom", [
            sellerAccount,
            buyerAccount,
            tokenId,
          ]),
        },
      ]),
      accountGasLimits: packUint128Pair(deploy ? 700_000n : 500_000n, 80_000n),
      preVerificationGas: 60_000n,
      gasFees: fees === "none" ? packUint128Pair(0n, 0n) : packUint128Pair(1_000_000_000n, 2_000_000_000n),
      paymasterAndData: paymasterAndData(await paymaster.getAddress(), 100_000n, 0n),
      signature: "0x",
    };
    op.signature = seller.sign(await entryPoint.getUserOpHash(op));
    const receipt = await (await entryPoint.connect(relayer).handleOps([op], relayer.address)).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("handleOps failed");
    if ((await certificate.ownerOf(tokenId)) !== buyerAccount) throw new Error("the transfer did not happen");
    return receipt.gasUsed;
  };
  const firstOperation = await transferOf(tokenIds[0], buyerAccounts[0], true);
  const transfer = await transferOf(tokenIds[1], buyerAccounts[1], false);
  return { hardfork, transfer, firstOperation };
}

async function onHardfork(hardfork: string, fees: Fees = "none"): Promise<PasskeyGas> {
  const connection = await network.create({ override: { hardfork } });
  try {
    return await measure(connection.ethers, hardfork, fees);
  } finally {
    await connection.close();
  }
}

/** Measures on Osaka and Prague and prints the lines `npm run bench:gas` promises. */
export async function benchPasskey(): Promise<{ withPrecompile: PasskeyGas; withoutPrecompile: PasskeyGas }> {
  const withPrecompile = await onHardfork("osaka");
  const withoutPrecompile = await onHardfork("prague");
  const reimbursed = await onHardfork("osaka", "reimburse");
  console.log(
    `passkey transfer: ${withPrecompile.transfer} gas (sponsored, account deployed, hardfork osaka: P-256 by the EIP-7951 precompile)`,
  );
  console.log(
    `passkey transfer: ${withoutPrecompile.transfer} gas (sponsored, account deployed, hardfork prague: no precompile, OpenZeppelin's Solidity P-256)`,
  );
  console.log(
    `passkey transfer, relayer reimbursed: ${reimbursed.transfer} gas (osaka, HALLMARK_RELAY_FEES=reimburse: the EntryPoint pays the relayer back from the paymaster's deposit)`,
  );
  console.log(
    `passkey first operation: ${withPrecompile.firstOperation} gas (account deployed and a transfer, osaka; ${withoutPrecompile.firstOperation} on prague)`,
  );
  if (withPrecompile.transfer > PASSKEY_TRANSFER_GOAL_GAS) {
    console.warn(
      `WARNING: passkey transfer exceeds the goal of ${PASSKEY_TRANSFER_GOAL_GAS} gas by ${withPrecompile.transfer - PASSKEY_TRANSFER_GOAL_GAS}`,
    );
  }
  return { withPrecompile, withoutPrecompile };
}
