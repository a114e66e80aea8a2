import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { MismatchQuery, MismatchRow } from '../db/mismatch.repository.js';
import type { RunRow } from '../db/reconciliation.repository.js';
import type { RunStatus } from '../db/schema.js';
import { isDossierStatus } from '../domain/dossier-status.js';
import type { MismatchClass } from '../domain/mismatch.js';
import { forbidden } from '../auth/auth-checker.js';
import { unitScopeOf } from '../auth/principal.js';
import type { RequestContext } from '../http/context.js';
import {
  decodeCursor,
  encodeCursor,
  requireCommuneCode,
  requireDossierCode,
  requirePageSize,
  requireProvinceCode,
} from '../schema/arguments.js';
import { badUserInput, mismatchAlreadyResolved, notFound, queueUnavailable } from '../schema/errors.js';
import { MismatchFilter } from '../schema/mismatch-filter.input.js';
import { Correction, Mismatch, MismatchConnection, MismatchResolution, MismatchState } from '../schema/mismatch.type.js';
import {
  ReconciliationRun,
  RequestedRunMode,
  RunReport,
  RunStatusEnum,
  type RunTotals,
  type RunTrigger,
} from '../schema/reconciliation-run.type.js';
import type { RunTotals as RunTotalsRecord } from '../services/run-report.js';
import { connectionOf } from '../schema/connection.js';

const MAX_PAGE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type LazyMismatchConnection = Omit<MismatchConnection, 'totalCount'> & { query: MismatchQuery };

@Resolver(() => ReconciliationRun)
export class ReconciliationResolver {
  @Authorized('reconciliation:read')
  @Query(() => [ReconciliationRun], { description: 'Reconciliation runs, newest first.' })
  async reconciliationRuns(
    @Ctx() ctx: RequestContext,
    @Arg('provinceCode', () => String, { nullable: true }) provinceCode?: string | null,
    @Arg('status', () => RunStatusEnum, { nullable: true }) status?: RunStatus | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
  ): Promise<ReconciliationRun[]> {
    const rows = await ctx.services.reconciliation.listRuns(
      { provinceCode: provinceCode ? requireProvinceCode(provinceCode) : undefined, status: status ?? undefined, provinces: provincesOf(ctx) },
      requirePageSize(first, MAX_PAGE),
    );
    return rows.map(toRun);
  }

  @Authorized('reconciliation:read')
  @Query(() => ReconciliationRun, { nullable: true })
  async reconciliationRun(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ReconciliationRun | null> {
    const row = await ctx.services.reconciliation.run(requireRunId(id));
    const provinces = provincesOf(ctx);
    if (row && provinces && !provinces.includes(row.provinceCode)) throw forbidden(`this run covers province ${row.provinceCode}, outside your units`);
    return row ? toRun(row) : null;
  }

  @FieldResolver(() => MismatchConnection, { description: 'The mismatches this run found.' })
  async findings(
    @Root() run: ReconciliationRun,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<LazyMismatchConnection> {
    return mismatchConnection(ctx, { runId: run.id }, first, after);
  }

  @FieldResolver(() => [RunReport])
  async reports(@Root() run: ReconciliationRun, @Ctx() ctx: RequestContext): Promise<RunReport[]> {
    const rows = await ctx.services.reconciliation.reports(run.id);
    return rows.map((r) => ({ ...r, path: `/reports/${run.id}.${r.format}` }));
  }

  @Authorized('reconciliation:request')
  @Mutation(() => ReconciliationRun, { description: 'Queues a reconciliation run of one province now.' })
  async requestReconciliation(
    @Ctx() ctx: RequestContext,
    @Arg('provinceCode', () => String) provinceCode: string,
    @Arg('mode', () => RequestedRunMode, { nullable: true, description: 'Default FULL.' }) mode?: RequestedRunMode | null,
    @Arg('dryRun', () => Boolean, { nullable: true, description: 'Compute and report corrections without sending any.' }) dryRun?: boolean | null,
    @Arg('since', () => Date, { nullable: true, description: 'INCREMENTAL only: cover changes since this instant instead of the last watermark.' })
    since?: Date | null,
    @Arg('toleranceSeconds', () => Int, { nullable: true, description: 'Differences younger than this are pending sync (default 900).' })
    toleranceSeconds?: number | null,
  ): Promise<ReconciliationRun> {
    const province = requireProvinceCode(provinceCode);
    const scope = unitScopeOf(ctx.principal);
    if (!scope.all && !scope.provinces.includes(province)) throw forbidden(`province ${province} is outside your units`);
    if (toleranceSeconds !== null && toleranceSeconds !== undefined && (toleranceSeconds < 0 || toleranceSeconds > 86_400)) {
      throw badUserInput('toleranceSeconds must be between 0 and 86400', 'toleranceSeconds');
    }
    const outcome = await ctx.services.reconciliation.request(
      province,
      ctx.principal.subject,
      {
        mode: mode ?? 'FULL',
        dryRun: dryRun ?? false,
        since: since ?? null,
        ...(toleranceSeconds !== null && toleranceSeconds !== undefined ? { toleranceSeconds } : {}),
      },
      ctx.now,
    );
    if (!outcome.ok) {
      switch (outcome.error.code) {
        case 'UNKNOWN_PROVINCE':
          throw badUserInput(outcome.error.message, 'provinceCode', 'UNKNOWN_PROVINCE');
        case 'FUTURE_WATERMARK':
          throw badUserInput(outcome.error.message, 'since', 'FUTURE_WATERMARK');
        case 'INVALID_SCOPE':
          throw badUserInput(outcome.error.message, 'mode', 'INVALID_SCOPE');
        case 'QUEUE_UNAVAILABLE':
          throw queueUnavailable(outcome.error.message);
      }
    }
    return toRun(outcome.run);
  }
}

@Resolver(() => Mismatch)
export class MismatchResolver {
  @Authorized('reconciliation:read')
  @Query(() => MismatchConnection, { description: 'Mismatches matching a filter (open ones by default).' })
  async mismatches(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => MismatchFilter, { nullable: true }) filter?: MismatchFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<LazyMismatchConnection> {
    const f = filter ?? {};
    const query: MismatchQuery = {
      provinceCode: f.provinceCode ? requireProvinceCode(f.provinceCode, 'filter.provinceCode') : null,
      communeCode: f.communeCode ? requireCommuneCode(f.communeCode, 'filter.communeCode') : null,
      classes: f.class ?? null,
      state: f.state ?? (f.runId ? null : MismatchState.OPEN),
      dossierCode: f.dossierCode ? requireDossierCode(f.dossierCode, 'filter.dossierCode') : null,
      runId: f.runId ? requireRunId(f.runId, 'filter.runId') : null,
      provinces: provincesOf(ctx),
    };
    return mismatchConnection(ctx, query, first, after);
  }
}

@Resolver(() => Mismatch)
export class MismatchLifecycleResolver {
  @FieldResolver(() => [Correction], { description: 'Corrections sent, planned or failed for this mismatch, oldest first.' })
  async corrections(@Root() mismatch: Mismatch, @Ctx() ctx: RequestContext): Promise<Correction[]> {
    const rows = await ctx.services.reconciliation.corrections([mismatch.id]);
    return rows.map((r) => ({ ...r, status: r.status !== null && isDossierStatus(r.status) ? r.status : null }));
  }

  @Authorized('reconciliation:resolve')
  @Mutation(() => Mismatch, { description: 'A person settles a mismatch: WAIVED or ESCALATED with a note, or RESOLVED by hand. Recorded in the audit trail.' })
  async resolveMismatch(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('resolution', () => MismatchResolution) resolution: MismatchResolution,
    @Arg('note', () => String, { description: 'Why (5 to 2,000 characters); shown in the mismatch and the audit trail.' }) note: string,
  ): Promise<Mismatch> {
    const mismatchId = requireRunId(id);
    const trimmed = note.trim();
    if (trimmed.length < 5 || trimmed.length > 2_000) throw badUserInput('note must be 5 to 2,000 characters', 'note');
    const existing = await ctx.services.reconciliation.mismatch(mismatchId);
    if (!existing) throw notFound(`no mismatch has id ${mismatchId}`);
    const provinces = provincesOf(ctx);
    if (provinces && !provinces.includes(existing.provinceCode)) throw forbidden(`this mismatch is in province ${existing.provinceCode}, outside your units`);
    const outcome = await ctx.services.reconciliation.resolveMismatch(mismatchId, resolution, trimmed, {
      subject: ctx.principal.subject,
      unit: unitScopeOf(ctx.principal).provinces[0] ?? null,
      requestId: ctx.requestId,
    });
    if (!outcome.ok) {
      if (outcome.error.code === 'NOT_FOUND') throw notFound(outcome.error.message);
      throw mismatchAlreadyResolved(outcome.error.message);
    }
    return toMismatch(outcome.mismatch, ctx.now);
  }
}

@Resolver(() => MismatchConnection)
export class MismatchConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: LazyMismatchConnection, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.reconciliation.countMismatches(connection.query);
  }
}

async function mismatchConnection(
  ctx: RequestContext,
  query: MismatchQuery,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<LazyMismatchConnection> {
  const size = requirePageSize(first, MAX_PAGE);
  const afterId = after ? decodeCursor(after) : null;
  if (afterId !== null && !UUID.test(afterId)) throw badUserInput('the cursor is not one this API returned', 'after');
  const page = await ctx.services.reconciliation.mismatchPage(query, afterId, size);
  const edges = page.items.map((row) => ({ cursor: encodeCursor(row.id), node: toMismatch(row, ctx.now) }));
  return {
    ...connectionOf(edges, page.hasNextPage, afterId !== null),
    query,
  };
}

/** The provinces a caller may read reconciliation results of; undefined for nationwide callers. */
function provincesOf(ctx: RequestContext): readonly string[] | undefined {
  const scope = unitScopeOf(ctx.principal);
  if (scope.all) return undefined;
  // Reconciliation runs per province: callers scoped to communes only see none.
  return scope.provinces;
}

function requireRunId(id: string, argument = 'id'): string {
  if (!UUID.test(id)) throw badUserInput(`run id must be a UUID; got "${id.slice(0, 40)}"`, argument);
  return id;
}

export function toRun(row: RunRow): ReconciliationRun {
  return {
    id: row.id,
    provinceCode: row.provinceCode,
    trigger: row.trigger as RunTrigger,
    status: row.status,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    dossiersCompared: row.dossiersCompared,
    mismatchCount: row.mismatchCount,
    countsByClass: Object.entries(row.countsByClass)
      .map(([cls, count]) => ({ class: cls, count }))
      .sort((a, b) => a.class.localeCompare(b.class)),
    sources: row.sources.map((s) => ({
      system: s.system,
      cursorFrom: s.cursorFrom,
      cursorTo: s.cursorTo,
      read: s.read,
      errorCode: s.error?.code ?? null,
      errorMessage: s.error?.message ?? null,
    })),
    failureReason: row.failureReason,
    kind: row.kind,
    mode: row.mode,
    dryRun: row.dryRun,
    rulesVersion: row.rulesVersion,
    phase: row.phase,
    since: row.since,
    toleranceSeconds: row.toleranceSeconds,
    partitionsTotal: row.partitionsTotal,
    partitionsDone: row.partitionsDone,
    totals: row.phase === 'DONE' && Object.keys(row.totals).length > 0 ? toTotals(row.totals as unknown as RunTotalsRecord) : null,
    reports: [],
  };
}

function keyCounts(record: Record<string, number> | undefined): Array<{ key: string; count: number }> {
  return Object.entries(record ?? {})
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function toTotals(totals: RunTotalsRecord): RunTotals {
  return {
    pendingSync: totals.pendingSync,
    pendingByClass: keyCounts(totals.pendingByClass),
    byCommune: keyCounts(totals.byCommune),
    byProcedure: keyCounts(totals.byProcedure),
    timelinessChanges: Object.entries(totals.timelinessChanges ?? {}).map(([key, count]) => {
      const [from = '', to = ''] = key.split('→');
      return { from, to, count };
    }),
    corrections: keyCounts(totals.corrections),
  };
}

function toMismatch(row: MismatchRow, now: Date): Mismatch {
  const until = row.resolvedAt ?? now;
  return {
    id: row.id,
    dossierCode: row.dossierCode,
    provinceCode: row.provinceCode,
    communeCode: row.communeCode,
    procedureCode: row.procedureCode,
    class: row.class as MismatchClass,
    state: row.state as MismatchState,
    ownerUnit: row.ownerUnit,
    laggingSystem: row.laggingSystem,
    laggingSystems: row.laggingSystems,
    settledBy: row.settledBy,
    failedVerifications: row.failedVerifications,
    resolvedBy: row.resolvedBy,
    resolutionNote: row.resolutionNote,
    leadingSystem: row.leadingSystem,
    expectedStatus: row.expectedStatus !== null && isDossierStatus(row.expectedStatus) ? row.expectedStatus : null,
    // DATA_QUALITY values are citizens' names, ids and dates: read them through the audited citizen lookup.
    observed: Object.entries(row.class === 'DATA_QUALITY' ? {} : (row.observed as Record<string, Record<string, unknown>>)).map(([system, v]) => ({
      system,
      status: typeof v.status === 'string' && isDossierStatus(v.status) ? v.status : null,
      nativeStatus: typeof v.nativeStatus === 'string' ? v.nativeStatus : null,
      updatedAt: typeof v.updatedAt === 'string' ? new Date(v.updatedAt) : null,
      communeCode: typeof v.communeCode === 'string' ? v.communeCode : null,
      dueAt: typeof v.dueAt === 'string' ? new Date(v.dueAt) : null,
    })),
    detail: row.detail,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    ageHours: Math.max(0, Math.floor((until.getTime() - row.firstSeenAt.getTime()) / 3_600_000)),
    resolvedAt: row.resolvedAt,
    firstRunId: row.firstRunId,
    lastRunId: row.lastRunId,
  };
}

