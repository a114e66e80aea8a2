import type { Logger } from 'pino';
import type { SystemId } from '../connectors/system-id.js';
import { isDatabaseUnavailable } from '../db/database-errors.js';
import { StoreTimeout, type InboxGroupCommit } from '../db/inbox-group-commit.js';
import type { AcceptedEvent, InboxRepository } from '../db/inbox.repository.js';
import type { InboundChannel, RejectionReason } from '../db/ingest.schema.js';
import { MAX_BATCH_EVENTS, parseInboundEvent, type InboundEvent } from '../domain/inbound-event.js';
import type { IngestMetrics } from './ingest-metrics.js';

/** The door's refusal codes; with each one the HTTP status a webhook sender receives. */
export const INGEST_ERROR_STATUS = {
  INVALID_JSON: 400,
  EMPTY_BATCH: 400,
  INVALID_EVENTS: 422,
  BATCH_TOO_LARGE: 413,
  STORAGE_UNAVAILABLE: 503,
} as const;
export type IngestErrorCode = keyof typeof INGEST_ERROR_STATUS;

export interface EventOutcome {
  id: string;
  status: AcceptedEvent['status'];
  /** The hub's id of the event (of the first delivery, for a duplicate). */
  inboundId: string;
  /** For DUPLICATE and CONFLICT: where the first delivery of the event stands. */
  currentStatus?: string;
}

export type IngestOutcome =
  | { ok: true; events: EventOutcome[] }
  | {
      ok: false;
      code: IngestErrorCode;
      httpStatus: number;
      message: string;
      /** One entry per refused event (INVALID_EVENTS). */
      events?: Array<RejectionReason & { path: string }>;
      retryAfterSeconds?: number;
    };

export interface Delivery {
  system: SystemId;
  channel: InboundChannel;
  /** The webhook-id, or the Idempotency-Key of a GraphQL request. */
  deliveryId: string | null;
  /** The parsed JSON body: one event, or an array of events. */
  body: unknown;
}

export interface IngestServiceOptions {
  /** How long the store may take before the sender is told to retry (503). */
  storeTimeoutMs?: number;
  /** Seconds a sender is asked to wait after a 503. */
  retryAfterSeconds?: number;
}

/**
 * The door of the push path: checks every event of a delivery, stores the accepted ones with
 * their outbox rows in one statement (shared with the deliveries that arrived meanwhile), and
 * only then acknowledges. A delivery with one bad event
 * stores nothing (the refusal is recorded without payload); PostgreSQL down means 503 and
 * Retry-After, never a partial write.
 */
export class IngestService {
  private readonly storeTimeoutMs: number;
  private readonly retryAfterSeconds: number;

  constructor(
    private readonly inbox: InboxRepository,
    /** Stores accepted deliveries, several per statement under load. */
    private readonly writer: InboxGroupCommit,
    private readonly relay: { nudge(fromOutboxId?: string): void },
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    options: IngestServiceOptions = {},
  ) {
    this.storeTimeoutMs = options.storeTimeoutMs ?? 10_000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }

  async accept(delivery: Delivery): Promise<IngestOutcome> {
    const outcome = await this.check(delivery);
    const labels = { system: delivery.system, channel: delivery.channel };
    if (!outcome.ok) {
      this.metrics.deliveries.inc({ ...labels, outcome: outcome.code === 'STORAGE_UNAVAILABLE' ? 'unavailable' : 'rejected' });
      return outcome;
    }
    let accepted = 0;
    for (const event of outcome.events) if (event.status === 'ACCEPTED') accepted += 1;
    if (accepted > 0) this.metrics.events.inc({ ...labels, result: 'accepted' }, accepted);
    if (accepted < outcome.events.length) {
      for (const event of outcome.events) if (event.status !== 'ACCEPTED') this.metrics.events.inc({ ...labels, result: event.status.toLowerCase() });
    }
    this.metrics.deliveries.inc({ ...labels, outcome: 'accepted' });
    return outcome;
  }

  private async check(delivery: Delivery): Promise<IngestOutcome> {
    const { system, body } = delivery;
    const raw = Array.isArray(body) ? (body as unknown[]) : [body];
    const batch = Array.isArray(body);
    if (raw.length === 0) return this.refuse(delivery, 'EMPTY_BATCH', 'the batch holds no events', 0, []);
    if (raw.length > MAX_BATCH_EVENTS) {
      return this.refuse(delivery, 'BATCH_TOO_LARGE', `a batch holds at most ${MAX_BATCH_EVENTS} events; this one holds ${raw.length}`, raw.length, []);
    }

    const events: InboundEvent[] = [];
    const problems: Array<RejectionReason & { path: string }> = [];
    const seen = new Set<string>();
    raw.forEach((item, index) => {
      // A single event may leave its id to the delivery's webhook-id; a batch's events may not.
      const parsed = parseInboundEvent(item, system, batch ? undefined : (delivery.deliveryId ?? undefined));
      const id = eventIdOf(item);
      const type = typeOf(item);
      if (!parsed.ok) {
        problems.push({ index, eventId: id, type, code: parsed.error.code, message: parsed.error.message, path: parsed.error.path });
        return;
      }
      if (seen.has(parsed.value.id)) {
        problems.push({
          index,
          eventId: parsed.value.id,
          type,
          code: 'DUPLICATE_EVENT_ID_IN_BATCH',
          message: `event id "${parsed.value.id}" appears more than once in this batch`,
          path: 'id',
        });
        return;
      }
      seen.add(parsed.value.id);
      events.push(parsed.value);
    });
    if (problems.length > 0) {
      const message =
        raw.length === 1
          ? `the event is invalid: ${problems[0]?.message ?? ''}; nothing was stored`
          : `${problems.length} of ${raw.length} events are invalid; nothing was stored`;
      return this.refuse(delivery, 'INVALID_EVENTS', message, raw.length, problems);
    }

    let accepted: AcceptedEvent[];
    try {
      accepted = await this.writer.accept({ system, channel: delivery.channel, deliveryId: delivery.deliveryId, events }, this.storeTimeoutMs);
    } catch (error) {
      if (error instanceof StoreTimeout || isDatabaseUnavailable(error)) {
        this.logger.warn({ system, deliveryId: delivery.deliveryId, err: { message: (error as Error).message } }, 'push not stored: PostgreSQL unavailable');
        return {
          ok: false,
          code: 'STORAGE_UNAVAILABLE',
          httpStatus: INGEST_ERROR_STATUS.STORAGE_UNAVAILABLE,
          message: 'the hub cannot store events right now; nothing was stored, retry later',
          retryAfterSeconds: this.retryAfterSeconds,
        };
      }
      throw error;
    }
    // The relay reads on from the last row it moved; a row of this delivery may have a lower id
    // (its statement committed after a later one's), so it is told where this delivery's rows begin.
    let first: bigint | null = null;
    for (const a of accepted) if (a.outboxId !== null && (first === null || BigInt(a.outboxId) < first)) first = BigInt(a.outboxId);
    if (first !== null) this.relay.nudge(first.toString());
    return {
      ok: true,
      events: accepted.map((a) => ({
        id: a.eventId,
        status: a.status,
        inboundId: a.inboundId,
        ...(a.status === 'ACCEPTED' ? {} : { currentStatus: a.currentStatus }),
      })),
    };
  }

  private async refuse(
    delivery: Delivery,
    code: Exclude<IngestErrorCode, 'STORAGE_UNAVAILABLE'>,
    message: string,
    eventCount: number,
    events: Array<RejectionReason & { path: string }>,
  ): Promise<IngestOutcome> {
    const httpStatus = INGEST_ERROR_STATUS[code];
    this.metrics.events.inc({ system: delivery.system, channel: delivery.channel, result: 'rejected' }, eventCount);
    this.logger.warn(
      { system: delivery.system, channel: delivery.channel, deliveryId: delivery.deliveryId, code, reasons: events.slice(0, 20).map((e) => ({ index: e.index, code: e.code, path: e.path })) },
      'push refused',
    );
    try {
      await this.inbox.recordRejection({
        system: delivery.system,
        channel: delivery.channel,
        deliveryId: delivery.deliveryId,
        httpStatus,
        code,
        message,
        events: eventCount,
        reasons: events.slice(0, 1_000).map(({ index, eventId, type, code: c, message: m }) => ({ index, eventId, type, code: c, message: m })),
      });
    } catch (error) {
      // The refusal stands whether or not it could be recorded.
      this.logger.warn({ system: delivery.system, err: { message: (error as Error).message } }, 'could not record a refused push');
    }
    return { ok: false, code, httpStatus, message, ...(events.length > 0 ? { events } : {}) };
  }

  /** Records a refusal decided before the events were read (a body over the size limit). */
  async refuseUnread(delivery: Omit<Delivery, 'body'>, httpStatus: number, code: string, message: string): Promise<void> {
    this.metrics.deliveries.inc({ system: delivery.system, channel: delivery.channel, outcome: 'rejected' });
    try {
      await this.inbox.recordRejection({ ...delivery, httpStatus, code, message, events: 0, reasons: [] });
    } catch (error) {
      this.logger.warn({ system: delivery.system, err: { message: (error as Error).message } }, 'could not record a refused push');
    }
  }
}

function eventIdOf(item: unknown): string | null {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 200) : null;
}

function typeOf(item: unknown): string | null {
  const type = (item as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type.slice(0, 100) : null;
}
