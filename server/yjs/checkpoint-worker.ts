import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What a checkpoint is built from: the state the last one holds (v2; null: none) and the updates (v1) recorded after it, in log order. */
export interface CheckpointBasis {
  stateV2: Uint8Array | null;
  updates: Uint8Array[];
}

/**
 * One checkpoint to build: for which room, from which basis. `base` names the basis's state and
 * `tag` the state built from it; the thread keeps each room's document between checkpoints, and
 * when it still holds `base` it applies only the updates (the basis's state is then not read).
 */
export interface CheckpointJob extends CheckpointBasis {
  room: number;
  base: number;
  tag: number;
}

// The worker's own code, plain JavaScript run as given: the same in the bundled server, under
// tsx and under Vitest, with nothing to build or copy. It only applies and encodes, with the
// Yjs of node_modules (the path is resolved by the main thread).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(workerData.yjs);
// Behind the event loop in the scheduler (nice 19 for this thread alone, where Linux tells its id):
// encoding a long incident takes tens of milliseconds that must not be taken from the updates.
try {
  const thread = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (thread > 0) require('node:os').setPriority(thread, 19);
} catch {
  // Another system: the thread keeps the process's priority.
}
const rooms = new Map();
const forget = (room) => {
  rooms.get(room)?.doc.destroy();
  rooms.delete(room);
};
parentPort.on('message', (message) => {
  if (message.forget !== undefined) return forget(message.forget);
  const { id, room, base, tag, stateV2, updates } = message;
  let kept = rooms.get(room);
  try {
    if (!kept || kept.tag !== base) {
      forget(room);
      kept = { doc: new Y.Doc(), tag: base };
      rooms.set(room, kept);
      if (stateV2) Y.applyUpdateV2(kept.doc, stateV2);
    }
    const doc = kept.doc;
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    kept.tag = tag;
    const state = Y.encodeStateAsUpdateV2(doc);
    parentPort.postMessage({ id, state }, [state.buffer]);
  } catch (error) {
    forget(room);
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * Builds checkpoints on a thread of their own (docs/architecture.md, "Checkpoints"). Encoding the
 * whole state of a long incident takes 30–60 ms; on the event loop that held every update
 * arriving meanwhile, once per thousand updates. Here the thread applies the updates recorded
 * since the last checkpoint — the same bytes the log holds — to its own copy of the room's
 * document, made from that checkpoint, and encodes it, while the room goes on. It keeps each
 * room's copy for the next checkpoint (rebuilding one from a long incident's checkpoint takes
 * seconds) until the room is unloaded. One thread for the process, started on first use, that
 * keeps the process alive only while it builds a checkpoint.
 */
export class CheckpointWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly jobs = new Map<number, { resolve: (state: Uint8Array) => void; reject: (error: Error) => void }>();

  /** The state that the job's basis holds, in Yjs's v2 encoding; rejects when the thread fails. */
  encode(job: CheckpointJob): Promise<Uint8Array> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      // Kept alive while a checkpoint is being built, not after it.
      worker.ref();
      worker.postMessage({ id, ...job });
    });
  }

  /** Drops the thread's copy of a room's document (the room was unloaded). */
  forget(room: number): void {
    this.worker?.postMessage({ forget: room });
  }

  /** Ends the thread; jobs still open are rejected. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.fail(worker, new Error('the checkpoint thread was stopped'));
    await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { yjs: createRequire(import.meta.url).resolve('yjs') } });
    worker.on('message', ({ id, state, error }: { id: number; state?: Uint8Array; error?: string }) => {
      const job = this.jobs.get(id);
      if (!job) return;
      this.jobs.delete(id);
      if (this.jobs.size === 0) worker.unref();
      if (state) job.resolve(state);
      else job.reject(new Error(error ?? 'no state'));
    });
    // A thread that fails is replaced on the next job; the rooms write those checkpoints themselves.
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`the checkpoint thread ended (${code})`)));
    // After the listeners: adding one for 'message' refs the worker's port again, and then the
    // thread kept a process alive that had nothing else to do.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.reject(error);
  }
}

/** The process's checkpoint thread, shared by every room. */
export const checkpointWorker = new CheckpointWorker();

/** `bytes` with a buffer of its own: kept, or sent to another thread, it does not hold a larger buffer with it. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

let lastTag = 0;
/** A new name for a room or a state, unique in this process. */
export function checkpointTag(): number {
  return ++lastTag;
}

/** What builds a room's checkpoints away from the event loop: the process's thread, or a stand-in in tests. */
export interface CheckpointThread {
  encode(job: CheckpointJob): Promise<Uint8Array>;
  forget?(room: number): void;
}

/**
 * One room's side of its checkpoints built on the thread (docs/architecture.md, "Checkpoints"):
 * what the next one is built from (the state the last one holds and the updates recorded since),
 * and whether one that comes back still fits the room: not after the room's document was built
 * anew from the log, nor after a checkpoint was written on the event loop meanwhile.
 */
export class AwayCheckpoints {
  private basis: CheckpointBasis & { tag: number } = { stateV2: null, updates: [], tag: checkpointTag() };
  /** The room's name on the thread, which keeps a copy of its document. */
  private readonly room = checkpointTag();
  private generation = 0;
  private inFlight = false;

  constructor(private readonly thread: CheckpointThread = checkpointWorker) {}

  /** Whether one is being built: one at a time. */
  get building(): boolean {
    return this.inFlight;
  }

  /** The room's document starts anew from `basis` (loaded, or built anew from the log). */
  restart(basis: CheckpointBasis = { stateV2: null, updates: [] }): void {
    this.basis = { ...basis, tag: checkpointTag() };
    this.generation++;
  }

  /** An update was recorded in the log. */
  recorded(update: Uint8Array): void {
    this.basis.updates.push(ownBytes(update));
  }

  /** A checkpoint of `stateV2`, the document's whole state, was written on the event loop. */
  written(stateV2: Uint8Array): void {
    this.basis = { stateV2, updates: [], tag: checkpointTag() };
    this.generation++;
  }

  /**
   * Builds a checkpoint of the state now on the thread. When it comes back and still fits (and
   * `open()` says the room is), `write` is given it with the number of updates recorded meanwhile,
   * which come before it in the log, and says whether it wrote it; `failed` is called instead
   * when the thread failed.
   */
  build({ open, write, failed }: { open: () => boolean; write: (stateV2: Uint8Array, after: number) => boolean; failed: (error: Error) => void }): void {
    if (this.inFlight) return;
    this.inFlight = true;
    const job: CheckpointJob = { room: this.room, base: this.basis.tag, tag: checkpointTag(), stateV2: this.basis.stateV2, updates: this.basis.updates.slice() };
    const generation = this.generation;
    const fits = () => open() && generation === this.generation;
    this.thread.encode(job).then(
      (stateV2) => {
        this.inFlight = false;
        if (!fits()) return;
        const after = this.basis.updates.length - job.updates.length;
        if (write(stateV2, after)) this.basis = { stateV2, updates: this.basis.updates.slice(job.updates.length), tag: job.tag };
      },
      (error: Error) => {
        this.inFlight = false;
        if (fits()) failed(error);
      },
    );
  }

  /** The room is unloaded: the thread's copy of its document goes. */
  forget(): void {
    this.thread.forget?.(this.room);
  }
}
