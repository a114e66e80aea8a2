import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { SystemCredentials } from '../auth/system-credentials.js';
import { isSystemId, type SystemId } from '../connectors/system-id.js';
import type { IngestMetrics } from '../services/ingest-metrics.js';
import type { IngestService } from '../services/ingest.service.js';
import { DEFAULT_TOLERANCE_SECONDS, WEBHOOK_HEADERS, decodeWebhookSecret, verifyWebhook } from './webhook-signature.js';

export interface IngestRouteOptions {
  service: IngestService;
  /** `whsec_` secrets per system; a system without one cannot push. */
  secrets: SystemCredentials;
  metrics: IngestMetrics;
  logger: Logger;
  toleranceSeconds?: number;
  /** Largest body accepted, in bytes. */
  maxBodyBytes?: number;
  clock?: () => Date;
}

export interface IngestRoute {
  matches(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

const PATH = /^\/ingest\/([^/]+)\/?$/;

/**
 * `POST /ingest/:system`: a signed delivery (Standard Webhooks) of one event or a JSON array of
 * up to 1,000. The signature is checked over the raw bytes before anything is parsed; a
 * delivery that fails it stores nothing. The answer comes only after the events are durable:
 * 200 with the outcome of each event, or a 4xx/5xx with a machine-readable code.
 */
export function createIngestRoute(options: IngestRouteOptions): IngestRoute {
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const clock = options.clock ?? (() => new Date());
  const keys = new Map<SystemId, Buffer[]>();
  for (const [system, list] of Object.entries(options.secrets) as Array<[SystemId, readonly string[]]>) {
    const decoded = list.map(decodeWebhookSecret).filter((k): k is Buffer => k !== null);
    if (decoded.length > 0) keys.set(system, decoded);
  }

  const ackSeconds = options.metrics.ackSeconds.labels({ channel: 'WEBHOOK' });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = process.hrtime.bigint();
    const done = (): void => {
      ackSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    };
    const name = decodeURIComponent(PATH.exec(url.pathname)?.[1] ?? '');
    if (req.method !== 'POST') {
      req.resume();
      return send(res, 405, error('METHOD_NOT_ALLOWED', 'use POST to push events'), { allow: 'POST' });
    }
    if (!isSystemId(name)) {
      req.resume();
      return send(res, 404, error('UNKNOWN_SYSTEM', `no agency system has id "${name.slice(0, 40)}"`));
    }
    const system: SystemId = name;
    const systemKeys = keys.get(system);
    if (!systemKeys) {
      req.resume();
      return send(res, 403, error('SYSTEM_NOT_ENABLED', `${system} has no webhook secret configured (INGEST_SECRETS), so it cannot push`));
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > 16 * maxBody) {
      // Not worth reading to the end: answer and close the connection.
      options.metrics.deliveries.inc({ system, channel: 'WEBHOOK', outcome: 'rejected' });
      return send(res, 413, error('BODY_TOO_LARGE', `the body is ${declared} bytes; at most ${maxBody} are accepted`), { connection: 'close' });
    }
    // Read to the end (discarding past the limit) so the sender gets the answer, not a reset.
    const body = await readRaw(req, maxBody);
    if (body === null) {
      options.metrics.deliveries.inc({ system, channel: 'WEBHOOK', outcome: 'rejected' });
      return send(res, 413, error('BODY_TOO_LARGE', `the body is over ${maxBody} bytes, the most accepted`));
    }
    const verified = verifyWebhook({
      keys: systemKeys,
      id: header(req, WEBHOOK_HEADERS.id),
      timestamp: header(req, WEBHOOK_HEADERS.timestamp),
      signature: header(req, WEBHOOK_HEADERS.signature),
      body,
      now: clock(),
      toleranceSeconds: tolerance,
    });
    if (!verified.ok) {
      options.metrics.deliveries.inc({ system, channel: 'WEBHOOK', outcome: 'unauthorized' });
      options.logger.warn({ system, code: verified.code, webhookId: header(req, WEBHOOK_HEADERS.id)?.slice(0, 100) }, 'push refused: signature');
      return send(res, 401, error(verified.code, verified.message));
    }
    const delivery = { system, channel: 'WEBHOOK' as const, deliveryId: verified.id };
    const contentType = header(req, 'content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
      const message = `the body must be JSON (content-type: application/json); got "${contentType.slice(0, 60)}"`;
      await options.service.refuseUnread(delivery, 415, 'UNSUPPORTED_MEDIA_TYPE', message);
      return send(res, 415, error('UNSUPPORTED_MEDIA_TYPE', message));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8')) as unknown;
    } catch (cause) {
      const message = `the body is not valid JSON: ${(cause as Error).message.slice(0, 120)}`;
      await options.service.refuseUnread(delivery, 400, 'INVALID_JSON', message);
      return send(res, 400, error('INVALID_JSON', message));
    }
    const outcome = await options.service.accept({ ...delivery, body: parsed });
    if (!outcome.ok) {
      const headers: Record<string, string> = outcome.retryAfterSeconds === undefined ? {} : { 'retry-after': String(outcome.retryAfterSeconds) };
      send(res, outcome.httpStatus, { error: { code: outcome.code, message: outcome.message, ...(outcome.events ? { events: outcome.events } : {}) } }, headers);
      return done();
    }
    const count = (status: string): number => outcome.events.filter((e) => e.status === status).length;
    send(res, 200, {
      accepted: count('ACCEPTED'),
      duplicates: count('DUPLICATE'),
      conflicts: count('CONFLICT'),
      events: outcome.events,
    });
    done();
  }

  return { matches: (pathname) => PATH.test(pathname), handle };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** The body as bytes, exactly as sent (the signature covers them); null when over the limit. */
function readRaw(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
