/**
 * Migrations of the sqlite index, applied in order; `schema_version` holds how many ran. The index
 * is derived data: a migration may also simply drop and recreate tables (the indexer rebuilds).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Headers kept for reorg detection (blocks with logs and range ends, within the reorg window).
  CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    timestamp INTEGER NOT NULL
  );

  -- Before-images of rows changed by reversible ranges; rollbackTo replays them backwards.
  CREATE TABLE undo_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    block_number INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    before TEXT
  );
  CREATE INDEX undo_log_block ON undo_log (block_number);

  CREATE TABLE brands (
    brand_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    metadata_uri TEXT NOT NULL,
    admin TEXT NOT NULL,
    vault TEXT NOT NULL,
    vault_lc TEXT NOT NULL,
    royalty_receiver TEXT,
    royalty_bps INTEGER NOT NULL,
    paused INTEGER NOT NULL,
    paused_reason TEXT,
    registered TEXT NOT NULL,
    token_uri_base TEXT,
    garment_uri_base TEXT
  );

  CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    account TEXT NOT NULL,
    account_lc TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_block INTEGER NOT NULL,
    granted_at TEXT NOT NULL,
    revoked_block INTEGER,
    revoked_by TEXT
  );
  CREATE INDEX role_grants_account ON role_grants (brand_id, account_lc, granted_block);
  CREATE INDEX role_grants_open ON role_grants (brand_id, revoked_block, id);

  CREATE TABLE compromises (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    brand_id INTEGER NOT NULL,
    issuer TEXT NOT NULL,
    from_block INTEGER NOT NULL,
    declared_by TEXT NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (block_number, log_index)
  );
  CREATE INDEX compromises_brand ON compromises (brand_id, block_number, log_index);

  CREATE TABLE certificates (
    token_id TEXT PRIMARY KEY,
    brand_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    owner_lc TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    status_changed_at TEXT,
    metadata_digest TEXT NOT NULL,
    metadata_updated_by TEXT NOT NULL,
    metadata_updated_block INTEGER NOT NULL,
    issuer TEXT NOT NULL,
    issued_block INTEGER NOT NULL,
    issued_log INTEGER NOT NULL,
    issued_hash TEXT NOT NULL,
    issued_tx TEXT NOT NULL,
    issued_time INTEGER NOT NULL,
    chip TEXT,
    claim_key TEXT,
    chip_claims_enabled INTEGER NOT NULL,
    successor_id TEXT,
    predecessor_id TEXT,
    updated_block INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX certificates_order ON certificates (issued_block, issued_log);
  CREATE INDEX certificates_brand ON certificates (brand_id, issued_block, issued_log);
  CREATE INDEX certificates_owner ON certificates (owner_lc, issued_block, issued_log);
  CREATE INDEX certificates_status ON certificates (status, issued_block, issued_log);
  CREATE INDEX certificates_brand_status ON certificates (brand_id, status, issued_block, issued_log);

  CREATE TABLE provenance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,
    actor_roles TEXT NOT NULL,
    from_addr TEXT,
    to_addr TEXT,
    details_digest TEXT,
    condition_grade INTEGER,
    reason TEXT,
    related_token_id TEXT,
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    timestamp INTEGER NOT NULL
  );
  CREATE INDEX provenance_token ON provenance (token_id, id);

  CREATE TABLE designs (
    design_id TEXT PRIMARY KEY,
    brand_id INTEGER NOT NULL,
    creator TEXT NOT NULL,
    max_supply INTEGER NOT NULL,
    minted INTEGER NOT NULL,
    burned INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    locked INTEGER NOT NULL,
    redeemable INTEGER NOT NULL,
    royalty_receiver TEXT,
    royalty_bps INTEGER NOT NULL,
    metadata_digest TEXT NOT NULL,
    twin_collection_root TEXT,
    created_block INTEGER NOT NULL,
    created_log INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX designs_order ON designs (created_block, created_log);
  CREATE INDEX designs_brand ON designs (brand_id, created_block, created_log);

  CREATE TABLE garment_balances (
    design_id TEXT NOT NULL,
    owner_lc TEXT NOT NULL,
    owner TEXT NOT NULL,
    brand_id INTEGER NOT NULL,
    balance TEXT NOT NULL,
    design_order INTEGER NOT NULL,
    updated_block INTEGER NOT NULL,
    PRIMARY KEY (design_id, owner_lc)
  );
  CREATE INDEX garment_balances_owner ON garment_balances (owner_lc, design_order, design_id);

  CREATE TABLE twin_claims (
    design_id TEXT NOT NULL,
    certificate_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (design_id, certificate_id)
  );
  CREATE INDEX twin_claims_certificate ON twin_claims (certificate_id);
  CREATE INDEX twin_claims_design_order ON twin_claims (design_id, block_number, log_index);

  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    tx_hash TEXT,
    timestamp INTEGER,
    data TEXT NOT NULL
  );
  `,
  // A typed claim code is looked up by its key's address; only open keys are indexed.
  `CREATE INDEX certificates_claim_key ON certificates (claim_key) WHERE claim_key IS NOT NULL;`,
];

/** Tables holding indexed data (wiped on identity change or reset); `meta` and `schema_version` stay. */
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

/** Primary key columns of each journaled table. */
export const PRIMARY_KEYS: Record<string, readonly string[]> = {
  brands: ["brand_id"],
  role_grants: ["id"],
  compromises: ["block_number", "log_index"],
  certificates: ["token_id"],
  provenance: ["id"],
  designs: ["design_id"],
  garment_balances: ["design_id", "owner_lc"],
  twin_claims: ["design_id", "certificate_id"],
  events: ["id"],
};
