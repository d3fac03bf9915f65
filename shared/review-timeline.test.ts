import { describe, expect, it } from 'vitest';
import type { Organisation } from './domain';
import { computeMetrics, firstReportAfter, groupTimeline, type TimelineEvent } from './review';

let seq = 0;
const event = (minute: number, type: TimelineEvent['type'], detail: Record<string, unknown>, userId = 'u1', organisationId: string | null = 'org-1'): TimelineEvent => ({
  seq: seq++,
  at: new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString(),
  type,
  userId,
  userName: userId,
  organisationId,
  detail,
});

describe('the timeline as happenings', () => {
  it('makes one row of a report typed field by field, with the last value of each field', () => {
    const rows = groupTimeline([
      event(0, 'report', { locationId: 'loc-1', fields: { impact: 'major' } }),
      event(1, 'report', { locationId: 'loc-1', fields: { operation: 'evacuating' } }),
      event(1, 'report', { locationId: 'loc-1', fields: { bedsFree: 4 } }),
      event(2, 'report', { locationId: 'loc-1', fields: { impact: 'critical', remarks: 'Kelder onder water' } }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 4, type: 'report', detail: { fields: { impact: 'critical', operation: 'evacuating', bedsFree: 4, remarks: 'Kelder onder water' } } });
    expect(rows[0].from < rows[0].at).toBe(true);
  });

  it('keeps apart what belongs apart: other locations, other people, a long pause', () => {
    const rows = groupTimeline([
      event(0, 'report', { locationId: 'loc-1', fields: { impact: 'major' } }),
      event(1, 'report', { locationId: 'loc-2', fields: { impact: 'minor' } }),
      event(2, 'report', { locationId: 'loc-1', fields: { impact: 'none' } }, 'u2'),
      event(30, 'report', { locationId: 'loc-1', fields: { impact: 'critical' } }),
    ]);
    expect(rows.map((r) => r.count)).toEqual([1, 1, 1, 1]);
  });

  it('gives an alert one row with each organisation’s course: delivered, answered and how; the answers stay rows too', () => {
    const rows = groupTimeline([
      event(0, 'alert-sent', { alertId: 'a1', organisationIds: ['org-1', 'org-2', 'org-3'] }, 'ghor', null),
      event(0, 'alert-delivered', { alertId: 'a1' }, 'server', 'org-1'),
      event(0, 'alert-delivered', { alertId: 'a1' }, 'server', 'org-2'),
      event(1, 'alert-acked', { alertId: 'a1', answer: 'no', via: 'sms' }, 'c1', 'org-1'),
      event(2, 'alert-delivered', { alertId: 'a1' }, 'server', 'org-3'),
      event(3, 'alert-acked', { alertId: 'a1', answer: 'yes' }, 'c1', 'org-1'),
    ]);
    expect(rows.map((r) => r.type)).toEqual(['alert-sent', 'alert-acked', 'alert-acked']);
    const course = rows[0].detail.perOrganisation as Record<string, { deliveredAt?: string; answer?: string; via?: string }>;
    expect(Object.keys(course).sort()).toEqual(['org-1', 'org-2', 'org-3']);
    // The first answer of an organisation stands, as the service records it.
    expect(course['org-1']).toMatchObject({ answer: 'no', via: 'sms' });
    expect(course['org-2'].answer).toBeUndefined();
    expect(course['org-3'].deliveredAt).toBe(rows[0].at.replace('10:00', '10:02'));
  });

  it('groups the deliveries of an alert whose sending is not in the log (an older log) into one row', () => {
    const rows = groupTimeline([event(0, 'alert-delivered', { alertId: 'a9' }, 'server', 'org-1'), event(0, 'alert-delivered', { alertId: 'a9' }, 'server', 'org-2')]);
    expect(rows).toHaveLength(1);
    expect(rows[0].detail.organisations).toEqual(['org-1', 'org-2']);
  });

  it('makes one row of a need where it was filed, with its course from filed to met', () => {
    const rows = groupTimeline([
      event(0, 'need', { needId: 'n1', fields: { kind: 'power', urgency: 'immediate', status: 'open' } }),
      event(5, 'report', { locationId: 'loc-1', fields: { impact: 'major' } }),
      event(20, 'need', { needId: 'n1', fields: { status: 'in-progress', handledBy: 'Rode Kruis' } }, 'ghor'),
      event(90, 'need', { needId: 'n1', fields: { status: 'met' } }, 'ghor'),
    ]);
    expect(rows.map((r) => r.type)).toEqual(['need', 'report']);
    expect(rows[0].count).toBe(3);
    expect(rows[0].detail.fields).toMatchObject({ kind: 'power', status: 'met', handledBy: 'Rode Kruis' });
    expect((rows[0].detail.course as { status: string }[]).map((c) => c.status)).toEqual(['open', 'in-progress', 'met']);
  });
});

describe('response times per organisation', () => {
  const organisation = (id: string): Organisation => ({ id, name: id, sector: 'nursing-care', phone: '', email: '', active: true });
  const incident = { id: 'inc-1', title: 'Test', grip: 2 as const, status: 'closed' as const, startedAt: new Date(Date.UTC(2026, 2, 1, 10, 0)).toISOString(), endedAt: null, createdBy: 'ghor' };
  const words = { beforeAlert: 'vóór het alarm', withoutAlert: 'zonder alarm' };

  it('counts the first report from the organisation’s first alert, as the answer; a report before it or without one has no response time', () => {
    const metrics = computeMetrics({
      incident,
      organisations: ['org-1', 'org-2', 'org-3', 'org-4'].map(organisation),
      events: [
        // GHOR reports for org-2 on the phone's word before alerting anyone.
        event(5, 'report', { locationId: 'loc-2', fields: { impact: 'major' } }, 'ghor', 'org-2'),
        event(10, 'alert-sent', { alertId: 'a1', organisationIds: ['org-1', 'org-2'] }, 'ghor', null),
        event(14, 'alert-acked', { alertId: 'a1', answer: 'yes' }, 'u1', 'org-1'),
        event(22, 'report', { locationId: 'loc-1', fields: { impact: 'critical' } }, 'u1', 'org-1'),
        // org-3 was never alerted, but reports.
        event(30, 'report', { locationId: 'loc-3', fields: { impact: 'minor' } }, 'u3', 'org-3'),
      ],
    });
    const of = (id: string) => metrics.organisations.find((o) => o.organisationId === id)!;
    expect(of('org-1')).toMatchObject({ timeToAcknowledgeMs: 4 * 60000, timeToFirstReportMs: 12 * 60000 });
    expect(firstReportAfter(of('org-1'), words)).toBe('0:12:00');
    expect(of('org-2')).toMatchObject({ firstReportAt: event(5, 'report', {}).at, timeToFirstReportMs: null });
    expect(firstReportAfter(of('org-2'), words)).toBe('vóór het alarm');
    expect(firstReportAfter(of('org-3'), words)).toBe('zonder alarm');
    expect(firstReportAfter(of('org-4'), words)).toBe('—');
  });
});
