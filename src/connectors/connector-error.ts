import type { SystemId } from './system-id.js';

/**
 * Why a call to an agency system failed. These codes travel to GraphQL clients in
 * `extensions.code`, to run records and to metrics, so they are a closed catalogue.
 */
export const CONNECTOR_ERROR_CODES = [
  /** Connection refused or reset, 5xx, or the circuit breaker is open. */
  'UPSTREAM_UNAVAILABLE',
  /** No complete answer within the system's timeout. */
  'UPSTREAM_TIMEOUT',
  /** The answer arrived but did not parse against the system's contract. */
  'UPSTREAM_INVALID_RESPONSE',
  /** The system refused the request (4xx other than rate limiting). */
  'UPSTREAM_REJECTED',
  /** The system asked the hub to slow down (429, or a SOAP fault saying so). */
  'UPSTREAM_RATE_LIMITED',
] as const;

export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

export interface ConnectorErrorOptions {
  /** HTTP status when the system answered. */
  status?: number;
  /** True when the same call may succeed if retried (network faults, 5xx, timeouts, rate limits). */
  transient: boolean;
  /** True when the breaker was open and no request was sent. */
  circuitOpen?: boolean;
  /** Seconds the system asked the hub to wait, from Retry-After or its fault detail. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A failed call to one agency system. Carries the system id so callers never guess the origin. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly status: number | undefined;
  readonly transient: boolean;
  readonly circuitOpen: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly system: SystemId,
    readonly code: ConnectorErrorCode,
    message: string,
    options: ConnectorErrorOptions,
  ) {
    super(`${system}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.transient = options.transient;
    this.circuitOpen = options.circuitOpen ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** A plain record for run reports and logs (no payload content, so no personal data). */
  toRecord(): { system: SystemId; code: ConnectorErrorCode; message: string; status?: number } {
    return {
      system: this.system,
      code: this.code,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
    };
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
