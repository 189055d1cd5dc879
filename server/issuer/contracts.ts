import { id } from "ethers";
import { customErrorsOf, decodeCustomError } from "../chain/contract-errors.js";
import type { ContractRunner, ErrorDescription } from "ethers";
import type { Deployments } from "../chain/deployments.js";
import type {
  BrandRegistry,
  HallmarkCertificate,
  HallmarkGarments,
} from "../../types/ethers-contracts/index.js";
import { BrandRegistry__factory } from "../../types/ethers-contracts/factories/contracts/registry/BrandRegistry__factory.js";
import { HallmarkCertificate__factory } from "../../types/ethers-contracts/factories/contracts/certificate/HallmarkCertificate__factory.js";
import { HallmarkGarments__factory } from "../../types/ethers-contracts/factories/contracts/garments/HallmarkGarments__factory.js";

/** The three Hallmark contracts of a deployment, connected to one runner (a signer to write, a provider to read). */
export interface HallmarkContracts {
  deployments: Deployments;
  registry: BrandRegistry;
  certificate: HallmarkCertificate;
  garments: HallmarkGarments;
}

export function connectHallmark(deployments: Deployments, runner: ContractRunner): HallmarkContracts {
  return {
    deployments,
    registry: BrandRegistry__factory.connect(deployments.contracts.BrandRegistry, runner),
    certificate: HallmarkCertificate__factory.connect(deployments.contracts.HallmarkCertificate, runner),
    garments: HallmarkGarments__factory.connect(deployments.contracts.HallmarkGarments, runner),
  };
}

/** The per-brand roles (BrandRoles.sol), by the names the CLI and docs use. */
export const BRAND_ROLES = {
  "brand-admin": id("hallmark.role.BRAND_ADMIN"),
  issuer: id("hallmark.role.ISSUER"),
  "resale-partner": id("hallmark.role.RESALE_PARTNER"),
  repairer: id("hallmark.role.REPAIRER"),
  "tag-oracle": id("hallmark.role.TAG_ORACLE"),
} as const;

export type BrandRoleName = keyof typeof BRAND_ROLES;

/** The contract's constant for each role (BrandRegistry.ISSUER_ROLE, …), as a Solidity reader knows it. */
export const BRAND_ROLE_CONSTANTS: Readonly<Record<BrandRoleName, string>> = {
  "brand-admin": "BRAND_ADMIN_ROLE",
  issuer: "ISSUER_ROLE",
  "resale-partner": "RESALE_PARTNER_ROLE",
  repairer: "REPAIRER_ROLE",
  "tag-oracle": "TAG_ORACLE_ROLE",
};

/** The CLI's name of a role hash ("issuer"), the group admin's zero hash included; undefined for an unknown hash. */
export function brandRoleNameOf(hash: string): BrandRoleName | "group-admin" | undefined {
  if (/^0x0{64}$/.test(hash)) return "group-admin";
  const lower = hash.toLowerCase();
  return (Object.keys(BRAND_ROLES) as BrandRoleName[]).find((name) => BRAND_ROLES[name] === lower);
}

/**
 * A decoded custom error as a person reads it: role hashes by name, brands by number, and what to do
 * when the fix is a role (`HallmarkMissingBrandRole(3, ISSUER_ROLE, 0xab…): 0xab… does not hold the
 * issuer role of brand 3`).
 */
export function describeHallmarkError(name: string, args: readonly unknown[]): string {
  const text = args.map((arg) => (typeof arg === "bigint" ? arg.toString() : String(arg)));
  if (name === "HallmarkMissingBrandRole" || name === "HallmarkUnknownRole") {
    const roleIndex = name === "HallmarkMissingBrandRole" ? 1 : 0;
    const role = brandRoleNameOf(text[roleIndex]);
    if (role !== undefined)
      text[roleIndex] = role === "group-admin" ? "GROUP_ADMIN (0x00)" : BRAND_ROLE_CONSTANTS[role];
    const call = `${name}(${text.join(", ")})`;
    if (name === "HallmarkMissingBrandRole" && role !== undefined)
      return role === "group-admin"
        ? `${call}: ${text[2]} is not the group admin`
        : `${call}: ${text[2]} does not hold the ${role} role of brand ${text[0]}`;
    return call;
  }
  return `${name}(${text.join(", ")})`;
}

export function brandRoleOf(name: string): string {
  const role = (BRAND_ROLES as Record<string, string>)[name];
  if (role === undefined)
    throw new RangeError(`Unknown role "${name}" (one of ${Object.keys(BRAND_ROLES).join(", ")})`);
  return role;
}

/** Every custom error of the three contracts: a revert bubbling up from the registry decodes too. */
const allErrors = customErrorsOf(
  BrandRegistry__factory.abi,
  HallmarkCertificate__factory.abi,
  HallmarkGarments__factory.abi,
);

export function decodeHallmarkError(data: string): ErrorDescription | null {
  return decodeCustomError(allErrors, data);
}
