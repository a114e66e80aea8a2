import { ConnectorError } from '../connector-error.js';
import { PORTAL_ERROR_CODES } from './payload.js';

/** Why the portal refused a call, from its `error_code`. */
export type PortalRejectionReason =
  | 'INVALID_PAYLOAD'
  | 'DOSSIER_NOT_FOUND'
  | 'DOSSIER_EXISTS'
  | 'TOO_MANY_ITEMS'
  | 'CORRECTION_ID_REUSED'
  | 'UNKNOWN';

const REASON_BY_CODE: Readonly<Record<string, PortalRejectionReason>> = {
  [PORTAL_ERROR_CODES.INVALID]: 'INVALID_PAYLOAD',
  [PORTAL_ERROR_CODES.NOT_FOUND]: 'DOSSIER_NOT_FOUND',
  [PORTAL_ERROR_CODES.EXISTS]: 'DOSSIER_EXISTS',
  // The portal's own client treats "-3" like "3" (VIETNAM-EGOV.md §2.3).
  '-3': 'DOSSIER_EXISTS',
  [PORTAL_ERROR_CODES.TOO_MANY]: 'TOO_MANY_ITEMS',
  [PORTAL_ERROR_CODES.REQUEST_ID_REUSED]: 'CORRECTION_ID_REUSED',
};

export function rejectionReason(errorCode: string): PortalRejectionReason {
  return Object.hasOwn(REASON_BY_CODE, errorCode) ? (REASON_BY_CODE[errorCode] ?? 'UNKNOWN') : 'UNKNOWN';
}

/**
 * The portal answered with a business error (`error_code` other than "0"). It is an
 * UPSTREAM_REJECTED ConnectorError like any refusal, and carries the portal's code and the
 * reason so a caller can branch on `reason` (never on the message): a correction for a dossier
 * the portal lacks (`DOSSIER_NOT_FOUND`) is a create instead.
 */
export class PortalRejectedError extends ConnectorError {
  readonly reason: PortalRejectionReason;

  constructor(
    readonly errorCode: string,
    portalMessage: string,
    status: number,
  ) {
    const shown = portalMessage.length > 200 ? `${portalMessage.slice(0, 200)}…` : portalMessage;
    super('national-portal', 'UPSTREAM_REJECTED', `error_code ${errorCode}: ${shown}`, { status, transient: false });
    this.reason = rejectionReason(errorCode);
  }
}

export function isPortalRejectedError(error: unknown): error is PortalRejectedError {
  return error instanceof PortalRejectedError;
}
