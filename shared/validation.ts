import {
  COORDINATOR_KINDS,
  ROLES,
  SECTORS,
  isInNetherlands,
  type Coordinator,
  type Location,
  type Organisation,
  type Role,
} from './domain';
import { text, type Text } from './text';
import { CHANNELS, isEmail, isMobile, toE164, type Channel } from './contact';

/** One problem with one field of an input. */
export interface Issue {
  path: string;
  text: Text;
}

/** The outcome of checking an untrusted input. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Whether a string may serve as an id: letters, digits, `-`, `_` and `.`, at most 64, no path tricks. */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value) && !value.includes('..');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads fields of an untrusted object one by one and collects every problem, so that a user
 * learns all that is wrong with an input at once. In `partial` mode absent fields are skipped.
 */
export class FieldReader {
  readonly issues: Issue[] = [];
  private readonly input: Record<string, unknown>;

  constructor(
    input: unknown,
    private readonly partial = false,
  ) {
    if (isRecord(input)) {
      this.input = input;
    } else {
      this.input = {};
      this.issues.push({ path: '', text: text('verwacht een object met velden', 'expected an object with fields') });
    }
  }

  /** Whether the field should be read: always when complete, only when present when partial. */
  private wanted(key: string): boolean {
    return !this.partial || this.value(key) !== undefined;
  }

  /** An own field of the input; a name like `constructor` never reaches `Object.prototype`. */
  private value(key: string): unknown {
    return Object.hasOwn(this.input, key) ? this.input[key] : undefined;
  }

  private fail(path: string, t: Text): undefined {
    this.issues.push({ path, text: t });
    return undefined;
  }

  /** A string field, trimmed; required unless `optional`. */
  string(
    key: string,
    { optional = false, max = 200, trim = true }: { optional?: boolean; max?: number; trim?: boolean } = {},
  ): string | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (value === undefined || value === null || value === '') {
      if (optional) return '';
      return this.fail(key, text('is verplicht', 'is required'));
    }
    if (typeof value !== 'string') return this.fail(key, text('moet tekst zijn', 'must be text'));
    // Passwords keep their spaces: a space typed on purpose is part of the secret.
    const trimmed = trim ? value.trim() : value;
    if (!optional && trimmed === '') return this.fail(key, text('is verplicht', 'is required'));
    if (trimmed.length > max) {
      return this.fail(key, text(`is langer dan ${max} tekens`, `is longer than ${max} characters`));
    }
    return trimmed;
  }

  /** An optional phone number, kept as written; it must read as one (Dutch or international). */
  phone(key: string): string | undefined {
    const value = this.string(key, { optional: true, max: 40 });
    if (value && toE164(value) === null) {
      return this.fail(key, text(`'${value}' is geen telefoonnummer; schrijf bijvoorbeeld 06 1234 5678 of +31 43 123 4567`, `'${value}' is not a phone number; write e.g. 06 1234 5678 or +31 43 123 4567`));
    }
    return value;
  }

  /** An optional e-mail address. */
  email(key: string): string | undefined {
    const value = this.string(key, { optional: true, max: 120 });
    if (value && !isEmail(value)) {
      return this.fail(key, text(`'${value}' is geen e-mailadres; schrijf bijvoorbeeld naam@organisatie.nl`, `'${value}' is not an e-mail address; write e.g. name@organisation.nl`));
    }
    return value;
  }

  /** Channel choices: a list, or in a file a text like `email sms`; absent or empty: every channel with an address. */
  channels(key: string): Channel[] | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (value === undefined || value === null || value === '') return undefined;
    const items = typeof value === 'string' ? value.split(/[\s,;|]+/).filter(Boolean) : value;
    if (!Array.isArray(items) || !items.every((c) => typeof c === 'string' && (CHANNELS as readonly string[]).includes(c))) {
      return this.fail(key, text('kies uit email, sms en push', 'choose from email, sms and push'));
    }
    return CHANNELS.filter((c) => items.includes(c));
  }

  /** An id field: letters, digits, `-`, `_`, `.`. */
  id(key: string): string | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (value === undefined || value === null || value === '') return this.fail(key, text('is verplicht', 'is required'));
    if (!isValidId(value)) {
      return this.fail(
        key,
        text(
          'mag alleen letters, cijfers, - _ en . bevatten (maximaal 64)',
          'may only contain letters, digits, - _ and . (at most 64)',
        ),
      );
    }
    return value;
  }

  /** One of a fixed list of values. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    if (value === undefined || value === null || value === '') return this.fail(key, text('is verplicht', 'is required'));
    return this.fail(
      key,
      text(
        `'${String(value).slice(0, 40)}' is onbekend; kies uit ${allowed.join(', ')}`,
        `'${String(value).slice(0, 40)}' is unknown; choose from ${allowed.join(', ')}`,
      ),
    );
  }

  /** One of a fixed list, or `fallback` when absent or empty (a column older files lack). */
  oneOfOr<T extends string>(key: string, allowed: readonly T[], fallback: T): T | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (value === undefined || value === null || value === '') return fallback;
    return this.oneOf(key, allowed);
  }

  /** A calendar day as YYYY-MM-DD, or null when empty. */
  dateOrNull(key: string): string | null | undefined {
    const value = this.isoTimeOrNull(key);
    if (value === undefined || value === null) return value;
    const raw = String(this.value(key)).trim();
    // A bare date stays that day; a time is read in UTC, as isoTimeOrNull does.
    return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : value.slice(0, 10);
  }

  /** A finite number within bounds; `integer` also forbids fractions. */
  number(key: string, { min, max, integer = false }: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    if (!this.wanted(key)) return undefined;
    const raw = this.value(key);
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw.replace(',', '.')) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      if (raw === undefined || raw === null || raw === '') return this.fail(key, text('is verplicht', 'is required'));
      return this.fail(key, text('moet een getal zijn', 'must be a number'));
    }
    if (integer && !Number.isInteger(value)) return this.fail(key, text('moet een geheel getal zijn', 'must be a whole number'));
    if (min !== undefined && value < min) return this.fail(key, text(`moet minstens ${min} zijn`, `must be at least ${min}`));
    if (max !== undefined && value > max) return this.fail(key, text(`mag hoogstens ${max} zijn`, `must be at most ${max}`));
    return value;
  }

  /** A boolean; also accepts the strings true/false/ja/nee/1/0 of spreadsheets. */
  boolean(key: string, fallback: boolean): boolean | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const lower = value.trim().toLowerCase();
      if (['true', 'ja', 'yes', '1'].includes(lower)) return true;
      if (['false', 'nee', 'no', '0'].includes(lower)) return false;
    }
    return this.fail(key, text('moet ja of nee zijn', 'must be yes or no'));
  }

  /** An ISO 8601 date or date-time, or null. */
  isoTimeOrNull(key: string): string | null | undefined {
    if (!this.wanted(key)) return undefined;
    const value = this.value(key);
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
      return this.fail(key, text('moet een datum zijn als 2026-03-01', 'must be a date like 2026-03-01'));
    }
    const time = Date.parse(value.trim());
    if (Number.isNaN(time)) return this.fail(key, text('is geen bestaande datum', 'is not a real date'));
    return new Date(time).toISOString();
  }

  /** The result: the value when no problem was found, all problems otherwise. */
  done<T>(value: T): Checked<T> {
    return this.issues.length === 0 ? { ok: true, value } : { ok: false, issues: this.issues };
  }
}

/** Removes the keys whose value is undefined, so that a partial patch only holds what was sent. */
/** The fields that were read: a value left undefined (absent in a patch) is dropped. */
export function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Checks an organisation; with `partial`, only the fields present (a patch). */
export function checkOrganisation(input: unknown, partial = false): Checked<Partial<Organisation>> {
  const r = new FieldReader(input, partial);
  const value = {
    id: partial ? undefined : r.id('id'),
    name: r.string('name'),
    sector: r.oneOf('sector', SECTORS),
    phone: r.phone('phone'),
    email: r.email('email'),
    active: r.boolean('active', true),
  };
  return r.done(defined(value));
}

/** Checks a location; coordinates must lie in the Netherlands. */
export function checkLocation(input: unknown, partial = false): Checked<Partial<Location>> {
  const r = new FieldReader(input, partial);
  const value = {
    id: partial ? undefined : r.id('id'),
    organisationId: r.id('organisationId'),
    name: r.string('name'),
    address: r.string('address', { optional: true }),
    postcode: r.string('postcode', { optional: true, max: 10 }),
    municipality: r.string('municipality', { max: 80 }),
    lat: r.number('lat', { min: -90, max: 90 }),
    lon: r.number('lon', { min: -180, max: 180 }),
    kind: r.string('kind', { optional: true, max: 80 }),
    capacity: r.number('capacity', { min: 0, max: 100000, integer: true }),
    active: r.boolean('active', true),
  };
  if (value.lat !== undefined && value.lon !== undefined && !isInNetherlands({ lat: value.lat, lon: value.lon })) {
    r.issues.push({
      path: 'lat',
      text: text(
        `coördinaten ${value.lat}, ${value.lon} liggen buiten Nederland (lat/lon verwisseld?)`,
        `coordinates ${value.lat}, ${value.lon} lie outside the Netherlands (lat/lon swapped?)`,
      ),
    });
  }
  return r.done(defined(value));
}

/** Checks a crisis coordinator. */
export function checkCoordinator(input: unknown, partial = false): Checked<Partial<Coordinator>> {
  const r = new FieldReader(input, partial);
  const value = {
    id: partial ? undefined : r.id('id'),
    organisationId: r.id('organisationId'),
    name: r.string('name'),
    phone: r.phone('phone'),
    email: r.email('email'),
    channels: r.channels('channels'),
    introCompletedAt: r.isoTimeOrNull('introCompletedAt'),
    active: r.boolean('active', true),
    kind: r.oneOfOr('kind', COORDINATOR_KINDS, 'crisis'),
    dayCourseOn: r.dateOrNull('dayCourseOn'),
    invitedAt: r.isoTimeOrNull('invitedAt'),
  };
  // The day course belongs to an ICO's intake: a crisis coordinator has none.
  if (value.kind === 'crisis' && value.dayCourseOn) {
    r.issues.push({ path: 'dayCourseOn', text: text('alleen een informatiecoördinator volgt de dagcursus; kies soort informatiecoördinator of laat de datum leeg', 'only an information coordinator takes the day course; choose kind information coordinator or leave the date empty') });
  }
  // A channel needs its address: SMS a mobile number, e-mail an address.
  if (value.channels?.includes('sms') && value.phone !== undefined && !(value.phone && isMobile(toE164(value.phone) ?? ''))) {
    r.issues.push({ path: 'channels', text: text('sms kan alleen met een mobiel nummer (06… of buitenlands); vul dat in of kies sms af', 'SMS needs a mobile number (06… or abroad); enter one or deselect SMS') });
  }
  if (value.channels?.includes('email') && value.email === '') {
    r.issues.push({ path: 'channels', text: text('e-mail kan alleen met een e-mailadres; vul dat in of kies e-mail af', 'e-mail needs an address; enter one or deselect e-mail') });
  }
  return r.done(defined(value));
}

/** The fields of a new user account. */
export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  organisationId: string | null;
  coordinatorId: string | null;
}

/** Checks a new user: a coordinator must name its organisation, other roles must not. */
export function checkNewUser(input: unknown): Checked<NewUser> {
  const r = new FieldReader(input);
  const username = r.id('username');
  const password = r.string('password', { max: 200, trim: false });
  const displayName = r.string('displayName', { optional: true, max: 120 });
  const role = r.oneOf('role', ROLES);
  const raw = input as Record<string, unknown> | null;
  const hasOrganisation = raw?.organisationId !== undefined && raw?.organisationId !== null && raw?.organisationId !== '';
  const organisationId = hasOrganisation ? r.id('organisationId') : null;
  const hasCoordinator = raw?.coordinatorId !== undefined && raw?.coordinatorId !== null && raw?.coordinatorId !== '';
  const coordinatorId = hasCoordinator ? r.id('coordinatorId') : null;
  if (hasCoordinator && role !== 'coordinator') {
    r.issues.push({ path: 'coordinatorId', text: text('alleen een coördinator-account hoort bij een crisiscoördinator', 'only a coordinator account belongs to a crisis coordinator') });
  }
  if (password !== undefined && password.length < 10) {
    r.issues.push({ path: 'password', text: text('moet minstens 10 tekens hebben', 'must have at least 10 characters') });
  }
  if (role === 'coordinator' && !hasOrganisation) {
    r.issues.push({
      path: 'organisationId',
      text: text('een coördinator hoort bij een organisatie', 'a coordinator belongs to an organisation'),
    });
  }
  if (role !== undefined && role !== 'coordinator' && hasOrganisation) {
    r.issues.push({
      path: 'organisationId',
      text: text('alleen een coördinator hoort bij een organisatie', 'only a coordinator belongs to an organisation'),
    });
  }
  return r.done({
    username: username ?? '',
    password: password ?? '',
    displayName: displayName || (username ?? ''),
    role: role ?? 'observer',
    organisationId: organisationId ?? null,
    coordinatorId: coordinatorId ?? null,
  });
}

/** Checks a login request. */
export function checkLogin(input: unknown): Checked<{ username: string; password: string }> {
  const r = new FieldReader(input);
  const username = r.string('username', { max: 64 });
  const password = r.string('password', { max: 200, trim: false });
  return r.done({ username: username ?? '', password: password ?? '' });
}
