import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What a checkpoint is built from: the state the last one holds (v2; null: none) and the updates (v1) recorded after it, in log order. */
export interface CheckpointBasis {
  stateV2: Uint8Array | null;
  updates: Uint8Array[];
}

// The worker's own code, plain JavaScript run as given: the same in the bundled server, under
// tsx and under Vitest, with nothing to build or copy. It only applies and encodes, with the
// Yjs of node_modules (the path is resolved by the main thread).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(workerData.yjs);
parentPort.on('message', ({ id, stateV2, updates }) => {
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      if (stateV2) Y.applyUpdateV2(doc, stateV2);
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    const state = Y.encodeStateAsUpdateV2(doc);
    parentPort.postMessage({ id, state }, [state.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  } finally {
    doc.destroy();
  }
});
`;

/**
 * Builds checkpoints on a thread of their own (docs/architecture.md, "Checkpoints"). Encoding the
 * whole state of a long incident takes 30–60 ms; on the event loop that held every update
 * arriving meanwhile, once per thousand updates. Here the thread rebuilds the state from the
 * last checkpoint and the updates after it — the same bytes the log holds — and encodes it,
 * while the room goes on. One thread for the process, started on first use, and not one that
 * keeps the process alive.
 */
export class CheckpointWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly jobs = new Map<number, { resolve: (state: Uint8Array) => void; reject: (error: Error) => void }>();

  /** The state that `basis` holds, in Yjs's v2 encoding; rejects when the thread fails. */
  encode(basis: CheckpointBasis): Promise<Uint8Array> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      worker.postMessage({ id, stateV2: basis.stateV2, updates: basis.updates });
    });
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
    worker.unref();
    worker.on('message', ({ id, state, error }: { id: number; state?: Uint8Array; error?: string }) => {
      const job = this.jobs.get(id);
      if (!job) return;
      this.jobs.delete(id);
      if (state) job.resolve(state);
      else job.reject(new Error(error ?? 'no state'));
    });
    // A thread that fails is replaced on the next job; the rooms write those checkpoints themselves.
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`the checkpoint thread ended (${code})`)));
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
