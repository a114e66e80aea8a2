import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SystemPrincipal } from '../auth/system-authenticator.js';
import { isSystemId } from '../connectors/system-id.js';
import type { InboundQuery, InboundRow } from '../db/inbox.repository.js';
import type { InboundEventType } from '../domain/inbound-event.js';
import type { RequestContext } from '../http/context.js';
import { decodeCursor, encodeCursor, requirePageSize } from '../schema/arguments.js';
import { badUserInput } from '../schema/errors.js';
import { InboundEventFilter } from '../schema/inbound-event-filter.input.js';
import { InboundEvent, InboundEventConnection } from '../schema/inbound-event.type.js';
import { IngestStats } from '../schema/ingest-stats.type.js';
import {
  CivilRegistrationPushInput,
  DocumentPushInput,
  DossierPushInput,
  DossierStatusPushInput,
  type PushEnvelopeInput,
} from '../schema/push.input.js';
import { PushReceipt, type PushStatus } from '../schema/push-receipt.type.js';
import type { PushOutcome, RawPush } from '../services/push-mutation.service.js';

const MAX_PAGE = 200;
/** A timestamptz as PostgreSQL prints it: 2025-11-04 01:15:00.123456+00. */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type LazyInboundConnection = Omit<InboundEventConnection, 'totalCount'> & { query: Omit<InboundQuery, 'before'> };

@Resolver(() => InboundEvent)
export class IngestResolver {
  @Authorized('ingest:read')
  @Query(() => InboundEventConnection, { description: 'Events agency systems pushed, newest first, with where each stands.' })
  async inboundEvents(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => InboundEventFilter, { nullable: true }) filter?: InboundEventFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<LazyInboundConnection> {
    const size = requirePageSize(first, MAX_PAGE);
    const f = filter ?? {};
    if (f.system && !isSystemId(f.system)) throw badUserInput(`no agency system has id "${f.system.slice(0, 40)}"`, 'filter.system');
    const query: Omit<InboundQuery, 'before'> = {
      system: f.system ?? undefined,
      statuses: f.status ?? undefined,
      types: f.type ?? undefined,
      entityKey: f.entityKey ?? undefined,
    };
    const before = after ? decodeInboundCursor(after) : undefined;
    const page = await ctx.services.ingest.query.page({ ...query, before }, size);
    const edges = page.items.map((row) => ({ cursor: encodeCursor(`${row.cursorAt}|${row.id}`), node: toInboundEvent(row) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: before !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      query,
    };
  }

  @Authorized('ingest:read')
  @Query(() => [IngestStats], { description: 'Push counters per agency system (accepted, applied, superseded, rejected, duplicates) and sequence gaps.' })
  async ingestStats(
    @Ctx() ctx: RequestContext,
    @Arg('system', () => String, { nullable: true, description: 'One system id; all systems when omitted.' }) system?: string | null,
  ): Promise<IngestStats[]> {
    if (system && !isSystemId(system)) throw badUserInput(`no agency system has id "${system.slice(0, 40)}"`, 'system');
    const stats = await ctx.services.ingest.query.stats(system ?? undefined);
    return stats.map((s) => ({ ...s, sequenceContiguousThrough: s.contiguousThrough }));
  }

  @Mutation(() => PushReceipt, {
    description: 'Pushes a dossier status change (as dossier.status_changed). Needs an agency system token and an Idempotency-Key header.',
  })
  async pushDossierStatus(@Ctx() ctx: RequestContext, @Arg('input', () => DossierStatusPushInput) input: DossierStatusPushInput): Promise<PushReceipt> {
    return push(ctx, 'pushDossierStatus', 'dossier.status_changed', input, {
      dossierCode: input.dossierCode,
      procedureCode: input.procedureCode,
      provinceCode: input.provinceCode,
      communeCode: input.communeCode,
      status: input.status,
      nativeStatus: input.nativeStatus,
      nativeId: input.nativeId,
      applicantPersonalId: input.applicantPersonalId,
      receivedAt: iso(input.receivedAt),
      dueAt: iso(input.dueAt),
      finishedAt: iso(input.finishedAt),
      returnedAt: iso(input.returnedAt),
      previousStatus: input.previousStatus,
      reason: input.reason,
    });
  }

  @Mutation(() => PushReceipt, { description: 'Pushes a new dossier (as dossier.created). Needs an agency system token and an Idempotency-Key header.' })
  async pushDossierCreated(@Ctx() ctx: RequestContext, @Arg('input', () => DossierPushInput) input: DossierPushInput): Promise<PushReceipt> {
    return push(ctx, 'pushDossierCreated', 'dossier.created', input, {
      dossierCode: input.dossierCode,
      procedureCode: input.procedureCode,
      provinceCode: input.provinceCode,
      communeCode: input.communeCode,
      status: input.status,
      nativeStatus: input.nativeStatus,
      nativeId: input.nativeId,
      applicantPersonalId: input.applicantPersonalId,
      receivedAt: iso(input.receivedAt),
      dueAt: iso(input.dueAt),
      finishedAt: iso(input.finishedAt),
      returnedAt: iso(input.returnedAt),
    });
  }

  @Mutation(() => PushReceipt, { description: 'Pushes an incoming document (as document.received).' })
  async pushDocumentReceived(@Ctx() ctx: RequestContext, @Arg('input', () => DocumentPushInput) input: DocumentPushInput): Promise<PushReceipt> {
    return push(ctx, 'pushDocumentReceived', 'document.received', input, documentData(input));
  }

  @Mutation(() => PushReceipt, { description: 'Pushes an issued document (as document.issued).' })
  async pushDocumentIssued(@Ctx() ctx: RequestContext, @Arg('input', () => DocumentPushInput) input: DocumentPushInput): Promise<PushReceipt> {
    return push(ctx, 'pushDocumentIssued', 'document.issued', input, documentData(input));
  }

  @Mutation(() => PushReceipt, { description: 'Pushes a civil-status registration (as civil_registration.recorded).' })
  async pushCivilRegistration(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CivilRegistrationPushInput) input: CivilRegistrationPushInput,
  ): Promise<PushReceipt> {
    return push(ctx, 'pushCivilRegistration', 'civil_registration.recorded', input, {
      registrationId: input.registrationId,
      kind: input.kind,
      status: input.status,
      nativeStatus: input.nativeStatus,
      registeredAt: iso(input.registeredAt),
      registrationNumber: input.registrationNumber,
      book: input.book,
      page: input.page,
      provinceCode: input.provinceCode,
      communeCode: input.communeCode,
      dossierCode: input.dossierCode,
      issuedPersonalId: input.issuedPersonalId,
      people: input.people?.map((p) => ({ role: p.role, personalId: p.personalId, fullName: p.fullName })),
    });
  }
}

@Resolver(() => InboundEventConnection)
export class InboundEventConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: LazyInboundConnection, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.ingest.query.count(connection.query);
  }
}

/** The one check of who pushes: the configured authenticator (bearer tokens today). */
function requireSystem(ctx: RequestContext): SystemPrincipal {
  const outcome = ctx.services.ingest.auth.authenticate(ctx.header('authorization'));
  if (!outcome.ok) throw new GraphQLError(outcome.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  return outcome.principal;
}

async function push(
  ctx: RequestContext,
  operation: string,
  type: InboundEventType,
  envelope: PushEnvelopeInput,
  data: Record<string, unknown>,
): Promise<PushReceipt> {
  const caller = requireSystem(ctx);
  const event: RawPush = {
    id: envelope.eventId,
    type,
    timestamp: envelope.timestamp.toISOString(),
    ...(envelope.version == null ? {} : { version: envelope.version }),
    ...(envelope.sequence == null ? {} : { sequence: envelope.sequence }),
    // GraphQL nulls mean "not given": the push contract has no null for most fields.
    data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined && v !== null)),
  };
  const outcome = await ctx.services.ingest.push.push(caller, ctx.header('idempotency-key'), operation, event);
  if (!outcome.ok) throw pushError(outcome.error);
  return { ...outcome.receipt, status: outcome.receipt.status as PushStatus };
}

const PUSH_ERROR_HTTP = {
  IDEMPOTENCY_KEY_MISSING: 400,
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  INVALID_EVENT: 400,
  STORAGE_UNAVAILABLE: 503,
} as const;

function pushError(error: Extract<PushOutcome, { ok: false }>['error']): GraphQLError {
  const status = PUSH_ERROR_HTTP[error.code];
  if (error.code === 'INVALID_EVENT') {
    // The contract's paths are those of the event; the mutation's argument is `input`.
    const argument = inputPath(error.path);
    return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', argument, reason: error.reason ?? 'INVALID_EVENT' } });
  }
  const headers = error.retryAfterSeconds === undefined ? undefined : new HeaderMap([['retry-after', String(error.retryAfterSeconds)]]);
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status, ...(headers ? { headers } : {}) } } });
}

function inputPath(path: string | undefined): string {
  if (!path) return 'input';
  const field = path.replace(/^data\./, '').replace(/^id$/, 'eventId');
  return `input.${field}`;
}

function documentData(input: DocumentPushInput): Record<string, unknown> {
  return {
    documentId: input.documentId,
    direction: input.direction,
    number: input.number,
    typeCode: input.typeCode,
    typeName: input.typeName,
    subject: input.subject,
    issuerOrganId: input.issuerOrganId,
    issuerName: input.issuerName,
    issuedAt: iso(input.issuedAt),
    dueAt: iso(input.dueAt),
    arrivedAt: iso(input.arrivedAt),
    urgency: input.urgency,
    secrecy: input.secrecy,
    pageCount: input.pageCount,
    provinceCode: input.provinceCode,
    communeCode: input.communeCode,
    dossierCode: input.dossierCode,
    status: input.status,
    nativeStatus: input.nativeStatus,
  };
}

function iso(value: Date | null | undefined): string | undefined {
  return value ? value.toISOString() : undefined;
}

function decodeInboundCursor(cursor: string): { receivedAt: string; id: string } {
  const key = decodeCursor(cursor);
  const bar = key.lastIndexOf('|');
  const receivedAt = key.slice(0, bar);
  const id = key.slice(bar + 1);
  if (bar < 0 || !UUID.test(id) || !PG_TIMESTAMP.test(receivedAt)) {
    throw badUserInput('the cursor is not one this API returned', 'after');
  }
  return { receivedAt, id };
}

export function toInboundEvent(row: InboundRow): InboundEvent {
  return {
    id: row.id,
    system: row.system,
    eventId: row.eventId,
    type: row.type,
    entityType: row.entityType,
    entityKey: row.entityKey,
    sourceVersion: row.sourceVersion,
    sourceTimestamp: row.sourceTimestamp,
    sequence: row.sequence,
    channel: row.channel,
    deliveryId: row.deliveryId,
    status: row.status,
    reasonCode: row.reasonCode,
    reason: row.reason,
    duplicates: row.duplicates,
    receivedAt: row.receivedAt,
    processedAt: row.processedAt,
  };
}
