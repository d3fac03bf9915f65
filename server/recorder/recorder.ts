import type { LogRecord, NewRecord } from './incident-log';

/**
 * One incident's log as a store of records in one order, whatever holds it: the log file of
 * the embedded mode or PostgreSQL's `incident_records` (docs/architecture.md, "Recording").
 * `seq` numbers the records from 1; a record's `index` is its `seq`.
 *
 * The order is what several servers on one incident agree on: an append says after which record
 * it goes (`after`), and fails with {@link HeadMoved} when another writer appended in between;
 * the writer then reads what it missed, judges its change again against it and tries again.
 *
 * PostgreSQL implements it (`pg-recorder.ts`). The embedded mode's log file (`IncidentLog`, one
 * writer) is still used by the room directly; it moves behind this interface together with the
 * room's writes becoming asynchronous (issue #17).
 */
export interface IncidentRecorder {
  /** The sequence number of the last record known to this recorder (0: none). */
  readonly head: number;
  /**
   * The records from a checkpoint on: the last one when `skip` is 0, the one before when 1, and
   * so on. `complete` when there are not that many checkpoints: the records are then all of
   * them, from the first.
   */
  fromCheckpoint(skip: number): Promise<{ records: LogRecord[]; complete: boolean }>;
  /** Every record after `seq`, in order. */
  after(seq: number): Promise<LogRecord[]>;
  /** Appends records as the next ones after `after`, all or none; returns the new head. */
  append(records: readonly NewRecord[], after: number): Promise<number>;
  close(): Promise<void>;
}

/** Another writer appended after the record an append named: read on from `head` and try again. */
export class HeadMoved extends Error {
  override name = 'HeadMoved';

  constructor(readonly head: number) {
    super(`the log has moved on to record ${head}`);
  }
}
