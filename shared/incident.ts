import { FieldReader, type Checked } from './validation';
import type { Location, Organisation } from './domain';

/** GRIP levels (Gecoördineerde Regionale Incidentbestrijdingsprocedure); 0 is routine. */
export const GRIP_LEVELS = [0, 1, 2, 3, 4, 5] as const;

/** One GRIP level. */
export type Grip = (typeof GRIP_LEVELS)[number];

/** Status of an incident. */
export type IncidentStatus = 'open' | 'closed';

/** One crisis session. The network as it was at its start is kept beside it (see {@link IncidentNetwork}). */
export interface Incident {
  id: string;
  title: string;
  grip: Grip;
  status: IncidentStatus;
  startedAt: string;
  endedAt: string | null;
  createdBy: string;
}

/** The frozen copy of the network taken when an incident opened. */
export interface IncidentNetwork {
  organisations: Organisation[];
  locations: Location[];
}

/** Checks the body of a new incident. */
export function checkNewIncident(input: unknown): Checked<{ title: string; grip: Grip }> {
  const r = new FieldReader(input);
  const title = r.string('title', { max: 160 });
  const grip = r.number('grip', { min: 0, max: 5, integer: true }) as Grip | undefined;
  return r.done({ title: title ?? '', grip: grip ?? 0 });
}

/** Checks a change of an incident's GRIP level. */
export function checkGripChange(input: unknown): Checked<{ grip: Grip }> {
  const r = new FieldReader(input);
  const grip = r.number('grip', { min: 0, max: 5, integer: true }) as Grip | undefined;
  return r.done({ grip: grip ?? 0 });
}
