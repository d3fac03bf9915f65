import { randomUUID } from 'node:crypto';
import type { Role } from '../shared/domain';
import { generateDemoChanges, generateDemoContacts, generateDemoMeetings, generateDemoRegion } from '../shared/demo-region';
import { generatePassword, hashPassword } from './auth/passwords';
import type { Store, StoredUser } from './store/store';

/** Options of seeding an empty store. */
export interface SeedOptions {
  store: Store;
  log: (message: string) => void;
  now: () => Date;
  adminPassword?: string;
  demoPassword?: string;
  /** Scale of the demo network: 1 gives ~1050 locations, 10 gives 10,000+. */
  scale?: number;
}

/** The demo accounts, one per role; the coordinator belongs to the first nursing-care organisation. */
export const DEMO_ACCOUNTS: readonly { username: string; displayName: string; role: Role }[] = [
  { username: 'ghor', displayName: 'Informatiecoördinator GHOR', role: 'ghor' },
  { username: 'coordinator', displayName: 'Crisiscoördinator (demo)', role: 'coordinator' },
  { username: 'observer', displayName: 'Evaluator', role: 'observer' },
];

/** The demo account of a new crisis coordinator of the same organisation, still in the digital introduction. */
export const DEMO_NEW_COORDINATOR = { username: 'nieuw', displayName: 'Nieuwe crisiscoördinator (demo)' } as const;

/**
 * Seeds the demo region and accounts when the store holds no users at all. Generated passwords
 * are printed once, here, and never again.
 */
export async function seedIfEmpty({ store, log, now, adminPassword, demoPassword, scale = 1 }: SeedOptions): Promise<boolean> {
  if ((await store.list('users')).length > 0) return false;
  const network = (await store.list('organisations')).length > 0 ? undefined : generateDemoRegion({ scale, now: now() });
  const admin = adminPassword ?? generatePassword();
  const demo = demoPassword ?? generatePassword();
  const coordinatorOrganisation = (network?.organisations ?? (await store.list('organisations'))).find((o) => o.sector === 'nursing-care');
  // The demo coordinator account is one of the organisation's connected crisis coordinators.
  const coordinatorRecord = (network?.coordinators ?? (await store.list('coordinators'))).find(
    (c) => c.organisationId === coordinatorOrganisation?.id && c.introCompletedAt !== null,
  );
  const created = now().toISOString();
  const user = async (username: string, displayName: string, role: Role, password: string): Promise<StoredUser> => ({
    id: randomUUID(),
    username,
    displayName,
    role,
    organisationId: role === 'coordinator' ? (coordinatorOrganisation?.id ?? null) : null,
    coordinatorId: role === 'coordinator' ? (coordinatorRecord?.id ?? null) : null,
    active: true,
    passwordHash: await hashPassword(password),
    createdAt: created,
  });
  const users = [await user('admin', 'Beheerder', 'admin', admin)];
  for (const account of DEMO_ACCOUNTS) {
    if (account.role === 'coordinator' && !coordinatorOrganisation) continue;
    users.push(await user(account.username, account.displayName, account.role, demo));
  }
  // A new coordinator of the same organisation, invited and still to do the introduction.
  const newcomer = (network?.coordinators ?? []).find((c) => c.organisationId === coordinatorOrganisation?.id && c.active && c.introCompletedAt === null);
  if (newcomer) users.push({ ...(await user(DEMO_NEW_COORDINATOR.username, DEMO_NEW_COORDINATOR.displayName, 'coordinator', demo)), coordinatorId: newcomer.id });
  // The GHOR's history with the demo network: contact moments of the past three years.
  const contacts = network ? generateDemoContacts({ organisations: network.organisations, now: now() }) : [];
  const meetings = network ? generateDemoMeetings({ coordinators: network.coordinators, now: now() }) : [];
  const registryChanges = network ? generateDemoChanges({ network, now: now() }) : [];
  await store.put({ ...(network ?? {}), users, contacts, meetings, registryChanges });
  if (network) {
    log(`seeded the Zuid-Limburg demo region: ${network.organisations.length} organisations, ${network.locations.length} locations, ${network.coordinators.length} coordinators`);
  }
  if (!adminPassword) log(`admin password (shown once): ${admin}`);
  if (!demoPassword) log(`password of the demo accounts ${[...DEMO_ACCOUNTS.map((a) => a.username), ...(newcomer ? [DEMO_NEW_COORDINATOR.username] : [])].join(', ')} (shown once): ${demo}`);
  return true;
}
