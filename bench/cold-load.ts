import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { SeededRandom } from '../shared/random';
import { readLogTail, incidentLogFile } from '../server/recorder/incident-log';
import { LOG_TAIL_BYTES, storedState } from '../server/recorder/replay-state';
import { LongLog, loadRoom, reviewSeeks } from './long-log';
import { now, percentile } from './peers';

/** Result of loading and seeking a long session. */
export interface ColdLoadResult {
  updates: number;
  logMb: number;
  loadMs: number;
  /** Reading the log's end and converting its stored state: what a client joining the loading room waits for. */
  answerMs: number;
  indexMs: number;
  seekP50: number;
  seekP99: number;
  seekMax: number;
  /** Seeks that build the Yjs document at T (the binary state API). */
  yjsSeekP50: number;
  yjsSeekMax: number;
}

/**
 * Writes a log of `updates` report changes over 1061 locations (checkpoints every 1000, as the
 * server does), then measures a cold room load and replay seeks to random moments.
 */
export async function coldLoad({ updates = 100000, seeks = 50 }: { updates?: number; seeks?: number } = {}): Promise<ColdLoadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgbeeld-cold-'));
  try {
    const incidentId = 'inc-bench';
    const long = new LongLog(dataDir, incidentId, { seed: 7, gapMs: [20, 400], start: '2026-03-01T10:00:00Z' });
    long.write(updates, (n) => n % 1000 === 0);
    const logMb = long.mb;
    long.close();

    const t0 = now();
    const stored = storedState(readLogTail(incidentLogFile(dataDir, incidentId), LOG_TAIL_BYTES).records);
    const answerMs = now() - t0;
    if (!stored) throw new Error('the generated log has no stored state to answer from');
    const { room, loadMs } = loadRoom(dataDir, incidentId, long.network);
    room.close();

    const random = new SeededRandom(7);
    const yjsDurations: number[] = [];
    const { indexMs, durations } = await reviewSeeks({ dataDir, incidentId, seeks, first: long.first, last: long.time, random }, async (review) => {
      // The Yjs state at T (the binary form of the same API): the nearest checkpoint plus the updates after it.
      for (let i = 0; i < Math.ceil(seeks / 3); i++) {
        const at = long.first + random.next() * (long.time - long.first);
        const s = now();
        const state = await review.stateAt(incidentId, at);
        Y.encodeStateAsUpdate(state);
        yjsDurations.push(now() - s);
        state.destroy();
      }
    });
    return {
      updates,
      logMb,
      loadMs,
      answerMs,
      indexMs,
      seekP50: percentile(durations, 50),
      seekP99: percentile(durations, 99),
      seekMax: Math.max(...durations),
      yjsSeekP50: percentile(yjsDurations, 50),
      yjsSeekMax: Math.max(...yjsDurations),
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
