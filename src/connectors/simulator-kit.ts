import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { SystemId } from './system-id.js';

/**
 * Faults a simulator injects into its answers, switchable at run time through
 * `POST /__admin/faults` or from tests through {@link SimulatorServer.setFaults}.
 */
export const faultsSchema = z.object({
  /** Added to every answer, in milliseconds. */
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  /** Share of requests answered with HTTP 503 (0–1). */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of requests answered with a malformed body (0–1): truncated JSON/XML or wrong shapes. */
  malformedRate: z.number().min(0).max(1).default(0),
  /** When true the server resets every connection: the system is down. */
  down: z.boolean().default(false),
});

export type Faults = z.infer<typeof faultsSchema>;

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, malformedRate: 0, down: false };

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** An answer whose body is UTF-8 bytes already, as a {@link JsonBodyWriter} writes a change-feed page. */
export interface SimBytesResponse {
  status: number;
  contentType: string;
  bytes: Buffer;
  headers?: Record<string, string>;
}

export type SimAnswer = SimResponse | SimBytesResponse;

export type SimHandler = (req: SimRequest) => Promise<SimAnswer> | SimAnswer;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown): SimResponse {
  return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(value) };
}

/**
 * A JSON answer written straight into UTF-8 bytes, a piece at a time, for the change-feed pages
 * of a million-dossier province: a page of a thousand records rendered as objects cost a
 * JSON.stringify of the page, a pass to count its UTF-8 bytes and another to encode them. The
 * caller writes JSON text, each string through {@link jsonString}, and keeps the keys in the
 * order the objects had, so the bytes are what JSON.stringify wrote.
 */
export class JsonBodyWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  write(text: string): void {
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    const needed = this.length + text.length * 3;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  answer(status: number): SimBytesResponse {
    return { status, contentType: JSON_CONTENT_TYPE, bytes: this.buffer.subarray(0, this.length) };
  }
}

/** `JSON.stringify(text)`, without its cost for the usual string that needs no escape. */
export function jsonString(text: string): string {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    // What JSON.stringify escapes: quote, backslash, control characters; surrogates go to it too.
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

export function xml(status: number, body: string): SimResponse {
  return { status, contentType: 'text/xml; charset=utf-8', body };
}

/** Deterministic pseudo-random numbers (mulberry32), so demo data and faults repeat from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts of requests the simulator received, by path, so tests can assert batching. */
export type RequestCounts = Record<string, number>;

/**
 * A real HTTP server for one simulated agency system. The system's own routes are a handler;
 * this kit adds fault injection, request counting and the admin endpoints:
 * - `GET /__admin/faults`, `POST /__admin/faults` (JSON body, partial) — read or set faults
 * - `GET /__admin/requests`, `DELETE /__admin/requests` — request counts by path
 */
export class SimulatorServer {
  private server: Server | undefined;
  private faults: Faults = { ...NO_FAULTS };
  private counts: RequestCounts = {};
  private readonly random: () => number;
  private readonly adminRoutes = new Map<string, () => unknown>();
  /** Malformed answers come from the system's own renderer when it has one (e.g. truncated XML). */
  malform: (res: SimResponse, random: () => number) => SimAnswer = defaultMalform;

  constructor(
    readonly system: SystemId,
    private readonly handler: SimHandler,
    seed = 1,
  ) {
    this.random = seededRandom(seed ^ 0x5eed);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error(`${this.system} simulator is not listening`);
    return `http://127.0.0.1:${address.port}`;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      void this.serve(req, res);
    });
    this.server.keepAliveTimeout = 15_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds a read-only admin endpoint `GET /__admin/<name>` (e.g. the demo data's ground truth). */
  addAdminRoute(name: string, read: () => unknown): void {
    this.adminRoutes.set(`/__admin/${name}`, read);
  }

  setFaults(faults: Partial<Faults>): Faults {
    this.faults = faultsSchema.parse({ ...this.faults, ...faults });
    return this.faults;
  }

  resetFaults(): void {
    this.faults = { ...NO_FAULTS };
  }

  requestCounts(): RequestCounts {
    return { ...this.counts };
  }

  resetRequestCounts(): void {
    this.counts = {};
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const body = await readBody(req);
    if (url.pathname.startsWith('/__admin/')) {
      send(res, this.admin(req.method ?? 'GET', url.pathname, body));
      return;
    }
    this.counts[url.pathname] = (this.counts[url.pathname] ?? 0) + 1;
    if (this.faults.down) {
      req.socket.destroy();
      return;
    }
    if (this.faults.latencyMs > 0) await delay(this.faults.latencyMs);
    if (res.destroyed) return;
    if (this.faults.errorRate > 0 && this.random() < this.faults.errorRate) {
      send(res, json(503, { error: 'service unavailable (injected)' }));
      return;
    }
    let answer: SimAnswer;
    try {
      answer = await this.handler({ method: req.method ?? 'GET', url, headers: req.headers, body });
    } catch (error) {
      answer = json(500, { error: error instanceof Error ? error.message : 'internal error' });
    }
    if (this.faults.malformedRate > 0 && answer.status < 300 && this.random() < this.faults.malformedRate) {
      answer = this.malform(asText(answer), this.random);
    }
    send(res, answer);
  }

  private admin(method: string, path: string, body: string): SimResponse {
    if (path === '/__admin/faults') {
      if (method === 'GET') return json(200, this.faults);
      if (method === 'POST' || method === 'PUT') {
        let input: unknown;
        try {
          input = body ? JSON.parse(body) : {};
        } catch {
          return json(400, { error: 'faults must be JSON' });
        }
        const parsed = faultsSchema.partial().safeParse(input);
        if (!parsed.success) return json(400, { error: parsed.error.issues[0]?.message ?? 'invalid faults' });
        const update = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
        return json(200, this.setFaults(update));
      }
      if (method === 'DELETE') {
        this.resetFaults();
        return json(200, this.faults);
      }
    }
    if (path === '/__admin/requests') {
      if (method === 'DELETE') this.resetRequestCounts();
      return json(200, this.counts);
    }
    const route = this.adminRoutes.get(path);
    if (route && method === 'GET') return json(200, route());
    return json(404, { error: 'unknown admin path' });
  }
}

function defaultMalform(res: SimResponse, random: () => number): SimResponse {
  // Half truncated (a connection cut mid-body), half well-formed but of the wrong shape.
  if (random() < 0.5) return { ...res, body: res.body.slice(0, Math.max(1, Math.floor(res.body.length / 2))) };
  return res.contentType.includes('json')
    ? { ...res, body: JSON.stringify({ unexpected: true, data: 'not what the contract says' }) }
    : { ...res, body: '<?xml version="1.0"?><Unexpected/>' };
}

/** Malformers work on text: an answer written as bytes is handed to them decoded. */
function asText(answer: SimAnswer): SimResponse {
  if (!('bytes' in answer)) return answer;
  const { bytes, ...rest } = answer;
  return { ...rest, body: bytes.toString('utf8') };
}

function send(res: ServerResponse, answer: SimAnswer): void {
  if (res.destroyed) return;
  // Encoded once: measuring a string's UTF-8 length and then writing it encodes it twice.
  const bytes = 'bytes' in answer ? answer.bytes : Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': bytes.length,
    ...answer.headers,
  });
  res.end(bytes);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An opaque change-feed cursor over a position in a simulator's change log (`prefix` names the system). */
export function writeSequenceCursor(prefix: string, seq: number): string {
  return Buffer.from(`${prefix}${seq}`, 'utf8').toString('base64url');
}

/** The position a cursor names: 0 for none, null for a cursor this simulator did not issue. */
export function readSequenceCursor(prefix: string, cursor: string | null): number | null {
  if (cursor === null || cursor === '') return 0;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(prefix)) return null;
  const seq = Number(decoded.slice(prefix.length));
  return Number.isInteger(seq) && seq >= 0 ? seq : null;
}
