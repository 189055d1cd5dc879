-- The claim relay's in-flight locks (server/issuer/claim-relay-locks.ts): one relayed claim per
-- certificate at a time across the fleet. A row is a held lock; it expires (epoch milliseconds,
-- the database's clock) so that a holder killed while holding it does not block the claim for ever.
CREATE TABLE claim_relay_locks (
  token_id text PRIMARY KEY,
  holder text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX claim_relay_locks_by_expiry ON claim_relay_locks (expires_at);
