import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { unitScopeOf, type Principal } from '../src/auth/principal.js';
import { TokenVerifier } from '../src/auth/token-verifier.js';
import { isConnectorError } from '../src/connectors/connector-error.js';
import type { Citizen } from '../src/connectors/population/citizen.js';
import { CivilRegistrationConnector } from '../src/connectors/civil-registration/client.js';
import { GovernmentDocumentsConnector } from '../src/connectors/government-documents/client.js';
import { PopulationConnector } from '../src/connectors/population/client.js';
import { AuditRepository } from '../src/db/audit.repository.js';
import { connectDatabase, type DbHandle } from '../src/db/client.js';
import { DocumentRepository, type DocumentQuery } from '../src/db/document.repository.js';
import { DossierRepository, type DossierQuery, type DossierRow, type ObservationRow } from '../src/db/dossier.repository.js';
import { isDossierStatus } from '../src/domain/dossier-status.js';
import { procedureByCode } from '../src/domain/procedures.js';
import { createLogger, type Logger } from '../src/logger.js';
import { decodeCursor, encodeCursor } from '../src/schema/arguments.js';
import { CitizenLookupService } from '../src/services/citizen-lookup.service.js';
import { DocumentQueryService } from '../src/services/document-query.service.js';
import { DossierQueryService } from '../src/services/dossier-query.service.js';

/**
 * The floor of bench/query.ts: the DossierPageBench query's data served by hand, no GraphQL.
 * It calls the hub's own services and repositories, so it issues the same SQL (dossier page,
 * count, observations, documents page, audit insert) and the same single SOAP batch call through
 * the same PopulationConnector, in the same order and with the same parallelism as the hub's
 * resolvers, after the same bearer-token check and with the same unit scope in the SQL; then it
 * writes the JSON the hub would answer, field for field.
 */

export interface FloorServices {
  dossiers: DossierQueryService;
  documents: DocumentQueryService;
  citizens: CitizenLookupService;
  tokens: TokenVerifier;
}

/** The variables of DossierPageBench the floor understands. */
interface PageVariables {
  filter?: { provinceCode?: string | null } | null;
  first?: number | null;
  after?: string | null;
  documentsFirst?: number | null;
}

/** The scopes the query's fields need: dossiers, their applicants, documents. */
const NEEDED_SCOPES = ['dossiers:read', 'population:lookup', 'documents:read'] as const;

/** What the applicant resolver records per read (its `selectedFields` of `applicant { personalId fullName birthDate }`). */
const APPLICANT_FIELDS = ['birthDate', 'fullName', 'personalId'] as const;
const MAX_BODY = 1_000_000;

export function createFloorServer(services: FloorServices, logger: Logger): Server {
  const server = createServer((req, res) => {
    void handle(services, req, res).catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? { message: error.message } : String(error) }, 'floor request failed');
      if (!res.headersSent) send(res, 500, '{"errors":[{"message":"Internal server error"}]}');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

async function handle(services: FloorServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, '{"errors":[{"message":"POST only"}]}');
  const raw = await readBody(req);
  const variables: PageVariables = (JSON.parse(raw) as { variables?: PageVariables }).variables ?? {};
  // The same token check and row-level unit scope as the hub; this handler serves nothing else.
  const auth = await services.tokens.verify(req.headers.authorization);
  if (!auth.ok) return send(res, 401, JSON.stringify({ errors: [{ message: auth.message, extensions: { code: 'UNAUTHENTICATED' } }] }));
  const principal: Principal = auth.principal;
  if (!NEEDED_SCOPES.every((scope) => principal.scopes.has(scope))) {
    return send(res, 200, JSON.stringify({ errors: [{ message: 'not allowed', extensions: { code: 'FORBIDDEN' } }], data: null }));
  }
  const requestId = req.headers['x-request-id']?.toString() ?? randomUUID();
  const first = Math.min(variables.first ?? 20, 100);
  const query: DossierQuery = {
    provinceCode: variables.filter?.provinceCode ?? null,
    communeCode: null,
    status: null,
    procedureCode: null,
    hasMismatch: null,
    scope: unitScopeOf(principal),
  };
  const afterCode = variables.after ? decodeCursor(variables.after) : null;
  const documentQuery: DocumentQuery = {
    sources: null,
    provinceCode: null,
    communeCode: null,
    direction: null,
    statuses: null,
    secrecy: null,
    issuedFrom: null,
    issuedTo: null,
    text: null,
  };

  // Level 1, as graphql-js runs the two root fields: dossier page and document page at once.
  const [page, documents] = await Promise.all([
    services.dossiers.page(query, afterCode, first),
    services.documents.page(documentQuery, null, Math.min(variables.documentsFirst ?? 20, 100)),
  ]);
  // Level 2: count, observations of the page (one query) and applicants (one SOAP call), then
  // the audit rows of the applicants read, in one insert, before the data leaves.
  const codes = page.items.map((d) => d.code);
  const withApplicant = page.items.filter((d): d is DossierRow & { applicantPersonalId: string } => d.applicantPersonalId !== null);
  const errors: unknown[] = [];
  const [totalCount, observations, citizens] = await Promise.all([
    services.dossiers.count(query),
    services.dossiers.observationsByCodes(codes),
    services.citizens.citizens(withApplicant.map((d) => d.applicantPersonalId)).then(
      async (found) => {
        await services.citizens.recordReads(
          { actor: principal.subject, unit: principal.units[0] ?? null, requestId },
          withApplicant.map((d) => ({
            action: 'CITIZEN_READ',
            subjectPersonalId: d.applicantPersonalId,
            purpose: 'PROCESS_DOSSIER',
            reference: d.code,
            fields: APPLICANT_FIELDS,
          })),
        );
        return found;
      },
      (error: unknown) => {
        if (!isConnectorError(error)) throw error;
        errors.push({ message: error.message, extensions: { code: error.code, system: error.system } });
        return new Map<string, Citizen>();
      },
    ),
  ]);

  const edges = page.items.map((d, i) => ({ node: dossierNode(d, observations[i] ?? [], citizens) }));
  const body = {
    data: {
      dossiers: {
        totalCount,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.length > 0 ? encodeCursor(codes[codes.length - 1] as string) : null },
        edges,
      },
      documents: {
        edges: documents.items.map((doc) => ({
          node: {
            id: doc.id,
            source: doc.source,
            number: doc.number,
            // The content of a classified document needs its own scope, as in the hub's resolver.
            subject: doc.secrecy === 'NONE' || principal.scopes.has('documents:confidential') ? doc.subject : null,
            issuedAt: doc.issuedAt.toISOString(),
            status: doc.status,
          },
        })),
      },
    },
    ...(errors.length > 0 ? { errors } : {}),
  };
  send(res, 200, JSON.stringify(body));
}

function dossierNode(d: DossierRow, observations: readonly ObservationRow[], citizens: ReadonlyMap<string, Citizen>) {
  const citizen = d.applicantPersonalId === null ? undefined : citizens.get(d.applicantPersonalId);
  return {
    code: d.code,
    status: d.status !== null && isDossierStatus(d.status) ? d.status : null,
    procedureCode: d.procedureCode,
    procedureName: procedureByCode(d.procedureCode)?.name ?? null,
    communeCode: d.communeCode,
    receivedAt: d.receivedAt?.toISOString() ?? null,
    dueAt: d.dueAt?.toISOString() ?? null,
    hasOpenMismatch: d.hasOpenMismatch,
    observations: observations.map((o) => ({
      system: o.system,
      status: o.status !== null && isDossierStatus(o.status) ? o.status : null,
      nativeStatus: o.nativeStatus,
    })),
    applicant: citizen ? { personalId: citizen.personalId, fullName: citizen.fullName, birthDate: citizen.birthDate } : null,
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The services as the hub builds them (src/runtime/hub.ts): same pool size, same connectors' options. */
export function floorServices(
  db: DbHandle,
  env: { populationUrl: string; civilRegistrationUrl: string; governmentDocumentsUrl: string; timeoutMs: number; jwtSecret: string; issuer: string; audience: string },
  logger: Logger,
): {
  services: FloorServices;
  close(): Promise<void>;
} {
  const resilience = { timeoutMs: env.timeoutMs };
  const population = new PopulationConnector({
    baseUrl: env.populationUrl,
    logger,
    resilience,
    rateLimitRetries: 2,
    maxRateLimitWaitMs: Math.floor(env.timeoutMs / 2),
  });
  const civilRegistration = new CivilRegistrationConnector({ baseUrl: env.civilRegistrationUrl, logger, resilience });
  // Archive reads are not on this path; the connector is there because the service takes it.
  const governmentDocuments = new GovernmentDocumentsConnector({ baseUrl: env.governmentDocumentsUrl, logger, resilience });
  const services: FloorServices = {
    dossiers: new DossierQueryService(new DossierRepository(db.db)),
    documents: new DocumentQueryService(new DocumentRepository(db.db), governmentDocuments, env.timeoutMs),
    citizens: new CitizenLookupService(population, civilRegistration, new AuditRepository(db.sql), env.timeoutMs + 250),
    tokens: new TokenVerifier({ secret: env.jwtSecret, issuer: env.issuer, audience: env.audience }),
  };
  return { services, close: async () => void (await Promise.allSettled([population.close(), civilRegistration.close(), governmentDocuments.close()])) };
}

/**
 * Run as a process (`node --import tsx bench/floor-server.ts`), like the hub: reads DATABASE_URL,
 * POPULATION_URL, CIVIL_REGISTRATION_URL, GOVERNMENT_DOCUMENTS_URL, AUTH_JWT_SECRET (AUTH_ISSUER, AUTH_AUDIENCE), PORT, HOST and UPSTREAM_TIMEOUT_MS, prints
 * `Floor http://host:port/graphql` when listening, stops on SIGTERM.
 */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = (name: string, fallback?: string): string => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`${name} is required`);
    return value;
  };
  const logger = createLogger({ level: env('LOG_LEVEL', 'warn'), name: 'floor' });
  const db = connectDatabase(env('DATABASE_URL'), { max: 20 });
  const built = floorServices(
    db,
    {
      populationUrl: env('POPULATION_URL'),
      civilRegistrationUrl: env('CIVIL_REGISTRATION_URL'),
      governmentDocumentsUrl: env('GOVERNMENT_DOCUMENTS_URL'),
      timeoutMs: Number(env('UPSTREAM_TIMEOUT_MS', '2000')),
      jwtSecret: env('AUTH_JWT_SECRET'),
      issuer: env('AUTH_ISSUER', 'lienthong'),
      audience: env('AUTH_AUDIENCE', 'lienthong-api'),
    },
    logger,
  );
  const server = createFloorServer(built.services, logger);
  const host = env('HOST', '127.0.0.1');
  server.listen(Number(env('PORT', '0')), host, () => {
    process.stdout.write(`Floor http://${host}:${(server.address() as AddressInfo).port}/graphql\n`);
  });
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => void Promise.all([built.close(), db.close()]).then(() => process.exit(0)));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
