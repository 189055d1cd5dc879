-- Ownership and chip challenges (server/verification/challenge-store.ts), shared by every verifier:
-- a challenge made on one instance is read and answered on another. Times are epoch milliseconds
-- (the store compares them with the database's clock, one clock for the fleet). Payload and outcome
-- are JSON text (json, not jsonb), so an answer built from them keeps its key order.
CREATE TABLE challenges (
  kind text NOT NULL,
  id text NOT NULL,
  -- Issue order, for "the client's oldest" and "the oldest of the largest client".
  seq bigint GENERATED ALWAYS AS IDENTITY,
  client text NOT NULL,
  payload json NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'in_use', 'used')),
  outcome json,
  -- When a verification took it: a take by a verifier that died before deciding is given up after a while.
  taken_at bigint,
  issued_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX challenges_by_client ON challenges (kind, client, seq);
CREATE INDEX challenges_by_expiry ON challenges (kind, expires_at);
