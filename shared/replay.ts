import * as Y from 'yjs';

/** One record of a recorded session, as replay needs it: an update (v1), or a checkpoint's whole state (v2). */
export interface ReplayRecord {
  /** Server time, ms since the epoch. */
  time: number;
  kind: 'update' | 'checkpoint';
  payload: Uint8Array;
}

/** Index of the last element whose time is ≤ t, or -1 (times are non-decreasing). */
export function lastAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The state of a recorded document at any time: the nearest checkpoint before T plus the updates
 * after it up to T. Pure: it only reads the records it is given.
 */
export class Replay {
  private readonly records: ReplayRecord[] = [];
  private readonly times: number[] = [];
  private readonly checkpoints: number[] = [];

  constructor(records: readonly ReplayRecord[] = []) {
    this.append(records);
  }

  /** Takes further records of the same session (a running incident's log grows). */
  append(records: readonly ReplayRecord[]): void {
    for (const record of records) {
      if (record.kind === 'checkpoint') this.checkpoints.push(this.records.length);
      this.records.push(record);
      this.times.push(record.time);
    }
  }

  /** Time of the first and the last record (0 when empty). */
  get span(): { start: number; end: number } {
    return { start: this.times[0] ?? 0, end: this.times[this.times.length - 1] ?? 0 };
  }

  /** The document as it was at time `t` (ms). */
  stateAt(t: number): Y.Doc {
    const doc = new Y.Doc();
    const last = lastAtOrBefore(this.times, t);
    if (last < 0) return doc;
    let from = 0;
    const checkpoint = this.checkpoints[lastAtOrBefore(this.checkpoints, last)];
    if (checkpoint !== undefined) {
      Y.applyUpdateV2(doc, this.records[checkpoint].payload);
      from = checkpoint + 1;
    }
    for (let i = from; i <= last; i++) if (this.records[i].kind === 'update') Y.applyUpdate(doc, this.records[i].payload);
    return doc;
  }
}
