-- The registry, accounts, sessions, incidents, alerts, outbox and the rest of the Store's
-- collections (server/store/store.ts): each row as the domain types define it, as JSON, keyed by
-- collection and id. `seq` keeps the order rows were first written in, which is the order the
-- embedded store lists them in. `json`, not `jsonb`: the rows are read whole, never queried
-- inside, and `jsonb` refuses text holding U+0000, which a user's input may contain.
CREATE TABLE store_rows (
  collection text NOT NULL,
  id text NOT NULL,
  seq bigserial NOT NULL,
  data json NOT NULL,
  PRIMARY KEY (collection, id)
);

CREATE INDEX store_rows_in_order ON store_rows (collection, seq);
