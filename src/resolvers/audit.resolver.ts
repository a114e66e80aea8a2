import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../http/context.js';
import { decodeCursor, encodeCursor, requirePageSize, requirePersonalId } from '../schema/arguments.js';
import { AuditEventConnection, AuditEventFilter, DataAccess } from '../schema/audit-event.type.js';
import { badUserInput } from '../schema/errors.js';
import { connectionOf } from '../schema/connection.js';

const MAX_PAGE = 200;

@Resolver()
export class AuditResolver {
  @Authorized('audit:read')
  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first.' })
  async auditEvents(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<AuditEventConnection> {
    const size = requirePageSize(first, MAX_PAGE);
    const before = after ? Number(decodeCursor(after)) : null;
    if (before !== null && !Number.isInteger(before)) throw badUserInput('the cursor is not one this API returned', 'after');
    const subject = filter?.subjectPersonalId ? requirePersonalId(filter.subjectPersonalId, ctx.now, 'filter.subjectPersonalId') : null;
    const rows = await ctx.services.audit.page({ ...filter, subjectPersonalId: subject }, before, size + 1);
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(String(row.seq)), node: row }));
    return {
      ...connectionOf(edges, rows.length > size, before !== null),
    };
  }

  @Authorized('access-log:read')
  @Query(() => [DataAccess], { description: '“Who read my data”: every recorded read of one citizen’s personal data, newest first.' })
  async dataAccessLog(
    @Ctx() ctx: RequestContext,
    @Arg('personalId', () => String) personalId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
  ): Promise<DataAccess[]> {
    const id = requirePersonalId(personalId, ctx.now);
    const rows = await ctx.services.audit.readsOf(id, requirePageSize(first ?? 100, 1_000));
    return rows.map((r) => ({ at: r.at, actor: r.actor, actorUnit: r.actorUnit, purpose: r.purpose, reference: r.reference, fields: [...r.fields] }));
  }
}
