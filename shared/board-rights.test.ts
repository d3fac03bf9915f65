import { describe, expect, it } from 'vitest';
import { ROOT_NAMES } from './board-schema';
import { mayGiveNeedStatus, mayWrite, mayWriteNeedField } from './board-rights';

const ghor = { role: 'ghor', organisationId: null } as const;
const admin = { role: 'admin', organisationId: null } as const;
const coordinator = { role: 'coordinator', organisationId: 'org-a' } as const;
const observer = { role: 'observer', organisationId: null } as const;

describe('write rights of the incident document', () => {
  it('follows the table of who may write where, for every role and root', () => {
    for (const root of ROOT_NAMES) {
      expect(mayWrite({ root, writer: ghor, owner: 'org-a' }), `ghor ${root}`).toBe(true);
      expect(mayWrite({ root, writer: admin, owner: 'org-a' }), `admin ${root}`).toBe(true);
      expect(mayWrite({ root, writer: observer, owner: 'org-a' }), `observer ${root}`).toBe(false);
      const own = root === 'reports' || root === 'needs';
      expect(mayWrite({ root, writer: coordinator, owner: 'org-a' }), `coordinator own ${root}`).toBe(own);
      expect(mayWrite({ root, writer: coordinator, owner: 'org-b' }), `coordinator other ${root}`).toBe(false);
    }
    // A coordinator account without an organisation writes nothing, not even where owner is null.
    expect(mayWrite({ root: 'reports', writer: { role: 'coordinator', organisationId: null }, owner: null })).toBe(false);
  });

  it('keeps GHOR’s handling of needs to GHOR', () => {
    expect(mayWriteNeedField({ writer: coordinator, field: 'description' })).toBe(true);
    expect(mayWriteNeedField({ writer: coordinator, field: 'ghorNotes' })).toBe(false);
    expect(mayWriteNeedField({ writer: ghor, field: 'handledBy' })).toBe(true);
    expect(mayGiveNeedStatus({ writer: coordinator, status: 'cancelled' })).toBe(true);
    expect(mayGiveNeedStatus({ writer: coordinator, status: 'met' })).toBe(false);
    expect(mayGiveNeedStatus({ writer: ghor, status: 'met' })).toBe(true);
  });
});
