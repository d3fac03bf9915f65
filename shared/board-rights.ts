import { COORDINATOR_NEED_STATUSES, GHOR_NEED_FIELDS, type NeedStatus, type RootName } from './board-schema';
import type { Role } from './domain';

/** Who writes: a role and, for a coordinator, its organisation. */
export interface Writer {
  role: Role;
  organisationId: string | null;
}

const isStaff = (writer: Writer) => writer.role === 'ghor' || writer.role === 'admin';
const ownOrStaff = (writer: Writer, owner: string | null) => isStaff(writer) || (writer.role === 'coordinator' && writer.organisationId !== null && owner === writer.organisationId);

/**
 * Who may write under each root of the incident document, given the
 * organisation the written thing belongs to. One table for the server's gate and the pages, so
 * that the board shows read-only exactly where the server refuses. A `Map`: roots come from
 * input.
 */
export const WRITE_RIGHTS: ReadonlyMap<RootName, (writer: Writer, owner: string | null) => boolean> = new Map<RootName, (writer: Writer, owner: string | null) => boolean>([
  ['reports', ownOrStaff],
  ['needs', ownOrStaff],
  ['picture', isStaff],
  ['areas', isStaff],
  ['logbook', isStaff],
]);

/** Whether a writer may write under a root, for something of organisation `owner` (reports, needs). */
export function mayWrite({ root, writer, owner = null }: { root: RootName; writer: Writer; owner?: string | null }): boolean {
  return WRITE_RIGHTS.get(root)?.(writer, owner) ?? false;
}

/** Whether a writer may set a field of a need: GHOR's handling fields are GHOR's. */
export function mayWriteNeedField({ writer, field }: { writer: Writer; field: string }): boolean {
  return isStaff(writer) || !GHOR_NEED_FIELDS.includes(field);
}

/** Whether a writer may give a need this status: a coordinator files (open) or withdraws (cancelled). */
export function mayGiveNeedStatus({ writer, status }: { writer: Writer; status: unknown }): boolean {
  return isStaff(writer) || COORDINATOR_NEED_STATUSES.includes(status as NeedStatus);
}
