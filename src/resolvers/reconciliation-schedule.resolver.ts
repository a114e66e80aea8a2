import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { forbidden } from '../auth/auth-checker.js';
import { unitScopeOf } from '../auth/principal.js';
import { AUTHORITY_RULES } from '../domain/authority-rules.js';
import type { RequestContext } from '../http/context.js';
import { requireProvinceCode } from '../schema/arguments.js';
import { badUserInput } from '../schema/errors.js';
import { RequestedRunMode } from '../schema/reconciliation-run.type.js';
import { AuthorityRuleSet, ReconciliationSchedule } from '../schema/reconciliation-schedule.type.js';
import type { ScheduleView } from '../services/schedule.service.js';

@Resolver()
export class ReconciliationScheduleResolver {
  @Authorized('reconciliation:read')
  @Query(() => [ReconciliationSchedule], { description: 'Reconciliation schedules of the provinces you may see (full nightly, incremental, data quality).' })
  async reconciliationSchedules(
    @Ctx() ctx: RequestContext,
    @Arg('provinceCode', () => String, { nullable: true }) provinceCode?: string | null,
  ): Promise<ReconciliationSchedule[]> {
    const scope = unitScopeOf(ctx.principal);
    const wanted = provinceCode ? [requireProvinceCode(provinceCode)] : undefined;
    const provinces = scope.all ? wanted : (wanted ?? scope.provinces).filter((p) => scope.provinces.includes(p));
    const rows = await ctx.services.reconciliation.schedules.list(provinces);
    return rows.map(toSchedule);
  }

  @Authorized('reconciliation:read')
  @Query(() => AuthorityRuleSet, { description: 'The authority rules in force, with their version.' })
  authorityRules(): AuthorityRuleSet {
    return { version: AUTHORITY_RULES.version, rules: AUTHORITY_RULES.rules.map((r) => ({ id: r.id, kind: r.kind, statement: r.statement })) };
  }

  @Authorized('reconciliation:resolve')
  @Mutation(() => ReconciliationSchedule, { description: "Changes a province's schedule: a cron pattern or an interval, and whether it runs." })
  async setReconciliationSchedule(
    @Ctx() ctx: RequestContext,
    @Arg('provinceCode', () => String) provinceCode: string,
    @Arg('mode', () => RequestedRunMode) mode: RequestedRunMode,
    @Arg('cron', () => String, { nullable: true }) cron?: string | null,
    @Arg('everySeconds', () => Int, { nullable: true }) everySeconds?: number | null,
    @Arg('enabled', () => Boolean, { nullable: true }) enabled?: boolean | null,
  ): Promise<ReconciliationSchedule> {
    const province = requireProvinceCode(provinceCode);
    const scope = unitScopeOf(ctx.principal);
    if (!scope.all && !scope.provinces.includes(province)) throw forbidden(`province ${province} is outside your units`);
    const change = cron != null ? { cron } : everySeconds != null ? { everySeconds } : {};
    if (cron != null && everySeconds != null) throw badUserInput('give either cron or everySeconds, not both', 'cron');
    const outcome = await ctx.services.reconciliation.schedules.set(province, mode, { ...change, enabled: enabled ?? undefined }, ctx.principal.subject);
    if (!outcome.ok) throw badUserInput(outcome.error.message, outcome.error.code === 'UNKNOWN_PROVINCE' ? 'provinceCode' : cron != null ? 'cron' : 'everySeconds', outcome.error.code);
    return toSchedule(outcome.schedule);
  }
}

function toSchedule(row: ScheduleView): ReconciliationSchedule {
  return { ...row, mode: row.mode as RequestedRunMode };
}
