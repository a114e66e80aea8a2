import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { Agent, request, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ConnectorError } from './connector-error.js';
import type { SystemId } from './system-id.js';

export interface ResilienceOptions {
  /** Time limit of one attempt, including reading the whole body. */
  timeoutMs: number;
  /** Extra attempts for transient failures of idempotent calls. */
  retries: number;
  /** First backoff delay; later ones grow exponentially with decorrelated jitter. */
  retryBaseMs: number;
  /** Requests in flight at once; legacy back ends are small. */
  concurrency: number;
  /** Requests waiting for a slot before new ones are refused. */
  queueLimit: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one probe is let through. */
  breakerHalfOpenAfterMs: number;
  /** Largest response body accepted; a larger one is an invalid response. */
  maxResponseBytes: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  retries: 2,
  retryBaseMs: 50,
  concurrency: 16,
  queueLimit: 1_000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 5_000,
  maxResponseBytes: 16 * 1024 * 1024,
};

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: string;
  /** Only idempotent calls are retried. GETs are; writes are when they carry an idempotency key. */
  idempotent: boolean;
  /** HTTP statuses that are a valid answer for this call besides 2xx (e.g. 404 for "not found"). */
  acceptStatus?: readonly number[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received. */
  bytes: Buffer;
  /** The body as UTF-8 text, decoded on first read: a caller that reads `bytes` alone never pays for it. */
  readonly body: string;
}

/**
 * Decoding a change-feed page of a million-dossier province as UTF-8 costs as much as parsing
 * its JSON (Vietnamese names make the text non-ASCII), so it happens only when asked for.
 */
class ReceivedResponse implements HttpResponse {
  private text: string | undefined;

  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly bytes: Buffer,
  ) {}

  get body(): string {
    this.text ??= this.bytes.toString('utf8');
    return this.text;
  }
}

export type CircuitStateName = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'ISOLATED';

/** cockatiel's enum reverse-maps to 'Open', 'HalfOpen'…, not to the names the hub reports. */
const CIRCUIT_STATE_NAMES: Readonly<Record<CircuitState, CircuitStateName>> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'ISOLATED',
};

export interface CallStats {
  calls: number;
  errors: number;
  lastSuccessAt: Date | null;
  lastError: { code: string; message: string; at: Date } | null;
  p95LatencyMs: number | null;
  circuit: CircuitStateName;
}

const LATENCY_WINDOW = 256;

/**
 * HTTP client for one agency system: a timeout on every attempt, retries with jittered backoff
 * for transient failures of idempotent calls only, a circuit breaker and a concurrency cap.
 * Failures always surface as {@link ConnectorError} carrying the system id.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly policy: IPolicy;
  private readonly breaker: ReturnType<typeof circuitBreaker>;
  private readonly latencies: number[] = [];
  private latencyCursor = 0;
  private calls = 0;
  private errorCount = 0;
  private lastSuccessAt: Date | null = null;
  private lastError: CallStats['lastError'] = null;
  readonly options: ResilienceOptions;

  constructor(
    readonly system: SystemId,
    readonly baseUrl: string,
    private readonly logger: Logger,
    options: Partial<ResilienceOptions> = {},
    private readonly defaultHeaders: Record<string, string> = {},
  ) {
    this.options = { ...DEFAULT_RESILIENCE, ...options };
    this.agent = new Agent({
      connections: this.options.concurrency,
      keepAliveTimeout: 10_000,
      connectTimeout: this.options.timeoutMs,
    });
    this.breaker = circuitBreaker(
      // The timeout policy sits inside the breaker and rejects with its own TaskCancelledError, not
      // a ConnectorError; without counting it a system that hangs would never open the breaker.
      handleWhen(
        (error) => (error instanceof ConnectorError && error.transient) || error instanceof TaskCancelledError,
      ),
      {
        halfOpenAfter: this.options.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.breakerThreshold),
      },
    );
    this.breaker.onStateChange((state) => {
      this.logger.warn({ system: this.system, circuit: CIRCUIT_STATE_NAMES[state] }, 'circuit state changed');
    });
    this.policy = wrap(
      bulkhead(this.options.concurrency, this.options.queueLimit),
      this.breaker,
      timeout(this.options.timeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  /** Sends one request through the resilience policies and returns the raw answer. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    if (!req.idempotent || this.options.retries === 0) return this.guard(req);
    const retryPolicy = retry(
      handleWhen((error) => error instanceof ConnectorError && error.transient && !error.circuitOpen),
      {
        maxAttempts: this.options.retries,
        backoff: new ExponentialBackoff({ initialDelay: this.options.retryBaseMs, maxDelay: 2_000 }),
      },
    );
    return retryPolicy.execute(() => this.guard(req));
  }

  /** Sends a request and parses its JSON body with the given schema. */
  async json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    const res = await this.send({ ...req, headers: { accept: 'application/json', ...req.headers } });
    return this.parse(res.body, schema, (text) => JSON.parse(text) as unknown);
  }

  /** Parses a body with a decoder and a schema; any failure is an UPSTREAM_INVALID_RESPONSE. */
  parse<S extends z.ZodType>(body: string, schema: S, decode: (text: string) => unknown): z.output<S> {
    let decoded: unknown;
    try {
      decoded = decode(body);
    } catch (cause) {
      throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', 'the body could not be decoded', {
        transient: false,
        cause,
      });
    }
    const parsed = schema.safeParse(decoded);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
      throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', `unexpected payload at ${where}`, {
        transient: false,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  stats(): CallStats {
    return {
      calls: this.calls,
      errors: this.errorCount,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      p95LatencyMs: this.p95(),
      circuit: CIRCUIT_STATE_NAMES[this.breaker.state],
    };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async guard(req: HttpRequest): Promise<HttpResponse> {
    try {
      // A signal of its own per call: without one cockatiel hangs every timeout's abort listener on
      // one shared signal, and Node warns once more than ten calls are in flight.
      return await this.policy.execute(({ signal }) => this.attempt(req, signal), new AbortController().signal);
    } catch (error) {
      throw this.toConnectorError(error);
    }
  }

  private async attempt(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    const url = new URL(req.path, this.baseUrl);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const started = performance.now();
    this.calls += 1;
    try {
      const res = await request(url, {
        method: req.method,
        headers: { ...this.defaultHeaders, ...req.headers },
        body: req.body ?? null,
        dispatcher: this.agent,
        signal,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const bytes = await this.readBody(res.body);
      const accepted = res.statusCode < 300 || (req.acceptStatus ?? []).includes(res.statusCode);
      if (!accepted) throw this.statusError(res.statusCode, res.headers);
      this.record(performance.now() - started);
      this.lastSuccessAt = new Date();
      return new ReceivedResponse(res.statusCode, res.headers, bytes);
    } catch (error) {
      this.record(performance.now() - started);
      const failure = this.toConnectorError(error);
      this.errorCount += 1;
      this.lastError = { code: failure.code, message: failure.message, at: new Date() };
      throw failure;
    }
  }

  private async readBody(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > this.options.maxResponseBytes) {
        body.destroy();
        throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', 'response body over the size limit', {
          transient: false,
        });
      }
      chunks.push(buf);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  }

  private statusError(status: number, headers: Record<string, string | string[] | undefined>): ConnectorError {
    const retryAfter = Number(headers['retry-after']);
    const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
    if (status === 429) {
      return new ConnectorError(this.system, 'UPSTREAM_RATE_LIMITED', 'rate limited (HTTP 429)', {
        status,
        transient: true,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      });
    }
    if (status >= 500) {
      return new ConnectorError(this.system, 'UPSTREAM_UNAVAILABLE', `server error (HTTP ${status})`, {
        status,
        transient: true,
      });
    }
    return new ConnectorError(this.system, 'UPSTREAM_REJECTED', `request refused (HTTP ${status})`, {
      status,
      transient: false,
    });
  }

  private toConnectorError(error: unknown): ConnectorError {
    if (error instanceof ConnectorError) return error;
    if (error instanceof BrokenCircuitError) {
      return new ConnectorError(this.system, 'UPSTREAM_UNAVAILABLE', 'circuit open: recent calls failed', {
        transient: true,
        circuitOpen: true,
        cause: error,
      });
    }
    if (error instanceof BulkheadRejectedError) {
      return new ConnectorError(this.system, 'UPSTREAM_UNAVAILABLE', 'too many calls waiting for this system', {
        transient: true,
        cause: error,
      });
    }
    if (
      error instanceof TaskCancelledError ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError ||
      (error instanceof Error && error.name === 'AbortError')
    ) {
      return new ConnectorError(this.system, 'UPSTREAM_TIMEOUT', `no answer within ${this.options.timeoutMs} ms`, {
        transient: true,
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ConnectorError(this.system, 'UPSTREAM_UNAVAILABLE', `network failure: ${message}`, {
      transient: true,
      cause: error,
    });
  }

  private record(ms: number): void {
    if (this.latencies.length < LATENCY_WINDOW) this.latencies.push(ms);
    else this.latencies[this.latencyCursor] = ms;
    this.latencyCursor = (this.latencyCursor + 1) % LATENCY_WINDOW;
  }

  private p95(): number | null {
    if (this.latencies.length === 0) return null;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const index = Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1);
    return Math.round((sorted[index] ?? 0) * 10) / 10;
  }
}
