import { getAddress } from "ethers";
import type { Signer } from "ethers";
import type { IssuerScope } from "./auth/scopes.js";
import { BRAND_ROLE_CONSTANTS, BRAND_ROLES, brandRoleNameOf } from "./contracts.js";
import type { BrandRoleName, HallmarkContracts } from "./contracts.js";
import { callContract } from "./transactions.js";
import type { CallOutcome } from "./transactions.js";

/**
 * What a brand's keys can do on-chain, read from the chain itself: who holds which role, and which
 * issuer API scopes a given key (the server's key for the brand) can actually carry out. An API key's
 * scope only lets a call through; the key the server signs with still needs the roles and approvals
 * the contracts check, and this says which are missing, by name.
 */

export interface BrandRoleHolder {
  role: BrandRoleName;
  account: string;
}

/** Current holders of each brand role, from the grant and revoke events since the deployment. */
export async function brandRoleHolders(
  contracts: HallmarkContracts,
  brandId: number,
): Promise<BrandRoleHolder[]> {
  const { registry, deployments } = contracts;
  const granted = await registry.queryFilter(
    registry.filters.BrandRoleGranted(brandId),
    deployments.startBlock,
    "latest",
  );
  const candidates = new Map<string, BrandRoleHolder>();
  for (const event of granted) {
    const role = brandRoleNameOf(event.args.role);
    if (role === undefined || role === "group-admin") continue;
    const account = getAddress(event.args.account);
    candidates.set(`${role}:${account}`, { role, account });
  }
  const holders: BrandRoleHolder[] = [];
  // Revocations are not replayed: the registry answers who holds a role now.
  for (const holder of candidates.values())
    if (await registry.hasBrandRole(brandId, BRAND_ROLES[holder.role], holder.account)) holders.push(holder);
  const order = Object.keys(BRAND_ROLES);
  return holders.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
}

export interface ScopeAbility {
  scope: IssuerScope;
  /** Whether the key can carry out every action of the scope. */
  able: boolean;
  /** The actions of the scope it can carry out (events: sale, repair, …; status: stolen, revoke, restore). */
  can: string[];
  /** Why not, one sentence per missing role or approval, naming it. */
  missing: string[];
}

function lacks(role: BrandRoleName, key: string, brandId: number): string {
  return `${key} lacks the ${role} role (${BRAND_ROLE_CONSTANTS[role]}) of brand ${brandId}: hallmark role grant --brand ${brandId} --role ${role} --account ${key}`;
}

/** Which issuer API scopes `key` can perform for `brandId`, and what each one lacks. */
export async function scopeAbilities(
  contracts: HallmarkContracts,
  brandId: number,
  key: string,
): Promise<ScopeAbility[]> {
  const { registry, certificate } = contracts;
  const account = getAddress(key);
  const brand = await registry.brand(brandId);
  const has = async (role: BrandRoleName) => registry.hasBrandRole(brandId, BRAND_ROLES[role], account);
  const [admin, issuer, partner, repairer] = await Promise.all([
    has("brand-admin"),
    has("issuer"),
    has("resale-partner"),
    has("repairer"),
  ]);
  const vault = getAddress(brand.vault);
  const approved = vault === account || (await certificate.isApprovedForAll(vault, account));
  const paused = brand.paused
    ? [`brand ${brandId} is paused: hallmark brand unpause --brand ${brandId} (its brand admin)`]
    : [];

  const abilities: ScopeAbility[] = [];
  abilities.push({
    scope: "mint",
    able: issuer && !brand.paused,
    can: issuer && !brand.paused ? ["mint"] : [],
    missing: [...paused, ...(issuer ? [] : [lacks("issuer", account, brandId)])],
  });
  abilities.push({
    scope: "claim-codes",
    able: approved,
    can: approved ? ["claim-codes"] : [],
    missing: approved
      ? []
      : [
          `the vault ${vault} has not approved ${account} for its certificates: hallmark vault approve --brand ${brandId} --operator ${account} (signed by the vault)`,
        ],
  });
  const events: { kind: string; may: boolean; needs: BrandRoleName }[] = [
    { kind: "sale", may: issuer || admin, needs: "issuer" },
    { kind: "repair", may: repairer, needs: "repairer" },
    { kind: "inspection", may: partner || repairer || admin, needs: "resale-partner" },
    { kind: "resale", may: partner, needs: "resale-partner" },
  ];
  const eventKinds = brand.paused ? [] : events.filter((e) => e.may).map((e) => e.kind);
  abilities.push({
    scope: "events",
    able: eventKinds.length === events.length,
    can: eventKinds,
    missing: [
      ...paused,
      ...[...new Set(events.filter((e) => !e.may).map((e) => e.needs))].map(
        (role) =>
          `${lacks(role, account, brandId)} (for ${events
            .filter((e) => !e.may && e.needs === role)
            .map((e) => e.kind)
            .join(", ")})`,
      ),
    ],
  });
  abilities.push({
    scope: "status",
    able: admin,
    // A stolen report is also the owner's; the server's key reports stolen only as brand admin.
    can: admin ? ["stolen", "revoke", "restore"] : [],
    missing: admin ? [] : [lacks("brand-admin", account, brandId) + " (granted by the group admin)"],
  });
  return abilities;
}

/** The vault approves (or withdraws) `operator` for every certificate it holds: setApprovalForAll. */
export async function setVaultApproval(options: {
  contracts: HallmarkContracts;
  /** The brand's vault. */
  signer: Signer;
  operator: string;
  approved: boolean;
  dryRun?: boolean;
}): Promise<CallOutcome> {
  const certificate = options.contracts.certificate.connect(options.signer);
  return callContract(
    certificate,
    "setApprovalForAll",
    [getAddress(options.operator), options.approved],
    options,
  );
}

/** Pauses (nothing can be minted or recorded for the brand) or unpauses it: its brand admin or the group admin. */
export async function setBrandPaused(options: {
  contracts: HallmarkContracts;
  signer: Signer;
  brandId: number;
  paused: boolean;
  reason?: string;
  dryRun?: boolean;
}): Promise<CallOutcome> {
  const registry = options.contracts.registry.connect(options.signer);
  return options.paused
    ? callContract(registry, "pauseBrand", [options.brandId, options.reason ?? ""], options)
    : callContract(registry, "unpauseBrand", [options.brandId], options);
}
