import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident, IncidentNetwork } from '../../shared/incident';
import { initIncidentDoc } from '../../shared/incident-doc';
import type { Store } from '../store/store';
import { text } from '../../shared/text';
import { HttpError } from '../http/http-error';
import { IncidentLog, StorageError, eventRecord, incidentLogFile, type NewRecord } from '../recorder/incident-log';
import type { RecordedEvent } from '../../shared/recorded-event';
import type pg from 'pg';
import * as Y from 'yjs';
import { IncidentRoom, type RoomOptions, type SharedLog } from './incident-room';
import type { ChangedNeed } from './change-events';
import { LOG_TAIL_BYTES, storedState, type StoredState } from '../recorder/replay-state';
import { PgRecorder, pgLogBytes } from '../recorder/pg-recorder';
import { startFromRecorder } from '../recorder/replay-state';
import type { BoardStatus } from '../../shared/wire';
import type { RoomBus } from './room-bus';
import type { StorageStatus } from './log-growth';
import { WriteBudget, DEFAULT_WRITE_BUDGET, type WriteBudgetLimits } from './write-budget';
import { DEFAULTS } from '../defaults';

/** Options of the room registry. */
export interface RoomsOptions {
  store: Store;
  dataDir: string;
  now: () => Date;
  log: (message: string) => void;
  /** A room without connections is unloaded after this long. */
  idleMs?: number;
  checkpointEvery?: number;
  /** How long a loading room waits for joining clients' sync step 1 to answer it from the stored state. */
  earlyStateWaitMs?: number;
  /** Write budget per user on the incident documents. */
  writeBudget?: WriteBudgetLimits;
  /** While a log cannot be written, how often writing is tried again. */
  storageRetryMs?: number;
  /** Told of every accepted change to needs (reach pushes urgent ones to GHOR's devices). */
  onNeeds?: (incidentId: string, needs: readonly ChangedNeed[]) => void;
  /**
   * Incident logs in PostgreSQL, in one order shared with the other servers on the database,
   * who hear of each other's records on the bus; frozen networks in the store. Unset: log files
   * and networks in `dataDir`.
   */
  shared?: { pool: pg.Pool; bus: RoomBus };
}

/** Where the frozen network of an incident lives. */
function networkFile(dataDir: string, incidentId: string): string {
  return join(dataDir, 'incidents', incidentId, 'network.json');
}

/** A client joining a room that is being loaded (see Rooms.whileLoading). */
export interface EarlyWaiter {
  /** Given the stored state once it is read (the same for every waiter); must not throw. */
  stored(state: StoredState): void;
  /** Settles when the client's sync step 1 has come. */
  asked: Promise<void>;
}

/** Loads, creates and unloads incident rooms; one room per incident at most. */
export class Rooms {
  private readonly rooms = new Map<string, IncidentRoom>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly readOnly = new Set<string>();
  private readonly loading = new Map<string, Promise<IncidentRoom | undefined>>();
  /** Clients joining a room that is being loaded, to be answered from its stored state. */
  private readonly waiting = new Map<string, Set<EarlyWaiter>>();
  /** Logs open for the events of incidents whose room is not loaded; closed after the idle time. */
  private readonly eventLogs = new Map<string, { log: IncidentLog; timer: NodeJS.Timeout }>();
  /** The write budget per user, across every incident. */
  readonly budget: WriteBudget;

  /** Frozen networks read from the store (they never change), on a shared log. */
  private readonly networks = new Map<string, IncidentNetwork>();
  private pollTimer: NodeJS.Timeout | undefined;
  /** Set by {@link stop}: from then on no room is loaded or created (see {@link notStopped}), and a late event's log is closed once written. */
  private stopped = false;

  constructor(private readonly options: RoomsOptions) {
    this.budget = new WriteBudget(options.writeBudget ?? DEFAULT_WRITE_BUDGET, () => options.now().getTime());
    const shared = options.shared;
    if (shared) {
      shared.bus.listen((message) => {
        if (message.kind === 'sessions-ended' || message.kind === 'outbox') return;
        const room = this.rooms.get(message.incidentId);
        if (message.kind === 'head') {
          if (message.records) room?.remoteRecords(message.head - message.records.length, message.records);
          else room?.remoteHead(message.head);
        } else if (message.kind === 'awareness') room?.remoteAwareness(message.frame);
        else {
          if (message.status.closed) this.readOnly.add(message.incidentId);
          room?.announce(message.status);
        }
      });
      // While the bus is down, each loaded room asks the log for what others committed.
      this.pollTimer = setInterval(() => {
        if (!shared.bus.healthy) for (const [id, room] of this.rooms) void this.pollHead(shared.pool, id, room);
      }, DEFAULTS.sharedPollMs);
      this.pollTimer.unref();
    }
  }

  private async pollHead(pool: pg.Pool, incidentId: string, room: IncidentRoom): Promise<void> {
    try {
      room.remoteHead((await PgRecorder.open(pool, incidentId)).head);
    } catch (error) {
      this.options.log(`incident ${incidentId}: polling the shared log failed: ${(error as Error).message}`);
    }
  }

  /**
   * The frozen network of an incident. A file (or row) that is missing or cannot be read is an
   * {@link HttpError} with a sentence for the reader, not a bare exception.
   */
  async network(incidentId: string): Promise<IncidentNetwork> {
    if (this.options.shared) return this.storedNetwork(incidentId);
    const file = networkFile(this.options.dataDir, incidentId);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      this.options.log(`incident ${incidentId}: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
      throw new HttpError(
        503,
        'incident-data-missing',
        text(
          'De gegevens van dit incident (het bevroren netwerk) ontbreken op de server of zijn niet te lezen. De beheerder kan ze terugzetten uit een back-up.',
          'The data of this incident (its frozen network) is missing on the server or cannot be read. An administrator can restore it from a backup.',
        ),
      );
    }
    try {
      return JSON.parse(source) as IncidentNetwork;
    } catch {
      this.options.log(`incident ${incidentId}: ${file} is not valid JSON`);
      throw new HttpError(503, 'incident-data-missing', text('De gegevens van dit incident op de server zijn beschadigd. De beheerder kan ze terugzetten uit een back-up.', 'The data of this incident on the server is damaged. An administrator can restore it from a backup.'));
    }
  }

  private async storedNetwork(incidentId: string): Promise<IncidentNetwork> {
    const known = this.networks.get(incidentId);
    if (known) return known;
    let row;
    try {
      row = await this.options.store.get('networks', incidentId);
    } catch (error) {
      this.options.log(`incident ${incidentId}: its network cannot be read from the store (${(error as Error).message})`);
      throw new HttpError(503, 'storage-unavailable', text('De gegevens van dit incident zijn nu niet te lezen: de database antwoordt niet. Probeer het zo opnieuw.', 'The data of this incident cannot be read now: the database does not answer. Try again shortly.'));
    }
    if (!row) {
      this.options.log(`incident ${incidentId}: no frozen network in the store`);
      throw new HttpError(503, 'incident-data-missing', text('De gegevens van dit incident (het bevroren netwerk) ontbreken in de database. De beheerder kan ze terugzetten uit een back-up.', 'The data of this incident (its frozen network) is missing in the database. An administrator can restore it from a backup.'));
    }
    this.networks.set(incidentId, row.network);
    return row.network;
  }

  /** Opens the room of a new incident: freezes the network and writes the document's fixed structure. */
  async create(incident: Incident, network: IncidentNetwork): Promise<IncidentRoom> {
    this.notStopped();
    const file = networkFile(this.options.dataDir, incident.id);
    let room: IncidentRoom | undefined;
    try {
      if (this.options.shared) {
        await this.options.store.put({ networks: [{ id: incident.id, network }] });
        this.networks.set(incident.id, network);
        room = await this.openShared(incident, network, true);
      } else {
        mkdirSync(join(this.options.dataDir, 'incidents', incident.id), { recursive: true });
        writeFileSync(file, JSON.stringify(network));
        room = await this.open(incident, network);
      }
      // The session's first record, at the incident's start: a review at its first moment shows it.
      room.recordEvent(incident.createdBy, { type: 'incident-opened', title: incident.title, grip: incident.grip }, Date.parse(incident.startedAt));
      await room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
      room.checkpoint();
      await room.settled();
    } catch (error) {
      room?.close();
      this.rooms.delete(incident.id);
      this.options.log(`opening incident ${incident.id} failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      throw new HttpError(
        503,
        'storage-unavailable',
        text(
          'Het incident kon niet worden geopend: de opslag van de server is vol of niet schrijfbaar. Er is niets opgeslagen; probeer het opnieuw zodra de beheerder de opslag heeft hersteld.',
          'The incident could not be opened: the server’s storage is full or not writable. Nothing was saved; try again once an administrator has repaired the storage.',
        ),
      );
    }
    this.scheduleIdle(incident.id);
    return room;
  }

  /**
   * The loaded room of an incident, loading it from its log when needed; undefined for an
   * unknown incident. Throws {@link HttpError} when its files are missing or cannot be read.
   */
  async get(incidentId: string): Promise<IncidentRoom | undefined> {
    this.notStopped();
    const loaded = this.rooms.get(incidentId);
    if (loaded) return loaded;
    // One load in flight per incident, shared by every caller.
    let pending = this.loading.get(incidentId);
    if (!pending) {
      pending = this.loadById(incidentId).finally(() => this.loading.delete(incidentId));
      this.loading.set(incidentId, pending);
    }
    return pending;
  }

  private async loadById(incidentId: string): Promise<IncidentRoom | undefined> {
    const incident = await this.options.store.get('incidents', incidentId);
    if (!incident) return undefined;
    return this.rooms.get(incidentId) ?? this.load(incident);
  }

  private async load(incident: Incident): Promise<IncidentRoom> {
    if (incident.status === 'closed') this.readOnly.add(incident.id);
    const network = await this.network(incident.id);
    try {
      return this.options.shared ? await this.openShared(incident, network, false) : await this.open(incident, network);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.options.log(`incident ${incident.id}: ${error.message}`);
      throw new HttpError(
        503,
        'storage-unavailable',
        text(
          'Het logboek van dit incident is op de server niet te lezen (opslag niet leesbaar). De beheerder moet de opslag herstellen; er is niets gewijzigd.',
          'The log of this incident cannot be read on the server (storage not readable). An administrator must repair the storage; nothing was changed.',
        ),
      );
    }
  }

  private async open(incident: Incident, network: IncidentNetwork): Promise<IncidentRoom> {
    // The room appends to the log from now on: one writer per file.
    this.closeEventLog(incident.id);
    const opened = IncidentLog.open(incidentLogFile(this.options.dataDir, incident.id), this.options.log, { tailBytes: LOG_TAIL_BYTES });
    const waiting = this.waiting.get(incident.id);
    const stored = waiting?.size ? storedState(opened.records) : null;
    if (stored) {
      for (const waiter of waiting!) waiter.stored(stored);
      // Those whose step 1 is still on its way are answered as it comes (the event loop is free
      // meanwhile): a client cannot be synced before that anyway.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([...waiting!].map((w) => w.asked)), new Promise((resolve) => (timer = setTimeout(resolve, this.options.earlyStateWaitMs ?? DEFAULTS.earlyStateWaitMs)))]);
      clearTimeout(timer);
    }
    this.waiting.delete(incident.id);
    return this.adopt(incident, network, undefined, opened);
  }

  /**
   * Until the incident's room is built, the waiter is given its stored state (see storedState),
   * so that a client joining a room that loads is answered from it instead of waiting for the
   * document; `asked` settles when the client's sync step 1 has come (and been answered). Not
   * on a shared log, whose end other servers may be moving meanwhile. Returns the way to stop
   * waiting.
   */
  whileLoading(incidentId: string, waiter: EarlyWaiter): () => void {
    if (this.options.shared || this.rooms.has(incidentId)) return () => {};
    const waiting = this.waiting.get(incidentId) ?? new Set<EarlyWaiter>();
    waiting.add(waiter);
    this.waiting.set(incidentId, waiting);
    return () => {
      waiting.delete(waiter);
      if (waiting.size === 0 && this.waiting.get(incidentId) === waiting) this.waiting.delete(incidentId);
    };
  }

  /** Makes an incident's room, with a shared log or its file, and keeps it loaded until idle. */
  private adopt(incident: Incident, network: IncidentNetwork, shared?: SharedLog, opened?: RoomOptions['opened']): IncidentRoom {
    const room = new IncidentRoom({
      incidentId: incident.id,
      dataDir: this.options.dataDir,
      network,
      now: this.options.now,
      log: this.options.log,
      readOnly: () => this.readOnly.has(incident.id),
      checkpointEvery: this.options.checkpointEvery,
      budget: this.budget,
      storageRetryMs: this.options.storageRetryMs,
      onNeeds: this.options.onNeeds ? (needs) => this.options.onNeeds!(incident.id, needs) : undefined,
      shared,
      opened,
    });
    this.rooms.set(incident.id, room);
    // Loaded for a REST call (a GRIP change, an alert) with nobody on the board: it goes again
    // after the idle time unless a socket joins meanwhile.
    this.scheduleIdle(incident.id);
    return room;
  }

  /**
   * Opens a room on the shared log: from the log's end as it is now (or empty, for an incident
   * being created), telling the other servers of every turn it commits.
   */
  private async openShared(incident: Incident, network: IncidentNetwork, fresh: boolean): Promise<IncidentRoom> {
    const { pool, bus } = this.options.shared!;
    const recorder = await PgRecorder.open(pool, incident.id);
    const start = fresh ? { state: { doc: new Y.Doc(), bindings: new Map<number, string>(), updatesSinceCheckpoint: 0 }, records: [] } : await startFromRecorder(recorder, this.options.log);
    const shared: SharedLog = {
      recorder,
      start,
      committed: (head, records) => this.tellCommitted(incident.id, head, records),
      relay: (frame) => bus.publish({ kind: 'awareness', incidentId: incident.id, frame }),
      onEvent: (event) => {
        // Closed on another server: no more writes here either, from this record on.
        if (event.type === 'incident-closed') this.readOnly.add(incident.id);
      },
    };
    // Another caller may have loaded it meanwhile.
    const loaded = this.rooms.get(incident.id);
    if (loaded) {
      start.state.doc.destroy();
      return loaded;
    }
    return this.adopt(incident, network, shared);
  }

  /** The room of an incident if it is loaded now; never loads one. */
  loadedRoom(incidentId: string): IncidentRoom | undefined {
    return this.rooms.get(incidentId);
  }

  /**
   * Records a server event (an alert, an answer, a message state, a GRIP change) in an
   * incident's log, with server time. A loaded room records it itself. Otherwise the log is
   * opened for appending only: its end is read to cut a torn record, no document is built, so
   * that the answers of 175 coordinators to an alert do not load a long incident's document
   * (docs/architecture.md, "Recording"). When the log cannot be written, the room is loaded
   * after all: its backlog keeps the event until writing works again. Nothing for an unknown
   * incident.
   */
  async recordEvent(incidentId: string, user: string, event: RecordedEvent): Promise<void> {
    if (this.options.shared) return this.recordSharedEvent(incidentId, user, event);
    const known = this.eventLogs.has(incidentId) || this.rooms.has(incidentId);
    if (!known && !(await this.options.store.get('incidents', incidentId))) return;
    // A room loaded (or loading, also since the lookup above) writes the event itself; from
    // here on nothing awaits, so no load can start between opening the log and appending to it.
    const room = this.rooms.get(incidentId) ?? (await this.loading.get(incidentId));
    if (room) return room.recordEvent(user, event);
    try {
      this.eventLog(incidentId).appendAll([eventRecord(this.options.now().getTime(), user, event)]);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.closeEventLog(incidentId);
      // Once stopped, no room is loaded for it: this throws the error to try again.
      (await this.get(incidentId))?.recordEvent(user, event);
    }
    // Once stopped, an event that still comes (a request the stop did not wait for) is written
    // and its log closed at once: nothing is left open behind the server's back.
    if (this.stopped) this.closeEventLog(incidentId);
  }

  /**
   * {@link recordEvent} on a shared log: a loaded room records the event in its next turn;
   * otherwise it is appended at the log's end, holding the incident's order, and the servers
   * that have the board loaded are told. Throws {@link StorageError} when the database does
   * not take it, as the store's writes of the same request would.
   */
  private async recordSharedEvent(incidentId: string, user: string, event: RecordedEvent): Promise<void> {
    const { pool } = this.options.shared!;
    const room = this.rooms.get(incidentId) ?? (await this.loading.get(incidentId));
    if (room) {
      // Recorded in the room's next turn: the caller goes on once it is in the log, so that what
      // it does next (an answer's reply, another server's closure it lets in) comes after it.
      room.recordEvent(user, event);
      return room.settled();
    }
    if (!(await this.options.store.get('incidents', incidentId))) return;
    const record = eventRecord(this.options.now().getTime(), user, event);
    this.tellCommitted(incidentId, await PgRecorder.atEnd(pool, incidentId).appendAtEnd([record]), [record]);
  }

  /**
   * Tells the other servers that an incident's log has committed `records`, up to `head`: with
   * the records themselves, so that a server holding the board sends them on without reading
   * them from the database, unless they are large (a checkpoint); then only the new head.
   */
  private tellCommitted(incidentId: string, head: number, records: readonly NewRecord[]): void {
    const { bus } = this.options.shared!;
    const bytes = records.reduce((n, r) => n + r.payload.length, 0);
    bus.publish({ kind: 'head', incidentId, head, ...(bytes <= DEFAULTS.busRecordsMaxBytes ? { records } : {}) });
  }

  private eventLog(incidentId: string): IncidentLog {
    let entry = this.eventLogs.get(incidentId);
    if (!entry) {
      const file = incidentLogFile(this.options.dataDir, incidentId);
      const { log } = IncidentLog.open(file, this.options.log, { tailBytes: 64 * 1024 });
      entry = { log, timer: setTimeout(() => this.closeEventLog(incidentId), this.options.idleMs ?? DEFAULTS.roomIdleMs) };
      entry.timer.unref();
      this.eventLogs.set(incidentId, entry);
    }
    return entry.log;
  }

  private closeEventLog(incidentId: string): void {
    const entry = this.eventLogs.get(incidentId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.log.close();
    this.eventLogs.delete(incidentId);
  }

  /** Marks an incident closed: its document takes no more writes, here and on the other servers. */
  markClosed(incidentId: string): void {
    this.readOnly.add(incidentId);
    this.announce(incidentId, { closed: true });
  }

  /** Tells everyone on an incident's board, on every server, that its GRIP level changed or it closed. */
  announce(incidentId: string, status: Omit<BoardStatus, 'storage'>): void {
    this.rooms.get(incidentId)?.announce(status);
    this.options.shared?.bus.publish({ kind: 'status', incidentId, status });
  }

  /** Called when a socket left: an empty room is unloaded after the idle time. */
  release(incidentId: string): void {
    const room = this.rooms.get(incidentId);
    if (room && room.size === 0) this.scheduleIdle(incidentId);
  }

  /** Called when a socket joined: keeps the room loaded. */
  hold(incidentId: string): void {
    clearTimeout(this.idleTimers.get(incidentId));
    this.idleTimers.delete(incidentId);
  }

  private scheduleIdle(incidentId: string): void {
    clearTimeout(this.idleTimers.get(incidentId));
    this.idleTimers.set(
      incidentId,
      setTimeout(() => {
        this.idleTimers.delete(incidentId);
        const room = this.rooms.get(incidentId);
        if (room && room.size === 0) {
          room.close();
          this.rooms.delete(incidentId);
        }
      }, this.options.idleMs ?? DEFAULTS.roomIdleMs),
    );
  }

  /** The log of every loaded incident whose log cannot be written now. */
  faults(): StorageStatus[] {
    return [...this.rooms.values()].map((room) => room.storage()).filter((status) => status.fault !== null);
  }

  /** How the log of an incident grows; its size alone when the room is not loaded. */
  async storage(incidentId: string): Promise<StorageStatus> {
    const room = this.rooms.get(incidentId);
    const shared = this.options.shared;
    if (room && !shared) return room.storage();
    const status = room?.storage() ?? { incidentId, logBytes: 0, lastTenMinutesBytes: 0, lastHourBytes: 0, writers: [], fault: null, waitingEvents: 0 };
    const logBytes = shared ? await pgLogBytes(shared.pool, incidentId) : (statSync(incidentLogFile(this.options.dataDir, incidentId), { throwIfNoEntry: false })?.size ?? 0);
    return { ...status, logBytes };
  }

  /** Throws, once {@link stop} has begun, the error a request that needs a room answers with. */
  private notStopped(): void {
    if (!this.stopped) return;
    throw new HttpError(503, 'server-stopping', text('De server stopt of start opnieuw; dit is niet gelukt. Probeer het over een minuut opnieuw.', 'The server is stopping or restarting; this did not go through. Try again in a minute.'));
  }

  /** Number of loaded rooms. */
  get loaded(): number {
    return this.rooms.size;
  }

  /** Number of sockets on an incident's board in this process (0 when its room is not loaded). */
  connectedTo(incidentId: string): number {
    return this.rooms.get(incidentId)?.size ?? 0;
  }

  /**
   * Stops for good, as the server does: rooms still loading are waited for, and every room is
   * closed (see {@link closeAll}). What asks for a room afterwards gets an error to try again; an
   * event recorded afterwards is still written, its log closed right after.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.loading.values()]);
    await this.closeAll();
  }

  /** Closes every room loaded now (last checkpoint, sockets closed with a "server stopping" code); resolves once their last records are written. */
  async closeAll(): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    clearInterval(this.pollTimer);
    const rooms = [...this.rooms.values()];
    for (const room of rooms) room.close();
    this.rooms.clear();
    for (const id of [...this.eventLogs.keys()]) this.closeEventLog(id);
    await Promise.all(rooms.map((room) => room.finished));
  }
}
