-- NTAG 424 tap counters (server/tags/tap-counters.ts): the last SDM read counter each verifier of
-- the fleet has accepted per tag. A tap is fresh only when its counter is above last_counter; the
-- conditional upsert in server/store/postgres/tap-counters.ts makes that one atomic statement.
CREATE TABLE tag_counters (
  brand_id bigint NOT NULL,
  uid text NOT NULL,
  last_counter integer NOT NULL,
  taps bigint NOT NULL,
  last_tap_at bigint NOT NULL,
  PRIMARY KEY (brand_id, uid)
);
