import path from "node:path";
import { ethers as ethersLib } from "ethers";
import { hardhatDevAccount, importDevKeystore, LOCAL_CHAIN_ID } from "../../../server/issuer/keystore.js";
import { ethers } from "../../contracts/fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { SoftAuthenticator } from "../support/soft-authenticator.js";
import { buildStack, postJson } from "./stack.js";
import type { JsonAnswer } from "./stack.js";

/**
 * The API stack with passkey accounts (#17): the EntryPoint v0.8, the account factory and a funded brand
 * paymaster deployed beside Hallmark, and the verifier relaying with a keystore of Hardhat dev account
 * #14 (HALLMARK_RELAYER_KEYSTORE), its relying party https://hallmark.example (HALLMARK_PUBLIC_URL).
 */
export const PUBLIC_URL = "https://hallmark.example";
export const SITE = { origin: PUBLIC_URL, rpId: "hallmark.example" };
export const RELAYER_INDEX = 14;
export const LIMITS = {
  opsPerAccountPerDay: 20n,
  opsPerBrandPerDay: 500n,
  maxCostPerOp: ethersLib.parseEther("0.05"),
};

export type PasskeyStack = Awaited<ReturnType<typeof buildPasskeyStack>>;

export async function buildPasskeyStack(options: { mirrorDatabaseUrl?: string } = {}) {
  const keys = await makeTempDir("relayer");
  const keystore = path.join(keys.path, "relayer.json");
  await importDevKeystore(keystore, "relayer-password", RELAYER_INDEX, LOCAL_CHAIN_ID);
  let addresses: { entryPoint: string; factory: string; paymaster: string } | undefined;
  const stack = await buildStack({
    mirrorDatabaseUrl: options.mirrorDatabaseUrl,
    env: {
      HALLMARK_PUBLIC_URL: PUBLIC_URL,
      HALLMARK_RELAYER_KEYSTORE: JSON.stringify({ keystore, passwordEnv: "HALLMARK_TEST_RELAYER_PASSWORD" }),
      HALLMARK_TEST_RELAYER_PASSWORD: "relayer-password",
    },
    moreContracts: async (hallmark) => {
      const entryPoint = await ethers.deployContract("EntryPoint");
      const factory = await ethers.deployContract("HallmarkPasskeyAccountFactory", [
        await entryPoint.getAddress(),
      ]);
      const paymaster = await ethers.deployContract("HallmarkPaymaster", [
        await entryPoint.getAddress(),
        hallmark.registry,
        hallmark.certificate,
        hallmark.garments,
        await factory.getAddress(),
        LIMITS,
      ]);
      await (await paymaster.deposit({ value: ethersLib.parseEther("10") })).wait();
      addresses = {
        entryPoint: await entryPoint.getAddress(),
        factory: await factory.getAddress(),
        paymaster: await paymaster.getAddress(),
      };
      return {
        EntryPoint: addresses.entryPoint,
        HallmarkPasskeyAccountFactory: addresses.factory,
        HallmarkPaymaster: addresses.paymaster,
      };
    },
  });
  const entryPoint = await ethers.getContractAt("EntryPoint", addresses!.entryPoint);
  const factory = await ethers.getContractAt("HallmarkPasskeyAccountFactory", addresses!.factory);
  const paymaster = await ethers.getContractAt("HallmarkPaymaster", addresses!.paymaster);
  const relayer = hardhatDevAccount(RELAYER_INDEX).address;

  /** Registers a new passkey on the site (or `authenticator`'s) and answers the registration. */
  async function register(authenticator = new SoftAuthenticator(SITE)) {
    const options = await postJson<{ challenge: string; rp: { id: string } }>(
      `${stack.url}/v1/passkeys/registration-options`,
      {},
    );
    const registered = await postJson<Registered>(`${stack.url}/v1/passkeys/registrations`, {
      response: authenticator.register(options.body),
    });
    if (registered.status !== 201) throw new Error(`registration failed: ${JSON.stringify(registered.body)}`);
    return { authenticator, ...registered.body };
  }

  function prepare(body: unknown): Promise<JsonAnswer<Prepared>> {
    return postJson<Prepared>(`${stack.url}/v1/operations/prepare`, body);
  }

  function relay(prepared: Prepared, assertion: unknown): Promise<JsonAnswer<Relayed>> {
    return postJson<Relayed>(`${stack.url}/v1/operations`, { operation: prepared.operation, assertion });
  }

  async function close() {
    await stack.close();
    await keys.remove();
  }

  return { ...stack, entryPoint, factory, paymaster, relayer, register, prepare, relay, close };
}

export interface Registered {
  credentialId: string;
  publicKey: { x: string; y: string };
  account: string;
  deployed: boolean;
}

export interface Prepared {
  operation: Record<string, string>;
  hash: string;
  challenge: string;
  deployed: boolean;
}

export interface Relayed {
  userOpHash: string;
  transactionHash: string;
  blockNumber: number | null;
  success: boolean | null;
  type?: string;
  detail?: string;
}
