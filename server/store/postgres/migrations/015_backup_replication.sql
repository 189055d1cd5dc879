-- Backup copy replication records (#19; server/ipfs/backup): one row per root CID the store kept,
-- missing until the second IPFS store (a Kubo node or a pinning service) confirms it holds it.
-- Shared by the fleet: any verifier retries what another could not copy.
CREATE TABLE backup_replication (
  cid text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('replicated', 'missing')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  request_id text,
  first_seen_at bigint NOT NULL,
  last_attempt_at bigint,
  replicated_at bigint
);
CREATE INDEX backup_replication_missing ON backup_replication (state, last_attempt_at);
