import type { RecordedEvent } from '../../shared/recorded-event';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { IncidentNetwork } from '../../shared/incident';
import { CloseCodes, YMessage, YSyncMessage, type BoardStatus, type CloseCode } from '../../shared/wire';
import { clocksOf, deletionsOf, encodePart, encodeStructs, encodeTransactionUpdate, startPart } from '../../shared/transaction-update';
import { boardStatusFrame, syncStep1Frame, updateFrame } from '../../shared/y-frames';
import { IncidentLog, RecordType, StorageError, encodeCheckpoint, eventRecord, incidentLogFile, type LogRecord, type NewRecord } from '../recorder/incident-log';
import { LOG_TAIL_BYTES, replayRecords, stateFromLogEnd, type ReplayedState } from '../recorder/replay-state';
import { LogGrowth, type StorageStatus } from './log-growth';
import { RoomAwareness } from './room-awareness';
import { JoinAnswers } from './join-answers';
import { changeOf, changedEvent, stampOf, writeChangeStamps, type ChangedNeed } from './change-events';
import { RecentEvents } from './recent-events';
import type { WriteBudget } from './write-budget';
import { checkTransaction, idKey, lastIdOf, precheckUpdate, readUpdate, reportWritesOf, type Author, type Beyond, type ReadUpdate, type Touched } from './gate';
import { DEFAULTS } from '../defaults';
import { AwayCheckpoints, type CheckpointThread } from './checkpoint-worker';
import type { IncidentRecorder } from '../recorder/recorder';

/** The tiny socket interface a room needs from a connection. */
export interface RoomSocket {
  readonly author: Author & { displayName: string };
  /** Whether the client takes Zorgbeeld's own board-status message (it asked with `?boardStatus=1`). */
  readonly boardStatus?: boolean;
  send(message: Uint8Array): void;
  close(code: CloseCode): void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** An update with no structs and no deletions: two zero varints. */
const EMPTY_UPDATE_LENGTH = 2;

/** How many rebuilds one user may cause in a window; beyond that its writes wait (retryable). */
export const REBUILD_BUDGET = { rebuilds: 3, windowMs: 60000 } as const;

/** When held updates are applied (see IncidentRoom.startHolding); a room's options may override each. */
const HOLDING: { costlyMs: number; waitMs: number; share: number; maxWaitMs: number } = { costlyMs: DEFAULTS.heldUpdatesCostlyMs, waitMs: DEFAULTS.heldUpdatesMs, share: DEFAULTS.heldUpdatesShare, maxWaitMs: DEFAULTS.heldUpdatesMaxMs };

/** Options of a room. */
export interface RoomOptions {
  incidentId: string;
  dataDir: string;
  network: IncidentNetwork;
  now: () => Date;
  log: (message: string) => void;
  readOnly: () => boolean;
  checkpointEvery?: number;
  /** When held updates wait for more (see IncidentRoom.startHolding); `DEFAULTS.heldUpdates*` where not told otherwise. */
  holding?: Partial<typeof HOLDING>;
  /** Builds the embedded mode's checkpoints away from the event loop; the process's thread unless told otherwise. */
  checkpoints?: CheckpointThread;
  /** The write budget per user, shared by every room. */
  budget: WriteBudget;
  /** While the log cannot be written, how often writing is tried again. */
  storageRetryMs?: number;
  /** Told of the needs an accepted change touched, with the fields it changed and their new values. */
  onNeeds?: (needs: readonly ChangedNeed[]) => void;
  /** Set when the incident's log is shared with other servers (PostgreSQL); unset: the log file in `dataDir`. */
  shared?: SharedLog;
  /** The log file, opened already (its end read), when the caller needed its records first. */
  opened?: ReturnType<typeof IncidentLog.open>;
}

/**
 * What a room needs when its incident's log is shared with other servers (docs/architecture.md,
 * "One order per incident across servers").
 */
export interface SharedLog {
  recorder: IncidentRecorder;
  /** The state the log ends in, and the records it was built from (a checkpoint that can be read and every record after it, or the whole log). */
  start: { state: ReplayedState; records: LogRecord[] };
  /** Called after each turn that appended records, with the new head and the records: the other servers catch up. */
  committed(head: number, records: readonly NewRecord[]): void;
  /** Relays an awareness frame to this incident's sockets on the other servers. */
  relay(frame: Uint8Array): void;
  /** An event another server recorded in this incident's log (closing it, for one). */
  onEvent(event: RecordedEvent): void;
}

/** What a room of a shared log has done since its last turn: recorded and sent out together, or not at all. */
interface Pending {
  records: NewRecord[];
  /** Accepted updates, sent to the sockets once recorded. */
  updates: Uint8Array[];
  /** Sockets whose updates are among them: told to send again when the turn fails. */
  writers: Set<RoomSocket>;
  /** What may happen only once the records are in the log (the need listener). */
  after: (() => void)[];
}

/**
 * Report changes accepted but not yet applied to the room's document (see IncidentRoom.hold);
 * what they bring is what the gate sees beyond the document.
 */
interface Held extends Beyond {
  updates: Uint8Array[];
  clocks: Map<number, number>;
  items: Map<string, { item: Y.Item; path: string[] }>;
  fields: Map<string, Y.ID>;
  /** The last held stamp per location: the next stamp follows it. */
  stamps: Map<string, Y.ID>;
  /** The server's clock after the held stamps. */
  serverClock: number;
  /** Their wait is over: they are applied after the next broadcast (or a while later). */
  due: boolean;
  /** Stops the timer that would apply them. */
  cancel: () => void;
}

const nothingPending = (): Pending => ({ records: [], updates: [], writers: new Set(), after: [] });

/** A promise with its settle functions; a rejection nobody waits for is not an unhandled one. */
interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Whether a frame is a sync update (step 2 or update): judged in a turn. */
const isUpdateFrame = (frame: Uint8Array) => frame[0] === YMessage.sync && (frame[1] === YSyncMessage.step2 || frame[1] === YSyncMessage.update);

const SERVER = 'server';
/** Events kept in memory while the log cannot be written; they are written first once it can. */
const MAX_BACKLOG = 10000;

/**
 * One incident's live document: its connections, the gate, and recording before the broadcast
 * (docs/architecture.md, "The incident document and its gate", lists the modules it uses). All
 * message handling is synchronous, so messages are processed one at a time in arrival order.
 */
export class IncidentRoom {
  /** The document without the held updates (see {@link hold}); everything else reads {@link doc}. */
  private live!: Y.Doc;
  /** Report changes recorded and sent but not yet applied to {@link live} (see {@link hold}). */
  private held: Held | null = null;
  /** How long applying held updates took the last time (see startHolding). */
  private lastApplyMs = 0;
  /** When held updates are applied: the defaults, and what the options override. */
  private readonly holding: typeof HOLDING;
  private bindings = new Map<number, string>();
  private updatesSinceCheckpoint = 0;
  /** The embedded mode's checkpoints, built on another thread (see checkpointAway). */
  private readonly checkpoints: AwayCheckpoints;
  /** Each socket on the board; `recorded` when its joining is in the log (it came while the incident was open). */
  private readonly sockets = new Map<RoomSocket, { resyncs: number; recorded: boolean }>();
  private readonly awareness: RoomAwareness;
  /** The log file of the embedded mode; null when the log is shared ({@link shared}). */
  private readonly recorder: IncidentLog | null;
  private readonly shared: SharedLog | null;
  // Only for a shared log: frames waiting for the next turn, what waits to be recorded, and the
  // records since the last checkpoint, from which the document is rebuilt without reading.
  private readonly inbox: { socket: RoomSocket; frame: Uint8Array }[] = [];
  private unrecorded: Pending = nothingPending();
  private memory: LogRecord[] = [];
  /** Records of other servers as the bus carried them, by the head they follow (see {@link remoteRecords}). */
  private readonly carried = new Map<number, readonly NewRecord[]>();
  private pumping = false;
  private inTurn = false;
  private probing = false;
  private checkpointWanted = false;
  private wantHead = 0;
  private nextTurn: Deferred | null = null;
  private inFlight: Deferred | null = null;
  private ending: Promise<void> | null = null;
  private readonly locationById: Map<string, { organisationId: string }>;
  private readonly outbox: Uint8Array[] = [];
  /** On a shared log, the events of accepted changes, not yet recorded: a failed turn drops them with their updates. */
  private readonly changeEvents = new WeakSet<NewRecord>();
  /** What clients joining with nothing are answered with, encoded once (see answerStep1). */
  private readonly joins = new JoinAnswers();
  /** Set for the rest of an event-loop turn after an update went out: later ones are merged. */
  private batching = false;
  /** Frames (other than awareness) waiting for the end of this event-loop turn ({@link endTurn}). */
  private readonly waiting: { socket: RoomSocket; frame: Uint8Array }[] = [];
  private turnEnding = false;
  /**
   * Set while a turn's one frame is handled: an update it brings goes out as soon as it is
   * recorded, before Yjs ends the transaction (see applyOne).
   */
  private alone = false;
  /** Sockets refused and being closed: nothing more of theirs is handled. */
  private readonly refused = new WeakSet<RoomSocket>();
  private closed = false;
  /** Set while the log cannot be written: writes are refused with a retryable code. */
  private fault: { code: string; since: string; failedWrites: number } | null = null;
  private readonly backlog: NewRecord[] = [];
  private droppedEvents = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** A server-side change whose update could not be written (see {@link serverChange}). */
  private serverWriteFailure: StorageError | null = null;
  private readonly growth = new LogGrowth();
  /** Rebuilds caused per user: the last resort of undoing a change, and so bounded. */
  private readonly rebuilds = new RecentEvents(REBUILD_BUDGET.windowMs, () => this.options.now().getTime());
  /** The incident's network as the gate reads it, made once. */
  private readonly gateNetwork: IncidentNetwork & { locationById: Map<string, { organisationId: string }> };

  constructor(private readonly options: RoomOptions) {
    this.checkpoints = new AwayCheckpoints(options.checkpoints);
    this.holding = { ...HOLDING, ...options.holding };
    this.locationById = new Map(options.network.locations.map((l) => [l.id, l]));
    this.gateNetwork = { ...options.network, locationById: this.locationById };
    this.shared = options.shared ?? null;
    if (this.shared) {
      this.recorder = null;
      this.memory = [...this.shared.start.records];
      this.adopt(this.shared.start.state);
    } else {
      const file = incidentLogFile(options.dataDir, options.incidentId);
      const { log, records, fromStart } = options.opened ?? IncidentLog.open(file, options.log, { tailBytes: LOG_TAIL_BYTES });
      this.recorder = log;
      if (!log.writable) this.markFault(new StorageError('log not writable', 'EROFS'));
      this.adopt(stateFromLogEnd(file, options.log, { records, fromStart }));
    }
    this.awareness = new RoomAwareness({ broadcast: (message, except) => this.broadcast(message, except), relay: (message) => this.shared?.relay(message) });
  }

  private adopt(state: ReplayedState): void {
    this.joins.forget();
    // What was held is in the log, and so in every state read from it.
    this.dropHeld();
    this.live?.destroy();
    this.live = state.doc;
    this.bindings = state.bindings;
    this.updatesSinceCheckpoint = state.updatesSinceCheckpoint;
    this.checkpoints.restart(state.sinceCheckpoint);
    this.bindings.set(this.live.clientID, SERVER);
    // Nothing listens to the document's `update` event outside serverChange: while anything
    // does, Yjs walks every client of the document for every transaction to encode it, which
    // in a long incident costs more than all the rest of an update (docs/architecture.md,
    // "Per-update work"). A client's update is encoded from the clients it touched instead.
  }

  /** The incident's document, holding every accepted update: the held ones are applied first. */
  get doc(): Y.Doc {
    this.integrate();
    return this.live;
  }

  /** Number of connected sockets. */
  get size(): number {
    return this.sockets.size;
  }

  /**
   * Records an event (JSON) in the incident's log with server time (or `time`, for the opening,
   * which takes the incident's start and comes before any other record). Never throws: while the log
   * cannot be written the event waits in memory and is written, with its own time, before
   * anything else once the log takes writes again.
   */
  recordEvent(user: string, event: RecordedEvent, time = this.options.now().getTime()): void {
    const record = eventRecord(time, user, event);
    if (this.shared && this.fault && this.unrecorded.records.length >= MAX_BACKLOG) {
      if (this.droppedEvents++ % 1000 === 0) this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${this.droppedEvents} event(s) could not be kept while the log is not writable`);
      return;
    }
    try {
      this.write([record], user);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      if (this.backlog.length < MAX_BACKLOG) this.backlog.push(record);
      else if (this.droppedEvents++ % 1000 === 0) this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${this.droppedEvents} event(s) could not be kept while the log is not writable`);
    }
  }

  /**
   * Writes records, after any waiting events, as one append. Throws {@link StorageError} and
   * marks the room read-only when the log cannot be written (only the probe of
   * {@link retryWriting} ends that).
   */
  private write(records: NewRecord[], user: string): void {
    if (this.shared) {
      // Recorded in the next turn; nothing goes out before that.
      this.unrecorded.records.push(...records);
      this.growth.add(this.options.now().getTime(), user, records.reduce((n, r) => n + r.payload.length, 0));
      if (!this.inTurn) void this.pump();
      return;
    }
    const all = this.backlog.length > 0 ? [...this.backlog, ...records] : records;
    try {
      this.recorder!.appendAll(all);
    } catch (error) {
      if (error instanceof StorageError) this.markFault(error);
      throw error;
    }
    this.backlog.length = 0;
    for (const record of all) if (record.type === RecordType.update) this.checkpoints.recorded(record.payload);
    this.growth.add(this.options.now().getTime(), user, all.reduce((n, r) => n + r.payload.length, 0));
  }

  private markFault(error: StorageError): void {
    if (this.fault) {
      this.fault.failedWrites++;
      return;
    }
    this.fault = { code: error.code, since: this.options.now().toISOString(), failedWrites: 1 };
    this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${error.message}; the board is read-only until writing works again`);
    this.broadcastStatus(this.statusMessage());
    // Nobody may write meanwhile, so nothing else would find out that space has returned.
    this.retryTimer = setInterval(() => this.retryWriting(), this.options.storageRetryMs ?? DEFAULTS.storageRetryMs);
    this.retryTimer.unref();
  }

  private clearFault(): void {
    this.options.log(`log of incident ${this.options.incidentId} takes writes again (after ${this.fault?.failedWrites} failed write(s) since ${this.fault?.since})`);
    this.fault = null;
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    this.broadcastStatus(this.statusMessage());
  }

  /**
   * Tries the log again: the waiting events first, then a probe file beside it. A small record
   * may still fit where a report does not, so only the probe (room for 64 KiB) ends the fault:
   * the board does not flap between writable and read-only on an almost full disk.
   */
  private retryWriting(): void {
    if (!this.fault || this.closed) return;
    if (this.shared) {
      // A turn is the probe: the database takes it or not.
      this.probing = true;
      void this.pump();
      return;
    }
    try {
      if (this.backlog.length > 0) this.write([], SERVER);
      this.recorder!.probe();
      this.clearFault();
    } catch (error) {
      if (!(error instanceof StorageError)) this.options.log(`log retry of incident ${this.options.incidentId} failed: ${(error as Error).message}`);
    }
  }

  /** Whether the log takes writes, for the health check and admins. */
  storage(): StorageStatus {
    return { incidentId: this.options.incidentId, logBytes: this.recorder?.size() ?? 0, fault: this.fault ? { ...this.fault } : null, waitingEvents: this.backlog.length, ...this.growth.summary(this.options.now().getTime()) };
  }

  /** Zorgbeeld's own message on the Yjs connection: whether the board takes writes now, and what just changed. */
  private statusMessage(changed: Omit<BoardStatus, 'storage'> = {}): Uint8Array {
    const status: BoardStatus = { storage: this.fault ? 'unavailable' : 'ok', ...changed };
    return boardStatusFrame(status);
  }

  /** Tells everyone on the board at once that the incident was closed or its GRIP level changed. */
  announce(changed: Omit<BoardStatus, 'storage'>): void {
    this.broadcastStatus(this.statusMessage(changed));
  }

  /**
   * Runs a server-side change of the document (its updates are recorded and broadcast as the
   * server's); resolves once it is recorded. When the log cannot take the change, the document
   * is rebuilt from the log and it rejects with {@link StorageError}, so the caller can say so.
   */
  async serverChange(change: (doc: Y.Doc) => void): Promise<void> {
    if (this.fault) throw new StorageError(`log of incident ${this.options.incidentId} is not writable`, this.fault.code);
    this.serverWriteFailure = null;
    const doc = this.doc;
    const record = (update: Uint8Array) => {
      try {
        this.commit([{ update, user: SERVER }]);
      } catch (error) {
        // Thrown out of a Yjs observer it would surface inside Yjs; it is rethrown below.
        if (!(error instanceof StorageError)) throw error;
        this.serverWriteFailure = error;
      }
    };
    doc.on('update', record);
    try {
      change(doc);
    } finally {
      doc.off('update', record);
    }
    this.goOut();
    const failure = this.serverWriteFailure;
    if (failure) {
      this.serverWriteFailure = null;
      this.rebuild();
      throw failure;
    }
    await this.settled();
  }

  /**
   * Resolves once everything recorded so far is in the log; rejects with {@link StorageError}
   * when the turn that carried it failed. The log file is written at once, so there it resolves
   * at once.
   */
  settled(): Promise<void> {
    if (this.unrecorded.records.length > 0 || this.checkpointWanted) {
      this.nextTurn ??= deferred();
      void this.pump();
      return this.nextTurn.promise;
    }
    return this.inFlight?.promise ?? Promise.resolve();
  }

  /** Rebuilds the document from the log: the way back from a change that may not stand. */
  private rebuild(): void {
    if (this.shared) this.adopt(this.fromMemory(this.unrecorded.records));
    else this.adopt(stateFromLogEnd(this.recorder!.file, this.options.log));
  }

  /** A shared log's document rebuilt from the records kept since its last checkpoint, and then `after`. */
  private fromMemory(after: readonly NewRecord[]): ReplayedState {
    return replayRecords([...this.memory, ...after.map((r) => ({ ...r, index: 0 }))], this.options.log);
  }

  /** Keeps a record of a shared log: a checkpoint replaces what came before it. */
  private remember(record: NewRecord): void {
    if (record.type === RecordType.checkpoint) this.memory = [];
    this.memory.push({ ...record, index: 0 });
  }

  /**
   * The turns of a shared log, one at a time (docs/architecture.md, "One order per incident
   * across servers"). Update frames are judged inside a turn, against the document with every
   * record committed before, whichever server committed it; all other frames are answered
   * between turns, when the document holds only what is recorded, so that nobody is sent
   * anything before it is in the log.
   */
  private async pump(): Promise<void> {
    if (this.pumping || !this.shared) return;
    this.pumping = true;
    try {
      while (!this.closed) {
        while (this.inbox.length > 0 && !isUpdateFrame(this.inbox[0].frame)) {
          const { socket, frame } = this.inbox.shift()!;
          this.receiveNow(socket, frame);
        }
        let n = 0;
        while (n < this.inbox.length && isUpdateFrame(this.inbox[n].frame)) n++;
        const batch = this.inbox.splice(0, n);
        if (this.fault && !this.probing) {
          // Writes are refused before anything is applied (retryable); nothing to record.
          for (const { socket, frame } of batch) this.receiveNow(socket, frame);
          if (batch.length === 0) break;
          continue;
        }
        if (batch.length > 0 || this.unrecorded.records.length > 0 || this.checkpointWanted || this.probing) await this.turn(batch);
        else if (this.wantHead > this.shared.recorder.head) await this.catchUp();
        else break;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** One turn: what others committed first, then the batch judged, then all of it recorded, then sent. */
  private async turn(batch: { socket: RoomSocket; frame: Uint8Array }[]): Promise<void> {
    const shared = this.shared!;
    this.probing = false;
    let mine: Pending | null = null;
    let done: Deferred | null = null;
    try {
      const head = await shared.recorder.turn((missed) => {
        // What others committed goes out after the turn with its own updates, as one message:
        // not from inside the turn, which holds the incident's order for every server meanwhile.
        this.applyRemote(missed, false);
        this.inTurn = true;
        try {
          this.receiveFrames(batch);
        } finally {
          this.inTurn = false;
        }
        if (this.checkpointWanted) {
          this.checkpointWanted = false;
          this.unrecorded.records.push(this.checkpointRecord());
          this.updatesSinceCheckpoint = 0;
        }
        mine = this.unrecorded;
        this.unrecorded = nothingPending();
        done = this.nextTurn;
        this.nextTurn = null;
        this.inFlight = done;
        return mine.records;
      });
      const turned = mine as unknown as Pending;
      for (const record of turned.records) this.remember(record);
      if (this.fault) this.clearFault();
      this.outbox.push(...turned.updates);
      this.flush();
      for (const after of turned.after) after();
      if (turned.records.length > 0) shared.committed(head, turned.records);
      (done as Deferred | null)?.resolve();
    } catch (error) {
      const failure = error instanceof StorageError ? error : new StorageError(`turn failed: ${(error as Error).message}`, 'ETURN');
      if (!(error instanceof StorageError)) this.options.log(`BUG: yjs ${this.options.incidentId}: ${(error as Error).stack ?? String(error)}`);
      // Nothing of the turn is recorded, nor anything changed since: the changes go again (their
      // writers keep them and send them again when they reconnect), the events wait in memory
      // for the next turn, the document goes back to what the log holds.
      const judged = mine as Pending | null;
      if (judged?.records.some((r) => r.type === RecordType.checkpoint)) this.checkpointWanted = true;
      // A change's event goes with its update: the update is judged anew when it comes again.
      const dropped = [judged ?? nothingPending(), this.unrecorded];
      this.unrecorded = { ...nothingPending(), records: dropped.flatMap((p) => p.records).filter((r) => r.type === RecordType.event && !this.changeEvents.has(r)) };
      this.adopt(this.fromMemory(this.unrecorded.records));
      // What others committed, applied at the turn's start, is in the log: it goes out all the same.
      this.sendQueued();
      this.markFault(failure);
      for (const p of dropped) for (const socket of p.writers) socket.close(CloseCodes.StorageUnavailable);
      // A batch the turn never came to judge is refused now, as the fault refuses every write.
      if (!judged) for (const { socket, frame } of batch) this.receiveNow(socket, frame);
      (done as Deferred | null)?.reject(failure);
      const waiting = this.nextTurn;
      this.nextTurn = null;
      waiting?.reject(failure);
    } finally {
      this.inFlight = null;
    }
  }

  /**
   * Applies what another server committed since this room's head (no turn needed to read): as
   * the bus carried it when every record up to the head asked for came that way, else read from
   * the log.
   */
  private async catchUp(): Promise<void> {
    const recorder = this.shared!.recorder;
    try {
      const carried = this.carriedFrom(recorder.head);
      if (carried) {
        recorder.passed(recorder.head + carried.length);
        this.applyRemote(carried);
      } else {
        this.applyRemote(await recorder.after(recorder.head));
      }
    } catch (error) {
      this.options.log(`yjs ${this.options.incidentId}: catching up with the shared log failed: ${(error as Error).message}`);
      this.wantHead = 0;
    }
    this.forgetCarried();
  }

  /** The records after `head` up to the head asked for, as bus messages carried them; null when one of them did not come. */
  private carriedFrom(head: number): LogRecord[] | null {
    const records: LogRecord[] = [];
    for (let at = head; at < this.wantHead; ) {
      const next = this.carried.get(at);
      if (!next) return null;
      for (const record of next) records.push({ ...record, index: ++at });
    }
    return records;
  }

  /** Drops carried records this room has read or applied meanwhile. */
  private forgetCarried(): void {
    const head = this.shared!.recorder.head;
    for (const [after, records] of this.carried) if (after + records.length <= head) this.carried.delete(after);
  }

  /**
   * Records another server committed, the next ones after `after`, as its bus message carried
   * them: applied without reading the log when every record up to them is here (messages of
   * several servers may come in any order, or not at all: then the log is read, as after a head).
   */
  remoteRecords(after: number, records: readonly NewRecord[]): void {
    if (!this.shared) return;
    if (records.length === 0) return this.remoteHead(after);
    this.forgetCarried();
    if (after + records.length <= this.shared.recorder.head) return;
    this.carried.set(after, records);
    this.remoteHead(after + records.length);
  }

  /**
   * Records other servers committed: their updates are applied and sent to this room's sockets
   * (they are in the log already), their clientIDs bound to their authors, their events acted on.
   */
  private applyRemote(records: readonly LogRecord[], send = true): void {
    for (const record of records) {
      if (record.type === RecordType.update) {
        const clients = [...Y.parseUpdateMeta(record.payload).to.keys()];
        const before = clocksOf(this.doc, clients);
        let applied: Y.Transaction | undefined;
        this.doc.transact((transaction) => {
          applied = transaction;
          Y.applyUpdate(this.doc, record.payload, 'remote');
        }, 'remote');
        // What it added here (it is in the log already): sent, not recorded again.
        const update = encodeTransactionUpdate(applied!, before);
        if (update) this.outbox.push(update);
        for (const client of clients) if (!this.bindings.has(client)) this.bindings.set(client, record.user);
        this.updatesSinceCheckpoint++;
      } else if (record.type === RecordType.checkpoint) {
        this.updatesSinceCheckpoint = 0;
      } else {
        try {
          this.shared!.onEvent(JSON.parse(new TextDecoder().decode(record.payload)) as RecordedEvent);
        } catch (error) {
          this.options.log(`yjs ${this.options.incidentId}: an event of another server could not be read: ${(error as Error).message}`);
        }
      }
      this.remember(record);
    }
    if (send && records.length > 0) this.flush();
  }

  /** Another server committed records up to `head`: this room reads them when it is behind. */
  remoteHead(head: number): void {
    if (!this.shared || head <= this.wantHead) return;
    this.wantHead = head;
    void this.pump();
  }

  /** An awareness frame relayed from this incident's sockets on another server. */
  remoteAwareness(frame: Uint8Array): void {
    if (this.closed) return;
    try {
      this.awareness.remote(frame);
    } catch (error) {
      this.options.log(`yjs ${this.options.incidentId}: a relayed awareness frame could not be read: ${(error as Error).message}`);
    }
  }

  /** Adds a socket and starts the sync handshake. */
  join(socket: RoomSocket, served?: Uint8Array): void {
    // Who was on the board is part of the session; opening a closed incident's board later is
    // reading the archive, and would otherwise add to the session's record after its end.
    const recorded = !this.options.readOnly();
    this.sockets.set(socket, { resyncs: 0, recorded });
    if (recorded) this.recordEvent(socket.author.id, { type: 'joined', username: socket.author.username, role: socket.author.role, organisationId: socket.author.organisationId });
    const vector = Y.encodeStateVector(this.doc);
    this.send(socket, syncStep1Frame(vector));
    // Answered from the stored state while the room loaded (see storedState): what the document
    // holds beyond that follows, and the board's status as after any sync.
    if (served) {
      if (!sameBytes(vector, served)) this.send(socket, updateFrame(Y.encodeStateAsUpdate(this.doc, served)));
      if (this.fault) this.sendStatus(socket, this.statusMessage());
    }
    const everyone = this.awareness.everyone();
    if (everyone) this.send(socket, everyone);
  }

  /** Removes a socket and its awareness states. */
  leave(socket: RoomSocket): void {
    const entry = this.sockets.get(socket);
    if (!entry) return;
    this.sockets.delete(socket);
    if (entry.recorded) this.recordEvent(socket.author.id, { type: 'left', username: socket.author.username, organisationId: socket.author.organisationId });
    this.awareness.leave(socket);
  }

  /** Handles one frame from a socket; closes the socket on anything malformed or refused. */
  receive(socket: RoomSocket, frame: Uint8Array): void {
    if (!this.sockets.has(socket)) return;
    // A shared log: awareness at once (never recorded), everything else in turn order.
    const awareness = frame[0] === YMessage.awareness || frame[0] === YMessage.queryAwareness;
    if (this.shared && !awareness) {
      this.inbox.push({ socket, frame });
      void this.pump();
      return;
    }
    if (awareness) return this.receiveNow(socket, frame);
    // Handled at the end of this turn of the event loop, with every frame that arrives in it:
    // their updates are applied in one transaction (see receiveUpdates). A lone frame waits only
    // for the other callbacks of this turn, which are none when nothing else arrives.
    this.waiting.push({ socket, frame });
    if (!this.turnEnding) {
      this.turnEnding = true;
      setImmediate(() => this.endTurn());
    }
  }

  private receiveNow(socket: RoomSocket, frame: Uint8Array): void {
    if (!this.sockets.has(socket) || this.refused.has(socket)) return;
    // Updates are read in one place (receiveFrames), alone or together.
    if (isUpdateFrame(frame)) return this.receiveFrames([{ socket, frame }]);
    try {
      const decoder = decoding.createDecoder(frame);
      const type = decoding.readVarUint(decoder);
      if (type === YMessage.sync) {
        const subtype = decoding.readVarUint(decoder);
        if (subtype === YSyncMessage.step1) {
          this.answerStep1(socket, decoding.readVarUint8Array(decoder));
          // After the reply that makes the client synced, so that it learns the board is read-only for now.
          if (this.fault) this.sendStatus(socket, this.statusMessage());
        } else {
          socket.close(CloseCodes.BadMessage);
        }
      } else if (type === YMessage.awareness) {
        this.awareness.receive(socket, decoding.readVarUint8Array(decoder));
      } else if (type === YMessage.queryAwareness) {
        const everyone = this.awareness.everyone();
        if (everyone) this.send(socket, everyone);
      } else {
        socket.close(CloseCodes.BadMessage);
      }
    } catch (error) {
      // Truncated or garbled frames end the connection; the document was not touched, or was rebuilt.
      this.options.log(`yjs ${this.options.incidentId}: unreadable frame from ${socket.author.username}: ${(error as Error).message}`);
      socket.close(CloseCodes.BadMessage);
    }
  }

  /** Answers a client's sync step 1 with what it lacks (see join-answers.ts). */
  private answerStep1(socket: RoomSocket, vector: Uint8Array): void {
    const settled = this.outbox.length === 0 && !(this.shared && this.unrecorded.updates.length > 0);
    for (const message of this.joins.answer(this.doc, vector, settled)) this.send(socket, message);
  }

  /**
   * Handles frames in their order; each run of update frames is applied in one Yjs transaction
   * (see {@link receiveUpdates}).
   */
  private receiveFrames(frames: readonly { socket: RoomSocket; frame: Uint8Array }[]): void {
    for (let i = 0; i < frames.length; ) {
      let end = i;
      while (end < frames.length && isUpdateFrame(frames[end].frame)) end++;
      if (end === i) {
        this.receiveNow(frames[i].socket, frames[i].frame);
        i++;
        continue;
      }
      const updates: { socket: RoomSocket; update: Uint8Array }[] = [];
      for (const { socket, frame } of frames.slice(i, end)) {
        try {
          const decoder = decoding.createDecoder(frame);
          decoding.readVarUint(decoder);
          decoding.readVarUint(decoder);
          updates.push({ socket, update: decoding.readVarUint8Array(decoder) });
        } catch (error) {
          this.options.log(`yjs ${this.options.incidentId}: unreadable frame from ${socket.author.username}: ${(error as Error).message}`);
          this.refuse(socket, CloseCodes.BadMessage, 'unreadable frame', false);
        }
      }
      this.receiveUpdates(updates);
      i = end;
    }
  }

  /**
   * The gate, for updates that arrived together. Each is judged on its own, in order, against a
   * document holding every update accepted before it, and stamped, recorded and encoded on its
   * own; but they are applied in one Yjs transaction, because each transaction costs as much as
   * the document has clientIDs, and a long incident has thousands (docs/architecture.md,
   * "Per-update work"). What breaks a rule on its own is refused before anything is applied. A
   * refusal that only applying can tell ends the transaction there: the document is rebuilt from
   * the log, which holds the updates accepted before it (Yjs cannot roll back), and the rest
   * follow in a new transaction.
   */
  private receiveUpdates(updates: readonly { socket: RoomSocket; update: Uint8Array }[]): void {
    for (let next = 0; next < updates.length; ) {
      if (this.hold(updates[next].socket, updates[next].update)) next++;
      else next = this.applyTogether(updates, next);
    }
  }

  /**
   * The commonest update, a change of report fields, judged, stamped, recorded and sent without
   * applying it: it is held and applied to the document with the others held meanwhile, in one
   * Yjs transaction, when anything reads the document ({@link doc}) or after
   * `DEFAULTS.heldUpdatesMs` (docs/architecture.md, "Held updates"). An update qualifies when the
   * gate can tell everything from the update and the document without it ({@link reportWritesOf}),
   * and nothing it builds on is held. False when it is to go the way of every update
   * ({@link applyTogether}), which applies what is held first. What the gate refuses from the
   * update alone is refused here, with nothing applied.
   */
  private hold(socket: RoomSocket, update: Uint8Array): boolean {
    const author = socket.author;
    if (this.shared || this.fault || !this.sockets.has(socket) || this.refused.has(socket) || this.options.readOnly() || !this.options.budget.allows(author.id)) return false;
    let read: ReadUpdate;
    try {
      read = readUpdate(update);
    } catch {
      return false;
    }
    const live = this.live;
    const held = this.held;
    for (const [client, clock] of read.from) {
      const owner = this.bindings.get(client);
      // Its structs follow on from the document's (a client's next update after a held one does not).
      if (clock !== (held?.clocks.get(client) ?? Y.getState(live.store, client)) || (owner !== undefined && owner !== author.id)) return false;
    }
    const writes = reportWritesOf({ doc: live, update: read, author, network: this.gateNetwork, held: held ?? undefined });
    if (!writes) return false;
    // Refused before anything is applied, what is held included.
    if (!Array.isArray(writes)) return this.refuse(socket, writes.close, writes.reason, false), true;
    // The stamps, as writeStamps would write them: each after the location's present stamp.
    const stamp = stampOf(author, this.options.now());
    const server = live.clientID;
    let clock = held?.serverClock ?? Y.getState(live.store, server);
    const reports = live.getMap<Y.Map<unknown>>('reports');
    const stamps = new Map<string, Y.Item>();
    for (const { locationId } of writes) {
      if (stamps.has(locationId)) continue;
      const map = reports.get(locationId)!;
      const left = held?.stamps.get(locationId) ?? lastIdOf(map, 'stamp');
      stamps.set(locationId, new Y.Item(Y.createID(server, clock++), null, left, null, null, left ? null : map, 'stamp', new Y.ContentAny([stamp])));
    }
    // The stamp's predecessor is deleted by every peer that integrates the stamp after it (a
    // map value with nothing on its right deletes its left), so it is not named in the deletions.
    const accepted = encodeStructs([...(read.structs as Y.Item[]), ...stamps.values()], read.ds.clients);
    const fields = new Map<string, Record<string, unknown>>();
    for (const { locationId, field, value } of writes) fields.set(locationId, { ...fields.get(locationId), [field]: value ?? null });
    const event = changedEvent(author, [...fields].map(([locationId, values]) => ({ locationId, fields: values })), this.locationById);
    try {
      this.commit([{ update: accepted, user: author.id }], [event]);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      // Nothing was applied: nothing to undo.
      this.refuse(socket, CloseCodes.StorageUnavailable, error.message, false);
      return true;
    }
    const keep = this.held ?? this.startHolding();
    keep.updates.push(accepted);
    for (const write of writes) {
      keep.fields.set(write.key, write.item.id);
      keep.items.set(idKey(write.item.id), { item: write.item, path: ['reports', write.locationId, write.field] });
    }
    for (const [locationId, item] of stamps) keep.stamps.set(locationId, item.id);
    for (const [client, clock] of read.to) keep.clocks.set(client, clock);
    keep.serverClock = clock;
    if (this.alone) this.sendQueued();
    for (const client of read.from.keys()) if (!this.bindings.has(client)) this.bindings.set(client, author.id);
    this.options.budget.charge(author.id, update.length);
    return true;
  }

  /**
   * Held updates are applied right after the turn that sent them, unless applying them took long
   * the last time (a long incident's thousands of clientIDs make every transaction cost
   * milliseconds): then after a while, with what was held meanwhile, so that a busy board pays
   * one transaction for many updates. The while grows with that cost, so that applying takes
   * about `heldUpdatesShare` of the time (a 2 ms transaction every 100 ms), from `heldUpdatesMs`
   * up to `heldUpdatesMaxMs`: a fixed 20 ms let a long incident spend a tenth of its time, and
   * its garbage, on state vectors. When the while is over they wait for the next broadcast and
   * are applied right after it, when the next update is furthest away (an update that arrives
   * during the transaction waits for it), or, if none comes, after as long again.
   */
  private startHolding(): Held {
    const apply = () => this.integrate();
    const held: Held = { updates: [], clocks: new Map(), items: new Map(), fields: new Map(), stamps: new Map(), serverClock: 0, due: false, cancel: () => {} };
    const { costlyMs, waitMs, share, maxWaitMs } = this.holding;
    if (this.lastApplyMs >= costlyMs) {
      const wait = Math.min(maxWaitMs, Math.max(waitMs, this.lastApplyMs / share));
      let timer = setTimeout(() => {
        held.due = true;
        timer = setTimeout(apply, wait).unref();
      }, wait).unref();
      held.cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(apply);
      held.cancel = () => clearImmediate(immediate);
    }
    this.held = held;
    return held;
  }

  /** Held updates whose wait is over are applied right after a broadcast, once the turn that sent it ends. */
  private applyAfterBroadcast(): void {
    const held = this.held;
    if (!held?.due) return;
    held.due = false;
    setImmediate(() => {
      if (this.held === held) this.integrate();
    });
  }

  /** Applies the held updates to the document, in the order they were accepted, in one transaction. */
  private integrate(): void {
    if (!this.held) return;
    const started = performance.now();
    let whole = true;
    this.live.transact((transaction) => (whole = this.applyHeld(transaction)), SERVER);
    this.lastApplyMs = performance.now() - started;
    if (!whole) this.heldLeftPending();
  }

  /**
   * Applies the held updates inside an open transaction (of their own, or the one that applies
   * the next updates that cannot be held: one transaction for both). False when they left
   * something pending, which cannot happen (each built only on what the document or an earlier
   * held update had): then the caller rebuilds the document from the log.
   */
  private applyHeld(transaction: Y.Transaction): boolean {
    const held = this.held;
    if (!held) return true;
    this.dropHeld();
    for (const update of held.updates) Y.applyUpdate(this.live, update, SERVER);
    // They carry the server's stamps: as a remote transaction Yjs would take those for another
    // peer using the server's clientID, and give the document a new one.
    transaction.local = true;
    return this.live.store.pendingStructs === null && this.live.store.pendingDs === null;
  }

  private heldLeftPending(): void {
    this.options.log(`BUG: yjs ${this.options.incidentId}: held updates left something pending (${this.describePending()}); rebuilt from the log`);
    this.rebuild();
  }

  private dropHeld(): void {
    this.held?.cancel();
    this.held = null;
  }

  /** Applies updates from `start` in one transaction until one must be undone; returns where to go on. */
  private applyTogether(updates: readonly { socket: RoomSocket; update: Uint8Array }[], start: number): number {
    let next = updates.length;
    let undo: { socket: RoomSocket; close: CloseCode; reason: string; resync?: boolean } | null = null;
    const after: (() => void)[] = [];
    let whole = true;
    // What is held goes first, in the same transaction.
    this.live.transact((transaction) => {
      whole = this.applyHeld(transaction);
      if (!whole) return;
      for (let i = start; i < updates.length; i++) {
        const { socket, update } = updates[i];
        if (!this.sockets.has(socket) || this.refused.has(socket)) continue;
        const admitted = this.admit(socket, update);
        if (!admitted) continue;
        const problem = this.applyOne(transaction, socket, update, admitted, after);
        if (problem) {
          undo = { socket, ...problem };
          next = i + 1;
          return;
        }
      }
    });
    if (!whole) {
      this.heldLeftPending();
      return start;
    }
    for (const task of after) task();
    const failed = undo as { socket: RoomSocket; close: CloseCode; reason: string; resync?: boolean } | null;
    if (failed?.resync) this.pending(failed.socket);
    else if (failed) this.refuse(failed.socket, failed.close, failed.reason, true);
    return next;
  }

  /**
   * What can be judged of an update before applying it. New structs under a clientID bound to
   * someone else, writes of observers, and whatever breaks a rule on its own are refused here,
   * so neither costs a rebuild. Null when the update was answered (refused, or the client asked
   * for a full diff).
   */
  private admit(socket: RoomSocket, update: Uint8Array): { to: Map<number, number>; newClients: number[] } | null {
    const author = socket.author;
    let read: ReadUpdate;
    try {
      // Read once for the clock checks here and the gate's pre-check below. (Not
      // encodeStateVectorFromUpdate: it skips clients whose structs do not start at clock 0,
      // which is every incremental update.)
      read = readUpdate(update);
    } catch (error) {
      this.refuse(socket, CloseCodes.BadMessage, `update cannot be read: ${(error as Error).message}`, false);
      return null;
    }
    const { from, to } = read;
    // A client sends new local updates as soon as its socket opens, before its answer to our
    // sync step 1: after a restart such an update can arrive ahead of the structs it builds on.
    // It is not applied (it would stay pending); the client is asked for a full diff instead,
    // which contains these structs too, so nothing is lost.
    for (const [client, clock] of from) {
      if (clock > Y.getState(this.doc.store, client)) {
        this.requestSync(socket);
        return null;
      }
    }
    const newClients: number[] = [];
    for (const [client, clock] of to) {
      if (clock <= Y.getState(this.doc.store, client)) continue;
      const owner = this.bindings.get(client);
      if (owner !== undefined && owner !== author.id) return this.refuse(socket, CloseCodes.ClientIdTaken, `clientID ${client} belongs to another user`, false), null;
      newClients.push(client);
    }
    if (newClients.length > 0 && (author.role === 'observer' || this.options.readOnly())) {
      return this.refuse(socket, author.role === 'observer' ? CloseCodes.Forbidden : CloseCodes.Closed, 'no write rights', false), null;
    }
    // Refused before anything is applied, so neither costs a rebuild; both codes are retryable:
    // the client keeps the change and sends it again when it reconnects.
    if (newClients.length > 0 && this.fault) return this.refuse(socket, CloseCodes.StorageUnavailable, `log not writable (${this.fault.code})`, false), null;
    if (newClients.length > 0 && !this.options.budget.allows(author.id)) return this.refuse(socket, CloseCodes.WriteBudget, 'write budget used up', false), null;
    // An answer to our sync step 1 that holds nothing we lack: nothing to apply.
    if (newClients.length === 0 && update.length === EMPTY_UPDATE_LENGTH) return null;
    // Judged from the update itself first: what breaks a rule on its own is refused before
    // anything is applied, so a refusal costs no rebuild, however often it comes.
    const early = precheckUpdate({ doc: this.doc, update: read, author, network: this.gateNetwork });
    if (early === 'incomplete') return this.incomplete(socket), null;
    if (early) return this.refuse(socket, early.close, early.reason, false), null;
    // What only applying can tell (a need left incomplete, a place the update cannot name) may
    // need a rebuild to undo: a user who keeps causing those waits, so nobody can stall the room.
    if (this.rebuilds.count(author.id) >= REBUILD_BUDGET.rebuilds) return this.refuse(socket, CloseCodes.WriteBudget, 'too many refused changes that had to be undone', false), null;
    return { to, newClients };
  }

  /**
   * Applies, checks, stamps and records one admitted update inside the open transaction; the
   * change and its stamps are encoded as one update (no merge needed) right away, before a later
   * update of the same transaction can overwrite them. Returns what must be undone, if anything.
   */
  private applyOne(transaction: Y.Transaction, socket: RoomSocket, update: Uint8Array, { to, newClients }: { to: Map<number, number>; newClients: number[] }, after: (() => void)[]): { close: CloseCode; reason: string; resync?: boolean } | null {
    const author = socket.author;
    // The clients this update can add structs to: its own and the server's (stamps).
    const part = startPart(transaction, [...to.keys(), this.doc.clientID]);
    try {
      Y.applyUpdate(this.doc, update, socket);
    } catch (error) {
      return { close: CloseCodes.BadMessage, reason: `update cannot be applied: ${(error as Error).message}` };
    }
    // applyUpdate marks the transaction remote; it also carries the server's own stamps, and
    // Yjs would otherwise take those for another peer using the server's clientID.
    transaction.local = true;
    if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) {
      return { close: CloseCodes.Incomplete, reason: `update has missing dependencies (${this.describePending()})`, resync: true };
    }
    if (this.options.readOnly()) return { close: CloseCodes.Closed, reason: 'incident closed' };
    const verdict = checkTransaction({ doc: this.doc, transaction, part: { before: part.before, deletions: deletionsOf(transaction, part) }, author, network: this.gateNetwork, clients: to.keys() });
    if (!verdict.ok) return { close: verdict.close, reason: verdict.reason };
    writeChangeStamps(this.doc, author, this.options.now, verdict, SERVER);
    const accepted = encodePart(transaction, part);
    // Nothing new (a reconnecting client re-sent what the server has): not a write.
    if (!accepted) return null;
    // The update and what it changed go into the log in one write: one system call on the way
    // to the broadcast instead of two, and never one without the other. (On a shared log a turn
    // that fails drops both; its other events wait for the next turn: see turn().)
    const change = this.changeOf(author, verdict);
    try {
      this.commit([{ update: accepted, user: author.id }], change ? [change.event] : []);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      return { close: CloseCodes.StorageUnavailable, reason: error.message };
    }
    // A lone update is judged, stamped and in the log: it goes out now. Yjs' end of the
    // transaction (observers, tidying the deletions) changes nothing the clients are sent.
    if (this.alone && !this.shared) this.sendQueued();
    for (const client of newClients) this.bindings.set(client, author.id);
    if (this.shared) this.unrecorded.writers.add(socket);
    this.options.budget.charge(author.id, update.length);
    // Told once the change is in the log, and outside the Yjs transaction it was applied in.
    if (change?.tell) (this.shared ? this.unrecorded.after : after).push(change.tell);
    return null;
  }

  /** Asks a client for everything the server lacks (our sync step 1; it answers with a diff). */
  private requestSync(socket: RoomSocket): void {
    this.send(socket, syncStep1Frame(Y.encodeStateVector(this.doc)));
  }

  /**
   * An update left something pending that the pre-check could not see (deletions of unknown
   * items). Pending structs may not stay: the document is rebuilt from the log and the client is
   * asked for a full diff. A client that keeps doing this is closed, so it cannot force rebuilds.
   */
  private pending(socket: RoomSocket): void {
    const entry = this.sockets.get(socket);
    const reason = `update has missing dependencies (${this.describePending()})`;
    if (!entry || ++entry.resyncs > 3) return this.refuse(socket, CloseCodes.Incomplete, reason, true);
    this.options.log(`yjs ${this.options.incidentId}: ${socket.author.username}: ${reason}; rebuilt and asked for a full diff`);
    this.rebuilds.add(socket.author.id);
    this.rebuild();
    this.requestSync(socket);
  }

  /**
   * An update deletes items the server does not have yet (seen before applying it): the client
   * is asked for a full diff, nothing to undo. A client that keeps doing this is closed.
   */
  private incomplete(socket: RoomSocket): void {
    const entry = this.sockets.get(socket);
    if (!entry || ++entry.resyncs > 3) return this.refuse(socket, CloseCodes.Incomplete, 'update deletes items the server does not have', false);
    this.options.log(`yjs ${this.options.incidentId}: ${socket.author.username}: update deletes items the server does not have; asked for a full diff`);
    this.requestSync(socket);
  }

  /** What a pending update waits for, for the operator's log: structs per client from which clock, and deletions. */
  private describePending(): string {
    const missing = [...(this.doc.store.pendingStructs?.missing ?? new Map<number, number>())].map(
      ([client, clock]) => `client ${client}${this.bindings.get(client) === SERVER ? ' (server)' : ''} from clock ${clock}, server has ${Y.getState(this.doc.store, client)}`,
    );
    return [...missing, this.doc.store.pendingDs ? 'deletions of unknown items' : ''].filter(Boolean).join('; ') || 'unknown';
  }

  /**
   * What an accepted change was, for the log (see change-events.ts), and, when it touched needs,
   * the call that tells the need listener.
   */
  private changeOf(author: Author, touched: Touched): { event: RecordedEvent; tell?: () => void } | null {
    const onNeeds = this.options.onNeeds;
    const change = changeOf(this.doc, author, touched, this.locationById, onNeeds !== undefined);
    if (!change) return null;
    const { event, needs } = change;
    if (needs.length === 0 || !onNeeds) return { event };
    const tell = () => {
      try {
        onNeeds(needs);
      } catch (error) {
        this.options.log(`yjs ${this.options.incidentId}: need listener failed: ${(error as Error).message}`);
      }
    };
    return { event, tell };
  }

  private refuse(socket: RoomSocket, code: CloseCode, reason: string, rebuild: boolean): void {
    // Its later frames, already received or still waiting in this turn, are not looked at.
    this.refused.add(socket);
    this.options.log(`yjs ${this.options.incidentId}: refused an update of ${socket.author.username} (${socket.author.role}): ${reason}${rebuild ? '; rebuilt from the log' : ''}`);
    if (rebuild) {
      this.rebuilds.add(socket.author.id);
      this.rebuild();
    }
    socket.close(code);
  }

  /**
   * Records accepted updates in the log at once, and queues them for broadcast. Everything
   * accepted within one turn of the event loop goes out as one merged message per socket: under
   * load that turns hundreds of thousands of small socket writes a second into a few thousand.
   * A sender may get its own update back; Yjs ignores structs it already has. The updates are
   * written as one append, with `events` (what they changed) after them: all or none (throws
   * {@link StorageError}).
   */
  private commit(updates: { update: Uint8Array; user: string }[], events: RecordedEvent[] = []): void {
    if (this.closed || updates.length === 0) return;
    const time = this.options.now().getTime();
    this.write(
      // The events get their updates' time: a seek to an event's moment (the review's timeline)
      // must find its update applied.
      [
        ...updates.map(({ update, user }) => ({ type: RecordType.update, time, user, payload: update })),
        ...events.map((event) => {
          const record = eventRecord(time, updates[0].user, event);
          if (this.shared) this.changeEvents.add(record);
          return record;
        }),
      ],
      updates[0].user,
    );
    for (const { update } of updates) {
      this.updatesSinceCheckpoint++;
      (this.shared ? this.unrecorded.updates : this.outbox).push(update);
    }
    // They go out when the event-loop turn ends (endTurn), after a server change (serverChange),
    // or, on a shared log, after their turn (turn()): never from inside a transaction.
  }

  /**
   * A server change goes out at once; what follows within the same turn of the event loop waits
   * for the end of it and goes out merged.
   */
  private goOut(): void {
    if (this.batching || this.outbox.length === 0) return;
    this.flush();
    this.batching = true;
    setImmediate(() => {
      this.batching = false;
      this.flush();
    });
  }

  /** The end of an event-loop turn: the frames that came in during it, in their order, and then what they accepted, as one message. */
  private endTurn(): void {
    this.turnEnding = false;
    if (this.closed) return;
    const frames = this.waiting.splice(0);
    this.alone = frames.length === 1;
    try {
      this.receiveFrames(frames);
    } finally {
      this.alone = false;
    }
    this.flush();
  }

  /** Sends the queued updates as one message, the same bytes to every socket. */
  private flush(): void {
    this.sendQueued();
    // The updates are in the log already; a checkpoint (milliseconds for a large document) only
    // shortens loading, so it waits until the clients have the updates, and for the end of the
    // transaction they were applied in. Not while the log cannot be written: no update is
    // accepted then either, and the first after writing works again brings it.
    if (!this.fault && this.updatesSinceCheckpoint >= (this.options.checkpointEvery ?? DEFAULTS.checkpointEvery)) {
      if (this.shared) this.checkpoint();
      else this.checkpointAway();
    }
  }

  private sendQueued(): void {
    if (this.outbox.length === 0) return;
    const updates = this.outbox.splice(0);
    this.joins.broadcast(updates);
    this.broadcast(updateFrame(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)), null);
    this.applyAfterBroadcast();
  }

  /**
   * Writes a checkpoint now: the whole state and the clientID bindings. A checkpoint only shortens
   * loading, so one that cannot be written is left for later; the log holds every update.
   */
  checkpoint(): void {
    if (this.shared) {
      // Taken at the end of the next turn's judging: then the document holds exactly the
      // records before it in the log, which another server may have added to meanwhile.
      this.checkpointWanted = true;
      if (!this.inTurn) void this.pump();
      return;
    }
    try {
      const stateV2 = Y.encodeStateAsUpdateV2(this.doc);
      this.write([this.checkpointRecord(stateV2)], SERVER);
      this.updatesSinceCheckpoint = 0;
      // One being built on the other thread holds less than this one.
      this.checkpoints.written(stateV2);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
    }
  }

  /**
   * The embedded mode's checkpoint after every so many updates, built on another thread from the
   * last checkpoint and the updates recorded since (docs/architecture.md, "Checkpoints"): encoding
   * a long incident's state here would hold every update for 30–60 ms. It holds the state of
   * this moment; the updates recorded until it is written come before it in the log, and it says
   * how many, so that a replay applies them too. If the thread fails, the checkpoint is written here.
   */
  private checkpointAway(): void {
    // Before the bindings are copied: while one is being built, every flush comes here.
    if (this.checkpoints.building) return;
    const bindings = new Map(this.bindings);
    this.checkpoints.build({
      open: () => !this.closed,
      write: (stateV2, after) => {
        if (this.fault) return false;
        try {
          this.write([this.checkpointRecord(stateV2, bindings, after)], SERVER);
          this.updatesSinceCheckpoint = after;
          return true;
        } catch (error) {
          if (!(error instanceof StorageError)) throw error;
          return false;
        }
      },
      failed: (error) => {
        this.options.log(`yjs ${this.options.incidentId}: the checkpoint thread failed (${error.message}); writing the checkpoint here`);
        this.checkpoint();
      },
    });
  }

  /** A checkpoint record of `stateV2` (the document's state now, unless given), lacking `after` updates before it. */
  private checkpointRecord(stateV2 = Y.encodeStateAsUpdateV2(this.doc), bindings = this.bindings, after = 0): NewRecord {
    return { type: RecordType.checkpoint, time: this.options.now().getTime(), user: SERVER, payload: encodeCheckpoint(bindings, stateV2, after) };
  }

  private broadcast(message: Uint8Array, except: RoomSocket | null): void {
    for (const socket of this.sockets.keys()) if (socket !== except) this.send(socket, message);
  }

  /** Sends a board-status message to the sockets that take it. */
  private broadcastStatus(message: Uint8Array): void {
    for (const socket of this.sockets.keys()) this.sendStatus(socket, message);
  }

  /** Sends a board-status message to a socket if it asked for them (`?boardStatus=1`). */
  private sendStatus(socket: RoomSocket, message: Uint8Array): void {
    if (socket.boardStatus) this.send(socket, message);
  }

  private send(socket: RoomSocket, message: Uint8Array): void {
    socket.send(message);
  }

  /**
   * Closes every socket, writes a last checkpoint and frees the document. A shared log's last
   * records are written in a last turn: {@link finished} resolves after it.
   */
  close(code: CloseCode = CloseCodes.ServerStopping): void {
    if (this.closed || this.ending) return;
    this.flush();
    for (const socket of [...this.sockets.keys()]) {
      this.leave(socket);
      socket.close(code);
    }
    if (this.updatesSinceCheckpoint > 0) this.checkpoint();
    // The checkpoint thread's copy of the document goes with the room.
    this.checkpoints.forget();
    if (this.shared) {
      this.inbox.length = 0;
      const last = this.fault ? Promise.resolve() : this.settled();
      this.ending = last
        .catch((error: Error) => this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: the last records could not be written before the room closed: ${error.message}`))
        .then(() => this.free());
      return;
    }
    this.free();
  }

  /** Resolves once a closed room has written its last records. */
  get finished(): Promise<void> {
    return this.ending ?? Promise.resolve();
  }

  private free(): void {
    const waiting = this.backlog.length + (this.shared ? this.unrecorded.records.length : 0);
    if (waiting > 0) this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${waiting} record(s) could not be written before the room closed`);
    clearInterval(this.retryTimer);
    this.closed = true;
    this.recorder?.close();
    this.awareness.destroy();
    this.dropHeld();
    this.live.destroy();
  }
}
