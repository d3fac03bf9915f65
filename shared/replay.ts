import * as Y from 'yjs';

/** One record of a recorded session, as replay needs it: an update (v1), or a checkpoint's whole state (v2). */
export interface ReplayRecord {
  /** Server time, ms since the epoch. */
  time: number;
  kind: 'update' | 'checkpoint';
  payload: Uint8Array;
  /** Of a checkpoint: how many of the updates before it it does not hold (built while they were recorded). */
  after?: number;
}

/**
 * Where the replay of a checkpoint at place `at` starts when it does not hold the last `after`
 * updates before it (it was built while they were recorded): the place of the first of them,
 * `at` itself when `after` is 0, or -1 when fewer updates come before it. `isUpdate(i)`: whether
 * the record at place `i` is an update. The log's readers and the review's replay both use it.
 */
export function firstNotHeld(at: number, after: number, isUpdate: (i: number) => boolean): number {
  let from = at;
  for (let i = at - 1, missing = after; missing > 0; i--) {
    if (i < 0) return -1;
    if (isUpdate(i)) {
      missing--;
      from = i;
    }
  }
  return from;
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
  /** Per checkpoint, the first record its replay applies: the first update it does not hold. */
  private readonly replayFrom: number[] = [];

  constructor(records: readonly ReplayRecord[] = []) {
    this.append(records);
  }

  /** Takes further records of the same session (a running incident's log grows). */
  append(records: readonly ReplayRecord[]): void {
    for (const record of records) {
      if (record.kind === 'checkpoint') {
        const from = firstNotHeld(this.records.length, record.after ?? 0, (i) => this.records[i].kind === 'update');
        // One that names more updates than were recorded before it cannot be placed: left out.
        if (from >= 0) {
          this.checkpoints.push(this.records.length);
          this.replayFrom.push(from);
        }
      }
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
    const nearest = lastAtOrBefore(this.checkpoints, last);
    if (nearest >= 0) {
      Y.applyUpdateV2(doc, this.records[this.checkpoints[nearest]].payload);
      from = this.replayFrom[nearest];
    }
    for (let i = from; i <= last; i++) if (this.records[i].kind === 'update') Y.applyUpdate(doc, this.records[i].payload);
    return doc;
  }
}
