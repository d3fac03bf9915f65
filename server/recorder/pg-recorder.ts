import type pg from 'pg';
import { RecordType, StorageError, type LogRecord, type NewRecord, type RecordKind } from './incident-log';
import { HeadMoved, type IncidentRecorder } from './recorder';

interface Row {
  seq: string;
  type: number;
  time: number;
  author: string;
  payload: Buffer;
}

const toRecord = (row: Row): LogRecord => ({
  type: row.type as RecordKind,
  time: row.time,
  user: row.author,
  payload: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
  index: Number(row.seq),
});

/** The sequence number of an incident's last record in the database (0: none). */
async function headOf(pool: pg.Pool, incidentId: string): Promise<number> {
  const { rows } = await pool.query<{ head: string | null }>('SELECT max(seq) AS head FROM incident_records WHERE incident_id = $1', [incidentId]);
  return Number(rows[0].head ?? 0);
}

// The primary key (incident_id, seq) refused an append: someone appended first.
const UNIQUE_VIOLATION = '23505';

function storageError(action: string, incidentId: string, error: unknown): StorageError {
  const e = error as { code?: string; message?: string };
  return new StorageError(`${action} the log of incident ${incidentId} in PostgreSQL failed: ${e.message ?? String(error)}`, e.code ?? 'EDB');
}

/**
 * An incident's log in PostgreSQL's `incident_records` (migration 002), in one order across
 * every server that writes it: an append takes the sequence numbers after the one it names, and
 * the primary key refuses it when another server took them first ({@link HeadMoved}). Every
 * record is committed before the append resolves, so "recorded before anyone sees it" holds
 * for whoever broadcasts only after that.
 */
export class PgRecorder implements IncidentRecorder {
  private last: number;

  private constructor(
    private readonly pool: pg.Pool,
    readonly incidentId: string,
    head: number,
  ) {
    this.last = head;
  }

  /** The recorder of one incident, knowing the log's head as it is now. Throws {@link StorageError}. */
  static async open(pool: pg.Pool, incidentId: string): Promise<PgRecorder> {
    try {
      return new PgRecorder(pool, incidentId, await headOf(pool, incidentId));
    } catch (error) {
      throw storageError('opening', incidentId, error);
    }
  }

  get head(): number {
    return this.last;
  }

  async fromCheckpoint(skip: number): Promise<{ records: LogRecord[]; complete: boolean }> {
    try {
      const { rows } = await this.pool.query<{ seq: string }>('SELECT seq FROM incident_records WHERE incident_id = $1 AND type = $2 ORDER BY seq DESC OFFSET $3 LIMIT 1', [this.incidentId, RecordType.checkpoint, skip]);
      if (rows.length === 0) return { records: await this.after(0), complete: true };
      return { records: await this.after(Number(rows[0].seq) - 1), complete: false };
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw storageError('reading', this.incidentId, error);
    }
  }

  async after(seq: number): Promise<LogRecord[]> {
    try {
      const { rows } = await this.pool.query<Row>('SELECT seq, type, time, author, payload FROM incident_records WHERE incident_id = $1 AND seq > $2 ORDER BY seq', [this.incidentId, seq]);
      const records = rows.map(toRecord);
      if (records.length > 0) this.last = Math.max(this.last, records[records.length - 1].index);
      return records;
    } catch (error) {
      throw storageError('reading', this.incidentId, error);
    }
  }

  async append(records: readonly NewRecord[], after: number): Promise<number> {
    if (records.length === 0) return after;
    const seqs = records.map((_, i) => after + 1 + i);
    try {
      // Only right after `after`: a writer that names a later record than the last would leave a
      // gap, one that names an earlier one collides with the records there.
      const inserted = await this.pool.query(
        `INSERT INTO incident_records (incident_id, seq, type, time, author, payload)
         SELECT $1, * FROM unnest($2::bigint[], $3::smallint[], $4::double precision[], $5::text[], $6::bytea[])
         WHERE (SELECT coalesce(max(seq), 0) FROM incident_records WHERE incident_id = $1) = $7`,
        [this.incidentId, seqs, records.map((r) => r.type), records.map((r) => r.time), records.map((r) => r.user), records.map((r) => Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength)), after],
      );
      if (inserted.rowCount !== records.length) throw new HeadMoved(await headOf(this.pool, this.incidentId));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new HeadMoved(await headOf(this.pool, this.incidentId).catch(() => after + 1));
      }
      if (error instanceof HeadMoved) throw error;
      throw storageError('appending to', this.incidentId, error);
    }
    this.last = Math.max(this.last, seqs[seqs.length - 1]);
    return this.last;
  }

  async close(): Promise<void> {
    // The pool is the server's; nothing of its own to release.
  }
}
