import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { readReport } from '../shared/incident-doc';
import { RecordType } from '../server/recorder/incident-log';
import { PgRecorder } from '../server/recorder/pg-recorder';
import { stateFromRecorder } from '../server/recorder/replay-state';
import { startBalancer } from '../tests/helpers/balancer';
import { HttpClient } from '../tests/helpers/http-client';
import { startProcessServer, type ProcessServer } from '../tests/helpers/process-server';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../tests/helpers/server';
import { startSmtpPeer } from '../tests/helpers/smtp-peer';
import { TEST_REDIS, createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../tests/helpers/test-store';
import { connectBoard } from '../tests/helpers/yjs-client';
import { waitFor } from '../tests/helpers/wait-for';
import { until } from './peers';
import { answerAtRandom, answeringCoordinators, startWriters } from './chaos-load';

/**
 * `npm run chaos -- --instances 3`: that many servers on one fresh PostgreSQL database and Redis,
 * behind a TCP balancer (round robin, as HAProxy in tcp mode), 50 stock clients spread over them
 * writing, 20 coordinators answering an alert, mail through a real SMTP peer. One server is
 * killed with SIGKILL at a random moment and not restarted: its clients reconnect through the
 * balancer to the others. Afterwards every client's last write must be on the board and in the
 * log (replayed from PostgreSQL), each organisation's answer there once, and every mail handed
 * to the relay.
 */
export async function clusterRound(n: number, instances: number): Promise<boolean> {
  const database = `zorgbeeld_chaos_${randomBytes(6).toString('hex')}`;
  await createTestDatabase(database);
  const smtp = await startSmtpPeer();
  const env = { DATABASE_URL: testDatabaseUrl(database), REDIS_URL: TEST_REDIS, SMTP_URL: smtp.url, MAIL_FROM: 'ghor@zorgbeeld.test' };
  // The first seeds the region; the others start on it.
  const servers: ProcessServer[] = [await startProcessServer({ env })];
  for (let i = 1; i < instances; i++) servers.push(await startProcessServer({ env }));
  const live = new Set(servers);
  const balancer = await startBalancer(() => [...live].map((s) => s.url));
  const url = balancer.url;
  try {
    const admin = await new HttpClient(url).signIn('admin', ADMIN_PASSWORD);
    const ghor = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: `Chaos ${n} over ${instances} servers`, grip: 3 })).body.data;
    const network = (await ghor.get(`/api/incidents/${incident.id}`)).body.data.network;
    const acking = await answeringCoordinators(admin, url, network.organisations, n);
    const alert = (await ghor.post(`/api/incidents/${incident.id}/alerts`, { message: 'Chaos', grip: 3, target: { all: true } })).body.data.alert;

    const writers = await startWriters(url, incident.id, ghor.cookie, network.locations, (k) => `chaos ${k}`);
    const { clients } = writers;
    const spread = [...balancer.open().values()].filter((count) => count > 0).length;
    const { acked, acks } = answerAtRandom(acking, alert.id);
    const killAt = randomInt(1000, 4000);
    await new Promise((r) => setTimeout(r, killAt));
    const victim = servers[randomInt(0, servers.length)];
    live.delete(victim);
    await victim.stop({ signal: 'SIGKILL', keepData: true });
    await new Promise((r) => setTimeout(r, 3000));
    writers.stop();
    await Promise.all(acks);

    await until(() => clients.every((c) => c.board.provider.synced), 60000, 'clients back on the other servers');
    const check = connectBoard(url, incident.id, (await new HttpClient(url).signIn('ghor', DEMO_PASSWORD)).cookie);
    await until(() => check.provider.synced, 30000, 'check client');
    await until(() => clients.every((c) => readReport(check.doc, c.location).remarks === `chaos ${c.written}`), 30000, 'every last write on the board').catch(() => undefined);
    const missing = clients.filter((c) => readReport(check.doc, c.location).remarks !== `chaos ${c.written}`);
    const writes = clients.reduce((k, c) => k + c.written, 0);

    // The log itself: replayed from PostgreSQL, without any server.
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
    pool.on('error', () => {});
    const recorder = await PgRecorder.open(pool, incident.id);
    const replayed = await stateFromRecorder(recorder, () => {});
    const missingInLog = clients.filter((c) => readReport(replayed.doc, c.location).remarks !== `chaos ${c.written}`).length;
    const records = await recorder.after(0);
    const gaps = records.some((r, i) => r.index !== i + 1);
    const ackEvents = records.filter((r) => r.type === RecordType.event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)) as { type: string; alertId?: string; organisationId?: string });
    const ackedInLog = new Map<string, number>();
    for (const e of ackEvents) if (e.type === 'alert-acked' && e.alertId === alert.id) ackedInLog.set(e.organisationId!, (ackedInLog.get(e.organisationId!) ?? 0) + 1);
    // Mail: every message of the outbox handed over by whichever server was on duty (cancelled:
    // its organisation answered first).
    await waitFor(async () => (await pool.query("SELECT 1 FROM store_rows WHERE collection = 'outbox' AND data->>'state' NOT IN ('sent', 'cancelled', 'delivered')")).rowCount === 0, { timeoutMs: 30000, what: 'the outbox handed over' }).catch(() => undefined);
    const unsent = (await pool.query("SELECT 1 FROM store_rows WHERE collection = 'outbox' AND data->>'state' NOT IN ('sent', 'cancelled', 'delivered')")).rowCount ?? 0;
    const sent = (await pool.query("SELECT 1 FROM store_rows WHERE collection = 'outbox' AND data->>'state' IN ('sent', 'delivered')")).rowCount ?? 0;
    await pool.end();

    const status = ((await ghor.get(`/api/incidents/${incident.id}/alerts`)).body.data as { alert: { id: string }; acknowledgements: { organisationId: string }[] }[]).find((s) => s.alert.id === alert.id)!;
    const stored = new Map<string, number>();
    for (const a of status.acknowledgements) stored.set(a.organisationId, (stored.get(a.organisationId) ?? 0) + 1);
    const duplicated = [...stored.values(), ...ackedInLog.values()].filter((count) => count > 1).length;
    const lostAcks = [...acked].filter((id) => !stored.has(id) || !ackedInLog.has(id)).length;

    const mailIds = smtp.mails.map((m) => m.mail.messageId);
    const mailsTwice = mailIds.length - new Set(mailIds).size;

    console.log(
      `round ${n}: ${instances} servers, clients on ${spread} of them; server ${servers.indexOf(victim) + 1} killed after ${killAt} ms; ${writes} writes by ${clients.length} clients; ` +
        `missing on the board: ${missing.length}, in the log: ${missingInLog}; log in one order: ${!gaps}; ` +
        `answers confirmed ${acked.size}, stored ${status.acknowledgements.length}, lost ${lostAcks}, duplicated ${duplicated}; ` +
        `mail: ${sent} messages sent, ${unsent} not, ${smtp.mails.length} at the relay (${mailsTwice} twice: left sending when the duty moved)`,
    );
    [...clients.map((c) => c.board), check].forEach((b) => b.destroy());
    replayed.doc.destroy();
    return missing.length === 0 && missingInLog === 0 && !gaps && lostAcks === 0 && duplicated === 0 && sent > 0 && unsent === 0;
  } finally {
    await balancer.close();
    await Promise.all(servers.map((s) => s.stop()));
    await smtp.close();
    await dropTestDatabase(database);
  }
}
