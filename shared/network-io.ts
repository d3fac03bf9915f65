/**
 * Contact moments and meetings as CSV, like the registry's files (docs/architecture.md,
 * "Network"): the same cells, the same per-line checks, the same import plan. Pure.
 */
import { decodeUtf8, parseCsv, toCsv } from './csv';
import { attendanceProblem, checkContact, checkMeeting, type ContactMoment, type FollowUp, type Meeting } from './network';
import { duplicateId, rowProblems, unknownOrganisation, type ImportProblem } from './registry-io';
import { text } from './text';
import { isValidId } from './validation';

/** The network's own files. */
export const NETWORK_FILES = ['contacts', 'meetings'] as const;
export type NetworkFile = (typeof NETWORK_FILES)[number];

/** Columns in file order; follow-ups one per line in their cell, invitees separated by spaces. */
export const NETWORK_COLUMNS = {
  contacts: ['id', 'organisationId', 'kind', 'date', 'ghorPeople', 'organisationPeople', 'notes', 'followUps'],
  meetings: ['id', 'kind', 'title', 'date', 'place', 'theme', 'invited', 'attended'],
} as const satisfies Record<NetworkFile, readonly string[]>;

const REQUIRED: Record<NetworkFile, readonly string[]> = {
  contacts: ['organisationId', 'kind', 'date'],
  meetings: ['kind', 'title', 'date'],
};

/** A follow-up in its cell: `2026-03-01 open: Noodstroomplan toesturen` (or `gedaan:`). */
export function followUpLine(f: FollowUp): string {
  return `${f.due} ${f.done ? 'gedaan' : 'open'}: ${f.text}`;
}

const FOLLOW_UP_LINE = /^(\S+)\s+(open|gedaan|done):\s*(.+)$/i;

/** Writes contact moments or meetings as CSV. */
export function exportNetworkCsv(file: NetworkFile, rows: readonly (ContactMoment | Meeting)[], options: { excel?: boolean } = {}): string {
  const flat = rows.map((row) => {
    if (file === 'contacts') {
      const c = row as ContactMoment;
      return { ...c, followUps: c.followUps.map(followUpLine).join('\n') };
    }
    const m = row as Meeting;
    return { ...m, invited: m.invited.join(' '), attended: m.attended.join(' ') };
  });
  return toCsv(NETWORK_COLUMNS[file], flat, options);
}

/** A checked row of an import: the fields, and the id it has in the file (empty: a new row). */
export interface NetworkImportRow<T> {
  line: number;
  id: string;
  value: T;
}

/** The checked content of a network import file. */
export interface NetworkImportPlan<T> {
  rows: number;
  valid: NetworkImportRow<T>[];
  problems: ImportProblem[];
}

type ContactFields = Omit<ContactMoment, 'id' | 'createdBy' | 'createdAt' | 'updatedAt'>;
type MeetingFields = Pick<Meeting, 'kind' | 'title' | 'date' | 'place' | 'theme' | 'invited' | 'attended'>;

/** What an import of the file would do, or the one reason the file cannot be read at all. */
export function planNetworkImport(file: 'contacts', bytes: Uint8Array, known: { organisations: ReadonlySet<string> }): { ok: true; plan: NetworkImportPlan<ContactFields> } | { ok: false; problem: ImportProblem };
export function planNetworkImport(file: 'meetings', bytes: Uint8Array, known: { coordinators: ReadonlySet<string> }): { ok: true; plan: NetworkImportPlan<MeetingFields> } | { ok: false; problem: ImportProblem };
export function planNetworkImport(file: NetworkFile, bytes: Uint8Array, known: { organisations?: ReadonlySet<string>; coordinators?: ReadonlySet<string> }): { ok: true; plan: NetworkImportPlan<ContactFields | MeetingFields> } | { ok: false; problem: ImportProblem } {
  const source = decodeUtf8(bytes);
  if (source === null) return { ok: false, problem: { line: 0, path: '', text: text('Het bestand is geen UTF-8; sla het op als "CSV UTF-8".', 'The file is not UTF-8; save it as "CSV UTF-8".') } };
  const parsed = parseCsv(source);
  if (!parsed.ok) return { ok: false, problem: { line: parsed.line, path: '', text: parsed.text } };
  const missing = REQUIRED[file].filter((c) => !parsed.header.includes(c));
  if (missing.length > 0) return { ok: false, problem: { line: 1, path: '', text: text(`Kolommen ontbreken in de kopregel: ${missing.join(', ')}`, `Columns missing from the header: ${missing.join(', ')}`) } };
  const problems: ImportProblem[] = [];
  const valid: NetworkImportRow<ContactFields | MeetingFields>[] = [];
  const seen = new Map<string, number>();
  for (const { line, values, extra } of parsed.rows) {
    if (extra !== undefined) {
      problems.push({ line, path: '', text: text('de regel heeft meer cellen dan de kopregel', 'the row has more cells than the header') });
      continue;
    }
    const id = (values.id ?? '').trim();
    if (id !== '' && !isValidId(id)) {
      problems.push(...rowProblems(line, values, [{ path: 'id', text: text('mag alleen letters, cijfers, - _ en . bevatten (maximaal 64)', 'may only contain letters, digits, - _ and . (at most 64)') }]));
      continue;
    }
    if (id !== '' && seen.has(id)) {
      problems.push(...duplicateId(line, values, id, seen.get(id)!));
      continue;
    }
    if (id !== '') seen.set(id, line);
    const before = problems.length;
    if (file === 'contacts') {
      const followUps: FollowUp[] = [];
      (values.followUps ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).forEach((l, i) => {
        const m = FOLLOW_UP_LINE.exec(l);
        if (!m) problems.push({ line, path: `followUps.${i}`, text: text(`'${l.slice(0, 40)}' is geen afspraak; schrijf per regel bijvoorbeeld "2026-03-01 open: Noodstroomplan toesturen"`, `'${l.slice(0, 40)}' is not a follow-up; write one per line, e.g. "2026-03-01 open: send the emergency power plan"`) });
        else followUps.push({ id: `f${i + 1}`, due: m[1], done: m[2].toLowerCase() !== 'open', text: m[3] });
      });
      const checked = checkContact({ ...values, followUps });
      if (!checked.ok) problems.push(...rowProblems(line, values, checked.issues));
      const organisationId = (values.organisationId ?? '').trim();
      if (!known.organisations!.has(organisationId)) problems.push(...unknownOrganisation(line, values, organisationId));
      if (problems.length === before && checked.ok) valid.push({ line, id, value: { ...(checked.value as Omit<ContactFields, 'organisationId'>), organisationId } });
    } else {
      const ids = (cell: string | undefined) => (cell ?? '').split(/[\s,;]+/).filter(Boolean);
      const checked = checkMeeting({ ...values, invited: ids(values.invited), attended: ids(values.attended) }, known.coordinators!);
      if (!checked.ok) problems.push(...rowProblems(line, values, checked.issues));
      else {
        const meeting = { place: '', theme: '', invited: [], attended: [], ...checked.value } as MeetingFields;
        const problem = attendanceProblem(meeting);
        if (problem) problems.push({ line, ...problem });
        else valid.push({ line, id, value: meeting });
      }
    }
  }
  return { ok: true, plan: { rows: parsed.rows.length, valid, problems } };
}
