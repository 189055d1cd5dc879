import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ethers as ethersLib } from "ethers";
import {
  batchCallData,
  packUint128Pair,
  passkeyInitCode,
  paymasterAndData,
  type AccountCall,
  type PackedUserOperation,
} from "../../../server/chain/passkey/user-operation.js";
import { deployGarments, ethers, item, tokenIdOf } from "../fixtures.js";
import { SoftPasskey, type AssertionOptions } from "./soft-passkey.js";

export const LIMITS = {
  opsPerAccountPerDay: 5n,
  opsPerBrandPerDay: 20n,
  maxCostPerOp: ethersLib.parseEther("0.01"),
};

/** Gas limits generous enough for OpenZeppelin's Solidity P-256 fallback (no precompile). */
export const GAS = {
  verification: 600_000n,
  call: 300_000n,
  paymasterVerification: 120_000n,
  preVerification: 60_000n,
  maxPriorityFee: 1_000_000_000n,
  maxFee: 2_000_000_000n,
};

/** Hallmark with garments, the EntryPoint v0.8, the passkey account factory and a funded paymaster. */
export async function deployPasskeyStack() {
  const fx = await deployGarments();
  const entryPoint = await ethers.deployContract("EntryPoint");
  const factory = await ethers.deployContract("HallmarkPasskeyAccountFactory", [
    await entryPoint.getAddress(),
  ]);
  const paymaster = await ethers.deployContract("HallmarkPaymaster", [
    await entryPoint.getAddress(),
    await fx.registry.getAddress(),
    await fx.certificate.getAddress(),
    await fx.garments.getAddress(),
    await factory.getAddress(),
    LIMITS,
  ]);
  await paymaster.deposit({ value: ethersLib.parseEther("10") });
  const [, , , , , , , , , , , , , relayer] = await ethers.getSigners();
  const seller = new SoftPasskey("seller");
  const buyer = new SoftPasskey("buyer");
  const sellerAccount = await factory.accountAddress(seller.qx, seller.qy);
  const buyerAccount = await factory.accountAddress(buyer.qx, buyer.qy);
  return { ...fx, entryPoint, factory, paymaster, relayer, seller, buyer, sellerAccount, buyerAccount };
}

export type PasskeyStack = Awaited<ReturnType<typeof deployPasskeyStack>>;

/** deployPasskeyStack plus a certificate of brand A issued to the seller's account, not yet deployed. */
export async function deployWithPasskeyOwner() {
  const fx = await deployPasskeyStack();
  const input = item("A-PK-0001");
  await fx.certificate.connect(fx.issuerA).issue(fx.brandA, fx.sellerAccount, input);
  const tokenId = tokenIdOf(fx.brandA, input.serialHash);
  return { ...fx, tokenId };
}

export interface OperationOptions {
  /** Include the factory call (first operation of an account). */
  deploy?: boolean;
  /** Sponsor by this paymaster (default: the stack's); null for none. */
  paymaster?: string | null;
  nonceKey?: bigint;
  assertion?: AssertionOptions;
  /** Sign this hash instead of the operation's own (replays). */
  signHash?: string;
  callData?: string;
  /** Fee-paying (the default: the relayer is paid back from the deposit), or zero fees (the verifier's default). */
  fees?: "reimburse" | "none";
}

/** A user operation of `key`'s account running `calls`, signed by `key` for the given EntryPoint. */
export async function signedOperation(
  fx: Pick<PasskeyStack, "entryPoint" | "factory" | "paymaster">,
  key: SoftPasskey,
  calls: AccountCall[],
  options: OperationOptions = {},
): Promise<{ op: PackedUserOperation; hash: string }> {
  const sender = await fx.factory.accountAddress(key.qx, key.qy);
  const paymaster = options.paymaster === undefined ? await fx.paymaster.getAddress() : options.paymaster;
  const op: PackedUserOperation = {
    sender,
    nonce: await fx.entryPoint.getNonce(sender, options.nonceKey ?? 0n),
    initCode: options.deploy ? passkeyInitCode(await fx.factory.getAddress(), key.qx, key.qy) : "0x",
    callData: options.callData ?? batchCallData(calls),
    accountGasLimits: packUint128Pair(GAS.verification, GAS.call),
    preVerificationGas: GAS.preVerification,
    gasFees:
      options.fees === "none" ? packUint128Pair(0n, 0n) : packUint128Pair(GAS.maxPriorityFee, GAS.maxFee),
    paymasterAndData: paymaster === null ? "0x" : paymasterAndData(paymaster, GAS.paymasterVerification, 0n),
    signature: "0x",
  };
  const hash: string = await fx.entryPoint.getUserOpHash(op);
  op.signature = key.sign(options.signHash ?? hash, options.assertion);
  return { op, hash };
}

/** Submits operations the way the verifier's relayer does. */
export function handleOps(
  fx: Pick<PasskeyStack, "entryPoint">,
  relayer: HardhatEthersSigner,
  ops: PackedUserOperation[],
) {
  return fx.entryPoint.connect(relayer).handleOps(ops, relayer.address);
}

export { SoftPasskey };
