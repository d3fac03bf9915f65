import { afterEach, describe, expect, it } from 'vitest';
import { readReport, setReport } from '../shared/incident-doc';
import { HttpClient } from './helpers/http-client';
import { incidentWithOwnLocations } from './helpers/incident';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

let server: TestServer;
afterEach(async () => server?.close());

async function alerted() {
  const { ghor, coordinator, id, ownOrg, own } = await incidentWithOwnLocations(server.url, 'Stroomstoring');
  const alert = (await ghor.post(`/api/incidents/${id}/alerts`, { message: 'Stroomstoring in de regio', grip: 2, target: { all: true } })).body.data.alert;
  return { ghor, coordinator, id, ownOrg, own, alert };
}

describe('an answer is a report', () => {
  it('"not hit" reports every unreported location of the organisation as no impact, stamped as the answer', async () => {
    server = await startServer();
    const { ghor, coordinator, id, ownOrg, own, alert } = await alerted();
    const board = connectBoard(server.url, id, ghor.cookie);
    await board.synced();
    // One location was reported already: the answer leaves it as it is.
    const writer = connectBoard(server.url, id, coordinator.cookie);
    await writer.synced();
    setReport(writer.doc, own[0], { impact: 'minor', remarks: 'al gemeld' });
    await waitFor(() => readReport(board.doc, own[0]).stamp, { what: 'the earlier report' });

    expect((await coordinator.post(`/api/alerts/${alert.id}/ack`, { answer: 'no' })).status).toBe(200);
    await waitFor(() => own.slice(1).every((l) => readReport(board.doc, l).impact === 'none'), { what: 'every other location as not hit' });
    for (const location of own.slice(1)) {
      expect(readReport(board.doc, location)).toMatchObject({ impact: 'none', operation: 'normal', stamp: { by: 'coordinator', organisationId: ownOrg, onBehalf: false, via: 'alert-answer' } });
    }
    expect(readReport(board.doc, own[0])).toMatchObject({ impact: 'minor', remarks: 'al gemeld' });
    // Other organisations are untouched.
    const { network } = (await ghor.get(`/api/incidents/${id}`)).body.data;
    const other = network.locations.find((l: { organisationId: string }) => l.organisationId !== ownOrg).id;
    expect(readReport(board.doc, other).stamp).toBeUndefined();

    // The timeline shows one event for the answer's reports, and the metrics count it as the first report.
    const events = (await ghor.get(`/api/incidents/${id}/events?type=not-hit`)).body.data.events;
    expect(events).toEqual([expect.objectContaining({ type: 'not-hit', organisationId: ownOrg, detail: expect.objectContaining({ locations: own.length - 1 }) })]);
    const { metrics } = (await ghor.get(`/api/incidents/${id}/metrics`)).body.data;
    expect(metrics.organisations.find((o: { organisationId: string }) => o.organisationId === ownOrg).firstReportAt).not.toBeNull();
    board.destroy();
    writer.destroy();
  });

  it('"don\'t know yet" and "hit" change no report', async () => {
    server = await startServer();
    const { ghor, coordinator, id, own, alert } = await alerted();
    expect((await coordinator.post(`/api/alerts/${alert.id}/ack`, { answer: 'unknown' })).status).toBe(200);
    const state = (await ghor.get(`/api/incidents/${id}/state?format=json`)).body.data;
    expect(own.every((l) => !state.reports[l]?.stamp)).toBe(true);
  });
});

describe('the review on a cold cache', () => {
  it('answers every review endpoint called at once, right after a restart and after the log has grown', async () => {
    server = await startServer();
    const { coordinator, id, own } = await alerted();
    const writer = connectBoard(server.url, id, coordinator.cookie);
    await writer.synced();
    setReport(writer.doc, own[0], { impact: 'major' });
    await waitFor(() => readReport(writer.doc, own[0]).stamp, { what: 'stamp' });
    writer.destroy();
    const dataDir = server.dataDir;
    await server.close({ keepData: true });
    server = await startServer({ dataDir, seed: false });
    const reviewer = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    // Two tabs open the board at the same moment on a cold server: one room is loaded, both sync.
    const tabs = [connectBoard(server.url, id, reviewer.cookie), connectBoard(server.url, id, reviewer.cookie)];
    await Promise.all(tabs.map((t) => t.synced()));
    for (const tab of tabs) expect(readReport(tab.doc, own[0]).impact).toBe('major');
    tabs.forEach((t) => t.destroy());
    const all = () => Promise.all(['report.html', 'metrics', 'events', 'timeline.csv', 'state?format=json'].map((path) => reviewer.get(`/api/incidents/${id}/${path}`)));
    for (const answer of await all()) expect(answer.status).toBe(200);
    const again = connectBoard(server.url, id, (await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD)).cookie);
    await again.synced();
    setReport(again.doc, own[1], { impact: 'critical' });
    await waitFor(() => readReport(again.doc, own[1]).stamp, { what: 'stamp after the restart' });
    const answers = await all();
    for (const answer of answers) expect(answer.status).toBe(200);
    const events = answers[2].body.data.events as { seq: number; type: string }[];
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    expect(events.filter((e) => e.type === 'report')).toHaveLength(2);
    again.destroy();
  });
});

describe('a corrected answer', () => {
  it('a wrong tap of "not hit" corrected to "hit" takes back the untouched "not hit" reports; GHOR corrects it after a call; the record keeps both', async () => {
    server = await startServer();
    const { ghor, coordinator, id, ownOrg, own, alert } = await alerted();
    const board = connectBoard(server.url, id, ghor.cookie);
    await board.synced();
    const correct = (client: HttpClient, organisationId: string, body: unknown) => client.request('PUT', `/api/alerts/${alert.id}/answers/${organisationId}`, body);

    // Nothing to correct before an answer.
    const early = await correct(coordinator, ownOrg, { answer: 'yes' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe('Deze organisatie heeft dit alarm nog niet beantwoord; er is niets te corrigeren.');

    const answered = await coordinator.post(`/api/alerts/${alert.id}/ack`, { answer: 'no' });
    const firstAt = answered.body.data.at as string;
    await waitFor(() => own.every((l) => readReport(board.doc, l).impact === 'none'), { what: 'the "not hit" reports' });
    // One location is reported by hand afterwards: the correction leaves it as it is.
    const writer = connectBoard(server.url, id, coordinator.cookie);
    await writer.synced();
    setReport(writer.doc, own[0], { impact: 'major', remarks: 'dak lekt' });
    await waitFor(() => readReport(board.doc, own[0]).impact === 'major', { what: 'the hand-made report' });

    // Checked at the edge: who, which organisation, which answer.
    const otherOrg = alert.organisationIds.find((o: string) => o !== ownOrg) as string;
    expect((await correct(coordinator, otherOrg, { answer: 'yes' })).status).toBe(403);
    const observer = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    expect((await correct(observer, ownOrg, { answer: 'yes' })).status).toBe(403);
    const bad = await correct(coordinator, ownOrg, { answer: 'misschien' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('answer');
    expect((await correct(ghor, 'org-does-not-exist', { answer: 'yes' })).status).toBe(400);

    const corrected = await correct(coordinator, ownOrg, { answer: 'yes' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.data).toMatchObject({ answer: 'yes', at: firstAt, username: 'coordinator', corrected: { from: 'no', displayName: expect.any(String) } });
    await waitFor(() => own.slice(1).every((l) => readReport(board.doc, l).stamp === undefined), { what: 'the "not hit" reports taken back' });
    for (const l of own.slice(1)) expect(readReport(board.doc, l).impact).toBeUndefined();
    expect(readReport(board.doc, own[0])).toMatchObject({ impact: 'major', remarks: 'dak lekt' });
    const status = ((await ghor.get(`/api/incidents/${id}/alerts`)).body.data as { alert: { id: string }; acknowledgements: { organisationId: string; answer: string }[] }[]).find((s) => s.alert.id === alert.id)!;
    expect(status.acknowledgements.find((a) => a.organisationId === ownOrg)?.answer).toBe('yes');
    const metricsAfter = async () => (await ghor.get(`/api/incidents/${id}/metrics`)).body.data.metrics.organisations.find((o: { organisationId: string }) => o.organisationId === ownOrg);
    const firstMetrics = await metricsAfter();
    expect(firstMetrics).toMatchObject({ answer: 'yes', acknowledgedAt: expect.any(String) });
    // The printable report counts it as hit, too.
    expect((await ghor.get(`/api/incidents/${id}/report.html`)).text).toContain('1 getroffen · 0 niet getroffen');
    // The same answer again changes nothing.
    expect((await correct(coordinator, ownOrg, { answer: 'yes' })).body.data.corrected.at).toBe(corrected.body.data.corrected.at);

    // GHOR phones and hears "not hit" after all: the reports are written again, on the organisation's behalf.
    const byGhor = await correct(ghor, ownOrg, { answer: 'no' });
    expect(byGhor.body.data).toMatchObject({ answer: 'no', at: firstAt, corrected: { from: 'no' } });
    await waitFor(() => own.slice(1).every((l) => readReport(board.doc, l).impact === 'none'), { what: 'the reports written again' });
    for (const l of own.slice(1)) expect(readReport(board.doc, l).stamp).toMatchObject({ onBehalf: true, via: 'alert-answer', organisationId: ownOrg });
    expect(readReport(board.doc, own[0]).impact).toBe('major');

    // The record keeps the first answer and each correction; the review reads the last answer with the first answer's time.
    const events = (await ghor.get(`/api/incidents/${id}/events?type=answer-corrected`)).body.data.events;
    expect(events.map((e: { organisationId: string; detail: Record<string, unknown> }) => [e.organisationId, e.detail.from, e.detail.answer, e.detail.cleared])).toEqual([
      [ownOrg, 'no', 'yes', own.length - 1],
      [ownOrg, 'yes', 'no', 0],
    ]);
    expect((await ghor.get(`/api/incidents/${id}/events?type=alert-acked`)).body.data.events).toHaveLength(1);
    expect(await metricsAfter()).toMatchObject({ answer: 'no', acknowledgedAt: firstMetrics.acknowledgedAt, timeToAcknowledgeMs: firstMetrics.timeToAcknowledgeMs });

    // A closed incident's answers are final.
    expect((await ghor.post(`/api/incidents/${id}/close`, {})).status).toBe(200);
    expect((await correct(ghor, ownOrg, { answer: 'yes' })).status).toBe(409);
    board.destroy();
    writer.destroy();
  });
});
