-- A typed claim code is looked up by the address of the key it yields (server/web, "Register your
-- piece"): only open keys are indexed, as a claimed or withdrawn certificate has none.
CREATE INDEX certificates_claim_key ON hallmark_index.certificates (claim_key) WHERE claim_key IS NOT NULL;
