/** Domain vocabulary of Zorgbeeld: the network registry, accounts and roles. */
import type { Channel } from './contact';

/** Sectors of the regional care network; the order is the order of every list and legend. */
export const SECTORS = [
  'hospital',
  'gp-post',
  'ggd',
  'acute-mental-health',
  'ambulance',
  'nursing-care',
  'disability-care',
  'mental-health',
  'home-care',
  'recovery-care',
  'red-cross',
  'home-ventilation',
] as const;

/** One sector of the care network. */
export type Sector = (typeof SECTORS)[number];

const ACUTE_SECTORS: ReadonlySet<Sector> = new Set<Sector>([
  'hospital',
  'gp-post',
  'ggd',
  'acute-mental-health',
  'ambulance',
]);

/** Whether organisations of a sector belong to acute care; derived, never stored. */
export function isAcute(sector: Sector): boolean {
  return ACUTE_SECTORS.has(sector);
}

/** Roles of user accounts; their write rights are in board-rights.ts. */
export const ROLES = ['admin', 'ghor', 'coordinator', 'observer'] as const;

/** One role. */
export type Role = (typeof ROLES)[number];

/** A care organisation (zorgorganisatie). */
export interface Organisation {
  id: string;
  name: string;
  sector: Sector;
  phone: string;
  email: string;
  active: boolean;
}

/** One care location (zorglocatie) of an organisation. */
export interface Location {
  id: string;
  organisationId: string;
  name: string;
  address: string;
  postcode: string;
  municipality: string;
  lat: number;
  lon: number;
  kind: string;
  /** Usual number of clients or beds. */
  capacity: number;
  active: boolean;
}

/**
 * What a coordinator is for its organisation: its crisis coordinator, or an information
 * coordinator (ICO), who first follows the GHOR's day course (docs/architecture.md, "Network").
 */
export const COORDINATOR_KINDS = ['crisis', 'information'] as const;
export type CoordinatorKind = (typeof COORDINATOR_KINDS)[number];

/** Crisis coordinator or information coordinator (ICO) of one organisation. */
export interface Coordinator {
  id: string;
  organisationId: string;
  name: string;
  phone: string;
  email: string;
  /** ISO time the mandatory digital introduction was completed; null when not yet. */
  introCompletedAt: string | null;
  active: boolean;
  /** Where alerts reach this coordinator besides the app; absent: every channel it has an address for. */
  channels?: Channel[];
  /** Absent: a crisis coordinator (rows from before ICOs were registered). */
  kind?: CoordinatorKind;
  /** An ICO's day course, YYYY-MM-DD; the intake starts after it. Null or absent: not yet. */
  dayCourseOn?: string | null;
  /** When the coordinator was invited to Zorgbeeld and its introduction. Null or absent: not yet. */
  invitedAt?: string | null;
}

/** Where a coordinator is in the intake: day course (ICOs only), digital introduction, connected. */
export type IntakeStage = 'day-course' | 'introduction' | 'connected';

/** The stage of a coordinator's intake; an ICO's introduction waits for its day course. */
export function intakeStage(coordinator: Pick<Coordinator, 'introCompletedAt' | 'kind' | 'dayCourseOn'>): IntakeStage {
  if (coordinator.introCompletedAt !== null) return 'connected';
  if (coordinator.kind === 'information' && !coordinator.dayCourseOn) return 'day-course';
  return 'introduction';
}

/** Whether a coordinator is connected to the alerting process. */
export function isConnected(coordinator: Pick<Coordinator, 'introCompletedAt' | 'active'>): boolean {
  return coordinator.active && coordinator.introCompletedAt !== null;
}

/** A user account as the API shows it (never with its password hash). */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: string | null;
  /** The registry's crisis coordinator this account belongs to; decides whether it receives alerts. */
  coordinatorId: string | null;
  active: boolean;
  /** The language chosen in the app; messages outside the app follow it (absent: Dutch). */
  language?: 'nl' | 'en';
}

/** Failed sign-in attempts on an account since its last sign-in, shown to the user when they sign in. */
export interface FailedSignIns {
  count: number;
  lastAt: string;
  lastAddress: string;
}

/** The answer to a successful sign-in: the user and what happened to the account meanwhile. */
export interface SignedIn extends PublicUser {
  failedAttempts: FailedSignIns | null;
}

/** The whole registry of the care network at one moment. */
export interface Network {
  organisations: Organisation[];
  locations: Location[];
  coordinators: Coordinator[];
}

/** Rough bounding box of the European Netherlands, used to catch swapped or foreign coordinates. */
export const NETHERLANDS_BOUNDS = { minLat: 50.7, maxLat: 53.7, minLon: 3.2, maxLon: 7.3 } as const;

/** Whether a point lies inside the bounding box of the Netherlands. */
export function isInNetherlands({ lat, lon }: { lat: number; lon: number }): boolean {
  const b = NETHERLANDS_BOUNDS;
  return lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon;
}
