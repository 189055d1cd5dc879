/**
 * Row writes of one sqlite index: the IndexWriteTx the indexer's handlers write through during an
 * applied range (every change journaled by journal.ts), and the store's own bookkeeping writes
 * (kept headers, the reorg feed entry, wiping). Called inside a transaction of the connection.
 */
import { checksumAddress as getAddress } from "../address.js";
import type { BlockRef, IndexWriteTx } from "../IndexStore.js";
import type { RoleName } from "../model.js";
import type { Row, SqliteConnection } from "./connection.js";
import type { Journal } from "./journal.js";
import type { SqliteReads } from "./reads.js";
import { certificateFromRow, certificateToRow, checksum, lc, num, provenanceToRow, str } from "./rows.js";
import { DATA_TABLES } from "./schema.js";
import { INDEXED_META_KEYS } from "./status.js";

/** Keeps the headers of an applied range (for reorg detection). */
export function storeBlocks(conn: SqliteConnection, blocks: readonly BlockRef[]): void {
  for (const block of blocks) {
    conn.run(
      "INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp",
      block.number,
      block.hash.toLowerCase(),
      block.parentHash.toLowerCase(),
      block.timestamp,
    );
  }
}

/** Forgets kept headers below `blockNumber`, but the newest one below it (so a fork point can always be named). */
export function pruneBlocks(conn: SqliteConnection, blockNumber: number): void {
  conn.run(
    "DELETE FROM blocks WHERE number < ? AND number < (SELECT COALESCE(MAX(number), 0) FROM blocks WHERE number < ?)",
    blockNumber,
    blockNumber,
  );
}

/** Drops kept headers above `blockNumber` (rolled back). */
export function dropBlocksAbove(conn: SqliteConnection, blockNumber: number): void {
  conn.run("DELETE FROM blocks WHERE number > ?", blockNumber);
}

/** The "index.reorg" change feed entry of a rollback or a rebuild. */
export function appendReorgEvent(
  conn: SqliteConnection,
  rolledBackTo: number,
  previousBlock: number | null,
  rebuild: boolean,
): void {
  conn.run(
    "INSERT INTO events (type, block_number, tx_hash, timestamp, data) VALUES (?, ?, NULL, NULL, ?)",
    "index.reorg",
    Math.max(0, rolledBackTo),
    JSON.stringify({ rolledBackTo, previousBlock, rebuild }),
  );
}

/** Deletes every indexed record and the indexed meta keys; the identity and the event id sequence stay. */
export function wipe(conn: SqliteConnection, journal: Journal): void {
  journal.markChanged();
  for (const table of DATA_TABLES) conn.run(`DELETE FROM ${table}`);
  for (const key of INDEXED_META_KEYS) conn.setMeta(key, null);
}

/** The writes of one applied range. */
export function createWriteTx(conn: SqliteConnection, journal: Journal, reads: SqliteReads): IndexWriteTx {
  // Roles are asked for nearly every event and change rarely: cached for the range.
  const roleCache = new Map<string, RoleName[]>();
  return {
    beginBlock(blockNumber: number): void {
      journal.currentBlock = blockNumber;
    },
    getBrand: (brandId) => reads.getBrand(brandId),
    insertBrand(brand): void {
      journal.insert("brands", {
        brand_id: brand.brandId,
        name: brand.name,
        metadata_uri: brand.metadataURI,
        admin: getAddress(brand.admin),
        vault: getAddress(brand.vault),
        vault_lc: lc(brand.vault),
        royalty_receiver: checksum(brand.royaltyReceiver),
        royalty_bps: brand.royaltyBps,
        paused: brand.paused ? 1 : 0,
        paused_reason: brand.pausedReason,
        registered: JSON.stringify(brand.registered),
        token_uri_base: brand.tokenURIBase,
        garment_uri_base: brand.garmentURIBase,
      });
    },
    updateBrand(brandId, patch): void {
      const row: Row = {};
      if (patch.name !== undefined) row.name = patch.name;
      if (patch.metadataURI !== undefined) row.metadata_uri = patch.metadataURI;
      if (patch.admin !== undefined) row.admin = getAddress(patch.admin);
      if (patch.vault !== undefined) {
        row.vault = getAddress(patch.vault);
        row.vault_lc = lc(patch.vault);
      }
      if (patch.royaltyReceiver !== undefined) row.royalty_receiver = checksum(patch.royaltyReceiver);
      if (patch.royaltyBps !== undefined) row.royalty_bps = patch.royaltyBps;
      if (patch.paused !== undefined) row.paused = patch.paused ? 1 : 0;
      if (patch.pausedReason !== undefined) row.paused_reason = patch.pausedReason;
      if (patch.tokenURIBase !== undefined) row.token_uri_base = patch.tokenURIBase;
      if (patch.garmentURIBase !== undefined) row.garment_uri_base = patch.garmentURIBase;
      journal.update("brands", [brandId], row);
    },
    grantRole(grant): void {
      roleCache.clear();
      journal.insert("role_grants", {
        brand_id: grant.brandId,
        role: grant.role,
        account: getAddress(grant.account),
        account_lc: lc(grant.account),
        granted_by: getAddress(grant.grantedBy),
        granted_block: grant.grantedAt.blockNumber,
        granted_at: JSON.stringify(grant.grantedAt),
      });
    },
    revokeRole(brandId, role, account, atBlock, by): void {
      roleCache.clear();
      const open = conn.all(
        "SELECT id FROM role_grants WHERE brand_id = ? AND account_lc = ? AND role = ? AND revoked_block IS NULL",
        brandId,
        lc(account),
        role,
      );
      for (const r of open)
        journal.update("role_grants", [num(r.id)], { revoked_block: atBlock, revoked_by: getAddress(by) });
    },
    rolesOf(brandId, account): RoleName[] {
      const key = `${brandId}:${lc(account)}`;
      let roles = roleCache.get(key);
      if (roles === undefined) {
        roles = reads.rolesOf(brandId, account);
        roleCache.set(key, roles);
      }
      return [...roles];
    },
    insertCompromise(c): void {
      journal.insert("compromises", {
        block_number: c.blockNumber,
        log_index: c.logIndex,
        brand_id: c.brandId,
        issuer: getAddress(c.issuer),
        from_block: c.fromBlock,
        declared_by: getAddress(c.declaredBy),
        block_hash: c.blockHash,
        tx_hash: c.txHash,
        timestamp: c.timestamp,
      });
    },
    getCertificate(tokenId) {
      const row = conn.get("SELECT * FROM certificates WHERE token_id = ?", tokenId);
      if (row === undefined) return null;
      const { inBrandCustody: _ignored, ...rest } = certificateFromRow(row);
      return rest;
    },
    insertCertificate(certificate): void {
      journal.insert("certificates", certificateToRow(certificate));
    },
    updateCertificate(tokenId, patch): void {
      journal.update("certificates", [tokenId], certificateToRow(patch));
    },
    insertProvenance(entry): number {
      return journal.insert("provenance", provenanceToRow(entry));
    },
    updateProvenance(id, patch): void {
      journal.update("provenance", [id], provenanceToRow(patch));
    },
    getDesign: (designId) => reads.getDesign(designId),
    insertDesign(d): void {
      journal.insert("designs", {
        design_id: d.designId,
        brand_id: d.brandId,
        creator: getAddress(d.creator),
        max_supply: d.maxSupply,
        minted: d.minted,
        burned: d.burned,
        closes_at: d.closesAt,
        locked: d.locked ? 1 : 0,
        redeemable: d.redeemable ? 1 : 0,
        royalty_receiver: checksum(d.royaltyReceiver),
        royalty_bps: d.royaltyBps,
        metadata_digest: d.metadataDigest,
        twin_collection_root: d.twinCollectionRoot,
        created_block: d.created.blockNumber,
        created_log: d.created.logIndex,
        created_at: JSON.stringify(d.created),
      });
    },
    updateDesign(designId, patch): void {
      const row: Row = {};
      if (patch.minted !== undefined) row.minted = patch.minted;
      if (patch.burned !== undefined) row.burned = patch.burned;
      if (patch.royaltyReceiver !== undefined) row.royalty_receiver = checksum(patch.royaltyReceiver);
      if (patch.royaltyBps !== undefined) row.royalty_bps = patch.royaltyBps;
      journal.update("designs", [designId], row);
    },
    addGarmentBalance(designId, brandId, owner, delta, atBlock): void {
      if (delta === 0n) return;
      const key = lc(owner);
      const row = conn.get(
        "SELECT balance FROM garment_balances WHERE design_id = ? AND owner_lc = ?",
        designId,
        key,
      );
      const balance = (row === undefined ? 0n : BigInt(str(row.balance))) + delta;
      if (balance < 0n) throw new Error(`negative garment balance of ${owner} for design ${designId}`);
      if (balance === 0n) {
        if (row !== undefined) journal.remove("garment_balances", [designId, key]);
      } else if (row === undefined) {
        const order = conn.get(
          "SELECT created_block, created_log FROM designs WHERE design_id = ?",
          designId,
        );
        journal.insert("garment_balances", {
          design_id: designId,
          owner_lc: key,
          owner: getAddress(owner),
          brand_id: brandId,
          balance: balance.toString(),
          // Designs are listed in creation order: (block, log) packed into one sortable integer.
          design_order:
            order === undefined ? 0 : num(order.created_block) * 1_000_000 + num(order.created_log),
          updated_block: atBlock,
        });
      } else {
        journal.update("garment_balances", [designId, key], {
          balance: balance.toString(),
          updated_block: atBlock,
        });
      }
    },
    insertTwinClaim(claim): void {
      journal.insert("twin_claims", {
        design_id: claim.designId,
        certificate_id: claim.certificateId,
        owner: getAddress(claim.owner),
        block_number: claim.blockNumber,
        block_hash: claim.blockHash,
        tx_hash: claim.txHash,
        log_index: claim.logIndex,
        timestamp: claim.timestamp,
      });
    },
    appendEvent(event): void {
      journal.insert("events", {
        type: event.type,
        block_number: event.blockNumber,
        tx_hash: event.txHash,
        timestamp: event.timestamp,
        data: JSON.stringify(event.data),
      });
    },
  };
}
