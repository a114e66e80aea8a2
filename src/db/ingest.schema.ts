import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Tables of the push path (issue 4): the inbox of events agency systems push, the outbox the
 * relay moves to BullMQ, the per-entity ordering state, sender sequences and their gaps,
 * GraphQL idempotency keys, and the record of refused deliveries.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const INBOUND_STATUSES = ['ACCEPTED', 'APPLIED', 'SUPERSEDED', 'REJECTED'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

export const INBOUND_CHANNELS = ['WEBHOOK', 'GRAPHQL'] as const;
export type InboundChannel = (typeof INBOUND_CHANNELS)[number];

/**
 * The inbox: one row per event an agency system pushed and the hub accepted, unique per
 * (system, event id), so a redelivery is acknowledged without being applied twice. The payload
 * may hold personal data (an applicant's id): it stays in PostgreSQL, never in a queue or a log.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    /**
     * Time-ordered (UUID version 7): new rows go to the right edge of the key's index, as they do
     * in the received-time index, instead of to a random page of it (every page a random key
     * dirties is one more full-page image in the WAL after each checkpoint).
     */
    id: uuid('id').primaryKey().default(sql`uuidv7()`),
    system: text('system').notNull(),
    /** The sender's id of the event. */
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    /** What the event is about: `dossier`, `document` or `civil_registration`, and its key there. */
    entityType: text('entity_type').notNull(),
    entityKey: text('entity_key').notNull(),
    /** The source's version of the entity after the change, when it keeps one. */
    sourceVersion: bigint('source_version', { mode: 'number' }),
    /** When the change happened, by the source's clock. */
    sourceTimestamp: ts('source_timestamp').notNull(),
    /** The sender's sequence number, when it numbers what it sends. */
    sequence: bigint('sequence', { mode: 'number' }),
    channel: text('channel', { enum: INBOUND_CHANNELS }).notNull(),
    /** The webhook-id of the delivery, or the Idempotency-Key of the GraphQL request. */
    deliveryId: text('delivery_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** SHA-256 of the canonical event, to tell a redelivery from an id reused for other content. */
    payloadHash: text('payload_hash').notNull(),
    status: text('status', { enum: INBOUND_STATUSES }).notNull().default('ACCEPTED'),
    /** Why the event was superseded or rejected: a stable code and a sentence. */
    reasonCode: text('reason_code'),
    reason: text('reason'),
    /** Redeliveries of the same event that were acknowledged without effect. */
    duplicates: integer('duplicates').notNull().default(0),
    /** Times the apply step changed this row; anything but 0 or 1 would be a double apply. */
    applyCount: integer('apply_count').notNull().default(0),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    uniqueIndex('inbound_events_system_event_uq').on(t.system, t.eventId),
    // No index holds the status (nor any column the apply step writes), so marking an event
    // applied is a heap-only update: it adds no entry to any index. Listings by system or status
    // walk the received-time index.
    index('inbound_events_received_idx').on(t.receivedAt, t.id),
    index('inbound_events_entity_idx').on(t.entityKey),
    index('inbound_events_sequence_idx').on(t.system, t.sequence).where(sql`sequence is not null`),
  ],
);

/**
 * The outbox: written in the same statement as the inbox row; the relay publishes the rows in
 * batches, one BullMQ job per batch whose id derives from the rows' ids, and the apply step
 * deletes each row.
 *
 * No index holds `published_at`, so the relay's marking of a row is a heap-only update (the
 * table is stored with room for it, fillfactor 50): the relay reads on along the key from the
 * last row it moved. No foreign key either: the door's statement writes each row from the
 * inbox row it has just inserted, and a key check per row cost a lookup and a row lock. No index
 * on the event: its job carries each event's outbox id, by which the apply step drops the row.
 */
export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  inboundEventId: uuid('inbound_event_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  publishedAt: ts('published_at'),
  publishCount: integer('publish_count').notNull().default(0),
  /** The queue job the row was last published in (one job carries a batch of rows). */
  jobId: text('job_id'),
});

/**
 * The latest state each system pushed about each entity, with the source's version and time:
 * the ordering guard (an older event never overwrites it) and, for documents and civil
 * registrations, the hub's copy of what was pushed.
 */
export const entityStates = pgTable(
  'entity_states',
  {
    system: text('system').notNull(),
    entityType: text('entity_type').notNull(),
    entityKey: text('entity_key').notNull(),
    sourceVersion: bigint('source_version', { mode: 'number' }),
    sourceTimestamp: ts('source_timestamp').notNull(),
    eventType: text('event_type').notNull(),
    inboundEventId: uuid('inbound_event_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.system, t.entityType, t.entityKey] })],
);

/**
 * Facts about one system's state of a dossier that reconciliation turns into mismatches, e.g. a
 * pushed status change that broke the legal transition graph (ILLEGAL_TRANSITION). A later legal
 * change by the same system clears the flag.
 */
export const dossierFlags = pgTable(
  'dossier_flags',
  {
    dossierCode: text('dossier_code').notNull(),
    system: text('system').notNull(),
    class: text('class').notNull(),
    provinceCode: text('province_code').notNull(),
    communeCode: text('commune_code').notNull(),
    procedureCode: text('procedure_code').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    nativeStatus: text('native_status').notNull(),
    sourceTimestamp: ts('source_timestamp').notNull(),
    inboundEventId: uuid('inbound_event_id').notNull(),
    detail: text('detail').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.dossierCode, t.system, t.class] }), index('dossier_flags_province_idx').on(t.provinceCode)],
);

/** Dossiers a push changed, waiting for their per-dossier reconciliation. */
export const dossierReconcileRequests = pgTable(
  'dossier_reconcile_requests',
  {
    dossierCode: text('dossier_code').primaryKey(),
    provinceCode: text('province_code').notNull(),
    requestedAt: ts('requested_at').notNull().defaultNow(),
  },
  (t) => [index('dossier_reconcile_requests_province_idx').on(t.provinceCode, t.requestedAt)],
);

/** How far each sender's sequence numbers have arrived without a hole. */
export const senderSequences = pgTable('sender_sequences', {
  system: text('system').primaryKey(),
  contiguousThrough: bigint('contiguous_through', { mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const GAP_STATUSES = ['OPEN', 'BACKFILLED', 'FAILED'] as const;
export type GapStatus = (typeof GAP_STATUSES)[number];

/** A range of a sender's sequence numbers that never arrived, and the pull that backfilled it. */
export const sequenceGaps = pgTable(
  'sequence_gaps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    system: text('system').notNull(),
    fromSequence: bigint('from_sequence', { mode: 'number' }).notNull(),
    toSequence: bigint('to_sequence', { mode: 'number' }).notNull(),
    status: text('status', { enum: GAP_STATUSES }).notNull().default('OPEN'),
    detectedAt: ts('detected_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
    /** Changes the backfill read from the system's change feed. */
    pulled: integer('pulled').notNull().default(0),
    detail: text('detail'),
  },
  (t) => [index('sequence_gaps_system_idx').on(t.system, t.detectedAt)],
);

export const IDEMPOTENCY_STATES = ['IN_FLIGHT', 'COMPLETED'] as const;
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

/** Idempotency-Key of GraphQL push mutations (IETF draft), per calling system. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    system: text('system').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of the operation and its arguments: the same key with other arguments is refused. */
    fingerprint: text('fingerprint').notNull(),
    state: text('state', { enum: IDEMPOTENCY_STATES }).notNull().default('IN_FLIGHT'),
    response: jsonb('response').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.system, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

export interface RejectionReason {
  /** Position of the event in the delivery (0 for a single event). */
  index: number;
  eventId: string | null;
  type: string | null;
  code: string;
  message: string;
}

/**
 * Deliveries the hub refused after authenticating the sender (invalid events, oversized batch):
 * the reasons only, no payload. None of their events enters the inbox.
 */
export const ingestRejections = pgTable(
  'ingest_rejections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    system: text('system').notNull(),
    channel: text('channel', { enum: INBOUND_CHANNELS }).notNull(),
    deliveryId: text('delivery_id'),
    httpStatus: integer('http_status').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    events: integer('events').notNull(),
    reasons: jsonb('reasons').$type<RejectionReason[]>().notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('ingest_rejections_system_idx').on(t.system, t.receivedAt)],
);
