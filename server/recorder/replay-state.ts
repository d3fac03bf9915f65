import { replayFromCheckpoint, type ReplayedState } from '../yjs/incident-room';
import type { IncidentRecorder } from './recorder';

/**
 * The state an incident's log ends in, read through its recorder: from the last checkpoint on,
 * or from the one before when that cannot be read, and so on, up to the whole log. Warnings
 * are given for the attempt that served, so a damaged checkpoint is reported once.
 */
export async function stateFromRecorder(recorder: IncidentRecorder, warn: (message: string) => void): Promise<ReplayedState> {
  for (let skip = 0; ; skip++) {
    const part = await recorder.fromCheckpoint(skip);
    const warnings: string[] = [];
    const state = replayFromCheckpoint(part.records, (m) => warnings.push(m), part.complete);
    if (state) {
      warnings.forEach(warn);
      return state;
    }
  }
}
