import * as Y from 'yjs';
import { RawPeer, WriterPeer, until } from './peers';
import { updateFrame } from '../shared/y-frames';
import { sustained, type SustainedResult } from './sustained';
import { openIncident, signIn, DEMO_PASSWORD, type BenchServer } from './servers';

/** What a long incident and a flood of forbidden writes do to everybody else's latency. */
export interface RefusalResult {
  history: number;
  clientIds: number;
  fresh: SustainedResult;
  long: SustainedResult;
  flood: SustainedResult;
  refused: number;
}

/**
 * Writes `history` updates into one incident under `history / 20` clientIDs (a long incident
 * with many devices), then measures the sustained load (100 writers, 20 probes) on a fresh
 * incident, on the long one, and on the long one while one coordinator sends `floodRate`
 * forbidden updates a second, reconnecting after every refusal as a broken or hostile client would.
 */
export async function refusalFlood({ server, history = 100000, seconds = 20, floodRate = 20 }: { server: BenchServer; history?: number; seconds?: number; floodRate?: number }): Promise<RefusalResult> {
  const ghor = await signIn(server.url, 'ghor', DEMO_PASSWORD);
  const coordinator = await signIn(server.url, 'coordinator', DEMO_PASSWORD);
  const incident = await openIncident(server.url, ghor);
  const url = `${server.url.replace('http', 'ws')}/yjs/${incident.id}`;
  const read = await fetch(`${server.url}/api/incidents/${incident.id}`, { headers: { cookie: coordinator } });
  const { network } = ((await read.json()) as { data: { network: { locations: { id: string; organisationId: string }[] } } }).data;
  const me = ((await (await fetch(`${server.url}/api/me`, { headers: { cookie: coordinator } })).json()) as { data: { organisationId: string } }).data;
  const foreign = network.locations.find((l) => l.organisationId !== me.organisationId)!.id;

  const clientIds = await writeHistory(url, ghor, incident.locations, history);

  const load = { clients: 130, writers: 100, probes: 20, rate: 200, seconds };
  const fresh = await sustained({ server, ...load });
  const long = await sustained({ server, ...load, incident });
  if (process.env.BENCH_DEBUG) console.log('load generator heap after the long incident', Math.round(process.memoryUsage().heapUsed / 1e6), 'MB; generator stalls fresh / long', fresh.generatorStallMs, long.generatorStallMs, 'ms; server CPU fresh / long', Math.round(fresh.cpuPercent), Math.round(long.cpuPercent), '%');
  // One forbidden change, on a copy of the incident's current state.
  const copy = new WriterPeer(url, { cookie: coordinator });
  await until(() => copy.synced, 60000, 'attacker copy synced');
  let forbidden: Uint8Array | undefined;
  copy.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') forbidden = update;
  });
  copy.close();
  copy.doc.getMap<Y.Map<unknown>>('reports').get(foreign)!.set('remarks', 'niet van mij');
  const forbiddenFrame = updateFrame(forbidden!);
  let refused = 0;
  const flood = await sustained({
    server,
    ...load,
    incident,
    alongside: (boardUrl) => {
      // The forbidden update is made once and sent as the same bytes every time: a refused update
      // leaves no trace, so it stays new to the server. The attacker applies nothing itself, so
      // the load generator does not measure its own work.
      const open = new Set<RawPeer>();
      const timer = setInterval(() => {
        const attacker = new RawPeer(boardUrl, { cookie: coordinator });
        open.add(attacker);
        const started = Date.now();
        let sent = false;
        const poll = setInterval(() => {
          if (attacker.synced && !attacker.closed && !sent) {
            attacker.ws.send(forbiddenFrame);
            sent = true;
          }
          if (attacker.closed || Date.now() - started > 5000) {
            if (attacker.closed?.code === 4403) refused++;
            clearInterval(poll);
            attacker.close();
            open.delete(attacker);
          }
        }, 5);
      }, 1000 / floodRate);
      return () => {
        clearInterval(timer);
        for (const attacker of open) attacker.close();
      };
    },
  });
  return { history, clientIds, fresh, long, flood, refused };
}

/**
 * The history: one writer, a new clientID every 20 updates, as devices come and go; returns how
 * many clientIDs wrote. It needs no echo of what it wrote; a second peer paces it, so the
 * server's send buffer for the writer never grows past what a reader is allowed to leave unread.
 * Its own function, so that both peers' copies of the long incident (a hundred megabytes in the
 * load generator) are garbage once it returns: kept, the generator's collections stalled what it
 * measured afterwards.
 */
async function writeHistory(url: string, cookie: string, locations: string[], history: number): Promise<number> {
  const writer = new WriterPeer(url, { cookie }, { follow: false });
  const check = new WriterPeer(url, { cookie });
  await until(() => writer.synced && check.synced, 30000, 'history peers synced');
  const seen = (i: number) => check.doc.getMap<Y.Map<unknown>>('reports').get(locations[i % locations.length])?.get('remarks') === `geschiedenis ${i}`;
  const clientIds = new Set<number>();
  for (let i = 0; i < history; i++) {
    if (i % 20 === 0) {
      writer.doc.clientID = Math.floor(Math.random() * 2 ** 31);
      clientIds.add(writer.doc.clientID);
    }
    writer.doc.getMap<Y.Map<unknown>>('reports').get(locations[i % locations.length])!.set('remarks', `geschiedenis ${i}`);
    if (i % 500 === 499) await until(() => seen(i), 60000, `history update ${i}`);
  }
  await until(() => seen(history - 1), 60000, 'history written');
  writer.close();
  check.close();
  return clientIds.size;
}
