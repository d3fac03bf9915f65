import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident, IncidentNetwork } from '../../shared/incident';
import { initIncidentDoc } from '../../shared/incident-doc';
import type { Store } from '../store/store';
import { IncidentRoom } from './incident-room';

/** Options of the room registry. */
export interface RoomsOptions {
  store: Store;
  dataDir: string;
  now: () => Date;
  log: (message: string) => void;
  /** A room without connections is unloaded after this long. */
  idleMs?: number;
  checkpointEvery?: number;
}

/** Where the frozen network of an incident lives. */
function networkFile(dataDir: string, incidentId: string): string {
  return join(dataDir, 'incidents', incidentId, 'network.json');
}

/** Loads, creates and unloads incident rooms; one room per incident at most. */
export class Rooms {
  private readonly rooms = new Map<string, IncidentRoom>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly readOnly = new Set<string>();

  constructor(private readonly options: RoomsOptions) {}

  /** The frozen network of an incident. */
  network(incidentId: string): IncidentNetwork {
    return JSON.parse(readFileSync(networkFile(this.options.dataDir, incidentId), 'utf8')) as IncidentNetwork;
  }

  /** Opens the room of a new incident: freezes the network and writes the document's fixed structure. */
  create(incident: Incident, network: IncidentNetwork): IncidentRoom {
    const file = networkFile(this.options.dataDir, incident.id);
    mkdirSync(join(this.options.dataDir, 'incidents', incident.id), { recursive: true });
    writeFileSync(file, JSON.stringify(network));
    const room = this.load(incident);
    room.recordEvent(incident.createdBy, { type: 'incident-opened', title: incident.title, grip: incident.grip });
    room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
    room.checkpoint();
    this.scheduleIdle(incident.id);
    return room;
  }

  /** The loaded room of an incident, loading it from its log when needed. */
  async get(incidentId: string): Promise<IncidentRoom | undefined> {
    const loaded = this.rooms.get(incidentId);
    if (loaded) return loaded;
    const incident = await this.options.store.get('incidents', incidentId);
    if (!incident || !existsSync(networkFile(this.options.dataDir, incidentId))) return undefined;
    // Another caller may have loaded it while the store answered.
    return this.rooms.get(incidentId) ?? this.load(incident);
  }

  private load(incident: Incident): IncidentRoom {
    if (incident.status === 'closed') this.readOnly.add(incident.id);
    const room = new IncidentRoom({
      incidentId: incident.id,
      dataDir: this.options.dataDir,
      network: this.network(incident.id),
      now: this.options.now,
      log: this.options.log,
      readOnly: () => this.readOnly.has(incident.id),
      checkpointEvery: this.options.checkpointEvery,
    });
    this.rooms.set(incident.id, room);
    return room;
  }

  /** Marks an incident closed: its document takes no more writes. */
  markClosed(incidentId: string): void {
    this.readOnly.add(incidentId);
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
      }, this.options.idleMs ?? 60000),
    );
  }

  /** Number of loaded rooms. */
  get loaded(): number {
    return this.rooms.size;
  }

  /** Closes every room (last checkpoint, sockets closed with a "server stopping" code). */
  closeAll(): void {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const room of this.rooms.values()) room.close();
    this.rooms.clear();
  }
}
