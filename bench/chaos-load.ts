import { randomInt } from 'node:crypto';
import * as Y from 'yjs';
import { HttpClient } from '../tests/helpers/http-client';
import { connectBoard, type BoardClient } from '../tests/helpers/yjs-client';
import { until } from './peers';

// What both chaos runs load the servers with: writers on the board and coordinators answering an alert.

export const CLIENTS = 50;

export type Writer = { board: BoardClient; location: string; written: number };

/** Coordinator accounts for 20 organisations (one connected coordinator each), signed in: they answer an alert around the crash. */
export async function answeringCoordinators(admin: HttpClient, url: string, organisations: { id: string }[], n: number): Promise<{ organisationId: string; client: HttpClient }[]> {
  const coordinators = (await admin.get('/api/coordinators')).body.data as { id: string; organisationId: string; connected: boolean }[];
  const acking: { organisationId: string; client: HttpClient }[] = [];
  for (const organisation of organisations.slice(0, 20)) {
    const coordinator = coordinators.find((c) => c.organisationId === organisation.id && c.connected);
    if (!coordinator) continue;
    const username = `chaos-${n}-${organisation.id}`;
    await admin.post('/api/users', { username, password: 'chaos-password-1', role: 'coordinator', organisationId: organisation.id, coordinatorId: coordinator.id });
    acking.push({ organisationId: organisation.id, client: await new HttpClient(url).signIn(username, 'chaos-password-1') });
  }
  return acking;
}

/** Each coordinator answers "yes" at a random moment in the next 4 s; `acked` holds the organisations whose answer was confirmed. */
export function answerAtRandom(acking: { organisationId: string; client: HttpClient }[], alertId: string): { acked: Set<string>; acks: Promise<void>[] } {
  const acked = new Set<string>();
  const acks = acking.map(
    ({ organisationId, client }) =>
      new Promise<void>((resolve) =>
        setTimeout(async () => {
          const answer = await client.post(`/api/alerts/${alertId}/ack`, { answer: 'yes' }).catch(() => null);
          if (answer?.status === 200) acked.add(organisationId);
          resolve();
        }, randomInt(0, 4000)),
      ),
  );
  return { acked, acks };
}

/**
 * 50 stock clients, each writing an increasing number into the remarks of its own location
 * every 50–250 ms until `stop` is called.
 */
export async function startWriters(url: string, incidentId: string, cookie: string, locations: { id: string }[], remarks: (n: number) => string): Promise<{ clients: Writer[]; stop(): void }> {
  const clients: Writer[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push({ board: connectBoard(url, incidentId, cookie), location: locations[i].id, written: 0 });
  await until(() => clients.every((c) => c.board.provider.synced), 60000, 'clients synced');
  let writing = true;
  const timers = clients.map((c) => {
    const write = () => {
      if (!writing) return;
      c.written++;
      (c.board.doc.getMap('reports').get(c.location) as Y.Map<unknown>).set('remarks', remarks(c.written));
      timers[clients.indexOf(c)] = setTimeout(write, randomInt(50, 250));
    };
    return setTimeout(write, randomInt(0, 200));
  });
  return {
    clients,
    stop() {
      writing = false;
      timers.forEach((t) => clearTimeout(t));
    },
  };
}

