import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Connector, SystemHealth } from '../connector.js';
import { ConnectorError, isConnectorError } from '../connector-error.js';
import { HttpClient, type CallStats, type HttpResponse, type ResilienceOptions } from '../http-client.js';
import type { Citizen } from './citizen.js';
import { citizenFromCongDan } from './mapping.js';
import { decodeSoapXml, faultSchema, isFaultDocument, lookupResponseSchema, verifyResponseSchema, type SoapFault } from './payload.js';
import {
  FAULT_CODES,
  POPULATION_MAX_BATCH,
  POPULATION_SERVICE_PATH,
  SOAP_ACTIONS,
  lookupRequestXml,
  verifyRequestXml,
  type CallerIdentity,
  type VerifyQuery,
} from './soap.js';
import { inParallel } from '../in-parallel.js';

const SYSTEM = 'population';

/** Who the hub says it is on every lookup; the request id is fresh per request. */
export type PopulationCaller = Omit<CallerIdentity, 'requestId'>;

export const DEFAULT_POPULATION_CALLER: PopulationCaller = {
  serviceCode: 'LIENTHONG',
  integrationCode: 'LIENTHONG_HUB',
  unitCode: '000.00.00.H96',
  officerCode: 'HE_THONG_LIEN_THONG',
};

export interface PopulationConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
  /** A ready client, for tests that share one; otherwise one is built from baseUrl and resilience. */
  http?: HttpClient;
  caller?: PopulationCaller;
  /** Ids per SOAP request; the service refuses more than 50. */
  batchSize?: number;
  /** Requests of one lookup in flight at once. */
  parallelBatches?: number;
  /** Further attempts of a request refused for rate limiting. */
  rateLimitRetries?: number;
  /** Longest single wait after a rate-limit fault. */
  maxRateLimitWaitMs?: number;
}

export interface RateLimitStats {
  /** Requests the service refused for exceeding its rate limit. */
  rateLimited: number;
  /** Of those, how many were sent again after waiting. */
  retried: number;
  lastRetryAfterSeconds: number | null;
}

const DEFAULTS = { parallelBatches: 3, rateLimitRetries: 8, maxRateLimitWaitMs: 10_000 } as const;
/** A fault is the answer to a SOAP call, whatever its HTTP status (SOAP 1.1 sends faults as 500). */
const SOAP_FAULT_STATUS = [500] as const;

/**
 * Connector to the National Population Database's SOAP service: batch lookups of citizens by
 * personal id and identity verification.
 *
 * Rate limiting: the service answers an overloaded caller with a fault, not HTTP 429, so the
 * connector reads fault bodies itself (HTTP 500 is accepted by the HTTP client) and turns the
 * rate-limit fault into UPSTREAM_RATE_LIMITED with `retryAfterSeconds`. It waits at least that
 * long, with exponential backoff and jitter, before sending the same request again. Rate-limit
 * faults therefore never count towards the circuit breaker: the service is up, only busy.
 * Transport failures, timeouts and injected 503s go through the HTTP client's own retries and
 * breaker as for every system.
 */
export class PopulationConnector implements Connector {
  readonly system = SYSTEM;
  private readonly http: HttpClient;
  private readonly logger: Logger;
  private readonly caller: PopulationCaller;
  private readonly batchSize: number;
  private readonly parallelBatches: number;
  private readonly rateLimitRetries: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly retryBaseMs: number;
  private readonly rateLimit: RateLimitStats = { rateLimited: 0, retried: 0, lastRetryAfterSeconds: null };

  constructor(options: PopulationConnectorOptions) {
    this.logger = options.logger.child({ system: SYSTEM });
    this.http = options.http ?? new HttpClient(SYSTEM, options.baseUrl, this.logger, options.resilience);
    this.caller = options.caller ?? DEFAULT_POPULATION_CALLER;
    this.batchSize = options.batchSize ?? POPULATION_MAX_BATCH;
    this.parallelBatches = options.parallelBatches ?? DEFAULTS.parallelBatches;
    this.rateLimitRetries = options.rateLimitRetries ?? DEFAULTS.rateLimitRetries;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs;
    this.retryBaseMs = this.http.options.retryBaseMs;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    if (!Number.isInteger(this.parallelBatches) || this.parallelBatches < 1) throw new RangeError('parallelBatches must be a positive integer');
  }

  /**
   * Citizens by personal id, in requests of up to 50 ids, a few in flight at once. Ids the
   * database does not hold are absent from the map, and so are strings that cannot be a personal
   * id (not 12 digits): they are never sent. Either every id is answered or the call fails.
   */
  async citizensByIds(ids: readonly string[], caller: Partial<PopulationCaller> = {}): Promise<Map<string, Citizen>> {
    const wanted = [...new Set(ids)].filter((id) => /^\d{12}$/.test(id));
    const batches: string[][] = [];
    for (let start = 0; start < wanted.length; start += this.batchSize) batches.push(wanted.slice(start, start + this.batchSize));
    const found = new Map<string, Citizen>();
    await inParallel(batches, this.parallelBatches, async (batch) => {
      for (const citizen of await this.lookupBatch(batch, caller)) found.set(citizen.personalId, citizen);
    });
    return found;
  }

  /**
   * `XacThucThongTinCongDan`: whether a citizen with exactly this id, full name and birth date
   * exists. The database says only yes or no, never what differs.
   */
  async verifyCitizen(query: VerifyQuery, caller: Partial<PopulationCaller> = {}): Promise<boolean> {
    const identity = this.identity(caller);
    const answer = await this.call(SOAP_ACTIONS.verify, verifyRequestXml(identity, query), verifyResponseSchema);
    if (answer.MaYeuCau !== identity.requestId) throw invalid('the verification answers another request');
    return answer.TonTai;
  }

  /** Up when the service description is served: the service has no cheaper probe, and a lookup would be metered. */
  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const res = await this.http.send({ method: 'GET', path: POPULATION_SERVICE_PATH, query: { wsdl: '' }, idempotent: true });
      if (!res.body.includes('CongDanService')) throw invalid('the service description does not name CongDanService');
      return { system: SYSTEM, status: 'UP', detail: null, checkedAt };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      return { system: SYSTEM, status: 'DOWN', detail: `${error.code}: ${error.message}`, checkedAt };
    }
  }

  stats(): CallStats {
    return this.http.stats();
  }

  rateLimitStats(): RateLimitStats {
    return { ...this.rateLimit };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async lookupBatch(batch: readonly string[], caller: Partial<PopulationCaller>): Promise<Citizen[]> {
    const identity = this.identity(caller);
    const answer = await this.call(SOAP_ACTIONS.lookup, lookupRequestXml(identity, batch), lookupResponseSchema);
    if (answer.requestId !== identity.requestId) throw invalid('the collection answers another request');
    const asked = new Set(batch);
    const seen = new Set<string>();
    for (const record of answer.records) {
      if (!asked.has(record.SoDinhDanh)) throw invalid('the collection holds a citizen that was not asked for');
      if (seen.has(record.SoDinhDanh)) throw invalid('the collection holds a citizen twice');
      seen.add(record.SoDinhDanh);
    }
    return answer.records.map(citizenFromCongDan);
  }

  /** One SOAP call, sent again after rate-limit faults as the service asks. */
  private async call<S extends z.ZodType>(action: string, body: string, schema: S): Promise<z.output<S>> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return this.read(await this.post(action, body), schema);
      } catch (error) {
        if (!isConnectorError(error) || error.code !== 'UPSTREAM_RATE_LIMITED' || attempt >= this.rateLimitRetries) throw error;
        const waitMs = this.rateLimitWait(error.retryAfterSeconds, attempt);
        this.rateLimit.retried += 1;
        this.logger.debug({ attempt: attempt + 1, waitMs }, 'rate limited by the population database; waiting before retrying');
        await delay(waitMs);
      }
    }
  }

  private post(action: string, body: string): Promise<HttpResponse> {
    return this.http.send({
      method: 'POST',
      path: POPULATION_SERVICE_PATH,
      headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: `"${action}"` },
      body,
      // Lookups and verifications read and change nothing, so they are safe to send again.
      idempotent: true,
      acceptStatus: SOAP_FAULT_STATUS,
    });
  }

  /** Reads an answer: a fault becomes its ConnectorError, anything else must match `schema` whole. */
  private read<S extends z.ZodType>(res: HttpResponse, schema: S): z.output<S> {
    let decoded: unknown;
    try {
      decoded = decodeSoapXml(res.body);
    } catch (cause) {
      if (res.status >= 500) {
        // A 500 that is not a SOAP document is a gateway or server failure, not an answer.
        throw new ConnectorError(SYSTEM, 'UPSTREAM_UNAVAILABLE', `server error (HTTP ${res.status}) without a SOAP fault`, {
          status: res.status,
          transient: true,
          cause,
        });
      }
      throw new ConnectorError(SYSTEM, 'UPSTREAM_INVALID_RESPONSE', 'the answer is not well-formed XML', {
        status: res.status,
        transient: false,
        cause,
      });
    }
    if (isFaultDocument(decoded)) throw this.faultError(this.http.parse('', faultSchema, () => decoded), res.status);
    if (res.status >= 300) {
      throw new ConnectorError(SYSTEM, 'UPSTREAM_UNAVAILABLE', `server error (HTTP ${res.status}) without a SOAP fault`, {
        status: res.status,
        transient: true,
      });
    }
    return this.http.parse('', schema, () => decoded);
  }

  private faultError(fault: SoapFault, status: number): ConnectorError {
    const message = `SOAP fault ${fault.faultcode}${fault.code ? ` ${fault.code}` : ''}: ${truncate(fault.faultstring)}`;
    if (fault.code === FAULT_CODES.RATE_LIMITED) {
      this.rateLimit.rateLimited += 1;
      // A rate-limit fault without a wait still means "later": one second is the gateway's usual window.
      const retryAfterSeconds = fault.retryAfterSeconds ?? 1;
      this.rateLimit.lastRetryAfterSeconds = retryAfterSeconds;
      return new ConnectorError(SYSTEM, 'UPSTREAM_RATE_LIMITED', message, { status, transient: true, retryAfterSeconds });
    }
    if (fault.faultcode === 'Client') return new ConnectorError(SYSTEM, 'UPSTREAM_REJECTED', message, { status, transient: false });
    return new ConnectorError(SYSTEM, 'UPSTREAM_UNAVAILABLE', message, { status, transient: true });
  }

  /** At least what the service asked for, growing with each refusal, jittered so callers spread out. */
  private rateLimitWait(retryAfterSeconds: number | undefined, attempt: number): number {
    const asked = (retryAfterSeconds ?? 1) * 1_000;
    const backoff = this.retryBaseMs * 2 ** attempt;
    const base = Math.max(asked, backoff);
    return Math.min(this.maxRateLimitWaitMs, Math.round(base * (1 + Math.random() * 0.5)));
  }

  private identity(caller: Partial<PopulationCaller>): CallerIdentity {
    return { ...this.caller, ...caller, requestId: randomUUID() };
  }
}

function invalid(message: string): ConnectorError {
  return new ConnectorError(SYSTEM, 'UPSTREAM_INVALID_RESPONSE', message, { transient: false });
}

/** Fault strings can echo input; keep them short in errors that reach logs and reports. */
function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
