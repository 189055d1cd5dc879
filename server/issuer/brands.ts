import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, hexlify } from "ethers";
import type { Signer } from "ethers";
import { InvalidInputError } from "../errors.js";
import type { MetadataStore } from "../ipfs/metadata-store.js";
import { publishDocument } from "../metadata/metadata-document.js";
import { brandRoleOf } from "./contracts.js";
import type { HallmarkContracts } from "./contracts.js";
import { callContract } from "./transactions.js";
import type { CallOutcome } from "./transactions.js";

/**
 * Brands and their roles, and the secret salt each brand hashes its serials with. The salt never
 * goes on-chain; the brand keeps it (a 0600 file here) and gives it only to its verifier
 * (HALLMARK_BRAND_SALTS), which needs it to resolve printed serials.
 */
export interface AddBrandOptions {
  contracts: HallmarkContracts;
  /** The group admin. */
  signer: Signer;
  name: string;
  metadataURI?: string;
  admin: string;
  vault: string;
  royaltyReceiver?: string;
  royaltyBps?: number;
  dryRun?: boolean;
  confirmations?: number;
}

export async function addBrand(
  options: AddBrandOptions,
): Promise<{ brandId?: number; outcome: CallOutcome }> {
  const registry = options.contracts.registry.connect(options.signer);
  const outcome = await callContract(
    registry,
    "registerBrand",
    [
      options.name,
      options.metadataURI ?? "",
      getAddress(options.admin),
      getAddress(options.vault),
      getAddress(options.royaltyReceiver ?? options.admin),
      options.royaltyBps ?? 0,
    ],
    options,
  );
  if (outcome.dryRun) return { outcome };
  for (const log of outcome.transaction.receipt.logs) {
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name === "BrandRegistered") return { brandId: Number(parsed.args.brandId), outcome };
  }
  throw new Error("registerBrand confirmed without a BrandRegistered event");
}

export async function setBrandRole(options: {
  contracts: HallmarkContracts;
  signer: Signer;
  brandId: number;
  role: string;
  account: string;
  grant: boolean;
  dryRun?: boolean;
  confirmations?: number;
}): Promise<CallOutcome> {
  const registry = options.contracts.registry.connect(options.signer);
  return callContract(
    registry,
    options.grant ? "grantBrandRole" : "revokeBrandRole",
    [options.brandId, brandRoleOf(options.role), getAddress(options.account)],
    options,
  );
}

/**
 * Publishes a brand's public profile (contact details the pages show; server/metadata/brand-profile.ts)
 * as one raw block and answers its `ipfs://<cid>`: the URI the registry keeps commits to its bytes.
 */
export async function publishBrandProfile(store: MetadataStore, profile: unknown): Promise<string> {
  const encoded = await publishDocument(store, "brand-profile", profile);
  return `ipfs://${encoded.cid.toString()}`;
}

/** Points the brand's on-chain metadataURI at a new profile, keeping its registered name. */
export async function setBrandProfile(options: {
  contracts: HallmarkContracts;
  /** A brand admin (or the group admin). */
  signer: Signer;
  store: MetadataStore;
  brandId: number;
  profile: unknown;
  dryRun?: boolean;
  confirmations?: number;
}): Promise<{ metadataURI: string; outcome: CallOutcome }> {
  const metadataURI = await publishBrandProfile(options.store, options.profile);
  const registry = options.contracts.registry.connect(options.signer);
  const current = await registry.brand(options.brandId);
  const outcome = await callContract(
    registry,
    "updateBrand",
    [options.brandId, current.name, metadataURI],
    options,
  );
  return { metadataURI, outcome };
}

export function generateBrandSalt(): string {
  return hexlify(randomBytes(32));
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Salts by brand id: HALLMARK_BRAND_SALTS (the verifier's variable) first, then the salts file. */
export async function loadBrandSalts(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Map<number, string>> {
  const salts = new Map<number, string>();
  try {
    const stored = JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
    for (const [brand, salt] of Object.entries(stored)) salts.set(Number(brand), salt);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new InvalidInputError(`Cannot read the brand salts file ${file}`, { cause: error });
  }
  if (env.HALLMARK_BRAND_SALTS?.trim()) {
    let fromEnv: Record<string, string>;
    try {
      fromEnv = JSON.parse(env.HALLMARK_BRAND_SALTS) as Record<string, string>;
    } catch (cause) {
      throw new InvalidInputError("HALLMARK_BRAND_SALTS is not JSON", { cause });
    }
    for (const [brand, salt] of Object.entries(fromEnv)) salts.set(Number(brand), salt);
  }
  for (const [brand, salt] of salts) {
    if (!BYTES32.test(salt))
      throw new InvalidInputError(`The salt of brand ${brand} is not a 0x-prefixed bytes32`);
  }
  return salts;
}

export async function saveBrandSalt(file: string, brandId: number, salt: string): Promise<void> {
  let stored: Record<string, string> = {};
  try {
    stored = JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (stored[String(brandId)] !== undefined && stored[String(brandId)] !== salt) {
    throw new InvalidInputError(
      `Brand ${brandId} has a salt already in ${file}; changing it would orphan every serial`,
    );
  }
  stored[String(brandId)] = salt;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
}
