import { error, redirect } from '@sveltejs/kit';
import type { AlertStatus } from '$shared/alert';
import type { Incident, IncidentNetwork } from '$shared/incident';
import { alerts } from '$lib/alerts.svelte';
import { api, ApiFailure } from '$lib/api';
import type { PageLoad } from './$types';

/** How long the board waits for its alerts' statuses once it is there itself. */
const STATUSES_WAIT_MS = 1500;

export const load: PageLoad = async ({ params, url }) => {
  const id = encodeURIComponent(params.id);
  try {
    // The alerts' statuses in the tab's store with the board, not after it: an alert's area orders
    // the own list from its first showing (a list that reorders moves a row from under a finger).
    // Never much later than the board, and without them (no network, a board reopened from its
    // copy) the board opens as before and OwnAnswers reads them. The store takes them in as any
    // read: not over a newer status the socket pushed meanwhile (GHOR's, while the board loads).
    const statuses = alerts.read(api<AlertStatus[]>(`/incidents/${id}/alerts`)).catch(() => []);
    const board = await api<{ incident: Incident; network: IncidentNetwork }>(`/incidents/${id}`);
    await Promise.race([statuses, new Promise((resolve) => setTimeout(resolve, STATUSES_WAIT_MS))]);
    return board;
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) redirect(307, `/login?next=${encodeURIComponent(url.pathname)}`);
    error(e instanceof ApiFailure ? e.status || 503 : 503, e instanceof Error ? e.message : String(e));
  }
};
