import { error, redirect } from '@sveltejs/kit';
import type { Incident, IncidentNetwork } from '$shared/incident';
import { api, ApiFailure } from '$lib/api';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url }) => {
  try {
    return await api<{ incident: Incident; network: IncidentNetwork }>(`/incidents/${encodeURIComponent(params.id)}`);
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) redirect(307, `/login?next=${encodeURIComponent(url.pathname)}`);
    error(e instanceof ApiFailure ? e.status || 503 : 503, e instanceof Error ? e.message : String(e));
  }
};
