import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { encryptKeystoreJson, HDNodeWallet, Wallet } from "ethers";
import type { Provider, Signer } from "ethers";
import { ConflictError, InvalidInputError } from "../errors.js";
import { SignerError } from "./errors.js";

/**
 * Where the brand's signing key comes from. Never a command-line argument (it would sit in shell
 * history and in `ps`): an encrypted JSON keystore (ethers' Web3 Secret Storage format), or a
 * signer hook, a module that hands back any ethers Signer (a remote KMS, a hardware wallet).
 */
export interface SignerSource {
  /** What the operator sees ("keystore ./issuer.json", "hook ./kms-signer.js"); no secret. */
  readonly description: string;
  connect(provider: Provider): Promise<Signer>;
}

/**
 * The contract of a signer hook module (HALLMARK_SIGNER_MODULE or --signer-module): its default
 * export (or `createSigner`) receives the provider and the chain id and resolves to a Signer.
 */
export type SignerHook = (provider: Provider, context: { chainId: bigint }) => Promise<Signer>;

/** Hardhat's well-known development mnemonic: its keys are public, so only chain 31337 accepts them here. */
export const HARDHAT_DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const LOCAL_CHAIN_ID = 31337n;

export function hardhatDevAccount(index: number): HDNodeWallet {
  if (!Number.isInteger(index) || index < 0 || index > 1_000)
    throw new InvalidInputError(`Dev account index must be 0..1000, got ${index}`);
  return HDNodeWallet.fromPhrase(HARDHAT_DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
}

export interface KeystoreWriteOptions {
  /** scrypt cost (default 2^17, ethers' default). Dev keys use 2^12: they are public anyway. */
  scryptN?: number;
  overwrite?: boolean;
}

export async function writeKeystore(
  file: string,
  wallet: { address: string; privateKey: string },
  password: string,
  options: KeystoreWriteOptions = {},
): Promise<string> {
  if (password.length < 8) throw new InvalidInputError("A keystore password needs at least 8 characters");
  const json = await encryptKeystoreJson(
    { address: wallet.address, privateKey: wallet.privateKey },
    password,
    {
      scrypt: { N: options.scryptN ?? 1 << 17 },
    },
  );
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  try {
    await writeFile(file, json + "\n", { mode: 0o600, flag: options.overwrite ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new ConflictError(`${file} exists already; refusing to overwrite a key`);
    throw error;
  }
  return wallet.address;
}

/** A new random key, written encrypted. Returns its address. */
export async function createKeystore(
  file: string,
  password: string,
  options: KeystoreWriteOptions = {},
): Promise<string> {
  return writeKeystore(file, Wallet.createRandom(), password, options);
}

/** Hardhat dev account `index`, for the local chain only. */
export async function importDevKeystore(
  file: string,
  password: string,
  index: number,
  chainId: bigint,
  options: KeystoreWriteOptions = {},
): Promise<string> {
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new SignerError(
      `Refusing to import a well-known dev key for chain ${chainId}: dev keys are for the local chain (31337) only`,
    );
  }
  return writeKeystore(file, hardhatDevAccount(index), password, { scryptN: 1 << 12, ...options });
}

export async function readKeystoreAddress(file: string): Promise<string> {
  const json = JSON.parse(await readFile(file, "utf8")) as { address?: string };
  if (typeof json.address !== "string") throw new InvalidInputError(`${file} is not an ethers keystore`);
  return json.address.startsWith("0x") ? json.address : `0x${json.address}`;
}

export async function decryptKeystore(file: string, password: string): Promise<Wallet> {
  let json: string;
  try {
    json = await readFile(file, "utf8");
  } catch (cause) {
    throw new SignerError(`Cannot read the keystore ${file}`, { cause });
  }
  try {
    const wallet = await Wallet.fromEncryptedJson(json, password);
    return wallet instanceof Wallet ? wallet : new Wallet(wallet.privateKey);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : "";
    if (/incorrect password/i.test(message)) {
      throw new SignerError(`Wrong password for the keystore ${file}`, { cause });
    }
    throw new SignerError(`Cannot decrypt the keystore ${file}: it is not an ethers JSON keystore`, {
      cause,
    });
  }
}

export function keystoreSigner(file: string, password: () => Promise<string>): SignerSource {
  return {
    description: `keystore ${file}`,
    async connect(provider) {
      const wallet = await decryptKeystore(file, await password());
      return wallet.connect(provider);
    },
  };
}

/** Loads a signer hook module; see SignerHook. */
export function hookSigner(modulePath: string): SignerSource {
  return {
    description: `signer hook ${modulePath}`,
    async connect(provider) {
      const loaded = (await import(pathToFileURL(path.resolve(modulePath)).href)) as {
        default?: SignerHook;
        createSigner?: SignerHook;
      };
      const hook = loaded.createSigner ?? loaded.default;
      if (typeof hook !== "function")
        throw new SignerError(`${modulePath} exports no createSigner (or default) function`);
      const { chainId } = await provider.getNetwork();
      return hook(provider, { chainId });
    },
  };
}
