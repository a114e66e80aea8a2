import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  CIVIL_REGISTRATION_KINDS,
  CIVIL_REGISTRATION_ROLES,
  CIVIL_REGISTRATION_STATUSES,
} from '../connectors/civil-registration/civil-registration.js';
import { DOCUMENT_DIRECTIONS, DOCUMENT_SECRECY_LEVELS, DOCUMENT_STATUSES, DOCUMENT_URGENCIES } from '../connectors/document-source.js';
import type { SystemId } from '../connectors/system-id.js';
import { validateDossierCode } from './dossier-code.js';
import { DOSSIER_STATUSES, statusFromCode, type DossierStatus } from './dossier-status.js';
import { err, ok, type DomainError, type Result } from './result.js';

/**
 * The hub's push contract: what an agency system sends to `POST /ingest/:system` (one event or
 * a JSON array of up to 1,000) and, field for field, to the GraphQL push mutations.
 *
 * ```json
 * { "id": "evt-000123", "type": "dossier.status_changed", "timestamp": "2025-11-04T08:15:00+07:00",
 *   "version": 7, "sequence": 1042,
 *   "data": { "dossierCode": "000.00.12.H12-251104-0042", "procedureCode": "1.001193",
 *             "provinceCode": "96", "communeCode": "32248", "status": "PROCESSING" } }
 * ```
 *
 * `timestamp` is when the change happened at the source and `version` the source's version of
 * the entity after it (either orders events of one entity: an older one never overwrites a newer
 * state). `sequence` numbers what one sender sends, so the hub can see a gap and pull the missing
 * range from the sender's change feed. Dossier events carry the dossier's whole current state.
 */
export const INBOUND_EVENT_TYPES = [
  'dossier.created',
  'dossier.status_changed',
  'document.received',
  'document.issued',
  'civil_registration.recorded',
] as const;
export type InboundEventType = (typeof INBOUND_EVENT_TYPES)[number];

export const ENTITY_TYPES = ['dossier', 'document', 'civil_registration'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const MAX_BATCH_EVENTS = 1_000;

const ENTITY_OF: Readonly<Record<InboundEventType, EntityType>> = {
  'dossier.created': 'dossier',
  'dossier.status_changed': 'dossier',
  'document.received': 'document',
  'document.issued': 'document',
  'civil_registration.recorded': 'civil_registration',
};

/** Which system may push which entities: the holders of dossiers, of documents, of registrations. */
export const PUSHABLE_ENTITIES: Readonly<Record<SystemId, readonly EntityType[]>> = {
  provincial: ['dossier'],
  specialized: ['dossier'],
  'national-portal': ['dossier'],
  'civil-registration': ['dossier', 'civil_registration'],
  'party-documents': ['document'],
  'government-documents': ['document'],
  population: [],
};

export function isInboundEventType(value: unknown): value is InboundEventType {
  return typeof value === 'string' && (INBOUND_EVENT_TYPES as readonly string[]).includes(value);
}

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2025-11-04T08:15:00+07:00' });
const optionalInstant = instant.nullable().optional();
const provinceCode = z.string().regex(/^\d{2}$/, 'must be a two-digit province code, e.g. "96"');
const communeCode = z.string().regex(/^\d{5}$/, 'must be a five-digit commune code, e.g. "32248"');
const personalId = z.string().regex(/^(\d{12}|\d{9})$/, 'must be a 12-digit personal id (or a 9-digit legacy id)');
const shortText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const dossierCode = z.string().superRefine((value, ctx) => {
  const result = validateDossierCode(value);
  if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error.message, params: { reason: 'INVALID_DOSSIER_CODE' } });
});

/** A canonical status name, or its national code 1–10. */
const dossierStatus = z.union([z.enum(DOSSIER_STATUSES), z.number().int()]).transform((value, ctx): DossierStatus => {
  if (typeof value === 'string') return value;
  const status = statusFromCode(value);
  if (status) return status;
  ctx.addIssue({ code: 'custom', message: `national status code must be 1–10; got ${value}` });
  return z.NEVER;
});

const dossierState = z.object({
  dossierCode,
  procedureCode: shortText(40),
  provinceCode,
  communeCode,
  status: dossierStatus,
  /** The system's own status word or code; defaults to the national code. */
  nativeStatus: shortText(40).optional(),
  /** The system's own id of the dossier, when it is not the national code. */
  nativeId: shortText(100).nullable().optional(),
  applicantPersonalId: personalId.nullable().optional(),
  receivedAt: optionalInstant,
  dueAt: optionalInstant,
  finishedAt: optionalInstant,
  returnedAt: optionalInstant,
});

const documentState = z.object({
  /** The document system's own id of the record. */
  documentId: shortText(100),
  direction: z.enum(DOCUMENT_DIRECTIONS).optional(),
  number: shortText(100),
  typeCode: shortText(20).nullable().optional(),
  typeName: shortText(200).optional(),
  subject: shortText(2_000),
  issuerOrganId: shortText(40).nullable().optional(),
  issuerName: shortText(300),
  issuedAt: instant,
  dueAt: optionalInstant,
  arrivedAt: optionalInstant,
  urgency: z.enum(DOCUMENT_URGENCIES).default('NORMAL'),
  secrecy: z.enum(DOCUMENT_SECRECY_LEVELS).default('NONE'),
  pageCount: z.number().int().min(0).max(100_000).optional(),
  provinceCode,
  communeCode: communeCode.nullable().optional(),
  dossierCode: dossierCode.nullable().optional(),
  status: z.enum(DOCUMENT_STATUSES).nullable().optional(),
  nativeStatus: shortText(40).optional(),
});

const civilRegistrationState = z.object({
  /** The registry's own id of the record. */
  registrationId: shortText(100),
  kind: z.enum(CIVIL_REGISTRATION_KINDS),
  status: z.enum(CIVIL_REGISTRATION_STATUSES).nullable().optional(),
  nativeStatus: shortText(40).optional(),
  registeredAt: optionalInstant,
  registrationNumber: shortText(40).nullable().optional(),
  book: shortText(40).nullable().optional(),
  page: shortText(40).nullable().optional(),
  provinceCode,
  communeCode,
  dossierCode: dossierCode.nullable().optional(),
  issuedPersonalId: personalId.nullable().optional(),
  people: z
    .array(
      z.object({
        role: z.enum(CIVIL_REGISTRATION_ROLES),
        personalId: personalId.nullable().optional(),
        fullName: shortText(200),
      }),
    )
    .max(20)
    .default([]),
});

export const EVENT_DATA_SCHEMAS = {
  'dossier.created': dossierState,
  'dossier.status_changed': dossierState.extend({
    /** The status the sender believes the dossier had before; informative only. */
    previousStatus: dossierStatus.optional(),
    reason: shortText(1_000).optional(),
  }),
  'document.received': documentState,
  'document.issued': documentState,
  'civil_registration.recorded': civilRegistrationState,
} as const satisfies Record<InboundEventType, z.ZodType>;

export type DossierEventData = z.output<typeof dossierState> & { previousStatus?: DossierStatus; reason?: string };
export type DocumentEventData = z.output<typeof documentState>;
export type CivilRegistrationEventData = z.output<typeof civilRegistrationState>;

const eventIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const envelope = z.object({
  id: eventIdSchema.optional(),
  type: z.string({ message: 'must be a string naming the event type' }),
  timestamp: instant,
  version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  data: z.unknown(),
});

/** An event as the hub stores it: checked, normalized, keyed by its entity. */
export interface InboundEvent {
  id: string;
  type: InboundEventType;
  timestamp: Date;
  version: number | null;
  sequence: number | null;
  entityType: EntityType;
  entityKey: string;
  /** The checked data, JSON-safe (dates as ISO strings). */
  data: Record<string, unknown>;
  /** `data` as JSON text, serialized once: what the inbox stores and the hash covers. */
  dataJson: string;
  /** SHA-256 of everything but the id: a redelivery has the same hash, a reused id another. */
  hash: string;
}

export const EVENT_PROBLEM_CODES = [
  'INVALID_EVENT',
  'MISSING_EVENT_ID',
  'UNKNOWN_EVENT_TYPE',
  'EVENT_TYPE_NOT_ALLOWED',
  'INVALID_DOSSIER_CODE',
  'DUPLICATE_EVENT_ID_IN_BATCH',
] as const;
export type EventProblemCode = (typeof EVENT_PROBLEM_CODES)[number];

export interface EventProblem extends DomainError<EventProblemCode> {
  /** Where in the event, e.g. `data.communeCode`. */
  path: string;
}

/**
 * Checks one pushed event for one system. `fallbackId` is the delivery's webhook-id, the event
 * id of a single event that carries none (as plain Standard Webhooks senders do).
 */
export function parseInboundEvent(raw: unknown, system: SystemId, fallbackId?: string): Result<InboundEvent, EventProblem> {
  const head = envelope.safeParse(raw);
  if (!head.success) return err(problemFrom(head.error, ''));
  const { type } = head.data;
  const id = head.data.id ?? fallbackId;
  if (!id) return err({ code: 'MISSING_EVENT_ID', message: 'each event of a batch needs its own "id"', path: 'id' });
  if (!isInboundEventType(type)) {
    return err({
      code: 'UNKNOWN_EVENT_TYPE',
      message: `unknown event type "${type.slice(0, 60)}"; known types: ${INBOUND_EVENT_TYPES.join(', ')}`,
      path: 'type',
    });
  }
  const entityType = ENTITY_OF[type];
  if (!PUSHABLE_ENTITIES[system].includes(entityType)) {
    return err({
      code: 'EVENT_TYPE_NOT_ALLOWED',
      message: `${system} does not hold ${entityType.replace('_', ' ')} records, so it cannot push ${type}`,
      path: 'type',
    });
  }
  const body = EVENT_DATA_SCHEMAS[type].safeParse(head.data.data);
  if (!body.success) return err(problemFrom(body.error, 'data'));
  const data = body.data as Record<string, unknown>;
  const timestamp = new Date(head.data.timestamp);
  const version = head.data.version ?? null;
  const sequence = head.data.sequence ?? null;
  const dataJson = JSON.stringify(data);
  // The same text as JSON.stringify({ type, timestamp, version, sequence, data }), the hash's
  // definition since the first stored event (a change would turn redeliveries into conflicts),
  // built around the data's one serialization.
  const canonical = `{"type":${JSON.stringify(type)},"timestamp":"${timestamp.toISOString()}","version":${JSON.stringify(version)},"sequence":${JSON.stringify(sequence)},"data":${dataJson}}`;
  const hash = createHash('sha256').update(canonical).digest('base64url');
  return ok({ id, type, timestamp, version, sequence, entityType, entityKey: entityKeyOf(type, data), data, dataJson, hash });
}

function entityKeyOf(type: InboundEventType, data: Record<string, unknown>): string {
  switch (ENTITY_OF[type]) {
    case 'dossier':
      return String(data['dossierCode']);
    case 'document':
      return String(data['documentId']);
    case 'civil_registration':
      return String(data['registrationId']);
  }
}

function problemFrom(error: z.ZodError, prefix: string): EventProblem {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  const code: EventProblemCode =
    issue?.code === 'custom' && (issue.params as { reason?: string } | undefined)?.reason === 'INVALID_DOSSIER_CODE'
      ? 'INVALID_DOSSIER_CODE'
      : 'INVALID_EVENT';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return { code, message: `${path || 'event'}: ${issue?.message ?? 'invalid'}${more}`, path };
}
