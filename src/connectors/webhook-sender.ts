import { randomUUID } from 'node:crypto';
import type { InboundEventType } from '../domain/inbound-event.js';
import { WEBHOOK_HEADERS, signWebhook } from '../http/webhook-signature.js';
import type { SystemId } from './system-id.js';

/**
 * Sender helper for agency systems: signs events the Standard Webhooks way and sends them to
 * the hub's `POST /ingest/:system`, retrying what is safe to retry. The hub acknowledges only
 * once the events are durable, and a redelivered event id is acknowledged without being
 * applied twice, so retrying a delivery whose answer was lost is always safe.
 *
 * ```ts
 * import { WebhookSender } from './webhook-sender.js';
 *
 * const hub = new WebhookSender({
 *   hubUrl: 'https://lienthong.example.gov.vn',
 *   system: 'provincial',
 *   secret: process.env.LIENTHONG_SECRET!,      // whsec_…; during a rotation pass [old, new]
 *   numberEvents: true,                          // sequence numbers let the hub detect gaps
 * });
 * const reply = await hub.send({
 *   id: 'hoso-000.00.12.H12-251104-0042-v7',     // unique per event; reuse it when resending
 *   type: 'dossier.status_changed',
 *   timestamp: new Date(),                       // when the change happened in your system
 *   version: 7,                                  // your version of the dossier after the change
 *   data: { dossierCode: '000.00.12.H12-251104-0042', procedureCode: '1.001193',
 *           provinceCode: '96', communeCode: '32248', status: 'PROCESSING' },
 * });
 * if (!reply.ok) console.error(reply.status, reply.body);
 * ```
 *
 * `send([...])` sends up to 1,000 events in one delivery. The contract of each event type is
 * in `src/domain/inbound-event.ts`; the `lienthong push` command wraps this class.
 */

export interface OutgoingEvent {
  /** Unique per event among the events of the system; generated when absent. */
  id?: string;
  type: InboundEventType;
  /** When the change happened at the source. */
  timestamp: Date | string;
  /** The source's version of the entity after the change. */
  version?: number;
  /** The sender's sequence number; assigned when `numberEvents` is on and none is given. */
  sequence?: number;
  data: Record<string, unknown>;
}

export interface WebhookSenderOptions {
  /** The hub's base URL, e.g. http://localhost:4000 (the /graphql suffix is ignored). */
  hubUrl: string;
  system: SystemId;
  /** One `whsec_` secret, or several during a rotation: each signs, the hub accepts any. */
  secret: string | readonly string[];
  /** Number the events this sender sends, from `firstSequence` on. */
  numberEvents?: boolean;
  firstSequence?: number;
  /** Time limit of one attempt. */
  timeoutMs?: number;
  /** Extra attempts after a network failure, a 5xx or a 429. */
  retries?: number;
  retryBaseMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
}

export interface SignedDelivery {
  url: string;
  webhookId: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendResult {
  ok: boolean;
  /** HTTP status of the last attempt; 0 when no answer came. */
  status: number;
  /** The hub's JSON answer (or the network error's message). */
  body: unknown;
  attempts: number;
  webhookId: string;
}

export class WebhookSender {
  private nextSequence: number;
  private readonly secrets: readonly string[];
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;
  readonly ingestUrl: string;

  constructor(private readonly options: WebhookSenderOptions) {
    this.secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
    if (this.secrets.length === 0) throw new RangeError('a webhook sender needs at least one secret');
    this.nextSequence = options.firstSequence ?? 1;
    this.fetch = options.fetch ?? fetch;
    this.clock = options.clock ?? (() => new Date());
    this.ingestUrl = ingestUrl(options.hubUrl, options.system);
  }

  /** Builds and signs a delivery without sending it (for custom transports). */
  sign(events: OutgoingEvent | readonly OutgoingEvent[], webhookId: string = `msg_${randomUUID()}`): SignedDelivery {
    const list = Array.isArray(events) ? (events as readonly OutgoingEvent[]) : [events as OutgoingEvent];
    const wire = list.map((e) => this.toWire(e));
    const body = JSON.stringify(Array.isArray(events) ? wire : wire[0]);
    return signDelivery(this.ingestUrl, this.secrets, body, webhookId, this.clock());
  }

  /** Sends one event or a batch; resends the same events (same ids) on a transient failure. */
  async send(events: OutgoingEvent | readonly OutgoingEvent[]): Promise<SendResult> {
    const list = Array.isArray(events) ? (events as readonly OutgoingEvent[]) : [events as OutgoingEvent];
    const wire = list.map((e) => this.toWire(e));
    const body = JSON.stringify(Array.isArray(events) ? wire : wire[0]);
    const webhookId = `msg_${randomUUID()}`;
    const retries = this.options.retries ?? 3;
    let last: SendResult = { ok: false, status: 0, body: null, attempts: 0, webhookId };
    for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
      // A fresh timestamp and signature each time: the hub refuses stale timestamps.
      const delivery = signDelivery(this.ingestUrl, this.secrets, body, webhookId, this.clock());
      let waitMs = (this.options.retryBaseMs ?? 200) * 2 ** (attempt - 1) * (0.5 + Math.random());
      try {
        const res = await this.fetch(delivery.url, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        });
        const text = await res.text();
        last = { ok: res.ok, status: res.status, body: parseJson(text), attempts: attempt, webhookId };
        if (res.ok || (res.status < 500 && res.status !== 429)) return last;
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(retryAfter * 1_000, 30_000);
      } catch (error) {
        last = { ok: false, status: 0, body: { error: { code: 'NETWORK', message: (error as Error).message } }, attempts: attempt, webhookId };
      }
      if (attempt <= retries) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    return last;
  }

  private toWire(event: OutgoingEvent): Record<string, unknown> {
    let sequence = event.sequence;
    if (sequence === undefined && this.options.numberEvents) {
      sequence = this.nextSequence;
      this.nextSequence += 1;
    }
    return {
      id: event.id ?? `evt_${randomUUID()}`,
      type: event.type,
      timestamp: typeof event.timestamp === 'string' ? event.timestamp : event.timestamp.toISOString(),
      ...(event.version === undefined ? {} : { version: event.version }),
      ...(sequence === undefined ? {} : { sequence }),
      data: event.data,
    };
  }
}

/** The URL of a system's ingest endpoint from the hub's base (or GraphQL) URL. */
export function ingestUrl(hubUrl: string, system: SystemId): string {
  const base = new URL(hubUrl);
  const path = base.pathname.replace(/\/graphql\/?$/, '').replace(/\/+$/, '');
  return `${base.origin}${path}/ingest/${encodeURIComponent(system)}`;
}

/** Signs a body with every secret: `webhook-signature: v1,<a> v1,<b>`. */
export function signDelivery(url: string, secrets: readonly string[], body: string, webhookId: string, now: Date): SignedDelivery {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    url,
    webhookId,
    body,
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_HEADERS.id]: webhookId,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: secrets.map((s) => signWebhook(s, webhookId, timestamp, body)).join(' '),
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
