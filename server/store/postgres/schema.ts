/**
 * The index's tables as the PostgreSQL store's code sees them (the DDL is in
 * migrations/010_index_schema.sql): columns with their types, for the multi-row statements that
 * bind one array per column (`unnest($1::bigint[], $2::text[], ...)`), and the primary keys the
 * journal and the working set address rows by. Mirrors server/store/sqlite/schema.ts.
 */

/** The served index's schema, and the one a rebuild is made in beside it. */
export const SERVED_SCHEMA = "hallmark_index";
export const REBUILD_SCHEMA = "hallmark_index_rebuild";

export type ColumnType = "bigint" | "integer" | "smallint" | "text";

export interface TableSpec {
  columns: Readonly<Record<string, ColumnType>>;
  primaryKey: readonly string[];
  /** The identity column whose ids the writer assigns itself (then moves the sequence past them). */
  identity?: string;
}

export const TABLES: Readonly<Record<string, TableSpec>> = {
  brands: {
    primaryKey: ["brand_id"],
    columns: {
      brand_id: "bigint",
      name: "text",
      metadata_uri: "text",
      admin: "text",
      vault: "text",
      vault_lc: "text",
      royalty_receiver: "text",
      royalty_bps: "integer",
      paused: "smallint",
      paused_reason: "text",
      registered: "text",
      token_uri_base: "text",
      garment_uri_base: "text",
    },
  },
  role_grants: {
    primaryKey: ["id"],
    identity: "id",
    columns: {
      id: "bigint",
      brand_id: "bigint",
      role: "text",
      account: "text",
      account_lc: "text",
      granted_by: "text",
      granted_block: "bigint",
      granted_at: "text",
      revoked_block: "bigint",
      revoked_by: "text",
    },
  },
  compromises: {
    primaryKey: ["block_number", "log_index"],
    columns: {
      block_number: "bigint",
      log_index: "integer",
      brand_id: "bigint",
      issuer: "text",
      from_block: "bigint",
      declared_by: "text",
      block_hash: "text",
      tx_hash: "text",
      timestamp: "bigint",
    },
  },
  certificates: {
    primaryKey: ["token_id"],
    columns: {
      token_id: "text",
      brand_id: "bigint",
      owner: "text",
      owner_lc: "text",
      status: "text",
      status_reason: "text",
      status_changed_at: "text",
      metadata_digest: "text",
      metadata_updated_by: "text",
      metadata_updated_block: "bigint",
      issuer: "text",
      issued_block: "bigint",
      issued_log: "integer",
      issued_hash: "text",
      issued_tx: "text",
      issued_time: "bigint",
      chip: "text",
      claim_key: "text",
      chip_claims_enabled: "smallint",
      successor_id: "text",
      predecessor_id: "text",
      updated_block: "bigint",
    },
  },
  provenance: {
    primaryKey: ["id"],
    identity: "id",
    columns: {
      id: "bigint",
      token_id: "text",
      kind: "text",
      actor: "text",
      actor_roles: "text",
      from_addr: "text",
      to_addr: "text",
      details_digest: "text",
      condition_grade: "integer",
      reason: "text",
      related_token_id: "text",
      block_number: "bigint",
      block_hash: "text",
      tx_hash: "text",
      log_index: "integer",
      timestamp: "bigint",
    },
  },
  designs: {
    primaryKey: ["design_id"],
    columns: {
      design_id: "text",
      brand_id: "bigint",
      creator: "text",
      max_supply: "bigint",
      minted: "bigint",
      burned: "bigint",
      closes_at: "bigint",
      locked: "smallint",
      redeemable: "smallint",
      royalty_receiver: "text",
      royalty_bps: "integer",
      metadata_digest: "text",
      twin_collection_root: "text",
      created_block: "bigint",
      created_log: "integer",
      created_at: "text",
    },
  },
  garment_balances: {
    primaryKey: ["design_id", "owner_lc"],
    columns: {
      design_id: "text",
      owner_lc: "text",
      owner: "text",
      brand_id: "bigint",
      balance: "text",
      design_order: "bigint",
      updated_block: "bigint",
    },
  },
  twin_claims: {
    primaryKey: ["design_id", "certificate_id"],
    columns: {
      design_id: "text",
      certificate_id: "text",
      owner: "text",
      block_number: "bigint",
      block_hash: "text",
      tx_hash: "text",
      log_index: "integer",
      timestamp: "bigint",
    },
  },
  events: {
    primaryKey: ["id"],
    identity: "id",
    columns: {
      id: "bigint",
      type: "text",
      block_number: "bigint",
      tx_hash: "text",
      timestamp: "bigint",
      data: "text",
    },
  },
};

/** Tables holding indexed data (wiped on identity change or reset); `meta` stays. As sqlite's DATA_TABLES. */
export const DATA_TABLES = [
  "blocks",
  "undo_log",
  "brands",
  "role_grants",
  "compromises",
  "certificates",
  "provenance",
  "designs",
  "garment_balances",
  "twin_claims",
  "events",
] as const;

/** Every table of the index schema (what a rebuild recreates beside it). */
export const ALL_TABLES = ["meta", ...DATA_TABLES] as const;
