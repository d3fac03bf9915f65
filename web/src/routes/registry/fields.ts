import { mailHref, telHref } from '$lib/contact-links';
import { registry } from '$lib/registry.svelte';
import type { StringKey } from '$lib/strings';

/** One field of a registry row, for the table and the edit form. */
export interface Field {
  key: string;
  label: StringKey;
  type: 'text' | 'number' | 'select' | 'date' | 'checkbox' | 'email' | 'tel' | 'multi';
  options?: () => { value: string; label: string }[];
  /** Shown as a table column. */
  column?: boolean;
  /** How a value is shown in the table. */
  show?: (row: Record<string, unknown>) => string;
  /** Where the value in the table leads, if anywhere (an organisation's contact log, a phone number to call). */
  href?: (row: Record<string, unknown>) => string | undefined;
  required?: boolean;
  /** Only editable when creating (ids). */
  createOnly?: boolean;
  step?: string;
  /** Shown in the table only, never in the form (derived values). */
  derived?: boolean;
}

/** The organisation a location or coordinator belongs to: chosen among active organisations, shown by name. */
export function organisationField(): Field {
  return {
    key: 'organisationId',
    label: 'organisation',
    type: 'select',
    column: true,
    required: true,
    options: () => registry.organisations.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name })),
    show: (r) => registry.organisationById.get(String(r.organisationId))?.name ?? String(r.organisationId),
  };
}

/** A phone number in the table is one tap from a call; an e-mail address opens a message. */
export const callable = (row: Record<string, unknown>) => (row.phone ? telHref(String(row.phone)) : undefined);
export const writable = (row: Record<string, unknown>) => (row.email ? mailHref(String(row.email)) : undefined);
