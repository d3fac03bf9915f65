import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../shared/domain';
import { isValidId } from '../shared/validation';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';

type Who = Role | 'anonymous';
const EVERYONE: Who[] = ['admin', 'ghor', 'coordinator', 'observer'];

let server: TestServer;
const clients = new Map<Who, HttpClient>();
let incidentId: string;
let alertId: string;
let organisationId: string;
let locationId: string;
let coordinatorId: string;
let userId: string;

beforeAll(async () => {
  server = await startServer();
  clients.set('anonymous', new HttpClient(server.url));
  clients.set('admin', await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD));
  for (const role of ['ghor', 'coordinator', 'observer'] as const) clients.set(role, await new HttpClient(server.url).signIn(role, DEMO_PASSWORD));
  const ghor = clients.get('ghor')!;
  incidentId = (await ghor.post('/api/incidents', { title: 'Toegang', grip: 2 })).body.data.id;
  alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Meld uw situatie', grip: 2, target: { all: true } })).body.data.alert.id;
  const network = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network;
  organisationId = network.organisations[0].id;
  locationId = network.locations[0].id;
  coordinatorId = (await clients.get('admin')!.get('/api/coordinators')).body.data[0].id;
  userId = (await clients.get('admin')!.get('/api/users')).body.data.find((u: { username: string }) => u.username === 'observer').id;
}, 30000);

afterAll(async () => server?.close());

/**
 * Every route of the API with the roles that may use it. Bodies are empty, so an allowed call
 * fails validation (400) or finds nothing (404) and changes nothing; what matters is that every
 * other role is stopped before that, with 401 or 403.
 */
function routes(): [method: string, path: string, allowed: Who[]][] {
  const registry = (kind: string, id: string): [string, string, Who[]][] => [
    ['GET', `/api/${kind}`, EVERYONE],
    ['GET', `/api/${kind}/${id}`, EVERYONE],
    ['POST', `/api/${kind}`, ['admin']],
    ['PATCH', `/api/${kind}/${id}`, ['admin']],
    ['DELETE', `/api/${kind}/no-such-${kind}`, ['admin']],
  ];
  return [
    ['GET', '/api/me', EVERYONE],
    ['GET', '/api/users', ['admin']],
    ['POST', '/api/users', ['admin']],
    ['PATCH', `/api/users/${userId}`, ['admin']],
    ...registry('organisations', organisationId),
    ...registry('locations', locationId),
    ...registry('coordinators', coordinatorId),
    ['GET', '/api/export/coordinators.csv', ['admin', 'ghor']],
    ['GET', '/api/export/locations.geojson', ['admin', 'ghor']],
    ['POST', '/api/import/locations', ['admin']],
    ['GET', '/api/incidents', EVERYONE],
    ['POST', '/api/incidents', ['ghor', 'admin']],
    ['GET', `/api/incidents/${incidentId}`, EVERYONE],
    ['PATCH', `/api/incidents/${incidentId}`, ['ghor', 'admin']],
    ['POST', '/api/incidents/no-such-incident/close', ['ghor', 'admin']],
    ['POST', `/api/incidents/${incidentId}/alerts`, ['ghor', 'admin']],
    ['GET', `/api/incidents/${incidentId}/alerts`, EVERYONE],
    ['GET', '/api/alerts/pending', EVERYONE],
    ['POST', '/api/alerts/no-such-alert/answers', ['ghor', 'admin']],
    // A correction of an answer: the organisation's coordinator (checked further by the service) or GHOR.
    ['PUT', '/api/alerts/no-such-alert/answers/org-001', ['coordinator', 'ghor', 'admin']],
    ['POST', `/api/alerts/${alertId}/ack`, ['coordinator']],
    ['GET', `/api/alerts/${alertId}/cap.xml`, ['ghor', 'admin', 'observer']],
    ...['events', 'state?format=json', 'state', 'metrics', 'timeline.csv', 'reports.geojson', 'report.html'].map(
      (what): [string, string, Who[]] => ['GET', `/api/incidents/${incidentId}/${what}`, ['ghor', 'admin', 'observer']],
    ),
    ['PATCH', `/api/alerts/${alertId}`, ['ghor', 'admin']],
    ['GET', '/api/reach', EVERYONE],
    ['GET', '/api/me/contact', ['coordinator']],
    ['PATCH', '/api/me/contact', ['coordinator']],
    // The GHOR's own notes on the network: nobody else reads or writes them.
    ['GET', `/api/organisations/${organisationId}/contacts`, ['ghor', 'admin']],
    ['POST', `/api/organisations/${organisationId}/contacts`, ['ghor', 'admin']],
    ['PATCH', '/api/contacts/no-such-contact', ['ghor', 'admin']],
    ['GET', '/api/network/attention', ['ghor', 'admin']],
    ['GET', '/api/meetings', ['ghor', 'admin']],
    ['POST', '/api/meetings', ['ghor', 'admin']],
    ['PATCH', '/api/meetings/no-such-meeting', ['ghor', 'admin']],
    ['POST', '/api/meetings/no-such-meeting/invitations', ['ghor', 'admin']],
    ['GET', '/api/network/overview', ['ghor', 'admin']],
    ['GET', '/api/network/overview/print', ['ghor', 'admin']],
    ['GET', '/api/network/export/contacts.csv', ['ghor', 'admin']],
    ['POST', '/api/network/import/meetings', ['ghor', 'admin']],
    // The introduction: its texts for all, its steps for coordinators, its editing for admins.
    ['GET', '/api/introduction', EVERYONE],
    ['POST', '/api/introduction/chapters/no-such-chapter/read', ['coordinator']],
    ['POST', '/api/introduction/practice-alert', ['coordinator']],
    ['POST', '/api/introduction/practice-alert/answer', ['coordinator']],
    ['POST', '/api/introduction/practice-report', ['coordinator']],
    ['POST', '/api/introduction/complete', ['coordinator']],
    ['PUT', '/api/introduction/chapters/no-such-chapter', ['admin']],
    ['DELETE', '/api/introduction/chapters/no-such-chapter', ['admin']],
    ['POST', '/api/coordinators/no-such-coordinator/invitation', ['admin']],
  ];
}

/** Routes about the signed-in user's own device or language: every role, but never anonymous. */
const PERSONAL: [method: string, path: string][] = [
  ['PATCH', '/api/me'],
  ['GET', '/api/push/subscriptions'],
  ['POST', '/api/push/subscriptions'],
  ['DELETE', '/api/push/subscriptions'],
];

describe('who may use which route', () => {
  it('personal routes (own language, own device) are for every signed-in user and nobody else', async () => {
    for (const [method, path] of PERSONAL) {
      for (const [who, client] of clients) {
        const answer = await client.request(method, path, method === 'GET' ? undefined : {});
        if (who === 'anonymous') expect(answer.status, `${who} ${method} ${path}`).toBe(401);
        else expect([200, 400, 409], `${who} ${method} ${path}`).toContain(answer.status);
      }
    }
  });

  it('every route stops every role it is not meant for, with 401 or 403 and a sentence', async () => {
    const wrong: string[] = [];
    let refusals = 0;
    for (const [method, path, allowed] of routes()) {
      for (const [who, client] of clients) {
        const answer = await client.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
        const stopped = answer.status === 401 || answer.status === 403;
        if (allowed.includes(who) === stopped) wrong.push(`${who} ${method} ${path} → ${answer.status}`);
        if (stopped) {
          refusals++;
          expect(answer.body.error.message, `${who} ${method} ${path}`).toMatch(/\w+ \w+/);
          expect(answer.status, `${who} ${method} ${path}`).toBe(who === 'anonymous' ? 401 : 403);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(refusals).toBeGreaterThan(100);
  });

  it('an observer changes nothing anywhere: every state-changing route refuses it', async () => {
    const observer = clients.get('observer')!;
    const changing = routes().filter(([method]) => method !== 'GET');
    expect(changing.length).toBeGreaterThan(15);
    for (const [method, path] of changing) expect((await observer.request(method, path, {})).status, `${method} ${path}`).toBe(403);
  });

  it('a coordinator sees only its own organisation’s coordinator contact details', async () => {
    const coordinator = clients.get('coordinator')!;
    const own = (await coordinator.get('/api/me')).body.data.organisationId;
    const visible = (await coordinator.get('/api/coordinators')).body.data as { organisationId: string; phone?: string; email?: string }[];
    expect(visible.some((c) => c.organisationId === own && (c.phone || c.email))).toBe(true);
    expect(visible.filter((c) => c.organisationId !== own && (c.phone || c.email))).toEqual([]);
  });

  it('API answers carry the security headers: no caching, no sniffing, no framing, a CSP that runs nothing', async () => {
    for (const client of [clients.get('anonymous')!, clients.get('ghor')!]) {
      const { headers } = await client.get('/api/me');
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('content-security-policy')).toMatch(/^default-src 'none';.*frame-ancestors 'none'/);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-powered-by')).toBeNull();
    }
  });

  it('ids cannot climb out of their folder: the id rule refuses every path trick', () => {
    for (const trick of ['../registry.json', '..', 'a/b', 'a\\b', '.hidden', 'x\u0000', '', 'a'.repeat(65), 'inc..x']) expect(isValidId(trick), JSON.stringify(trick)).toBe(false);
    for (const id of ['inc-20261123-ab12', 'org-010', 'loc_1.2']) expect(isValidId(id)).toBe(true);
  });
});
