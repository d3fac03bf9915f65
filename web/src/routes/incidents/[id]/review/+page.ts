import { error, redirect } from '@sveltejs/kit';
import type { Incident, IncidentNetwork } from '$shared/incident';
import type { ReviewMetrics, SeriesPoint, TimelineEvent } from '$shared/review';
import { api, ApiFailure } from '$lib/api';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url }) => {
  const id = encodeURIComponent(params.id);
  try {
    const [{ incident, network }, timeline, { metrics, series }] = await Promise.all([
      api<{ incident: Incident; network: IncidentNetwork }>(`/incidents/${id}`),
      api<{ events: TimelineEvent[] }>(`/incidents/${id}/events?limit=5000`),
      api<{ metrics: ReviewMetrics; series: SeriesPoint[] }>(`/incidents/${id}/metrics`),
    ]);
    return { incident, network, events: timeline.events, metrics, series };
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) redirect(307, `/login?next=${encodeURIComponent(url.pathname)}`);
    error(e instanceof ApiFailure ? e.status || 503 : 503, e instanceof Error ? e.message : String(e));
  }
};
