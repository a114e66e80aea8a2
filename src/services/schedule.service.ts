import type { Queue } from 'bullmq';
import type { Sql } from 'postgres';
import { reconcileProvinceJob } from '../jobs/reconcile-province.job.js';

export const SCHEDULE_MODES = ['FULL', 'INCREMENTAL', 'DATA_QUALITY'] as const;
export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

/** Cron patterns run on Vietnamese time: a nightly run at 02:00 means 02:00 in Hà Nội. */
export const SCHEDULE_TIMEZONE = 'Asia/Ho_Chi_Minh';

export interface ScheduleDefaults {
  fullCron: string;
  incrementalEverySeconds: number;
  dataQualityCron: string;
}

export interface ScheduleRow {
  provinceCode: string;
  mode: ScheduleMode;
  cron: string | null;
  everySeconds: number | null;
  enabled: boolean;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface ScheduleView extends ScheduleRow {
  /** When the queue will next start this run; null when disabled. */
  nextRunAt: Date | null;
}

export type ScheduleChange = { cron: string; everySeconds?: undefined } | { everySeconds: number; cron?: undefined } | { cron?: undefined; everySeconds?: undefined };

export type ScheduleOutcome = { ok: true; schedule: ScheduleView } | { ok: false; error: { code: 'INVALID_SCHEDULE' | 'UNKNOWN_PROVINCE'; message: string } };

/** Fewer seconds than this between incremental runs would only queue runs behind each other. */
const MIN_EVERY_SECONDS = 30;
const CRON = /^(\S+\s+){4}\S+$/;

/**
 * Reconciliation schedules per province and mode, kept in PostgreSQL (the configured defaults
 * are written once, operators change them through GraphQL) and mirrored to BullMQ job schedulers,
 * whose keys name mode and province so every process start converges on the stored table.
 */
export class ScheduleService {
  constructor(
    private readonly sql: Sql,
    private readonly queue: Queue,
  ) {}

  static key(mode: ScheduleMode, provinceCode: string): string {
    return `reconcile-${mode.toLowerCase().replaceAll('_', '-')}-${provinceCode}`;
  }

  /** Writes the defaults for provinces that have no schedule yet, then mirrors every row to the queue. */
  async start(provinces: readonly string[], defaults: ScheduleDefaults): Promise<void> {
    for (const provinceCode of provinces) {
      const rows = [
        { province_code: provinceCode, mode: 'FULL', cron: defaults.fullCron, every_seconds: null },
        { province_code: provinceCode, mode: 'INCREMENTAL', cron: null, every_seconds: defaults.incrementalEverySeconds },
        { province_code: provinceCode, mode: 'DATA_QUALITY', cron: defaults.dataQualityCron, every_seconds: null },
      ];
      await this.sql`insert into reconciliation_schedules ${this.sql(rows)} on conflict do nothing`;
    }
    // Schedulers of the first release were named after the job (`reconcile-province-96`).
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (/^reconcile-province-\d{2}$/.test(scheduler.key)) await this.queue.removeJobScheduler(scheduler.key);
    }
    for (const row of await this.rows()) await this.mirror(row);
  }

  async list(provinces?: readonly string[]): Promise<ScheduleView[]> {
    const rows = await this.rows(provinces);
    return Promise.all(rows.map((row) => this.view(row)));
  }

  async set(provinceCode: string, mode: ScheduleMode, change: ScheduleChange & { enabled?: boolean | undefined }, updatedBy: string): Promise<ScheduleOutcome> {
    if (change.cron !== undefined && change.everySeconds !== undefined) {
      return invalid('give either cron or everySeconds, not both');
    }
    if (change.cron !== undefined && !CRON.test(change.cron.trim())) {
      return invalid(`cron must have five fields (minute hour day month weekday); got "${change.cron.slice(0, 60)}"`);
    }
    if (change.everySeconds !== undefined && (!Number.isInteger(change.everySeconds) || change.everySeconds < MIN_EVERY_SECONDS)) {
      return invalid(`everySeconds must be a whole number of at least ${MIN_EVERY_SECONDS}`);
    }
    const [existing] = await this.rows([provinceCode], mode);
    if (!existing) return { ok: false, error: { code: 'UNKNOWN_PROVINCE', message: `province ${provinceCode} has no ${mode} schedule; it is not a reconciled province` } };
    const next: ScheduleRow = {
      ...existing,
      cron: change.cron !== undefined ? change.cron.trim() : change.everySeconds !== undefined ? null : existing.cron,
      everySeconds: change.everySeconds !== undefined ? change.everySeconds : change.cron !== undefined ? null : existing.everySeconds,
      enabled: change.enabled ?? existing.enabled,
      updatedBy,
    };
    try {
      await this.mirror(next);
    } catch (error) {
      await this.mirror(existing);
      return invalid(`the queue refused the schedule: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.sql`
      update reconciliation_schedules set cron = ${next.cron}, every_seconds = ${next.everySeconds}, enabled = ${next.enabled},
        updated_by = ${updatedBy}, updated_at = now()
      where province_code = ${provinceCode} and mode = ${mode}`;
    const [saved] = await this.rows([provinceCode], mode);
    return { ok: true, schedule: await this.view(saved as ScheduleRow) };
  }

  private async mirror(row: ScheduleRow): Promise<void> {
    const key = ScheduleService.key(row.mode, row.provinceCode);
    if (!row.enabled) {
      await this.queue.removeJobScheduler(key);
      return;
    }
    const repeat = row.cron !== null ? { pattern: row.cron, tz: SCHEDULE_TIMEZONE } : { every: (row.everySeconds ?? 300) * 1_000 };
    await this.queue.upsertJobScheduler(key, repeat, {
      name: reconcileProvinceJob.name,
      data: reconcileProvinceJob.payload.parse({ provinceCode: row.provinceCode, mode: row.mode }) as unknown,
      opts: reconcileProvinceJob.options,
    });
  }

  private async view(row: ScheduleRow): Promise<ScheduleView> {
    if (!row.enabled) return { ...row, nextRunAt: null };
    const scheduler = await this.queue.getJobScheduler(ScheduleService.key(row.mode, row.provinceCode));
    return { ...row, nextRunAt: scheduler?.next ? new Date(scheduler.next) : null };
  }

  private rows(provinces?: readonly string[], mode?: ScheduleMode): Promise<ScheduleRow[]> {
    const sql = this.sql;
    return sql<ScheduleRow[]>`
      select province_code as "provinceCode", mode, cron, every_seconds as "everySeconds", enabled,
        updated_by as "updatedBy", updated_at as "updatedAt"
      from reconciliation_schedules
      where true ${provinces ? sql`and province_code = any(${provinces as string[]})` : sql``} ${mode ? sql`and mode = ${mode}` : sql``}
      order by province_code, mode`;
  }
}

function invalid(message: string): ScheduleOutcome {
  return { ok: false, error: { code: 'INVALID_SCHEDULE', message } };
}
