import { describe, expect, it } from 'vitest';
import type { Alert } from '../shared/alert';
import { capTime, toCap } from '../server/alerts/cap';
import { capViolations } from './helpers/cap-rules';
import { child, parseXml } from './helpers/xml';

const base: Alert = {
  id: 'alert-20260301-ab12cd34',
  incidentId: 'inc-20260301-abcdef',
  requestId: null,
  msgType: 'Alert',
  references: null,
  message: 'Stroomuitval in Vaals & Gulpen: meld <direct> uw situatie',
  grip: 2,
  exercise: false,
  target: { area: { type: 'Polygon', coordinates: [[[5.98, 50.74], [6.06, 50.74], [6.06, 50.8], [5.98, 50.8], [5.98, 50.74]]] } },
  organisationIds: ['org-001'],
  sentAt: '2026-03-01T13:32:05.123Z',
  sentBy: 'u1',
  sentByName: 'ICO GHOR',
  deliveredAt: {},
};

describe('CAP 1.2 export', () => {
  it('writes a first alert that satisfies the schema rules, with the polygon as lat,lon pairs', () => {
    const xml = toCap({ alert: base, first: null, incidentTitle: 'Stroomuitval', sender: 'ghor@zorgbeeld.example', organisationNames: ['Ziekenhuis "Noord"'] });
    const root = parseXml(xml);
    expect(capViolations(root)).toEqual([]);
    expect(child(root, 'sent')!.text).toBe('2026-03-01T14:32:05+01:00');
    expect(child(root, 'status')!.text).toBe('Actual');
    const info = child(root, 'info')!;
    expect(child(info, 'description')!.text).toBe(base.message);
    expect(child(child(info, 'area')!, 'polygon')!.text).toBe('50.74,5.98 50.74,6.06 50.8,6.06 50.8,5.98 50.74,5.98');
  });

  it('cuts a long headline on whole characters: an emoji at the cut-off never becomes U+FFFD', () => {
    // 'GRIP 2: ' is 8 characters; the 152nd character of the title is an emoji (a surrogate pair) and a family sequence follows.
    const title = `${'a'.repeat(151)}🚒👨‍👩‍👧 Brand`;
    const root = parseXml(toCap({ alert: base, first: null, incidentTitle: title, sender: 'ghor@zorgbeeld.example', organisationNames: [] }));
    const headline = child(child(root, 'info')!, 'headline')!.text;
    // Sent as UTF-8, half an emoji would arrive as U+FFFD.
    expect(Buffer.from(headline, 'utf8').toString('utf8')).not.toContain('\uFFFD');
    expect(headline.endsWith('🚒')).toBe(true);
    expect([...new Intl.Segmenter('nl', { granularity: 'grapheme' }).segment(headline)]).toHaveLength(160);
    expect(capViolations(root)).toEqual([]);
  });

  it('marks exercises and references the first alert in follow-ups', () => {
    const followUp: Alert = { ...base, id: 'alert-20260301-ff00ff00', msgType: 'Cancel', references: base.id, exercise: true, target: { all: true }, sentAt: '2026-07-01T08:00:00Z' };
    const root = parseXml(toCap({ alert: followUp, first: base, incidentTitle: 'Stroomuitval', sender: 'ghor@zorgbeeld.example', organisationNames: [] }));
    expect(capViolations(root)).toEqual([]);
    expect(child(root, 'status')!.text).toBe('Exercise');
    expect(child(root, 'references')!.text).toBe('ghor@zorgbeeld.example,zorgbeeld-alert-20260301-ab12cd34,2026-03-01T14:32:05+01:00');
    expect(child(root, 'sent')!.text).toBe('2026-07-01T10:00:00+02:00');
  });

  it('the rule check catches what the schema forbids', () => {
    const broken = toCap({ alert: base, first: null, incidentTitle: 'x', sender: 'a b', organisationNames: [] })
      .replace('+01:00</sent>', 'Z</sent>')
      .replace('<category>Health</category>', '<category>Care</category>')
      .replace(/<polygon>([^<]*) 50\.74,5\.98<\/polygon>/, '<polygon>$1</polygon>');
    expect(capViolations(parseXml(broken)).sort()).toEqual(['category: \'Care\' not allowed', 'polygon is not closed', 'sender has spaces or commas', 'sent is not a CAP time'].sort());
    expect(() => parseXml('<alert><info></alert>')).toThrow();
  });

  it('formats UTC as -00:00 and keeps local offsets', () => {
    expect(capTime('2026-01-15T12:00:00Z', 'UTC')).toBe('2026-01-15T12:00:00-00:00');
    expect(capTime('2026-01-15T12:00:00Z')).toBe('2026-01-15T13:00:00+01:00');
  });
});
