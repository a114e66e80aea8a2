import { createHash } from 'node:crypto';
import type { SystemPrincipal } from '../auth/system-authenticator.js';
import { isDatabaseUnavailable } from '../db/database-errors.js';
import type { IdempotencyRepository } from '../db/idempotency.repository.js';
import type { InboundEventType } from '../domain/inbound-event.js';
import type { IngestService } from './ingest.service.js';

/** An event as a GraphQL push mutation describes it, before the checks of the push contract. */
export interface RawPush {
  id: string;
  type: InboundEventType;
  timestamp: string;
  version?: number | undefined;
  sequence?: number | undefined;
  data: Record<string, unknown>;
}

export interface PushReceipt {
  eventId: string;
  inboundEventId: string;
  status: 'ACCEPTED' | 'DUPLICATE' | 'CONFLICT';
  /** For DUPLICATE and CONFLICT: where the first delivery of the event stands. */
  currentStatus: string | null;
  /** True when this answer is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

export type PushFailureCode =
  | 'IDEMPOTENCY_KEY_MISSING'
  | 'IDEMPOTENCY_KEY_INVALID'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_FLIGHT'
  | 'INVALID_EVENT'
  | 'STORAGE_UNAVAILABLE';

export type PushOutcome =
  | { ok: true; receipt: PushReceipt }
  | { ok: false; error: { code: PushFailureCode; message: string; path?: string; reason?: string; retryAfterSeconds?: number } };

export interface PushMutationOptions {
  /** A key in flight longer than this belonged to a request that died: it may be taken over. */
  abandonAfterSeconds?: number;
}

/**
 * GraphQL push mutations: the same events and the same door as webhooks, with the
 * Idempotency-Key semantics of the IETF draft (draft-ietf-httpapi-idempotency-key-header):
 * a key is required; the first request with a key runs, and its answer is stored; the same
 * key again replays that answer, or is refused while the first still runs (409) or when it
 * comes with other arguments (422). A request that fails frees its key for a retry.
 */
export class PushMutationService {
  private readonly abandonAfterSeconds: number;

  constructor(
    private readonly ingest: IngestService,
    private readonly keys: IdempotencyRepository,
    options: PushMutationOptions = {},
  ) {
    this.abandonAfterSeconds = options.abandonAfterSeconds ?? 60;
  }

  async push(caller: SystemPrincipal, idempotencyKey: string | undefined, operation: string, event: RawPush): Promise<PushOutcome> {
    const key = parseIdempotencyKey(idempotencyKey);
    if (!key.ok) return { ok: false, error: key.error };
    const system = caller.system;
    const fingerprint = createHash('sha256').update(`${operation}\n${JSON.stringify(event)}`).digest('base64url');

    let claim;
    try {
      claim = await this.keys.claim(system, key.value, fingerprint, this.abandonAfterSeconds);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return storageUnavailable();
      throw error;
    }
    switch (claim.kind) {
      case 'FINGERPRINT_MISMATCH':
        return {
          ok: false,
          error: { code: 'IDEMPOTENCY_KEY_REUSED', message: `the Idempotency-Key "${key.value}" was used for a request with other arguments` },
        };
      case 'IN_FLIGHT':
        return {
          ok: false,
          error: { code: 'IDEMPOTENCY_KEY_IN_FLIGHT', message: `a request with the Idempotency-Key "${key.value}" is still being processed; retry later` },
        };
      case 'REPLAY':
        return { ok: true, receipt: { ...(claim.response as unknown as PushReceipt), replayed: true } };
      case 'CLAIMED':
        break;
    }

    let outcome;
    try {
      outcome = await this.ingest.accept({ system, channel: 'GRAPHQL', deliveryId: key.value, body: event });
    } catch (error) {
      await this.keys.release(system, key.value).catch(() => undefined);
      throw error;
    }
    if (!outcome.ok) {
      await this.keys.release(system, key.value).catch(() => undefined);
      if (outcome.code === 'STORAGE_UNAVAILABLE') return storageUnavailable(outcome.retryAfterSeconds);
      const problem = outcome.events?.[0];
      return {
        ok: false,
        error: {
          code: 'INVALID_EVENT',
          message: problem?.message ?? outcome.message,
          ...(problem ? { path: problem.path, reason: problem.code } : {}),
        },
      };
    }
    const result = outcome.events[0];
    if (!result) throw new Error('the door accepted a push without reporting on its event');
    const receipt: PushReceipt = {
      eventId: result.id,
      inboundEventId: result.inboundId,
      status: result.status,
      currentStatus: result.currentStatus ?? null,
      replayed: false,
    };
    await this.keys.complete(system, key.value, receipt as unknown as Record<string, unknown>);
    return { ok: true, receipt };
  }
}

/**
 * The draft sends the key as a Structured Field string (`"8e03978e-…"`); a bare token is
 * accepted too. At most 255 printable characters.
 */
export function parseIdempotencyKey(header: string | undefined): { ok: true; value: string } | { ok: false; error: { code: PushFailureCode; message: string } } {
  if (header === undefined || header.trim() === '') {
    return { ok: false, error: { code: 'IDEMPOTENCY_KEY_MISSING', message: 'push mutations need an Idempotency-Key header, e.g. Idempotency-Key: "5f2c…"' } };
  }
  const trimmed = header.trim();
  const value = /^"(.*)"$/.exec(trimmed)?.[1] ?? trimmed;
  if (value.length === 0 || value.length > 255 || !/^[\x21-\x7e]+$/.test(value)) {
    return {
      ok: false,
      error: { code: 'IDEMPOTENCY_KEY_INVALID', message: 'the Idempotency-Key must be 1 to 255 printable characters without spaces' },
    };
  }
  return { ok: true, value };
}

function storageUnavailable(retryAfterSeconds = 5): PushOutcome {
  return {
    ok: false,
    error: { code: 'STORAGE_UNAVAILABLE', message: 'the hub cannot store events right now; nothing was stored, retry later', retryAfterSeconds },
  };
}
