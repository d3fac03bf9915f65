import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { AreaFeature, LogbookEntry, Need, NeedKind, PictureText, Report, Urgency } from '$shared/board-schema';
import type { PublicUser, Role } from '$shared/domain';
import type { Incident, IncidentNetwork } from '$shared/incident';
import {
  addLogbookEntry,
  addNeed,
  areasRoot,
  editPictureText,
  logbookRoot,
  needsRoot,
  pictureRoot,
  readAreas,
  readNeeds,
  readPicture,
  removeArea,
  reportsRoot,
  setArea,
  setReport,
  updateNeed,
  type ReportChange,
} from '$shared/incident-doc';
import * as decoding from 'lib0/decoding';
import { mayWrite } from '$shared/board-rights';
import { BOARD_STATUS_PARAM, CloseCodes, YMessage, closeCodeOf, type BoardStatus } from '$shared/wire';
import { beep } from './beep';
import { i18n } from './i18n.svelte';

/** Someone with the board open, as the server vouches for it. */
export interface Presence {
  clientId: number;
  id: string;
  name: string;
  role: Role;
  organisationId: string | null;
}

/** Whether the user's last change of a location is on its way or saved, and which fields it wrote. */
export type SaveState = { state: 'sent'; fields: string[] } | { state: 'saved'; at: string; fields: string[] };

/**
 * The live board of one incident: owns the Y.Doc and the provider, mirrors the document into
 * rune state, and is the only place the pages write through (via the shared accessors).
 */
export class Board {
  status = $state<'connecting' | 'connected' | 'disconnected'>('connecting');
  synced = $state(false);
  /**
   * Whether the document holds the incident's reports, from the server or from the browser copy.
   * The server makes each location's report map (two browsers making it would lose one's
   * writes), so before this a tap has nothing to write into: the forms wait and say so.
   */
  loaded = $state(false);
  /** The sentence of the last refusal by the server, shown until dismissed. */
  refusal = $state<string | null>(null);
  fatal = $state<string | null>(null);
  /**
   * The session ended (expired after its hours, or signed out elsewhere): the board says so and
   * offers to sign in again. What this device holds and the server has not, stays in the
   * browser copy and goes to the server when the board opens again after signing in.
   */
  signedOut = $state(false);
  /** Whether this board keeps a browser copy (not where the browser has no IndexedDB). */
  get keepsCopy(): boolean {
    return typeof indexedDB !== 'undefined';
  }
  /**
   * Why the board takes no writes for now (storage full, write budget used up), while it keeps
   * the user's changes and retries; cleared when the server takes writes again.
   */
  waiting = $state<string | null>(null);
  /** A live notice from GHOR's side of the board: the incident was closed, or its GRIP level changed. */
  notice = $state<string | null>(null);
  /** The GRIP level as it is now (it may change while the board is open). */
  grip = $state(0);
  /**
   * Save state per location the user wrote: `sent` until the server's stamp for it comes back,
   * then the time it was saved.
   */
  saves = $state.raw<Map<string, SaveState>>(new Map());
  /** The need the user is writing, kept while tabs change and after a closure (as a draft). */
  needDraft = $state({ locationId: '', kind: 'power' as NeedKind, urgency: 'high' as Urgency, quantity: '', description: '' });
  /** A new urgent need, for GHOR: shown as a toast (with a sound) that opens it. */
  urgent = $state<Need | null>(null);
  private seenNeeds: Set<string> | null = null;
  /** Stamps as they were when the user last wrote a location; a new stamp means the server took it. */
  private readonly sentAgainst = new Map<string, string | undefined>();
  reports = $state.raw<Map<string, Report>>(new Map());
  needs = $state.raw<Need[]>([]);
  picture = $state<Record<PictureText, string>>({ picture: '', assessment: '', decisions: '' });
  areas = $state.raw<{ id: string; feature: AreaFeature }[]>([]);
  logbook = $state.raw<LogbookEntry[]>([]);
  presence = $state.raw<Presence[]>([]);
  readOnly = $state(false);
  /** The server said, while the board was open, that the incident has been closed. */
  closedLive = $state(false);
  /** Whether a connection has been made or has failed: after that, trying again is being offline. */
  private triedOnce = false;

  /** Called with the ids of locations whose report changed, so the map restyles only those. */
  onReportsChanged: (ids: string[]) => void = () => {};

  private doc!: Y.Doc;
  private provider!: WebsocketProvider;
  private persistence: IndexeddbPersistence | undefined;
  private disposers: (() => void)[] = [];

  constructor(
    readonly incident: Incident,
    readonly network: IncidentNetwork,
    readonly user: PublicUser,
  ) {
    this.readOnly = incident.status === 'closed' || user.role === 'observer';
    this.grip = incident.grip;
    this.open();
  }

  /** Whether the user may write the report of a location. */
  canReport(locationId: string): boolean {
    const location = this.network.locations.find((l) => l.id === locationId);
    return !this.readOnly && location !== undefined && mayWrite({ root: 'reports', writer: this.user, owner: location.organisationId });
  }

  /** Whether the user may file a need for an organisation here (GHOR for any, a coordinator for its own), the board taking writes. */
  canFileNeed(organisationId: string): boolean {
    return !this.readOnly && mayWrite({ root: 'needs', writer: this.user, owner: organisationId });
  }

  /** Whether the user is GHOR staff (or admin) on an open incident: may write the picture, areas and logbook. */
  get isGhor(): boolean {
    return !this.readOnly && mayWrite({ root: 'picture', writer: this.user });
  }

  /** Name of the browser copy of this incident's document for this user. */
  private get cacheName(): string {
    return `zorgbeeld:${this.incident.id}:${this.user.id}`;
  }

  private open(): void {
    this.doc = new Y.Doc();
    this.loaded = false;
    // A browser copy keeps reports made offline across a reload or a closed tab until the
    // server has them; y-indexeddb may merge its own entries, which is fine for a cache.
    this.persistence = this.keepsCopy ? new IndexeddbPersistence(this.cacheName, this.doc) : undefined;
    const doc = this.doc;
    this.persistence?.once('synced', () => {
      if (doc === this.doc && reportsRoot(doc).size > 0) this.loaded = true;
    });
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`;
    this.provider = new WebsocketProvider(url, this.incident.id, this.doc, { disableBc: true, maxBackoffTime: 5000, params: { [BOARD_STATUS_PARAM]: '1' } });
    this.provider.awareness.setLocalState({ at: Date.now() });
    // Once the board has been connected, or its first try failed (a board opened without a
    // network, on its browser copy), trying again is being offline for the user: the pill says
    // "Offline" (changes are kept) until the connection is back, not "Connecting…".
    const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      if (status === 'connected') this.triedOnce = true;
      this.status = status === 'connecting' && this.triedOnce ? 'disconnected' : status;
    };
    const onSync = (synced: boolean) => {
      this.synced = synced;
      if (synced) this.loaded = true;
      // Synced again: the server took the kept changes (a storage fault is said again right after).
      if (synced) this.waiting = null;
      if (synced) this.mirrorAll();
    };
    const onClosed = ({ code }: { code: number }) => this.onClosed(code);
    // A retryable refusal: the provider reconnects by itself and sends the kept change again.
    const onConnectionClose = (event: { code: number } | null) => {
      // Also a first try that failed: the provider says nothing of it in 'status'.
      this.triedOnce = true;
      if (this.status === 'connecting') this.status = 'disconnected';
      if (event?.code === CloseCodes.StorageUnavailable.code || event?.code === CloseCodes.WriteBudget.code) this.waiting = closeCodeOf(event.code)!.text[i18n.lang];
    };
    this.provider.on('status', onStatus);
    this.provider.on('sync', onSync);
    this.provider.on('closed', onClosed);
    this.provider.on('connection-close', onConnectionClose);
    // Zorgbeeld's own message: the server says when the board stops or starts taking writes.
    this.provider.messageHandlers[YMessage.boardStatus] = (_encoder, decoder) => {
      const status = JSON.parse(decoding.readVarString(decoder)) as BoardStatus;
      this.waiting = status.storage === 'unavailable' ? CloseCodes.StorageUnavailable.text[i18n.lang] : null;
      if (status.closed) {
        this.readOnly = true;
        this.closedLive = true;
        // A coordinator's words are of what it typed; GHOR and observers go on to the review.
        this.notice = i18n.t(this.user.role === 'coordinator' ? 'incidentClosedLive' : 'incidentClosedLiveReview');
      }
      if (typeof status.grip === 'number' && status.grip !== this.grip) {
        this.notice = i18n.t('gripChangedLive').replace('{from}', String(this.grip)).replace('{to}', String(status.grip));
        this.grip = status.grip;
      }
    };

    const reports = reportsRoot(this.doc);
    const onReports = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      const changed = new Set<string>();
      for (const event of events) {
        if (event.target === reports) for (const key of event.keys.keys()) changed.add(key);
        else if (event.path.length > 0) changed.add(String(event.path[0]));
      }
      if (changed.size === 0) return;
      const next = new Map(this.reports);
      let saves: typeof this.saves | undefined;
      for (const id of changed) {
        const map = reports.get(id);
        if (map instanceof Y.Map && map.size > 0) next.set(id, map.toJSON() as Report);
        else next.delete(id);
        const stamp = next.get(id)?.stamp;
        if (this.sentAgainst.has(id) && stamp && stamp.at !== this.sentAgainst.get(id)) {
          this.sentAgainst.delete(id);
          saves ??= new Map(this.saves);
          saves.set(id, { state: 'saved', at: stamp.at, fields: this.saves.get(id)?.fields ?? [] });
        }
      }
      this.reports = next;
      if (saves) this.saves = saves;
      this.onReportsChanged([...changed]);
    };
    reports.observeDeep(onReports);
    const onNeeds = () => {
      this.needs = readNeeds(this.doc);
      this.noticeUrgentNeeds();
    };
    needsRoot(this.doc).observeDeep(onNeeds);
    const onPicture = () => {
      this.picture = readPicture(this.doc);
    };
    pictureRoot(this.doc).observeDeep(onPicture);
    const onAreas = () => (this.areas = readAreas(this.doc));
    areasRoot(this.doc).observe(onAreas);
    const onLogbook = () => (this.logbook = logbookRoot(this.doc).toArray());
    logbookRoot(this.doc).observe(onLogbook);
    const onAwareness = () => {
      const list: Presence[] = [];
      this.provider.awareness.getStates().forEach((state, clientId) => {
        const user = (state as { user?: Omit<Presence, 'clientId'> }).user;
        if (user && clientId !== this.doc.clientID) list.push({ clientId, ...user });
      });
      this.presence = list;
    };
    this.provider.awareness.on('change', onAwareness);
    const persistence = this.persistence;
    this.disposers = [
      () => this.provider.awareness.off('change', onAwareness),
      () => this.provider.destroy(),
      () => void persistence?.destroy(),
      () => this.doc.destroy(),
    ];
  }

  /** GHOR hears a need filed as "immediate" the moment it arrives (not those already there on opening). */
  private noticeUrgentNeeds(): void {
    if (!this.synced || !(this.user.role === 'ghor' || this.user.role === 'admin')) return;
    if (this.seenNeeds === null) {
      this.seenNeeds = new Set(this.needs.map((n) => n.id));
      return;
    }
    for (const need of this.needs) {
      if (this.seenNeeds.has(need.id)) continue;
      this.seenNeeds.add(need.id);
      if (need.urgency === 'immediate' && need.status === 'open') {
        this.urgent = need;
        beep();
      }
    }
  }

  private mirrorAll(): void {
    const all = new Map<string, Report>();
    reportsRoot(this.doc).forEach((map, id) => {
      if (map instanceof Y.Map && map.size > 0) all.set(id, map.toJSON() as Report);
    });
    this.reports = all;
    this.needs = readNeeds(this.doc);
    // What is there when the board opens is not news.
    this.seenNeeds ??= new Set(this.needs.map((n) => n.id));
    this.picture = readPicture(this.doc);
    this.areas = readAreas(this.doc);
    this.logbook = logbookRoot(this.doc).toArray();
    this.onReportsChanged([...all.keys()]);
  }

  /**
   * The server closed the connection for good. A refused tab's clock is ahead of the server, so
   * its document is discarded and the board resyncs from the server; the reason stays on screen.
   */
  private onClosed(code: number): void {
    const known = closeCodeOf(code);
    const sentence = known?.text[i18n.lang] ?? `${code}`;
    if (code === CloseCodes.Unauthenticated.code || code === CloseCodes.NotFound.code) {
      this.fatal = sentence;
      this.signedOut = code === CloseCodes.Unauthenticated.code;
      // Nothing written now would reach the server or the browser copy: the forms close (and
      // remarks being typed stay on screen as a draft to copy).
      this.readOnly = true;
      this.dispose();
      return;
    }
    if (code === CloseCodes.Closed.code) this.readOnly = true;
    this.refusal = sentence;
    // The refused change must not come back from the browser copy either.
    const persistence = this.persistence;
    this.persistence = undefined;
    this.dispose();
    void (persistence ? persistence.clearData() : Promise.resolve()).finally(() => this.open());
  }

  private dispose(): void {
    for (const dispose of this.disposers.splice(0).reverse()) dispose();
  }

  /** Writes report fields of a location; nothing once the board is read-only (the server would refuse it). */
  report(locationId: string, change: ReportChange): void {
    this.reportMany([locationId], change);
  }

  /** The save state after a write of `fields`: with the fields still on their way, if any. */
  private sent(locationId: string, fields: string[]): SaveState {
    const before = this.saves.get(locationId);
    return { state: 'sent', fields: before?.state === 'sent' ? [...new Set([...before.fields, ...fields])] : fields };
  }

  /** The own locations that have no report yet in this incident. */
  unreported(organisationId: string): string[] {
    return this.network.locations.filter((l) => l.organisationId === organisationId && !this.reports.get(l.id)?.stamp).map((l) => l.id);
  }

  /** Gives several locations the same status in one transaction (e.g. "all other locations: no impact"). */
  reportMany(locationIds: readonly string[], change: ReportChange): void {
    // The pages offer no write before `loaded`; this keeps a stray one from throwing.
    if (this.readOnly || !this.loaded || locationIds.length === 0) return;
    const saves = new Map(this.saves);
    for (const id of locationIds) {
      if (!this.sentAgainst.has(id)) this.sentAgainst.set(id, this.reports.get(id)?.stamp?.at);
      saves.set(id, this.sent(id, Object.keys(change)));
    }
    this.saves = saves;
    this.doc.transact(() => {
      for (const id of locationIds) setReport(this.doc, id, change);
    });
  }

  /** Files a need for the user's organisation (or, for GHOR, on behalf of one). */
  fileNeed(need: Omit<Need, 'id' | 'createdBy' | 'createdAt' | 'status'>): void {
    addNeed(this.doc, { ...need, id: `need-${crypto.randomUUID()}`, status: 'open', createdBy: this.user.username, createdAt: new Date().toISOString() });
  }

  /** Changes fields of a need. */
  changeNeed(id: string, change: Partial<Record<keyof Need, unknown>>): void {
    updateNeed(this.doc, id, change);
  }

  /** Replaces one picture text with the smallest edit. */
  editPicture(key: PictureText, value: string): void {
    if (!this.loaded) return;
    editPictureText(this.doc, key, value);
  }

  /** Adds a logbook line in the user's name. */
  log(text: string): void {
    addLogbookEntry(this.doc, { id: crypto.randomUUID().slice(0, 18), at: new Date().toISOString(), by: this.user.username, text });
  }

  /** Draws an area from a ring of [lat, lon] points. */
  drawArea(name: string, points: [number, number][]): void {
    const ring = points.map(([lat, lon]) => [lon, lat] as [number, number]);
    ring.push(ring[0]);
    setArea(this.doc, `area-${crypto.randomUUID().slice(0, 8)}`, {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { name, createdBy: this.user.username, createdAt: new Date().toISOString() },
    });
  }

  /** Removes an area. */
  removeArea(id: string): void {
    removeArea(this.doc, id);
  }

  /** Closes the connection and frees the document. */
  destroy(): void {
    this.dispose();
  }
}
