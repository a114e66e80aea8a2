import { GraphQLError } from 'graphql';
import type { ConnectorError } from '../connectors/connector-error.js';

/** The `extensions.code` values the API returns. Clients match on these, never on messages. */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_INVALID_RESPONSE',
  'UPSTREAM_REJECTED',
  'UPSTREAM_RATE_LIMITED',
  'QUEUE_UNAVAILABLE',
  /** Push mutations (IETF Idempotency-Key draft): no key or a malformed one (400), key reused with other arguments (422), first request still running (409). */
  'IDEMPOTENCY_KEY_MISSING',
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  /** PostgreSQL cannot store a push right now; nothing was stored (503 with Retry-After). */
  'STORAGE_UNAVAILABLE',
  /** A person tried to settle a mismatch that is already RESOLVED. */
  'MISMATCH_ALREADY_RESOLVED',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** `reason` names the rule broken (UNKNOWN_PROVINCE, FUTURE_WATERMARK…) for clients that branch on it. */
export function badUserInput(message: string, argument: string, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument, ...(reason ? { reason } : {}) } });
}

export function mismatchAlreadyResolved(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'MISMATCH_ALREADY_RESOLVED' } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

export function upstreamError(error: ConnectorError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, system: error.system } });
}

export function queueUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUEUE_UNAVAILABLE' } });
}
