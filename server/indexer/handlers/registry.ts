/** BrandRegistry events: brands, their settings, per-brand roles and issuer compromises. */
import { id } from "ethers";
import type { RoleName } from "../../store/model.js";
import type { HandlerTable } from "./types.js";
import { orNull } from "./types.js";

const ROLE_NAMES: ReadonlyMap<string, RoleName> = new Map(
  (["BRAND_ADMIN", "ISSUER", "RESALE_PARTNER", "REPAIRER", "TAG_ORACLE"] as const).map((name) => [
    id(`hallmark.role.${name}`),
    name,
  ]),
);

/** A role hash as its name (BrandRoles.sol), or the hash itself when unknown. */
export function roleName(roleHash: string): RoleName {
  return ROLE_NAMES.get(roleHash.toLowerCase()) ?? (roleHash.toLowerCase() as `0x${string}`);
}

export const registryHandlers: HandlerTable = {
  BrandRegistered({ tx, event, ref }) {
    const [brandId, name, metadataURI, admin, vault] = event.args as unknown as [
      bigint,
      string,
      string,
      string,
      string,
    ];
    tx.insertBrand({
      brandId: Number(brandId),
      name,
      metadataURI,
      admin,
      vault,
      royaltyReceiver: null,
      royaltyBps: 0,
      paused: false,
      pausedReason: null,
      registered: ref,
      tokenURIBase: null,
      garmentURIBase: null,
    });
  },
  BrandUpdated({ tx, event }) {
    const [brandId, name, metadataURI] = event.args as unknown as [bigint, string, string];
    tx.updateBrand(Number(brandId), { name, metadataURI });
  },
  BrandVaultChanged({ tx, event }) {
    const [brandId, vault] = event.args as unknown as [bigint, string];
    tx.updateBrand(Number(brandId), { vault });
  },
  BrandRoyaltyChanged({ tx, event }) {
    const [brandId, receiver, royaltyBps] = event.args as unknown as [bigint, string, bigint];
    tx.updateBrand(Number(brandId), { royaltyReceiver: orNull(receiver), royaltyBps: Number(royaltyBps) });
  },
  BrandRoleGranted({ tx, event, ref }) {
    const [brandId, role, account, sender] = event.args as unknown as [bigint, string, string, string];
    tx.grantRole({
      brandId: Number(brandId),
      role: roleName(role),
      account,
      grantedBy: sender,
      grantedAt: ref,
    });
  },
  BrandRoleRevoked({ tx, event, ref }) {
    const [brandId, role, account, sender] = event.args as unknown as [bigint, string, string, string];
    tx.revokeRole(Number(brandId), roleName(role), account, ref.blockNumber, sender);
  },
  BrandPaused({ tx, event }) {
    const [brandId, , reason] = event.args as unknown as [bigint, string, string];
    tx.updateBrand(Number(brandId), { paused: true, pausedReason: reason });
  },
  BrandUnpaused({ tx, event }) {
    const [brandId] = event.args as unknown as [bigint];
    tx.updateBrand(Number(brandId), { paused: false, pausedReason: null });
  },
  IssuerCompromised({ tx, event, ref }) {
    const [brandId, issuer, fromBlock, sender] = event.args as unknown as [bigint, string, bigint, string];
    tx.insertCompromise({
      ...ref,
      brandId: Number(brandId),
      issuer,
      fromBlock: Number(fromBlock),
      declaredBy: sender,
    });
    tx.appendEvent({
      type: "brand.compromise",
      blockNumber: ref.blockNumber,
      txHash: ref.txHash,
      timestamp: ref.timestamp,
      data: { brandId: Number(brandId), issuer, fromBlock: Number(fromBlock) },
    });
  },
};
