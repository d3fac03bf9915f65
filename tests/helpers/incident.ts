import { HttpClient } from './http-client';
import { DEMO_PASSWORD } from './server';

/**
 * A new incident opened by the demo GHOR account, with the demo coordinator signed in as well
 * and the ids of that coordinator's own locations (its organisation's, in the frozen network).
 */
export async function incidentWithOwnLocations(url: string, title: string) {
  const ghor = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
  const coordinator = await new HttpClient(url).signIn('coordinator', DEMO_PASSWORD);
  const id = (await ghor.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
  const ownOrg = (await coordinator.get('/api/me')).body.data.organisationId as string;
  const { network } = (await ghor.get(`/api/incidents/${id}`)).body.data;
  const own = (network.locations as { id: string; organisationId: string }[]).filter((l) => l.organisationId === ownOrg).map((l) => l.id);
  return { ghor, coordinator, id, ownOrg, own };
}
