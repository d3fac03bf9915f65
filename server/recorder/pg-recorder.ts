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
async function headOf(pool: pg.Pool | pg.PoolClient, incidentId: string): Promise<number> {
  const { rows } = await pool.query<{ head: string | null }>('SELECT max(seq) AS head FROM incident_records WHERE incident_id = $1', [incidentId]);
  return Number(rows[0].head ?? 0);
}

// The lock of an incident's order (two keys: apart from the one-key locks of migrations and of
// the one-server mode); the second key is the incident id's hash.
const ORDER_LOCK = 7_441_031;

// The primary key (incident_id, seq) refused an append: someone appended first.
const UNIQUE_VIOLATION = '23505';

/** What the judge of a turn threw: its own error, not the database's. */
class JudgeFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('the judge of a turn failed');
  }
}

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
/** The bytes of an incident's records (payloads) in the database: what its log takes there. */
export async function pgLogBytes(pool: pg.Pool, incidentId: string): Promise<number> {
  const { rows } = await pool.query<{ bytes: string | null }>('SELECT sum(octet_length(payload)) AS bytes FROM incident_records WHERE incident_id = $1', [incidentId]);
  return Number(rows[0]?.bytes ?? 0);
}

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

  /** A recorder for appending at the end only ({@link appendAtEnd}): it does not ask for the head first. */
  static atEnd(pool: pg.Pool, incidentId: string): PgRecorder {
    return new PgRecorder(pool, incidentId, 0);
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
    try {
      await this.insert(this.pool, records, after);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new HeadMoved(await headOf(this.pool, this.incidentId).catch(() => after + 1));
      }
      if (error instanceof HeadMoved) throw error;
      throw storageError('appending to', this.incidentId, error);
    }
    this.last = Math.max(this.last, after + records.length);
    return this.last;
  }

  async turn(judge: (missed: LogRecord[]) => readonly NewRecord[]): Promise<number> {
    return this.holdingOrder(async (client) => {
      // The lock and the records missed in one round trip: the simple protocol takes several
      // statements, with the values written in (the id quoted by the driver, the head a number).
      const id = client.escapeLiteral(this.incidentId);
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${ORDER_LOCK}, hashtext(${id})); SELECT seq, type, time, author, payload FROM incident_records WHERE incident_id = ${id} AND seq > ${Math.trunc(this.last)} ORDER BY seq`,
      )) as unknown as pg.QueryResult<Row>[];
      const missed = results[2].rows.map(toRecord);
      if (missed.length > 0) this.last = missed[missed.length - 1].index;
      let records: readonly NewRecord[];
      try {
        records = judge(missed);
      } catch (error) {
        throw new JudgeFailed(error);
      }
      if (records.length > 0) await this.insert(client, records, this.last);
      await client.query('COMMIT');
      this.last += records.length;
      return this.last;
    });
  }

  passed(head: number): void {
    this.last = Math.max(this.last, head);
  }

  async appendAtEnd(records: readonly NewRecord[]): Promise<number> {
    return this.holdingOrder(async (client) => {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${ORDER_LOCK}, hashtext(${client.escapeLiteral(this.incidentId)}))`);
      const head = await headOf(client, this.incidentId);
      await this.insert(client, records, head);
      await client.query('COMMIT');
      this.last = Math.max(this.last, head + records.length);
      return head + records.length;
    });
  }

  /**
   * Runs `work` on a connection of its own, inside a transaction it opens and holding the
   * incident's order lock. Whatever fails rolls the transaction back, so nothing is half
   * appended; a connection that broke is dropped from the pool instead of reused.
   */
  private async holdingOrder<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw storageError('appending to', this.incidentId, error);
    }
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      const broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      client.release(broken);
      if (error instanceof JudgeFailed) throw error.cause;
      if (error instanceof StorageError || error instanceof HeadMoved) throw error;
      throw storageError('appending to', this.incidentId, error);
    }
  }

  /** Inserts records as the ones right after `after` (see {@link append}); HeadMoved when they are not. */
  private async insert(client: pg.PoolClient | pg.Pool, records: readonly NewRecord[], after: number): Promise<void> {
    const seqs = records.map((_, i) => after + 1 + i);
    const inserted = await client.query(
      `INSERT INTO incident_records (incident_id, seq, type, time, author, payload)
       SELECT $1, * FROM unnest($2::bigint[], $3::smallint[], $4::double precision[], $5::text[], $6::bytea[])
       WHERE (SELECT coalesce(max(seq), 0) FROM incident_records WHERE incident_id = $1) = $7`,
      [this.incidentId, seqs, records.map((r) => r.type), records.map((r) => r.time), records.map((r) => r.user), records.map((r) => Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength)), after],
    );
    if (inserted.rowCount !== records.length) throw new HeadMoved(await headOf(client, this.incidentId));
  }

  async close(): Promise<void> {
    // The pool is the server's; nothing of its own to release.
  }
}
