import type { Coordinator, Location, Network, Organisation, Sector } from './domain';
import type { ContactKind, ContactMoment, FollowUp, Meeting, MeetingKind } from './network';
import type { RegistryChange } from './network-overview';
import { SeededRandom } from './random';

/** A municipality of the demo region with its approximate centre and population. */
export interface Municipality {
  name: string;
  lat: number;
  lon: number;
  population: number;
}

/** Municipalities (and larger places) of Zuid-Limburg, approximate centres, rounded populations. */
export const ZUID_LIMBURG: readonly Municipality[] = [
  { name: 'Maastricht', lat: 50.851, lon: 5.691, population: 121000 },
  { name: 'Heerlen', lat: 50.888, lon: 5.979, population: 87000 },
  { name: 'Sittard', lat: 51.0, lon: 5.869, population: 37000 },
  { name: 'Geleen', lat: 50.974, lon: 5.83, population: 32000 },
  { name: 'Kerkrade', lat: 50.866, lon: 6.063, population: 45000 },
  { name: 'Landgraaf', lat: 50.908, lon: 6.023, population: 37000 },
  { name: 'Brunssum', lat: 50.946, lon: 5.971, population: 27000 },
  { name: 'Nuth', lat: 50.917, lon: 5.886, population: 15000 },
  { name: 'Schinnen', lat: 50.943, lon: 5.889, population: 13000 },
  { name: 'Schinveld', lat: 50.969, lon: 5.982, population: 5000 },
  { name: 'Stein', lat: 50.969, lon: 5.766, population: 25000 },
  { name: 'Beek', lat: 50.94, lon: 5.796, population: 15000 },
  { name: 'Meerssen', lat: 50.887, lon: 5.751, population: 19000 },
  { name: 'Valkenburg', lat: 50.865, lon: 5.832, population: 16000 },
  { name: 'Eijsden', lat: 50.778, lon: 5.711, population: 11000 },
  { name: 'Margraten', lat: 50.821, lon: 5.82, population: 7000 },
  { name: 'Gulpen', lat: 50.815, lon: 5.889, population: 7000 },
  { name: 'Vaals', lat: 50.771, lon: 6.016, population: 10000 },
  { name: 'Simpelveld', lat: 50.834, lon: 5.98, population: 10000 },
  { name: 'Voerendaal', lat: 50.883, lon: 5.93, population: 12000 },
];

interface SectorPlan {
  sector: Sector;
  organisations: number;
  /** Locations per organisation, before scaling. */
  locations: [number, number];
  kinds: readonly string[];
  capacity: [number, number];
  names: readonly string[];
}

// 42 organisations; about 1050 locations at scale 1. Names are invented on purpose.
const PLAN: readonly SectorPlan[] = [
  { sector: 'hospital', organisations: 3, locations: [3, 5], kinds: ['ziekenhuis', 'polikliniek'], capacity: [80, 700], names: ['Medisch Centrum Heuvelland', 'Ziekenhuis Mergelland', 'Westmaas Gasthuis'] },
  { sector: 'gp-post', organisations: 2, locations: [3, 4], kinds: ['huisartsenpost'], capacity: [0, 0], names: ['Huisartsenposten Geuldal', 'HAP Parkstad-Noord'] },
  { sector: 'ggd', organisations: 1, locations: [4, 4], kinds: ['GGD-kantoor', 'vaccinatielocatie'], capacity: [0, 0], names: ['GGD Zuidelijk Heuvelland'] },
  { sector: 'acute-mental-health', organisations: 1, locations: [3, 3], kinds: ['crisisdienst', 'high intensive care'], capacity: [8, 24], names: ['Acute Psychiatrie Maasdal'] },
  { sector: 'ambulance', organisations: 1, locations: [11, 11], kinds: ['ambulancepost'], capacity: [0, 0], names: ['Ambulancedienst Kalkland'] },
  { sector: 'nursing-care', organisations: 12, locations: [42, 56], kinds: ['verpleeghuis', 'kleinschalig wonen', 'verzorgingshuis', 'dagbesteding'], capacity: [8, 140], names: ['Zorggroep Lindeweg', 'Stichting Oude Mijn', 'Huize Kapelberg', 'Zorgcentra Veldhoven-Zuid', 'De Grauwe Hoeve Zorg', 'Zorgkring Geuldal', 'Vivaldi Ouderenzorg', 'Stichting Kasteelhof', 'Thuis aan de Maas', 'Zorggroep Bronsheide', 'Hof van Wyck Zorg', 'Stichting Mergelstad'] },
  { sector: 'disability-care', organisations: 6, locations: [32, 48], kinds: ['woongroep', 'dagcentrum', 'logeerhuis'], capacity: [4, 40], names: ['Stichting Plaatsmaken', 'Ankerpunt Gehandicaptenzorg', 'De Vlinderhof', 'Zorgcombinatie Hemelrijk', 'Stichting Samenspel', 'Daelzicht Wonen'] },
  { sector: 'mental-health', organisations: 4, locations: [16, 28], kinds: ['kliniek', 'beschermd wonen', 'polikliniek'], capacity: [6, 60], names: ['GGZ Kempenrand', 'Stichting Lichtpunt', 'Mondriaanhof GGZ', 'Herstelhuis Zuid'] },
  { sector: 'home-care', organisations: 8, locations: [8, 14], kinds: ['wijkteam'], capacity: [0, 0], names: ['Thuiszorg Heuvelland', 'Wijkzorg Parkstad', 'Zorg aan Huis Westelijke Mijnstreek', 'Thuiszorg De Geul', 'Buurtzorg Kalkbergen', 'Wijkverpleging Maasvallei', 'ThuisDichtbij', 'Zorgpunt Oost'] },
  { sector: 'recovery-care', organisations: 2, locations: [4, 6], kinds: ['herstelzorg', 'revalidatie'], capacity: [10, 40], names: ['Herstelzorg Savelberg', 'Revalidatiehof Limburg-Zuid'] },
  { sector: 'red-cross', organisations: 1, locations: [6, 6], kinds: ['noodhulpteam', 'opvanglocatie'], capacity: [0, 120], names: ['Rode Kruis Afdeling Heuvelland'] },
  { sector: 'home-ventilation', organisations: 1, locations: [3, 3], kinds: ['steunpunt thuisbeademing'], capacity: [10, 40], names: ['Centrum voor Thuisbeademing Zuid (demo)'] },
];

const STREETS = ['Kerkstraat', 'Dorpstraat', 'Lindelaan', 'Molenweg', 'Akerstraat', 'Mergelweg', 'Geulstraat', 'Kasteellaan', 'Stationsstraat', 'Hoofdstraat', 'Bronweg', 'Heuvelweg', 'Veldstraat', 'Schoolstraat', 'Pastoor Kornipsstraat', 'Burgemeester Damenstraat', 'Holleweg', 'Beekstraat', 'Wilhelminastraat', 'Oranjeplein'];
const PLACE_WORDS = ['De Linde', 'Hof ter', 'Huize', 'Het Anker', 'De Bron', 'Sint-Joris', 'De Kastanje', 'Het Hoogveld', 'De Beuk', 'Rozenhof', 'Den Hoek', 'Het Baken', 'De Zevensprong', 'Mergelhof', 'De Wingerd'];
const GIVEN = ['Anouk', 'Bram', 'Carla', 'Dirk', 'Eline', 'Frank', 'Gerda', 'Hans', 'Ingrid', 'Joost', 'Karin', 'Luc', 'Marieke', 'Nico', 'Olga', 'Pieter', 'Roos', 'Sander', 'Tineke', 'Wim', 'Yvonne', 'Bart', 'Mieke', 'Ruud', 'Sanne', 'Thijs'];
const FAMILY = ['Smeets', 'Janssen', 'Hermans', 'Peeters', 'Vaessen', 'Dassen', 'Bemelmans', 'Ramakers', 'Lemmens', 'Wetzels', 'Schreurs', 'Kleijnen', 'Moonen', 'Frijns', 'Habets', 'Coenen', 'Houben', 'Pluijmen', 'Ubachs', 'Bours'];

/** Options of the demo generator: `scale` multiplies the number of locations (10 gives 10,000+). */
export interface DemoOptions {
  seed?: number;
  scale?: number;
  /** Reference time for introduction dates, so the output does not depend on the clock. */
  now?: Date;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A location name the organisation does not use yet: two locations called alike are one to a
 * coordinator choosing from a list, and to GHOR calling about "De Beuk in Sittard". The next
 * place word is tried, then a number; no random draw, so the rest of the region stays the same.
 */
function uniqueName(taken: Set<string>, kind: string, word: string, town: string): string {
  const first = PLACE_WORDS.indexOf(word);
  for (let i = 0; i < PLACE_WORDS.length; i++) {
    const name = `${kind} ${PLACE_WORDS[(first + i) % PLACE_WORDS.length]} ${town}`;
    if (!taken.has(name)) return taken.add(name), name;
  }
  for (let n = 2; ; n++) {
    const name = `${kind} ${word} ${town} ${n}`;
    if (!taken.has(name)) return taken.add(name), name;
  }
}

/** Generates the Zuid-Limburg demo network deterministically from a seed. */
export function generateDemoRegion({ seed = 2026, scale = 1, now = new Date('2026-01-01T00:00:00Z') }: DemoOptions = {}): Network {
  const random = new SeededRandom(seed);
  const weights = ZUID_LIMBURG.map((m) => m.population);
  const organisations: Organisation[] = [];
  const locations: Location[] = [];
  const coordinators: Coordinator[] = [];
  for (const plan of PLAN) {
    for (let o = 0; o < plan.organisations; o++) {
      const orgNumber = organisations.length + 1;
      const id = `org-${pad(orgNumber, 3)}`;
      const name = plan.names[o];
      const home = random.weighted(ZUID_LIMBURG, weights);
      const domain = name.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
      organisations.push({
        id,
        name,
        sector: plan.sector,
        phone: `+31 43 ${random.int(300, 899)} ${pad(random.int(0, 9999), 4)}`,
        email: `crisis@${domain}.example`,
        active: true,
      });
      const count = Math.round(random.int(plan.locations[0], plan.locations[1]) * scale);
      const names = new Set<string>();
      for (let l = 0; l < count; l++) {
        // Most locations of an organisation lie near its home town, the rest spread by population.
        const place = random.next() < 0.5 ? home : random.weighted(ZUID_LIMBURG, weights);
        const kind = random.pick(plan.kinds);
        const name = uniqueName(names, `${kind[0].toUpperCase()}${kind.slice(1)}`, random.pick(PLACE_WORDS), place.name);
        locations.push({
          id: `loc-${pad(locations.length + 1, 5)}`,
          organisationId: id,
          name,
          address: `${random.pick(STREETS)} ${random.int(1, 180)}`,
          postcode: `6${random.int(200, 499)} ${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}`,
          municipality: place.name,
          lat: round6(place.lat + random.gaussian(0, 0.008)),
          lon: round6(place.lon + random.gaussian(0, 0.012)),
          kind,
          capacity: random.int(plan.capacity[0], plan.capacity[1]),
          active: true,
        });
      }
      const coordinatorCount = random.int(3, 5);
      for (let c = 0; c < coordinatorCount; c++) {
        const given = random.pick(GIVEN);
        const family = random.pick(FAMILY);
        // About one in eight has not finished the digital introduction yet.
        const introduced = random.next() > 0.12;
        const daysAgo = random.int(5, 700);
        coordinators.push({
          id: `coo-${pad(coordinators.length + 1, 4)}`,
          organisationId: id,
          name: `${given} ${family}`,
          phone: `+31 6 ${pad(random.int(10000000, 99999999), 8)}`,
          email: `${given.toLowerCase()}.${family.toLowerCase()}@${domain}.example`,
          introCompletedAt: introduced ? new Date(now.getTime() - daysAgo * 86400000).toISOString() : null,
          active: true,
        });
      }
    }
  }
  addIntake({ organisations, coordinators, now, random: new SeededRandom(seed + 1) });
  return { organisations, locations, coordinators };
}

const DAY_MS = 86400000;

/**
 * The intake of the demo network, from its own random source so that the rows generated before
 * stay as they were: every crisis coordinator was invited some days before its introduction,
 * and every other organisation has an information coordinator (ICO), most of them through day
 * course and introduction, a few still waiting for the course or in their introduction.
 */
function addIntake({ organisations, coordinators, now, random }: { organisations: readonly Organisation[]; coordinators: Coordinator[]; now: Date; random: SeededRandom }): void {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  for (const c of coordinators) {
    c.kind = 'crisis';
    c.dayCourseOn = null;
    c.invitedAt = c.introCompletedAt ? new Date(Date.parse(c.introCompletedAt) - random.int(2, 30) * DAY_MS).toISOString() : ago(random.int(3, 60)).toISOString();
  }
  organisations.forEach((o, i) => {
    if (i % 2 !== 0) return;
    const given = random.pick(GIVEN);
    const family = random.pick(FAMILY);
    const stage = random.next();
    const course = random.int(20, 600);
    const base = { id: `ico-${pad(i / 2 + 1, 4)}`, organisationId: o.id, kind: 'information' as const, name: `${given} ${family}`, phone: `+31 6 ${pad(random.int(10000000, 99999999), 8)}`, email: `${given.toLowerCase()}.${family.toLowerCase()}@${o.email.split('@')[1]}`, active: true };
    if (stage < 0.1) coordinators.push({ ...base, dayCourseOn: null, invitedAt: null, introCompletedAt: null });
    else if (stage < 0.2) coordinators.push({ ...base, dayCourseOn: ago((course % 40) + 2).toISOString().slice(0, 10), invitedAt: ago((course % 40) + 1).toISOString(), introCompletedAt: null });
    else coordinators.push({ ...base, dayCourseOn: ago(course).toISOString().slice(0, 10), invitedAt: ago(course - 1).toISOString(), introCompletedAt: ago(course - random.int(3, 19)).toISOString() });
  });
  // A few coordinators who left their organisation in the past year.
  for (let i = 0; i < 5; i++) {
    const o = random.pick(organisations);
    const given = random.pick(GIVEN);
    const family = random.pick(FAMILY);
    const introduced = ago(random.int(400, 900)).toISOString();
    coordinators.push({ id: `coo-left-${i + 1}`, organisationId: o.id, kind: 'crisis', name: `${given} ${family}`, phone: '', email: '', introCompletedAt: introduced, invitedAt: introduced, dayCourseOn: null, active: false });
  }
}

/**
 * The registry's change log for the demo network's past year: locations and coordinators that
 * came in month by month (the coordinators at their invitation), and the coordinators who left.
 */
export function generateDemoChanges({ network, now, seed = 2029 }: { network: Network; now: Date; seed?: number }): RegistryChange[] {
  const random = new SeededRandom(seed);
  const yearAgo = now.getTime() - 365 * DAY_MS;
  const changes: RegistryChange[] = [];
  const push = (c: Omit<RegistryChange, 'id' | 'by'>) => changes.push({ ...c, id: `change-demo-${String(changes.length + 1).padStart(4, '0')}`, by: 'admin' });
  for (const l of network.locations) {
    if (random.next() < 0.06) push({ at: new Date(yearAgo + random.int(0, 364) * DAY_MS).toISOString(), collection: 'locations', rowId: l.id, name: l.name, organisationId: l.organisationId, change: 'added' });
  }
  for (const c of network.coordinators) {
    if (c.invitedAt && Date.parse(c.invitedAt) > yearAgo) push({ at: c.invitedAt, collection: 'coordinators', rowId: c.id, name: c.name, organisationId: c.organisationId, change: 'added' });
    if (!c.active) push({ at: new Date(yearAgo + random.int(0, 364) * DAY_MS).toISOString(), collection: 'coordinators', rowId: c.id, name: c.name, organisationId: c.organisationId, change: 'deactivated' });
  }
  return changes.sort((a, b) => a.at.localeCompare(b.at));
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

const GHOR_PEOPLE = ['Informatiecoördinator GHOR', 'Adviseur GHOR', 'Accountmanager zorgcontinuïteit'];
const TALK_NOTES = [
  'Continuïteitsplan doorgenomen; noodstroom en evacuatieroutes besproken.',
  'Nieuwe locatie in het netwerk opgenomen; contactgegevens bijgewerkt.',
  'Terugblik op de hitteperiode; afspraken over koeling en water.',
  'Aansluiting op de alarmering gecontroleerd; tweede coördinator gevraagd.',
];
const FOLLOW_UPS = ['Tweede crisiscoördinator aanmelden', 'Noodstroomplan toesturen', 'Contactgegevens locaties bijwerken', 'Deelnemen aan de informatiesessie'];

/**
 * The GHOR's history with the demo network over the past three years: a partner talk for most
 * organisations (about one in five now overdue, some never had one), phone calls and
 * information sessions, follow-ups of which some are done and some late. Same seed, same history.
 */
export function generateDemoContacts({ organisations, now, seed = 2027 }: { organisations: readonly Organisation[]; now: Date; seed?: number }): ContactMoment[] {
  const random = new SeededRandom(seed);
  const day = (monthsAgo: number) => {
    const d = new Date(now.getTime() - monthsAgo * 30.4 * 86400000);
    return d.toISOString().slice(0, 10);
  };
  const contacts: ContactMoment[] = [];
  for (const o of organisations) {
    const moments: { kind: ContactKind; monthsAgo: number }[] = [];
    if (random.next() < 0.85) moments.push({ kind: 'partner-talk', monthsAgo: random.int(1, 30) });
    for (let i = random.int(0, 2); i > 0; i--) moments.push({ kind: random.pick(['phone', 'email', 'information-session', 'visit'] as const), monthsAgo: random.int(0, 35) });
    for (const m of moments) {
      const date = day(m.monthsAgo);
      const followUps: FollowUp[] = random.next() < 0.4 ? [{ id: 'f1', text: random.pick(FOLLOW_UPS), due: day(m.monthsAgo - 2), done: m.monthsAgo > 6 ? random.next() < 0.8 : false }] : [];
      const at = `${date}T10:00:00.000Z`;
      contacts.push({
        id: `contact-demo-${String(contacts.length + 1).padStart(4, '0')}`,
        organisationId: o.id,
        kind: m.kind,
        date,
        ghorPeople: random.pick(GHOR_PEOPLE),
        organisationPeople: m.kind === 'partner-talk' ? 'Crisiscoördinator en bestuurder' : 'Crisiscoördinator',
        notes: m.kind === 'partner-talk' ? random.pick(TALK_NOTES) : '',
        followUps,
        createdBy: 'ghor',
        createdAt: at,
        updatedAt: at,
      });
    }
  }
  return contacts;
}

/**
 * The GHOR's information sessions and theme meetings of the past three years, with invitations
 * and attendance: most connected coordinators attended one information session, some never did.
 */
export function generateDemoMeetings({ coordinators, now, seed = 2028 }: { coordinators: readonly Coordinator[]; now: Date; seed?: number }): Meeting[] {
  const random = new SeededRandom(seed);
  const plan: { kind: MeetingKind; title: string; monthsAgo: number; theme: string }[] = [
    { kind: 'information-session', title: 'Informatiesessie GHOR en de zorgketen', monthsAgo: 32, theme: 'Wat de GHOR doet, GRIP, alarmering' },
    { kind: 'theme-meeting', title: 'Themabijeenkomst hitte', monthsAgo: 26, theme: 'Koeling, water, kwetsbare cliënten' },
    { kind: 'information-session', title: 'Informatiesessie GHOR en de zorgketen', monthsAgo: 18, theme: 'Wat de GHOR doet, GRIP, alarmering' },
    { kind: 'theme-meeting', title: 'Themabijeenkomst stroomuitval', monthsAgo: 10, theme: 'Noodstroom, beademing thuis' },
    { kind: 'information-session', title: 'Informatiesessie GHOR en de zorgketen', monthsAgo: 4, theme: 'Wat de GHOR doet, GRIP, alarmering' },
  ];
  const people = coordinators.filter((c) => c.active).map((c) => c.id);
  return plan.map((p, i) => {
    const invited = people.filter(() => random.next() < 0.45);
    const attended = invited.filter(() => random.next() < 0.65);
    const date = new Date(now.getTime() - p.monthsAgo * 30.4 * 86400000).toISOString().slice(0, 10);
    const at = `${date}T09:00:00.000Z`;
    return { id: `meeting-demo-${i + 1}`, kind: p.kind, title: p.title, date, place: 'GGD Zuid Limburg, Geleen', theme: p.theme, invited, attended, createdBy: 'ghor', createdAt: at, updatedAt: at };
  });
}
