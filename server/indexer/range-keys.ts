/**
 * The records a range's handlers may read or change, from its decoded events: the `keys` hint of
 * IndexWriter.applyBlockRange. A store that runs the handlers over rows held in memory
 * (PostgreSQL) loads these in a few bulk queries before the range instead of one query per event.
 * It mirrors what handlers/* read through IndexWriteTx; a key it misses costs that store a reload
 * and a re-run of the range, never a wrong answer, so it errs on the side of naming more.
 */
import type { ChainLog } from "../chain/reader.js";
import type { RangeKeys } from "../store/IndexStore.js";
import type { DecodedEvent } from "./decoder.js";
import type { EventHandler } from "./handlers/types.js";
import { brandOfToken, isZero } from "./handlers/types.js";

/** A log the indexer has a handler for, decoded. */
export interface DecodedLog {
  log: ChainLog;
  event: DecodedEvent;
  handler: EventHandler;
}

/** Events whose first argument is a brand id (BrandRegistry, and the URI base changes). */
const BRAND_EVENTS = new Set([
  "BrandRegistered",
  "BrandUpdated",
  "BrandVaultChanged",
  "BrandRoyaltyChanged",
  "BrandRoleGranted",
  "BrandRoleRevoked",
  "BrandPaused",
  "BrandUnpaused",
  "IssuerCompromised",
  "TokenURIBaseChanged",
  "URIBaseChanged",
]);

/** Certificate events: which arguments are token ids. Every address argument may be asked its roles. */
const TOKEN_ARGS: Readonly<Record<string, readonly number[]>> = {
  Transfer: [2],
  CertificateIssued: [0],
  MetadataDigestUpdated: [0],
  ChipBound: [0],
  ClaimKeySet: [0],
  ChipClaimsEnabled: [0],
  ClaimedWithCode: [0],
  ClaimedWithChip: [0],
  ClaimedWithTag: [0],
  StatusChanged: [0],
  ProvenanceRecorded: [0],
  CertificateSucceeded: [0, 1],
};

const isAddress = (value: unknown): value is string =>
  typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);

export function rangeKeys(events: readonly DecodedLog[]): RangeKeys {
  const tokenIds = new Set<string>();
  const brandIds = new Set<number>();
  const designIds = new Set<string>();
  const roles = new Map<string, { brandId: number; account: string }>();
  const balances = new Map<string, { designId: string; owner: string }>();
  const role = (brandId: number, account: string): void => {
    roles.set(`${brandId}:${account.toLowerCase()}`, { brandId, account });
  };
  const balance = (designId: string, owner: string): void => {
    if (!isZero(owner)) balances.set(`${designId}:${owner.toLowerCase()}`, { designId, owner });
  };
  for (const { event } of events) {
    const args = event.args;
    if (BRAND_EVENTS.has(event.name)) {
      const brandId = Number(args[0]);
      brandIds.add(brandId);
      if (event.name === "BrandRoleGranted" || event.name === "BrandRoleRevoked")
        role(brandId, args[2] as string);
      continue;
    }
    const tokenArgs = TOKEN_ARGS[event.name];
    if (tokenArgs !== undefined) {
      for (const i of tokenArgs) {
        const tokenId = args[i] as bigint;
        tokenIds.add(tokenId.toString());
        brandIds.add(brandOfToken(tokenId));
        for (const arg of args) if (isAddress(arg)) role(brandOfToken(tokenId), arg);
      }
      continue;
    }
    switch (event.name) {
      case "DesignCreated":
      case "DesignRoyaltySet":
        designIds.add((args[0] as bigint).toString());
        break;
      case "TransferSingle":
      case "TransferBatch": {
        const [, from, to, id] = args as [string, string, string, bigint | bigint[]];
        for (const designId of (Array.isArray(id) ? id : [id]).map(String)) {
          designIds.add(designId);
          balance(designId, from);
          balance(designId, to);
        }
        break;
      }
      case "TwinClaimed":
        designIds.add((args[0] as bigint).toString());
        tokenIds.add((args[1] as bigint).toString());
        break;
    }
  }
  return {
    tokenIds: [...tokenIds],
    brandIds: [...brandIds],
    designIds: [...designIds],
    roles: [...roles.values()],
    balances: [...balances.values()],
  };
}
