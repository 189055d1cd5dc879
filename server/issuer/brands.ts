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
import { BrandSaltSetting, saltOf, serialRuleOf } from "../verification/serial-rule.js";
import type { SerialRule } from "../verification/serial-rule.js";

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

/** Each brand's salt and the rule its serials follow (server/verification/serial-rule.ts). */
export interface BrandSerialSettings {
  salts: Map<number, string>;
  rules: Map<number, SerialRule>;
}

/**
 * Salts (and serial rules) by brand id: HALLMARK_BRAND_SALTS (the verifier's variable) first, then the
 * salts file. An entry is a salt (`"0x…"`, exact serials) or `{"salt": "0x…", "serial": {"ignoreCase":
 * true, "ignore": " -"}}`, in the file as in the variable.
 */
export async function loadBrandSerialSettings(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BrandSerialSettings> {
  const entries = new Map<string, unknown>();
  try {
    const stored = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    for (const [brand, setting] of Object.entries(stored)) entries.set(brand, setting);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new InvalidInputError(`Cannot read the brand salts file ${file}`, { cause: error });
  }
  if (env.HALLMARK_BRAND_SALTS?.trim()) {
    let fromEnv: Record<string, unknown>;
    try {
      fromEnv = JSON.parse(env.HALLMARK_BRAND_SALTS) as Record<string, unknown>;
    } catch (cause) {
      throw new InvalidInputError("HALLMARK_BRAND_SALTS is not JSON", { cause });
    }
    for (const [brand, setting] of Object.entries(fromEnv)) entries.set(brand, setting);
  }
  const settings: BrandSerialSettings = { salts: new Map(), rules: new Map() };
  for (const [brand, entry] of entries) {
    const parsed = BrandSaltSetting.safeParse(entry);
    if (!parsed.success)
      throw new InvalidInputError(
        `The salt of brand ${brand} is not a 0x-prefixed bytes32 (or {"salt": "0x…", "serial": {"ignoreCase": true, "ignore": " -"}})`,
      );
    settings.salts.set(Number(brand), saltOf(parsed.data));
    settings.rules.set(Number(brand), serialRuleOf(parsed.data));
  }
  return settings;
}

/** Salts by brand id (see loadBrandSerialSettings). */
export async function loadBrandSalts(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Map<number, string>> {
  return (await loadBrandSerialSettings(file, env)).salts;
}

export async function saveBrandSalt(file: string, brandId: number, salt: string): Promise<void> {
  let stored: Record<string, BrandSaltSetting> = {};
  try {
    stored = JSON.parse(await readFile(file, "utf8")) as Record<string, BrandSaltSetting>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const existing = stored[String(brandId)];
  if (existing !== undefined && saltOf(existing).toLowerCase() !== salt.toLowerCase()) {
    throw new InvalidInputError(
      `Brand ${brandId} has a salt already in ${file}; changing it would orphan every serial`,
    );
  }
  // A rule declared beside an existing salt stays: only a brand's first salt is written here.
  stored[String(brandId)] = existing ?? salt;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
}
