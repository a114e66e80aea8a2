import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ChangePage, Connector, SystemHealth } from '../connector.js';
import { ConnectorError, isConnectorError } from '../connector-error.js';
import { HttpClient, type CallStats, type HttpRequest, type ResilienceOptions } from '../http-client.js';
import type { CivilRegistration } from './civil-registration.js';
import { personalIdsOf, registrationFromRecord } from './mapping.js';
import {
  REGISTRY_LIMITS,
  REGISTRY_PATHS,
  REGISTRY_STATUS,
  byIdReplySchema,
  changesReplySchema,
  envelopeHeadSchema,
  healthReplySchema,
  lookupReplySchema,
  recordHeadSchema,
  recordSchemaFor,
} from './payload.js';
import { inParallel } from '../in-parallel.js';

const SYSTEM = 'civil-registration';
/** HTTP statuses on which the registry still answers its `{status: 0, statusDescription}` envelope. */
const REFUSAL_STATUSES = [400, 404] as const;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export interface CivilRegistrationConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
  /** A ready client, for tests that share one; otherwise one is built from baseUrl and resilience. */
  http?: HttpClient;
  /** Lookups of one call in flight at once. */
  parallelBatches?: number;
}

/**
 * Connector to the Ministry of Justice's civil-status software: registrations by the personal
 * ids they name, a province's change feed and single records. Every record is checked whole
 * against its module's schema; one record that does not parse fails the call
 * (UPSTREAM_INVALID_RESPONSE), so a person's registrations are never silently incomplete.
 */
export class CivilRegistrationConnector implements Connector {
  readonly system = SYSTEM;
  private readonly http: HttpClient;
  private readonly parallelBatches: number;

  constructor(options: CivilRegistrationConnectorOptions) {
    const logger = options.logger.child({ system: SYSTEM });
    this.http = options.http ?? new HttpClient(SYSTEM, options.baseUrl, logger, options.resilience);
    this.parallelBatches = options.parallelBatches ?? 3;
  }

  /**
   * Registrations naming each id in any role, 50 ids per request. Every well-formed id asked for
   * is a key of the map, with an empty list when the registry names it nowhere; a registration
   * naming two of the ids (a mother and her child) is listed under both.
   */
  async registrationsByPersonalIds(ids: readonly string[]): Promise<Map<string, CivilRegistration[]>> {
    const wanted = [...new Set(ids)].filter((id) => /^\d{12}$/.test(id));
    const byId = new Map<string, CivilRegistration[]>(wanted.map((id) => [id, []]));
    const batches: string[][] = [];
    for (let start = 0; start < wanted.length; start += REGISTRY_LIMITS.lookup) batches.push(wanted.slice(start, start + REGISTRY_LIMITS.lookup));
    const seen = new Map<string, Set<string>>();
    await inParallel(batches, this.parallelBatches, async (batch) => {
      const reply = await this.call(
        {
          method: 'POST',
          path: REGISTRY_PATHS.lookup,
          headers: JSON_HEADERS,
          body: JSON.stringify({ soDDCN: batch }),
          // A lookup changes nothing, so it is safe to retry.
          idempotent: true,
        },
        lookupReplySchema,
      );
      const asked = new Set(batch);
      for (const registration of reply.value.map((raw) => this.record(raw))) {
        const matches = personalIdsOf(registration).filter((id) => asked.has(id));
        if (matches.length === 0) throw invalid('the lookup returned a registration naming none of the ids asked for');
        for (const id of matches) {
          const ofId = seen.get(id) ?? new Set<string>();
          if (ofId.has(registration.id)) continue;
          ofId.add(registration.id);
          seen.set(id, ofId);
          byId.get(id)?.push(registration);
        }
      }
    });
    for (const list of byId.values()) list.sort((a, b) => a.lodgedAt.getTime() - b.lodgedAt.getTime() || (a.id < b.id ? -1 : 1));
    return byId;
  }

  /**
   * A province's registrations changed after the cursor (null = from the beginning), oldest
   * change first. The cursor is the registry's own `conTro`, passed through unchanged.
   */
  async registrationChanges(provinceCode: string, cursor: string | null, limit: number): Promise<ChangePage<CivilRegistration>> {
    if (!/^\d{2}$/.test(provinceCode)) throw new RangeError(`province codes are two digits; got ${provinceCode}`);
    const reply = await this.call(
      {
        method: 'GET',
        path: REGISTRY_PATHS.changes,
        query: { maTinh: provinceCode, conTro: cursor ?? undefined, soLuong: Math.min(REGISTRY_LIMITS.page, Math.max(1, Math.floor(limit))) },
        idempotent: true,
      },
      changesReplySchema,
    );
    const items = reply.value.duLieu.map((raw) => this.record(raw));
    if (reply.value.maTinh !== provinceCode || items.some((item) => item.placeProvinceCode !== provinceCode)) {
      throw invalid(`the feed of province ${provinceCode} carried another province's registrations`);
    }
    return { items, nextCursor: reply.value.conTro, hasMore: reply.value.conDuLieu };
  }

  /** One registration by the registry's id; null when the registry does not know it. */
  async registrationById(id: string): Promise<CivilRegistration | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `${REGISTRY_PATHS.byId}/${encodeURIComponent(id)}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reply = this.read(response.status, response.body, byIdReplySchema);
    const registration = this.record(reply.value);
    if (registration.id !== id) throw invalid('the registry answered with another registration');
    return registration;
  }

  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const reply = await this.call({ method: 'GET', path: REGISTRY_PATHS.health, idempotent: true }, healthReplySchema);
      return { system: SYSTEM, status: 'UP', detail: `${reply.value.soBanGhi} registrations`, checkedAt };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      return { system: SYSTEM, status: 'DOWN', detail: `${error.code}: ${error.message}`, checkedAt };
    }
  }

  stats(): CallStats {
    return this.http.stats();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** One record, read by the schema of its module. */
  private record(raw: unknown): CivilRegistration {
    const head = this.http.parse('', recordHeadSchema, () => raw);
    return registrationFromRecord(this.http.parse('', recordSchemaFor(head.module), () => raw));
  }

  private async call<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
    const response = await this.http.send({ ...request, acceptStatus: REFUSAL_STATUSES });
    return this.read(response.status, response.body, schema);
  }

  /**
   * Reads the envelope head first, so a refusal (`status` 0) is never read as data, then the
   * whole reply against its schema.
   */
  private read<S extends z.ZodType>(httpStatus: number, body: string, schema: S): z.output<S> {
    let decoded: unknown;
    try {
      decoded = JSON.parse(body) as unknown;
    } catch (cause) {
      if (httpStatus >= 300) throw refused(httpStatus, 'the refusal is not JSON');
      throw new ConnectorError(SYSTEM, 'UPSTREAM_INVALID_RESPONSE', 'the body is not JSON', { status: httpStatus, transient: false, cause });
    }
    const head = envelopeHeadSchema.safeParse(decoded);
    if (!head.success) {
      if (httpStatus >= 300) throw refused(httpStatus, 'the refusal has no status');
      return this.http.parse('', schema, () => decoded);
    }
    if (head.data.status !== REGISTRY_STATUS.OK) throw refused(httpStatus, head.data.statusDescription);
    if (httpStatus >= 300) throw invalid(`status 1 with HTTP ${httpStatus}`);
    return this.http.parse('', schema, () => decoded);
  }
}

function refused(httpStatus: number, description: string): ConnectorError {
  const shown = description.length > 200 ? `${description.slice(0, 200)}…` : description;
  return new ConnectorError(SYSTEM, 'UPSTREAM_REJECTED', `${shown} (HTTP ${httpStatus})`, { status: httpStatus, transient: false });
}

function invalid(message: string): ConnectorError {
  return new ConnectorError(SYSTEM, 'UPSTREAM_INVALID_RESPONSE', message, { transient: false });
}
