-- Issuer API keys (only sha256 of the secret) and the audit trail of every issuer API call
-- (server/issuer/auth/), shared by the CLI and every verifier when a database is configured.
CREATE TABLE issuer_api_keys (
  id text PRIMARY KEY,
  brand_id bigint NOT NULL,
  scopes text NOT NULL,
  label text NOT NULL DEFAULT '',
  secret_sha256 text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX issuer_api_keys_by_brand ON issuer_api_keys (brand_id, created_at, id);

CREATE TABLE issuer_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  key_id text,
  brand_id bigint,
  action text NOT NULL,
  target text,
  status integer NOT NULL,
  outcome text NOT NULL,
  detail text
);
CREATE INDEX issuer_audit_by_brand ON issuer_audit (brand_id, id);
