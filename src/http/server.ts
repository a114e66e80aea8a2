import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, Kind, OperationTypeNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { authenticate } from '../auth/authenticate.js';
import { unitScopeOf } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { collectDefaultMetrics, register } from 'prom-client';
import { ERROR_CODES } from '../schema/errors.js';
import { createRequestContext, type ApiServices, type RequestContext } from './context.js';
import { queryLimitRule } from './query-limits.js';
import { resolvePersisted, type PersistedOperation } from './persisted-operations.js';
import { ClientRateLimiter } from './rate-limiter.js';
import { createHash } from 'node:crypto';
import type { IngestRoute } from './ingest.route.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpServerOptions {
  schema: GraphQLSchema;
  services: ApiServices;
  logger: Logger;
  production: boolean;
  readiness: readonly ReadinessCheck[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Requests per second and burst per client (credential or address); 0 turns the limit off. */
  rateLimit?: { perSecond: number; burst: number };
  /** When set, only these operations run (production). */
  persistedOperations?: ReadonlyMap<string, PersistedOperation>;
  /** Verifies bearer tokens; every GraphQL request goes through it. */
  tokens?: TokenVerifier;
  /** `POST /ingest/:system`: signed pushes of agency systems. */
  ingest?: IngestRoute;
}

export interface HubHttpServer {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

const KNOWN_CODES = new Set<string>([
  ...ERROR_CODES.filter((c) => c !== 'INTERNAL_SERVER_ERROR'),
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COSTLY',
  'RATE_LIMITED',
]);
/** Codes Apollo itself assigns to request errors; passed through as they are. */
const APOLLO_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

const REPORT_PATH = /^\/reports\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(json|csv)$/;

/**
 * The hub's HTTP server: Apollo Server driven through `executeHTTPGraphQLRequest` on a plain
 * node:http server (no Express), with /healthz, /readyz and /metrics beside /graphql.
 */
/**
 * Node's own metrics on /metrics beside the hub's: CPU, memory, GC pauses and event-loop delay
 * (its percentiles cover the time since the previous scrape). Once per process.
 */
function collectProcessMetrics(): void {
  if (register.getSingleMetric('nodejs_eventloop_lag_p99_seconds')) return;
  collectDefaultMetrics({ eventLoopMonitoringPrecision: 10 });
}

export async function createHttpServer(options: HttpServerOptions): Promise<HubHttpServer> {
  const { logger } = options;
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  collectProcessMetrics();
  const apollo = new ApolloServer<RequestContext>({
    schema: options.schema,
    introspection: !options.production,
    // No "Did you mean …" field suggestions in production: they map the schema for an attacker.
    hideSchemaDetailsFromClientErrors: options.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: [queryLimitRule()],
    // Refuses documents with too many tokens before parsing them fully (oversized or padded queries).
    parseOptions: { maxTokens: 5_000 },
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      options.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      mutationAuditPlugin(options.services),
    ],
    formatError: (formatted, error) => maskError(formatted, error, logger),
  });
  await apollo.start();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : error }, 'unhandled request error');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.requestTimeout = 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub.local');
    if (options.ingest?.matches(url.pathname)) return options.ingest.handle(req, res, url);
    const report = REPORT_PATH.exec(url.pathname);
    if (report) return reportExport(req, res, report[1] as string, report[2] as 'json' | 'csv');
    switch (url.pathname) {
      case '/graphql':
        return graphql(req, res, url);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz':
        return readyz(res);
      case '/metrics': {
        const body = await register.metrics();
        res.writeHead(200, { 'content-type': register.contentType });
        res.end(body);
        return;
      }
      default:
        return sendJson(res, 404, { error: `no route ${url.pathname}` });
    }
  }

  const limiter = new ClientRateLimiter(options.rateLimit?.perSecond ?? 0, options.rateLimit?.burst ?? 0);

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const client = req.headers.authorization ? createHash('sha256').update(req.headers.authorization).digest('base64url') : (req.socket.remoteAddress ?? 'unknown');
    const wait = limiter.take(client);
    if (wait !== null) {
      res.setHeader('retry-after', String(wait));
      return sendJson(res, 429, { errors: [{ message: `too many requests; retry after ${wait} s`, extensions: { code: 'RATE_LIMITED' } }] });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const raw = await readBody(req, maxBody);
    if (raw === null) return sendJson(res, 413, { errors: [{ message: `request body over ${maxBody} bytes`, extensions: { code: 'BAD_REQUEST' } }] });
    let body: unknown = raw;
    const contentType = headers.get('content-type') ?? '';
    if (raw.length > 0 && contentType.includes('application/json')) {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        return sendJson(res, 400, { errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    if (options.persistedOperations) {
      const refused = applyPersisted(options.persistedOperations, body, url);
      if (refused) return sendJson(res, 400, { errors: [{ message: refused, extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body };
    const requestId = headers.get('x-request-id') ?? undefined;
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        const auth = await authenticate(headers.get('authorization'), options.tokens, options.services.ingest?.auth);
        if (!auth.ok) {
          throw new GraphQLError(auth.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        return createRequestContext(options.services, logger, requestId, auth.principal, headers);
      },
    });
    const responseHeaders: Record<string, string> = {};
    for (const [key, value] of result.headers) responseHeaders[key] = value;
    res.writeHead(result.status ?? 200, responseHeaders);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  /**
   * `GET /reports/:runId.json|csv`: a run's report, byte for byte as issued, with its SHA-256 in
   * `Repr-Digest` (RFC 9530) and `X-Report-SHA256`. Needs `reconciliation:read` and the run's
   * province among the caller's units; every export is recorded in the audit trail.
   */
  async function reportExport(req: IncomingMessage, res: ServerResponse, runId: string, format: 'json' | 'csv'): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'use GET', code: 'METHOD_NOT_ALLOWED' });
    const auth = await authenticate(req.headers.authorization, options.tokens, undefined);
    if (!auth.ok || auth.principal.kind === 'ANONYMOUS') return sendJson(res, 401, { error: auth.ok ? 'a bearer token is required' : auth.message, code: 'UNAUTHENTICATED' });
    const principal = auth.principal;
    if (!principal.scopes.has('reconciliation:read')) return sendJson(res, 403, { error: 'reading reports needs reconciliation:read', code: 'FORBIDDEN' });
    const found = await options.services.reconciliation.report(runId, format);
    if (!found) return sendJson(res, 404, { error: `run ${runId} has no ${format} report (it may still be running)`, code: 'NOT_FOUND' });
    const scope = unitScopeOf(principal);
    if (!scope.all && !scope.provinces.includes(found.provinceCode)) {
      return sendJson(res, 403, { error: `this run covers province ${found.provinceCode}, outside your units`, code: 'FORBIDDEN' });
    }
    await options.services.audit.append([
      {
        action: 'REPORT_EXPORTED',
        actor: principal.subject,
        actorUnit: scope.provinces[0] ?? null,
        subjectPersonalId: null,
        purpose: null,
        reference: `run:${runId}`,
        fields: [],
        requestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : null,
        detail: { format, sha256: found.sha256 },
      },
    ]);
    res.writeHead(200, {
      'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      'content-length': String(found.bytes),
      'content-disposition': `attachment; filename="lienthong-run-${runId}.${format}"`,
      'repr-digest': `sha-256=:${Buffer.from(found.sha256, 'hex').toString('base64')}:`,
      'x-report-sha256': found.sha256,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    // Part by part, waiting for the client to take each: an export of any size streams with a megabyte in memory.
    for await (const chunk of found.chunks()) {
      if (!res.write(chunk, 'utf8')) await once(res, 'drain');
    }
    res.end();
  }

  async function readyz(res: ServerResponse): Promise<void> {
    const checks = await Promise.all(
      options.readiness.map(async (c) => {
        try {
          await c.check();
          return { name: c.name, ok: true };
        } catch (error) {
          return { name: c.name, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = checks.every((c) => c.ok);
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
  }

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}/graphql`);
        });
      }),
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), 3_000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await apollo.stop();
    },
  };
}

/** Replaces a persisted reference by its text in the request, or says why it is refused. */
function applyPersisted(manifest: ReadonlyMap<string, PersistedOperation>, body: unknown, url: URL): string | null {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const request = body as { query?: unknown; extensions?: Record<string, unknown> };
    const outcome = resolvePersisted(manifest, request.query, request.extensions);
    if (!outcome.ok) return outcome.message;
    request.query = outcome.query;
    if (request.extensions) delete request.extensions['persistedQuery'];
    return null;
  }
  if (url.searchParams.has('query') || url.searchParams.has('extensions')) {
    let extensions: unknown = null;
    try {
      extensions = JSON.parse(url.searchParams.get('extensions') ?? 'null');
    } catch {
      return 'the extensions parameter is not JSON';
    }
    const outcome = resolvePersisted(manifest, url.searchParams.get('query') ?? undefined, extensions);
    if (!outcome.ok) return outcome.message;
    url.searchParams.set('query', outcome.query);
    url.searchParams.delete('extensions');
    return null;
  }
  return null;
}

/**
 * Every mutation is recorded in the audit trail: who, their unit, which mutation fields, and
 * whether it succeeded. Variables are not recorded (they can carry personal data).
 */
function mutationAuditPlugin(services: ApiServices): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ operation, contextValue, response }) {
          if (operation?.operation !== OperationTypeNode.MUTATION) return;
          const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          // Refused because PostgreSQL is down: nothing changed, and no audit row can be written either.
          if (errors.some((e) => e.extensions?.['code'] === 'STORAGE_UNAVAILABLE')) return;
          await services.audit.append([
            {
              action: 'MUTATION',
              actor: contextValue.actor.id,
              actorUnit: contextValue.actor.unit,
              subjectPersonalId: null,
              purpose: null,
              reference: fields.join(','),
              fields,
              requestId: contextValue.requestId,
              detail: { operationName: operation.name?.value ?? null, errors: errors.map((e) => e.extensions?.['code'] ?? 'ERROR') },
            },
          ]);
        },
      });
    },
  };
}

/**
 * Errors the code raised on purpose keep their code and message. Anything else is an internal
 * error: logged with its stack, returned without message, stack, SQL or host names.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const raw = formatted.extensions?.['code'];
  const code = typeof raw === 'string' ? raw : 'INTERNAL_SERVER_ERROR';
  if (KNOWN_CODES.has(code) || APOLLO_CODES.has(code)) return formatted;
  const original = unwrapResolverError(error);
  logger.error({ err: original instanceof Error ? { message: original.message, stack: original.stack } : original, path: formatted.path }, 'internal error in resolver');
  return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
