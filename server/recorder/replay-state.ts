import { replayFromCheckpoint, type ReplayedState } from '../yjs/incident-room';
import type { LogRecord } from './incident-log';
import type { IncidentRecorder } from './recorder';

/**
 * Where a room of a shared log starts: the state its log ends in, and the records it was built
 * from (from the checkpoint that served on), read through its recorder. The last checkpoint
 * first, the one before when that cannot be read, and so on, up to the whole log. Warnings are
 * given for the attempt that served, so a damaged checkpoint is reported once.
 */
export async function startFromRecorder(recorder: IncidentRecorder, warn: (message: string) => void): Promise<{ state: ReplayedState; records: LogRecord[] }> {
  for (let skip = 0; ; skip++) {
    const part = await recorder.fromCheckpoint(skip);
    const warnings: string[] = [];
    const state = replayFromCheckpoint(part.records, (m) => warnings.push(m), part.complete);
    if (state) {
      warnings.forEach(warn);
      return { state, records: part.records };
    }
  }
}

/** The state an incident's log ends in, read through its recorder (see {@link startFromRecorder}). */
export async function stateFromRecorder(recorder: IncidentRecorder, warn: (message: string) => void): Promise<ReplayedState> {
  return (await startFromRecorder(recorder, warn)).state;
}
