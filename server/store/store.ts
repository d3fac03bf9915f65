import type { Coordinator, FailedSignIns, Location, Organisation, PublicUser } from '../../shared/domain';
import type { Acknowledgement, Alert } from '../../shared/alert';
import type { Incident, IncidentNetwork } from '../../shared/incident';
import type { OutboxMessage, PushSubscriptionRow } from '../../shared/reach';
import type { ContactMoment, Meeting } from '../../shared/network';
import type { IntroChapter, IntroProgress } from '../../shared/introduction';
import type { RegistryChange } from '../../shared/network-overview';

/** A user account as stored, with its scrypt password hash. */
export interface StoredUser extends PublicUser {
  passwordHash: string;
  createdAt: string;
}

/** A signed-in session; `id` is the SHA-256 of the cookie token, so a leaked file leaks no session. */
export interface StoredSession {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * What sign-in knows of one user (id = the user's id): the devices (hashed cookie tokens) and
 * addresses it signed in from, and the failed attempts since its last sign-in.
 */
export interface StoredSignIns {
  id: string;
  devices: string[];
  addresses: string[];
  failed: FailedSignIns | null;
}

/**
 * The frozen network of an incident (id = the incident's id), when the incident logs live in
 * PostgreSQL; the embedded mode keeps it as `network.json` beside the log.
 */
export interface StoredNetwork {
  id: string;
  network: IncidentNetwork;
}

/**
 * The server's own keys (id `reach-keys`), when several servers share a database: they must all
 * sign answer links and push messages with the same keys. The embedded mode keeps `keys.json`.
 */
export interface StoredKeys {
  id: string;
  answerSecret: string;
  vapid: { publicKey: string; privateKey: string };
}

/** The rows of every collection, by name. */
export interface Collections {
  organisations: Organisation;
  locations: Location;
  coordinators: Coordinator;
  users: StoredUser;
  sessions: StoredSession;
  signIns: StoredSignIns;
  incidents: Incident;
  alerts: Alert;
  acknowledgements: Acknowledgement;
  outbox: OutboxMessage;
  pushSubscriptions: PushSubscriptionRow;
  contacts: ContactMoment;
  meetings: Meeting;
  registryChanges: RegistryChange;
  introTexts: IntroChapter;
  introProgress: IntroProgress;
  invitations: StoredInvitation;
  networks: StoredNetwork;
  keys: StoredKeys;
}

/**
 * An invitation to set up an account (id = SHA-256 of the link's token, so a leaked file leaks
 * no link): one use, until `expiresAt`.
 */
export interface StoredInvitation {
  id: string;
  userId: string;
  coordinatorId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  /** A link asked for on the sign-in page ("Wachtwoord vergeten?"), not an admin's invitation. */
  kind?: 'reset';
}

/** Name of one collection. */
export type CollectionName = keyof Collections;

/** The names of all collections, in the order they are written. */
export const COLLECTION_NAMES: readonly CollectionName[] = ['organisations', 'locations', 'coordinators', 'users', 'sessions', 'signIns', 'incidents', 'alerts', 'acknowledgements', 'outbox', 'pushSubscriptions', 'contacts', 'meetings', 'registryChanges', 'introTexts', 'introProgress', 'invitations', 'networks', 'keys'];

/** Changes applied together: all of them or none. */
export type ChangeSet = { [K in CollectionName]?: Collections[K][] };

/** Health of a store: a failing store keeps its data in memory and says so here. */
export interface StoreHealth {
  ok: boolean;
  message: string;
}

/**
 * The registry store. The embedded default is lowdb; PostgreSQL can implement the same
 * interface later, which is why every call is asynchronous.
 */
export interface Store {
  list<K extends CollectionName>(name: K): Promise<Collections[K][]>;
  get<K extends CollectionName>(name: K, id: string): Promise<Collections[K] | undefined>;
  /** Inserts or replaces rows by id, atomically across the collections of one file (sessions live apart from the registry). */
  put(changes: ChangeSet): Promise<void>;
  /**
   * Writes a row unless one with its id is there; returns the row that is there after. Atomic:
   * of several servers (or calls) writing the same id at once, exactly one row stands.
   */
  putIfAbsent<K extends CollectionName>(name: K, row: Collections[K]): Promise<Collections[K]>;
  /**
   * Runs `work` while no other server on this store runs work under the same `name`: changes that
   * read rows and write them again, and must not interleave with another server's (the alerts and
   * their answers). The embedded store has one server, whose callers keep their own order: it
   * runs the work at once.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
  remove<K extends CollectionName>(name: K, ids: readonly string[]): Promise<void>;
  health(): StoreHealth;
  close(): Promise<void>;
}

/** Raised when a store file exists but cannot be read; the server must not start over it. */
export class StoreCorruptError extends Error {
  override name = 'StoreCorruptError';
}
