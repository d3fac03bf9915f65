-- The registry, accounts, sessions, incidents, alerts, outbox and the rest of the Store's
-- collections (server/store/store.ts): each row as the domain types define it, as JSON, keyed by
-- collection and id. `seq` keeps the order rows were first written in, which is the order the
-- embedded store lists them in.
CREATE TABLE store_rows (
  collection text NOT NULL,
  id text NOT NULL,
  seq bigserial NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (collection, id)
);

CREATE INDEX store_rows_in_order ON store_rows (collection, seq);
