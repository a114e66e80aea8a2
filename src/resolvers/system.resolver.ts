import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../http/context.js';
import { SystemStatus } from '../schema/system-status.type.js';

@Resolver()
export class SystemResolver {
  @Authorized('systems:read')
  @Query(() => [SystemStatus], { description: 'The connected agency systems: health, circuit breaker, latency and call counts.' })
  systems(@Ctx() ctx: RequestContext): Promise<SystemStatus[]> {
    return ctx.services.systems.list();
  }
}
