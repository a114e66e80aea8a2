import { describe, expect, it } from 'vitest';
import { DOSSIER_STATUSES, type DossierStatus } from '../../../src/domain/dossier-status.js';
import { TIMELINESS_CLASSES, classifyTimeliness, type TimelinessInput } from '../../../src/domain/timeliness.js';

/** An instant given in Vietnam time (UTC+7). */
function vn(localDateTime: string): Date {
  return new Date(`${localDateTime}+07:00`);
}

const PERIOD_END = vn('2025-03-31T23:59:59');

function dossier(status: DossierStatus, dueAt: Date | null, finishedAt: Date | null = null): TimelinessInput {
  return { status, dueAt, finishedAt };
}

describe('classifyTimeliness', () => {
  it('returns one of the Decision 766 classes for every status', () => {
    for (const status of DOSSIER_STATUSES) {
      for (const finishedAt of [null, vn('2025-03-05T10:00:00'), vn('2025-04-02T10:00:00')]) {
        expect(TIMELINESS_CLASSES).toContain(classifyTimeliness(dossier(status, vn('2025-03-10T17:00:00'), finishedAt), PERIOD_END));
      }
    }
  });

  describe('dossiers not counted', () => {
    it.each(['SUBMITTED', 'REJECTED'] as const)('does not count %s, which was never received', (status) => {
      expect(classifyTimeliness(dossier(status, vn('2025-03-01T17:00:00'), vn('2025-03-05T10:00:00')), PERIOD_END)).toBe('NOT_COUNTED');
    });
  });

  describe('paused dossiers', () => {
    it.each(['SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED'] as const)(
      'counts %s as paused, even past its due date',
      (status) => {
        expect(classifyTimeliness(dossier(status, vn('2025-03-01T17:00:00')), PERIOD_END)).toBe('PAUSED');
      },
    );
  });

  describe('dossiers in progress', () => {
    it.each(['RECEIVED', 'PROCESSING'] as const)('counts %s due after the period as in progress on time', (status) => {
      expect(classifyTimeliness(dossier(status, vn('2025-04-03T17:00:00')), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
    });

    it('counts a dossier due on the last day of the period as on time', () => {
      expect(classifyTimeliness(dossier('PROCESSING', vn('2025-03-31T08:00:00')), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
    });

    it('counts a dossier due the day before the period ends as late', () => {
      expect(classifyTimeliness(dossier('PROCESSING', vn('2025-03-30T23:59:59')), PERIOD_END)).toBe('IN_PROGRESS_LATE');
    });

    it('compares days in Vietnam: a due date of 17:00 UTC on 30 March is 31 March there, so on time', () => {
      expect(classifyTimeliness(dossier('RECEIVED', new Date('2025-03-30T17:00:00Z')), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
      expect(classifyTimeliness(dossier('RECEIVED', new Date('2025-03-30T16:59:59Z')), PERIOD_END)).toBe('IN_PROGRESS_LATE');
    });

    it('counts a dossier without a due date as on time', () => {
      expect(classifyTimeliness(dossier('PROCESSING', null), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
    });

    it('uses only the calendar day of the period end', () => {
      const morningOfLastDay = vn('2025-03-31T00:00:00');
      expect(classifyTimeliness(dossier('PROCESSING', vn('2025-03-31T20:00:00')), morningOfLastDay)).toBe('IN_PROGRESS_ON_TIME');
    });
  });

  describe('finished dossiers', () => {
    const due = vn('2025-03-10T17:00:00');

    it.each(['WITHDRAWN', 'RESOLVED', 'RESULT_RETURNED'] as const)('classifies %s finished before the due day as early', (status) => {
      expect(classifyTimeliness(dossier(status, due, vn('2025-03-09T23:59:59')), PERIOD_END)).toBe('EARLY');
    });

    it('classifies a dossier finished on the due day as on time, even after the due hour', () => {
      expect(classifyTimeliness(dossier('RESOLVED', due, vn('2025-03-10T23:00:00')), PERIOD_END)).toBe('ON_TIME');
      expect(classifyTimeliness(dossier('RESOLVED', due, vn('2025-03-10T00:00:00')), PERIOD_END)).toBe('ON_TIME');
    });

    it('classifies a dossier finished after the due day as late', () => {
      expect(classifyTimeliness(dossier('RESULT_RETURNED', due, vn('2025-03-11T00:00:00')), PERIOD_END)).toBe('LATE');
    });

    it('treats 23:30 UTC the day before the due date as the due day itself in Vietnam', () => {
      const dueDay = vn('2025-03-10T00:00:00');
      expect(classifyTimeliness(dossier('RESOLVED', dueDay, new Date('2025-03-09T23:30:00Z')), PERIOD_END)).toBe('ON_TIME');
      expect(classifyTimeliness(dossier('RESOLVED', dueDay, new Date('2025-03-09T16:59:59Z')), PERIOD_END)).toBe('EARLY');
    });

    it('classifies a due date stored at 23:59 Vietnam time by its own day, not the UTC one', () => {
      const dueAt = new Date('2025-03-10T16:59:59Z');
      expect(classifyTimeliness(dossier('RESOLVED', dueAt, new Date('2025-03-10T16:59:59Z')), PERIOD_END)).toBe('ON_TIME');
      expect(classifyTimeliness(dossier('RESOLVED', dueAt, new Date('2025-03-10T17:00:00Z')), PERIOD_END)).toBe('LATE');
    });

    it('counts a finished dossier without a due date as on time', () => {
      expect(classifyTimeliness(dossier('RESOLVED', null, vn('2025-03-10T10:00:00')), PERIOD_END)).toBe('ON_TIME');
    });

    it('counts a dossier finished on the last day of the period as finished', () => {
      expect(classifyTimeliness(dossier('RESOLVED', vn('2025-04-05T17:00:00'), vn('2025-03-31T23:00:00')), PERIOD_END)).toBe('EARLY');
    });

    it('counts a dossier finished after the period ends as still in progress, on time or late by its due date', () => {
      const afterPeriod = vn('2025-04-01T00:30:00');
      expect(classifyTimeliness(dossier('RESOLVED', vn('2025-04-05T17:00:00'), afterPeriod), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
      expect(classifyTimeliness(dossier('RESOLVED', vn('2025-03-20T17:00:00'), afterPeriod), PERIOD_END)).toBe('IN_PROGRESS_LATE');
    });

    it('places a finish at 17:30 UTC on the last day in the next period, since it is already 1 April in Vietnam', () => {
      const due = vn('2025-04-05T17:00:00');
      expect(classifyTimeliness(dossier('RESOLVED', due, new Date('2025-03-31T17:30:00Z')), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
      expect(classifyTimeliness(dossier('RESOLVED', due, new Date('2025-03-31T16:30:00Z')), PERIOD_END)).toBe('EARLY');
    });

    it('treats a finished status without an end date as still in progress, so the missing date shows up', () => {
      expect(classifyTimeliness(dossier('RESULT_RETURNED', vn('2025-03-10T17:00:00'), null), PERIOD_END)).toBe('IN_PROGRESS_LATE');
      expect(classifyTimeliness(dossier('RESOLVED', vn('2025-04-10T17:00:00'), null), PERIOD_END)).toBe('IN_PROGRESS_ON_TIME');
    });
  });
});
