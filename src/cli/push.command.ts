import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isSystemId } from '../connectors/system-id.js';
import { WebhookSender, type OutgoingEvent } from '../connectors/webhook-sender.js';
import { INBOUND_EVENT_TYPES, MAX_BATCH_EVENTS, isInboundEventType } from '../domain/inbound-event.js';
import { generateWebhookSecret, webhookSecretProblem } from '../http/webhook-signature.js';

export const PUSH_USAGE = `Usage: lienthong push [options] [FILE | -]

Signs events (Standard Webhooks) and sends them to the hub's POST /ingest/:system.

  FILE                 a JSON file holding one event or an array of events; - reads standard input
  --hub URL            the hub (env LIENTHONG_HUB_URL; default http://localhost:4000)
  --system ID          the pushing system, e.g. provincial (env LIENTHONG_SYSTEM)
  --secret whsec_...   its webhook secret; give it twice during a rotation (env LIENTHONG_SECRET,
                       several separated by spaces)
  --type TYPE          push one event built from options instead of a file:
  --data JSON            its data, e.g. '{"dossierCode":"…","status":"PROCESSING",…}'
  --id ID                its id (default: a new one)
  --timestamp ISO        when it happened (default: now)
  --version N            the record's version at the source
  --sequence N           the sender's sequence number
  --batch N            events per delivery when the file holds more (default and most: ${MAX_BATCH_EVENTS})
  --new-secret         print a new whsec_ secret for a system and exit

Event types: ${INBOUND_EVENT_TYPES.join(', ')}.
Prints the hub's answer to each delivery (never the events); exits 1 if any was refused.`;

export interface PushIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `lienthong push`: returns the exit code. */
export async function pushCommand(argv: readonly string[], io: PushIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        hub: { type: 'string' },
        system: { type: 'string' },
        secret: { type: 'string', multiple: true },
        type: { type: 'string' },
        data: { type: 'string' },
        id: { type: 'string' },
        timestamp: { type: 'string' },
        version: { type: 'string' },
        sequence: { type: 'string' },
        batch: { type: 'string' },
        'new-secret': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${PUSH_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${PUSH_USAGE}\n`);
    return 0;
  }
  if (values['new-secret']) {
    io.out(`${generateWebhookSecret()}\n`);
    return 0;
  }
  const fail = (message: string): number => {
    io.err(`lienthong push: ${message}\n`);
    return 2;
  };
  const hub = values.hub ?? io.env['LIENTHONG_HUB_URL'] ?? 'http://localhost:4000';
  const system = values.system ?? io.env['LIENTHONG_SYSTEM'];
  if (!system) return fail('which system is pushing? --system or LIENTHONG_SYSTEM');
  if (!isSystemId(system)) return fail(`unknown system "${system}"`);
  const secrets = values.secret ?? (io.env['LIENTHONG_SECRET'] ?? '').split(/\s+/).filter(Boolean);
  if (secrets.length === 0) return fail('no secret: --secret whsec_... or LIENTHONG_SECRET');
  for (const secret of secrets) {
    const problem = webhookSecretProblem(secret);
    if (problem) return fail(problem);
  }
  const batch = values.batch === undefined ? MAX_BATCH_EVENTS : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH_EVENTS) return fail(`--batch must be 1 to ${MAX_BATCH_EVENTS}`);

  let events: OutgoingEvent[];
  if (values.type !== undefined) {
    if (!isInboundEventType(values.type)) return fail(`unknown event type "${values.type}"; one of ${INBOUND_EVENT_TYPES.join(', ')}`);
    let data: unknown;
    try {
      data = JSON.parse(values.data ?? '{}');
    } catch {
      return fail('--data is not JSON');
    }
    const numberOption = (name: 'version' | 'sequence'): number | undefined => (values[name] === undefined ? undefined : Number(values[name]));
    const version = numberOption('version');
    const sequence = numberOption('sequence');
    events = [
      {
        ...(values.id ? { id: values.id } : {}),
        type: values.type,
        timestamp: values.timestamp ?? new Date().toISOString(),
        ...(version === undefined ? {} : { version }),
        ...(sequence === undefined ? {} : { sequence }),
        data: data as Record<string, unknown>,
      },
    ];
  } else {
    const [file] = positionals;
    if (!file) return fail('give a FILE (or -), or --type and --data');
    let text: string;
    try {
      text = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
    } catch (error) {
      return fail(`cannot read ${file}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(`${file} is not JSON`);
    }
    // The hub checks each event; the tool only fills what the sender may leave out.
    events = (Array.isArray(json) ? json : [json]).map((e) => {
      const event = e as Partial<OutgoingEvent>;
      return { ...event, timestamp: event.timestamp ?? new Date().toISOString() } as OutgoingEvent;
    });
  }

  const sender = new WebhookSender({ hubUrl: hub, system, secret: secrets });
  let refused = 0;
  for (let start = 0; start < events.length; start += batch) {
    const slice = events.slice(start, start + batch);
    const reply = await sender.send(slice.length === 1 && events.length === 1 ? (slice[0] as OutgoingEvent) : slice);
    io.out(`${JSON.stringify({ status: reply.status, attempts: reply.attempts, webhookId: reply.webhookId, answer: reply.body })}\n`);
    if (!reply.ok) refused += 1;
  }
  return refused === 0 ? 0 : 1;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
