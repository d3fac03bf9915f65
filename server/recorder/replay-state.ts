import * as Y from 'yjs';
import { syncStep2Frame } from '../../shared/y-frames';
import { ownBytes, type CheckpointBasis } from '../yjs/checkpoint-worker';
import { RecordType, checkpointReplayStart, decodeCheckpoint, readLogTail, type LogRecord } from './incident-log';
import type { IncidentRecorder } from './recorder';

// The state an incident's log leaves: rebuilt from its last checkpoint that can be read and the
// updates after it, from a log file's end or through a recorder; what a room starts from and
// rebuilds from, and what a client joining a room still loading is answered from.

/** A document as a log left it. */
export interface ReplayedState {
  doc: Y.Doc;
  bindings: Map<number, string>;
  updatesSinceCheckpoint: number;
  /**
   * What the next checkpoint is built from away from the event loop (checkpoint-worker.ts): the
   * state the last checkpoint holds (null: none) and every update the log holds after that state,
   * in log order. Only the embedded mode builds checkpoints that way.
   */
  sinceCheckpoint?: CheckpointBasis;
}

/**
 * Rebuilds a document from a log: the last valid checkpoint, then every update after it. The
 * document collects garbage: a deleted item keeps its parent and key (so the gate can still
 * place it), only its content goes, which keeps checkpoints as small as the live state. The
 * full history stays in the log.
 */
export function replayRecords(records: readonly LogRecord[], warn: (m: string) => void): ReplayedState {
  return replayFromCheckpoint(records, warn, true)!;
}

/**
 * {@link replayRecords} for records that may be only the end of a log (`complete` false): null
 * when none of their checkpoints can be read, since the updates alone would then lack the start.
 */
export function replayFromCheckpoint(records: readonly LogRecord[], warn: (m: string) => void, complete: boolean): ReplayedState | null {
  let doc = new Y.Doc();
  let bindings = new Map<number, string>();
  let start = -1;
  let base: Uint8Array | null = null;
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i].type !== RecordType.checkpoint) continue;
    try {
      const checkpoint = decodeCheckpoint(records[i].payload);
      // A checkpoint encoded away from the event loop lacks the updates recorded meanwhile,
      // which come before it: the replay starts at the first of them.
      const from = checkpointReplayStart(records, i, checkpoint.after);
      if (from < 0) {
        if (complete) throw new Error('it names more updates before it than the log holds');
        // Only the end of the log was read: an earlier checkpoint, or a longer read, serves.
        continue;
      }
      Y.applyUpdateV2(doc, checkpoint.stateV2);
      bindings = checkpoint.bindings;
      // Kept by the room until its next checkpoint: a copy, not a view into the buffer read.
      base = checkpoint.stateV2.slice();
      start = from;
      break;
    } catch {
      // A damaged checkpoint is skipped: the previous one plus the log gives the same state.
      // Whatever it applied before failing goes with its document.
      doc.destroy();
      doc = new Y.Doc();
      warn(`the checkpoint of ${new Date(records[i].time).toISOString()} cannot be read; falling back to the one before`);
    }
  }
  if (start < 0 && !complete) {
    doc.destroy();
    return null;
  }
  const updates: Uint8Array[] = [];
  start = Math.max(start, 0);
  // One transaction for all of them: each transaction costs as much as the document has
  // clientIDs (docs/architecture.md, "Per-update work"), and these were all accepted already.
  doc.transact(() => {
    for (let i = start; i < records.length; i++) {
      const record = records[i];
      if (record.type !== RecordType.update) continue;
      Y.applyUpdate(doc, record.payload);
      for (const client of Y.parseUpdateMeta(record.payload).to.keys()) if (!bindings.has(client)) bindings.set(client, record.user);
      updates.push(ownBytes(record.payload));
    }
  });
  return { doc, bindings, updatesSinceCheckpoint: updates.length, sinceCheckpoint: { stateV2: base, updates } };
}

/** The state a log's end holds (see {@link storedState}), with what every early client is sent of it, built once. */
export interface StoredState {
  /** One Yjs (v1) update. */
  update: Uint8Array;
  /** Its state vector: what a client answered from it holds. */
  vector: Uint8Array;
  /** The sync step 2 message of the whole update, for the clients that join with nothing (one frame for all of them). */
  message: Uint8Array;
}

/**
 * The state a log's end holds, without building a document: the last checkpoint converted and
 * the updates after it merged in. A room being loaded answers a joining client with it, so that
 * the client need not wait while the server integrates the checkpoint (most of a cold load:
 * docs/benchmark-notes.md). Null when these records hold no checkpoint that converts: then the
 * client waits for the room, which falls back as it always does.
 */
export function storedState(records: readonly LogRecord[]): StoredState | null {
  const at = records.findLastIndex((r) => r.type === RecordType.checkpoint);
  if (at < 0) return null;
  try {
    const checkpoint = decodeCheckpoint(records[at].payload);
    const from = checkpointReplayStart(records, at, checkpoint.after);
    if (from < 0) return null;
    const state = Y.convertUpdateFormatV2ToV1(checkpoint.stateV2);
    const after = records.slice(from).filter((r) => r.type === RecordType.update).map((r) => r.payload);
    const update = after.length === 0 ? state : Y.mergeUpdates([state, ...after]);
    return { update, vector: Y.encodeStateVectorFromUpdate(update), message: syncStep2Frame(update) };
  } catch {
    return null;
  }
}

/**
 * How much of a log's end is read first when a room opens or rebuilds: enough for a long
 * incident's last checkpoint and the updates after it. Four times as much each time that holds no
 * checkpoint that can be read, up to the whole file.
 */
export const LOG_TAIL_BYTES = 4 * 1024 * 1024;

/**
 * The state a log ends in, read from its end (see {@link LOG_TAIL_BYTES}). Warnings are given
 * for the window that served, so a damaged checkpoint is reported once.
 */
export function stateFromLogEnd(file: string, warn: (m: string) => void, first?: { records: readonly LogRecord[]; fromStart: boolean }): ReplayedState {
  let part = first ?? readLogTail(file, LOG_TAIL_BYTES);
  for (let tail = LOG_TAIL_BYTES; ; tail *= 4) {
    const warnings: string[] = [];
    const state = replayFromCheckpoint(part.records, (m) => warnings.push(m), part.fromStart);
    if (state) {
      warnings.forEach(warn);
      return state;
    }
    part = readLogTail(file, tail * 4);
  }
}

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
