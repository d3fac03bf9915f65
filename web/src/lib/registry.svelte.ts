import type { Coordinator, Location, Organisation } from '$shared/domain';
import type { RegistryKind } from '$shared/registry-io';
import { api } from './api';

/** An organisation as the API returns it. */
export type OrganisationRow = Organisation & { acute: boolean };
/** A coordinator as the API returns it. */
export type CoordinatorRow = Coordinator & { connected: boolean };

/** The network registry as the registry pages see it; one instance, loaded on demand. */
class Registry {
  organisations = $state<OrganisationRow[]>([]);
  locations = $state<Location[]>([]);
  coordinators = $state<CoordinatorRow[]>([]);
  loaded = $state(false);

  /** Organisations by id, for names and sectors in lists and popups. */
  organisationById = $derived(new Map(this.organisations.map((o) => [o.id, o])));

  /** Municipalities that occur in the network, sorted. */
  municipalities = $derived([...new Set(this.locations.map((l) => l.municipality))].sort((a, b) => a.localeCompare(b, 'nl')));

  async load(): Promise<void> {
    const [organisations, locations, coordinators] = await Promise.all([
      api<OrganisationRow[]>('/organisations'),
      api<Location[]>('/locations'),
      api<CoordinatorRow[]>('/coordinators'),
    ]);
    this.organisations = organisations;
    this.locations = locations;
    this.coordinators = coordinators;
    this.loaded = true;
  }

  /** Creates (no `existing` id) or changes a row and puts the server's answer in the list. */
  async save(kind: RegistryKind, row: Record<string, unknown>, existingId?: string): Promise<void> {
    const saved = existingId
      ? await api<{ id: string }>(`/${kind}/${encodeURIComponent(existingId)}`, { method: 'PATCH', body: row })
      : await api<{ id: string }>(`/${kind}`, { method: 'POST', body: row });
    this.replace(kind, saved);
  }

  /** Reads one row again after a change made elsewhere (an invitation sets `invitedAt`). */
  async refresh(kind: RegistryKind, id: string): Promise<void> {
    this.replace(kind, await api<{ id: string }>(`/${kind}/${encodeURIComponent(id)}`));
  }

  /** Deactivates a row (never deletes it). */
  async deactivate(kind: RegistryKind, id: string): Promise<void> {
    this.replace(kind, await api<{ id: string }>(`/${kind}/${encodeURIComponent(id)}`, { method: 'DELETE' }));
  }

  private replace(kind: RegistryKind, saved: { id: string }): void {
    const list = this[kind] as { id: string }[];
    const index = list.findIndex((r) => r.id === saved.id);
    if (index === -1) list.push(saved);
    else list[index] = saved;
  }
}

/** The one registry state. */
export const registry = new Registry();
