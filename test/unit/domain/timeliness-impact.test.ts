import { describe, expect, it } from 'vitest';
import { timelinessImpact, type TimelinessImpactInput } from '../../../src/domain/timeliness-impact.js';

// Instants in Vietnam time (UTC+7): comparisons are by Vietnamese calendar day.
const DUE = new Date('2026-03-10T17:00:00+07:00');
const BEFORE_DUE = new Date('2026-03-09T10:00:00+07:00');
const AFTER_DUE = new Date('2026-03-12T10:00:00+07:00');

function impact(overrides: Partial<TimelinessImpactInput>) {
  return timelinessImpact({
    dueAt: DUE,
    finishedAt: null,
    returnedAt: null,
    statusBefore: 'PROCESSING',
    statusAfter: 'PROCESSING',
    now: AFTER_DUE,
    ...overrides,
  });
}

describe('timelinessImpact', () => {
  it('turns a province stuck at PROCESSING past the due day from LATE into ON_TIME once the ministry’s resolution is copied', () => {
    expect(impact({ statusBefore: 'PROCESSING', statusAfter: 'RESOLVED', finishedAt: BEFORE_DUE })).toEqual({
      before: { outcome: 'LATE', timeliness: 'IN_PROGRESS_LATE' },
      after: { outcome: 'ON_TIME', timeliness: 'EARLY' },
      changed: true,
    });
  });

  it('keeps a dossier resolved after the due day LATE whatever the province showed', () => {
    expect(impact({ statusBefore: 'PROCESSING', statusAfter: 'RESOLVED', finishedAt: AFTER_DUE })).toMatchObject({
      before: { outcome: 'LATE' },
      after: { outcome: 'LATE', timeliness: 'LATE' },
      changed: false,
    });
  });

  it('reads an open dossier before its due day as IN_PROGRESS', () => {
    expect(impact({ statusBefore: 'RECEIVED', statusAfter: 'PROCESSING', now: BEFORE_DUE })).toMatchObject({
      before: { outcome: 'IN_PROGRESS', timeliness: 'IN_PROGRESS_ON_TIME' },
      after: { outcome: 'IN_PROGRESS' },
      changed: false,
    });
  });

  it('counts a paused dossier as IN_PROGRESS: its legal clock is stopped', () => {
    expect(impact({ statusBefore: 'PROCESSING', statusAfter: 'SUPPLEMENT_REQUESTED' })).toMatchObject({
      before: { outcome: 'LATE' },
      after: { outcome: 'IN_PROGRESS', timeliness: 'PAUSED' },
      changed: true,
    });
  });

  it('uses the return date when a returned dossier has no finish date', () => {
    expect(impact({ statusBefore: 'RESOLVED', statusAfter: 'RESULT_RETURNED', returnedAt: BEFORE_DUE })).toMatchObject({
      after: { outcome: 'ON_TIME' },
    });
  });

  it('reads the corrected due date after a DUE_DATE_DIVERGED correction', () => {
    const later = new Date('2026-03-13T17:00:00+07:00');
    expect(impact({ statusBefore: 'PROCESSING', statusAfter: 'PROCESSING', dueAt: DUE, correctedDueAt: later })).toMatchObject({
      before: { outcome: 'LATE' },
      after: { outcome: 'IN_PROGRESS' },
      changed: true,
    });
  });

  it('has no reading before the correction when the copy had no status', () => {
    expect(impact({ statusBefore: null, statusAfter: 'RECEIVED', now: BEFORE_DUE })).toEqual({
      before: null,
      after: { outcome: 'IN_PROGRESS', timeliness: 'IN_PROGRESS_ON_TIME' },
      changed: true,
    });
  });

  it('does not count a dossier refused at receipt', () => {
    expect(impact({ statusBefore: 'REJECTED', statusAfter: 'RESOLVED', finishedAt: BEFORE_DUE })).toMatchObject({
      before: { outcome: 'NOT_COUNTED' },
      after: { outcome: 'ON_TIME' },
    });
  });
});
