-- Each incident's log (server/recorder/recorder.ts): accepted Yjs updates, checkpoints and JSON
-- events, in one order per incident. `seq` is that order: an append names the sequence numbers
-- it takes, so two servers appending after the same record cannot both succeed (the primary
-- key refuses the second), and the one refused reads what it missed before it tries again.
CREATE TABLE incident_records (
  incident_id text NOT NULL,
  seq bigint NOT NULL,
  -- 1 update (Yjs v1), 2 checkpoint, 3 event: RecordType in server/recorder/incident-log.ts
  type smallint NOT NULL CHECK (type IN (1, 2, 3)),
  -- Server time, milliseconds since the epoch.
  time double precision NOT NULL,
  author text NOT NULL,
  payload bytea NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

-- Opening a room reads from the last checkpoint on.
CREATE INDEX incident_records_checkpoints ON incident_records (incident_id, seq) WHERE type = 2;
