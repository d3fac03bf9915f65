import { IncidentLog, RecordType, readLogFile, type LogRecord, type NewRecord } from './incident-log';

/**
 * One incident's log as a store of records in one order, whatever holds it: the log file of
 * the embedded mode or PostgreSQL's `incident_records` (docs/architecture.md, "Recording").
 * `seq` numbers the records from 1; a record's `index` is its `seq`.
 *
 * The order is what several servers on one incident agree on: an append says after which record
 * it goes (`after`), and fails with {@link HeadMoved} when another writer appended in between;
 * the writer then reads what it missed, judges its change again against it and tries again.
 *
 * Two implementations: the log file ({@link FileRecorder}) and PostgreSQL (`pg-recorder.ts`).
 * A room of the embedded mode writes its file through `IncidentLog` directly, synchronously; a
 * room on PostgreSQL judges and appends in {@link IncidentRecorder.turn}s.
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
  /**
   * One turn of the incident's order: while every other writer waits, `judge` gets the records
   * appended since {@link head} and returns what to append behind them (all or none). What a
   * room judges in its turn is judged against everything recorded before it, whichever server
   * recorded that. Resolves with the new head once the records are committed; throws
   * {@link StorageError}, with nothing appended, when the log cannot be written.
   */
  turn(judge: (missed: LogRecord[]) => readonly NewRecord[]): Promise<number>;
  /** Appends records at the end, whatever is there (server events of an incident not loaded here). */
  appendAtEnd(records: readonly NewRecord[]): Promise<number>;
  /**
   * The records up to `head` were had another way (another server's bus message carried them):
   * {@link head}, and with it the next read and turn, moves on past them.
   */
  passed(head: number): void;
  close(): Promise<void>;
}

/** Another writer appended after the record an append named: read on from `head` and try again. */
export class HeadMoved extends Error {
  override name = 'HeadMoved';

  constructor(readonly head: number) {
    super(`the log has moved on to record ${head}`);
  }
}

/**
 * The log file of the embedded mode behind the same interface (one writer: this process).
 * Sequence numbers are the records' places in the file, from 1; opening counts them, so this
 * reads the whole file. A room reads only the end of its log instead (`readLogTail`); this is
 * for the tools that take a whole log (the copy into PostgreSQL) and for the room once its writes
 * go through a recorder.
 */
export class FileRecorder implements IncidentRecorder {
  private constructor(
    private readonly file: string,
    private readonly log: IncidentLog,
    private count: number,
  ) {}

  /** Opens (or creates) a log file; a torn last record is moved aside as {@link IncidentLog.open} does. Throws {@link StorageError}. */
  static open(file: string, warn: (message: string) => void): FileRecorder {
    const { log, records } = IncidentLog.open(file, warn);
    return new FileRecorder(file, log, records.length);
  }

  get head(): number {
    return this.count;
  }

  async fromCheckpoint(skip: number): Promise<{ records: LogRecord[]; complete: boolean }> {
    const all = await this.after(0);
    for (let i = all.length - 1, seen = 0; i >= 0; i--) {
      if (all[i].type === RecordType.checkpoint && seen++ === skip) return { records: all.slice(i), complete: false };
    }
    return { records: all, complete: true };
  }

  async after(seq: number): Promise<LogRecord[]> {
    return readLogFile(this.file)
      .records.map((r, i) => ({ ...r, index: i + 1 }))
      .slice(seq);
  }

  async append(records: readonly NewRecord[], after: number): Promise<number> {
    if (after !== this.count) throw new HeadMoved(this.count);
    this.log.appendAll(records);
    this.count += records.length;
    return this.count;
  }

  async turn(judge: (missed: LogRecord[]) => readonly NewRecord[]): Promise<number> {
    // This process is the file's one writer: nobody appended in between.
    return this.append(judge([]), this.count);
  }

  async appendAtEnd(records: readonly NewRecord[]): Promise<number> {
    return this.append(records, this.count);
  }

  passed(): void {
    // This process is the file's one writer: its head is the file's end, never behind.
  }

  async close(): Promise<void> {
    this.log.close();
  }
}
