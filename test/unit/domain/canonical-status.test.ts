import { describe, expect, it } from 'vitest';
import { SYSTEM_IDS } from '../../../src/connectors/system-id.js';
import { STATUS_AUTHORITY, canonicalStatus } from '../../../src/domain/canonical-status.js';
import { DOSSIER_STATUSES } from '../../../src/domain/dossier-status.js';
import { classifyDossier } from '../../../src/domain/mismatch.js';

const T0 = new Date('2025-03-10T01:00:00Z');
const T1 = new Date('2025-03-10T02:00:00Z');

describe('STATUS_AUTHORITY', () => {
  it('ranks every system exactly once, the one-stop shop first', () => {
    expect([...STATUS_AUTHORITY].sort()).toEqual([...SYSTEM_IDS].sort());
    expect(STATUS_AUTHORITY[0]).toBe('provincial');
    expect(STATUS_AUTHORITY[1]).toBe('specialized');
  });
});

describe('canonicalStatus', () => {
  it('is null when no system reports the dossier', () => {
    expect(canonicalStatus({})).toBeNull();
  });

  it('is null when every reported status is unmapped', () => {
    expect(canonicalStatus({ provincial: { status: null, updatedAt: T0 }, specialized: { status: null, updatedAt: T1 } })).toBeNull();
  });

  it('is the status of the only system that reports one', () => {
    expect(canonicalStatus({ specialized: { status: 'PROCESSING', updatedAt: T0 } })).toBe('PROCESSING');
  });

  it('ignores an unmapped status next to a mapped one', () => {
    expect(
      canonicalStatus({ provincial: { status: null, updatedAt: T1 }, specialized: { status: 'RECEIVED', updatedAt: T0 } }),
    ).toBe('RECEIVED');
  });

  it('takes the later legal status, whichever system reports it', () => {
    expect(
      canonicalStatus({ provincial: { status: 'PROCESSING', updatedAt: T1 }, specialized: { status: 'RESOLVED', updatedAt: T0 } }),
    ).toBe('RESOLVED');
    expect(
      canonicalStatus({ provincial: { status: 'RESULT_RETURNED', updatedAt: T0 }, specialized: { status: 'RESOLVED', updatedAt: T1 } }),
    ).toBe('RESULT_RETURNED');
  });

  it('takes the more recent status on the pause cycle', () => {
    expect(
      canonicalStatus({
        provincial: { status: 'PROCESSING', updatedAt: T0 },
        specialized: { status: 'SUPPLEMENT_REQUESTED', updatedAt: T1 },
      }),
    ).toBe('SUPPLEMENT_REQUESTED');
    expect(
      canonicalStatus({
        provincial: { status: 'PROCESSING', updatedAt: T1 },
        specialized: { status: 'SUPPLEMENT_REQUESTED', updatedAt: T0 },
      }),
    ).toBe('PROCESSING');
  });

  it('prefers the province on a pause-cycle tie', () => {
    expect(
      canonicalStatus({ provincial: { status: 'SUSPENDED', updatedAt: T0 }, specialized: { status: 'PROCESSING', updatedAt: T0 } }),
    ).toBe('SUSPENDED');
  });

  it('prefers the province when the statuses conflict', () => {
    expect(
      canonicalStatus({ provincial: { status: 'REJECTED', updatedAt: T0 }, specialized: { status: 'RESOLVED', updatedAt: T1 } }),
    ).toBe('REJECTED');
    expect(
      canonicalStatus({ provincial: { status: 'WITHDRAWN', updatedAt: T0 }, specialized: { status: 'RESULT_RETURNED', updatedAt: T1 } }),
    ).toBe('WITHDRAWN');
  });

  it('prefers the specialized system over the national portal on conflict', () => {
    expect(
      canonicalStatus({
        'national-portal': { status: 'REJECTED', updatedAt: T1 },
        specialized: { status: 'RESOLVED', updatedAt: T0 },
      }),
    ).toBe('RESOLVED');
  });

  it('takes the furthest status among three systems', () => {
    expect(
      canonicalStatus({
        provincial: { status: 'RECEIVED', updatedAt: T0 },
        specialized: { status: 'PROCESSING', updatedAt: T0 },
        'national-portal': { status: 'RESOLVED', updatedAt: T0 },
      }),
    ).toBe('RESOLVED');
  });

  it('does not depend on the order of keys in the input', () => {
    const provincial = { status: 'SUSPENDED' as const, updatedAt: T0 };
    const specialized = { status: 'PROCESSING' as const, updatedAt: T0 };
    expect(canonicalStatus({ specialized, provincial })).toBe(canonicalStatus({ provincial, specialized }));
  });

  it('agrees with classifyDossier for every pair of statuses', () => {
    for (const p of DOSSIER_STATUSES) {
      for (const s of DOSSIER_STATUSES) {
        for (const [tp, ts] of [
          [T0, T1],
          [T1, T0],
          [T0, T0],
        ] as const) {
          const observations = {
            provincial: { status: p, nativeStatus: p, updatedAt: tp },
            specialized: { status: s, nativeStatus: s, updatedAt: ts },
          };
          const finding = classifyDossier({ observations, expectedInSpecialized: true });
          const expected = finding?.class === 'STATUS_BEHIND' ? finding.expectedStatus : p;
          expect(canonicalStatus(observations), `${p} vs ${s}`).toBe(expected);
        }
      }
    }
  });
});
