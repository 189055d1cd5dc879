-- Mint jobs of the issuer API and their Idempotency-Keys (server/issuer/jobs/mint-job-records.ts):
-- a row per (brand, key), claimed before the request is validated, given its job when created. The
-- view is JSON text (json, not jsonb) so that it reads back with its fields in order.
CREATE TABLE mint_jobs (
  brand_id bigint NOT NULL,
  idempotency_key text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  request_hash text NOT NULL,
  id text UNIQUE,
  status text,
  view json,
  -- Epoch milliseconds of the last save by the verifier running the job.
  updated_at bigint NOT NULL,
  PRIMARY KEY (brand_id, idempotency_key)
);
CREATE INDEX mint_jobs_finished ON mint_jobs (seq) WHERE status IN ('succeeded', 'failed');
