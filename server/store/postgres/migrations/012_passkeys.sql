-- Passkey accounts (#17, server/passkeys/). Registered passkeys: credential id -> P-256 public key and the
-- account its factory address is; public data only, so a phone finds its account from the credential id.
CREATE TABLE passkey_credentials (
  credential_id text PRIMARY KEY,
  qx text NOT NULL,
  qy text NOT NULL,
  account text NOT NULL,
  registered_at bigint NOT NULL
);
-- The user operations being relayed (server/passkeys/operation-locks.ts): one relay per operation hash
-- across the fleet, so the same signed operation sent twice to two verifiers is one transaction and a 409.
-- Times are epoch milliseconds; a row outlives a holder that died by its expiry.
CREATE TABLE user_operation_locks (
  op_hash text PRIMARY KEY,
  holder text NOT NULL,
  expires_at bigint NOT NULL
);
