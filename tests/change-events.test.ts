import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { addNeed, initIncidentDoc, readReport, setReport } from '../shared/incident-doc';
import { changeOf, stampOf, writeChangeStamps } from '../server/yjs/change-events';
import type { Author, Touched } from '../server/yjs/gate';

// What the server adds to an accepted change, on its own; how the room records and broadcasts it
// is in board-sync.test.ts ("stamp") and updates-together.test.ts ("one transaction").

const coordinator: Author & { displayName: string } = { id: 'u-coord', username: 'coordinator', displayName: 'Crisiscoördinator', role: 'coordinator', organisationId: 'org-1' };
const ghor: Author = { id: 'u-ghor', username: 'ghor', role: 'ghor', organisationId: null };
const owners = new Map([
  ['loc-1', { organisationId: 'org-1' }],
  ['loc-2', { organisationId: 'org-2' }],
]);
const touched = (part: Partial<Touched>): Touched => ({ reports: new Map(), needs: new Map(), picture: new Set(), areas: new Set(), logbook: 0, ...part });

function board(): Y.Doc {
  const doc = new Y.Doc();
  initIncidentDoc(doc, ['loc-1', 'loc-2']);
  return doc;
}

describe('what the server adds to an accepted change', () => {
  it('stamps who, for which organisation and when; GHOR and admins on behalf of the organisation', () => {
    const at = new Date('2026-12-07T22:00:00Z');
    expect(stampOf(coordinator, at)).toEqual({ by: 'coordinator', byName: 'Crisiscoördinator', organisationId: 'org-1', onBehalf: false, at: '2026-12-07T22:00:00.000Z' });
    expect(stampOf(ghor, at)).toMatchObject({ by: 'ghor', byName: 'ghor', onBehalf: true });
    expect(stampOf({ ...ghor, role: 'admin' }, at).onBehalf).toBe(true);
  });

  it('writes the stamp on every report the change touched, and on nothing else', () => {
    const doc = board();
    setReport(doc, 'loc-1', { impact: 'major' });
    const at = new Date('2026-12-07T22:00:00Z');
    writeChangeStamps(doc, coordinator, () => at, touched({ reports: new Map([['loc-1', new Set(['impact'])]]) }), 'server');
    expect(readReport(doc, 'loc-1').stamp).toEqual(stampOf(coordinator, at));
    expect(readReport(doc, 'loc-2').stamp).toBeUndefined();
    // A change that touched nothing stamped gets no transaction at all.
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    let clockRead = false;
    writeChangeStamps(doc, coordinator, () => ((clockRead = true), at), touched({ picture: new Set(['picture']) }), 'server');
    expect(transactions).toBe(0);
    expect(clockRead).toBe(false);
  });

  it('says what changed, with the new values and each report’s organisation; needs in whole only for a listener', () => {
    const doc = board();
    setReport(doc, 'loc-1', { impact: 'critical', remarks: 'dak lekt' });
    setReport(doc, 'loc-2', { bedsFree: 3 });
    addNeed(doc, { id: 'need-1', organisationId: 'org-1', kind: 'power', urgency: 'high', status: 'open', createdBy: 'coordinator', createdAt: '2026-12-07T22:00:00Z' });
    const what = touched({ reports: new Map([['loc-1', new Set(['impact'])], ['loc-2', new Set(['bedsFree'])]]), needs: new Map([['need-1', new Set(['urgency'])]]), logbook: 1 });
    const change = changeOf(doc, coordinator, what, owners, true)!;
    expect(change.event).toEqual({
      type: 'changed',
      username: 'coordinator',
      role: 'coordinator',
      organisationId: 'org-1',
      reports: [
        { locationId: 'loc-1', organisationId: 'org-1', fields: { impact: 'critical' } },
        { locationId: 'loc-2', organisationId: 'org-2', fields: { bedsFree: 3 } },
      ],
      needs: [{ needId: 'need-1', organisationId: 'org-1', fields: { urgency: 'high' } }],
      picture: [],
      areas: [],
      logbook: 1,
    });
    expect(change.needs).toEqual([{ needId: 'need-1', organisationId: 'org-1', fields: { urgency: 'high' }, now: expect.objectContaining({ kind: 'power', status: 'open', urgency: 'high' }) }]);
    expect(changeOf(doc, coordinator, what, owners, false)!.needs).toEqual([]);
    // A need filed whole names every field it has.
    const filed = changeOf(doc, coordinator, touched({ needs: new Map([['need-1', new Set()]]) }), owners, false)!;
    expect(Object.keys(filed.event.needs[0].fields).sort()).toEqual(['createdAt', 'createdBy', 'id', 'kind', 'organisationId', 'status', 'urgency']);
    expect(changeOf(doc, coordinator, touched({}), owners, true)).toBeNull();
  });
});
