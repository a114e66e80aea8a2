import { createHash, timingSafeEqual } from 'node:crypto';
import type { SystemId } from '../connectors/system-id.js';
import type { SystemCredentials } from './system-credentials.js';

/** An agency system proven to be the caller of a request. */
export interface SystemPrincipal {
  system: SystemId;
  /** How it proved it; JWT arrives with the authentication issue. */
  via: 'TOKEN';
}

export type SystemAuthOutcome = { ok: true; principal: SystemPrincipal } | { ok: false; message: string };

/**
 * The one place that decides which agency system is calling the GraphQL push mutations. This
 * implementation knows per-system bearer tokens from the configuration (several during a
 * rotation); a JWT-based one can replace it without touching resolvers or services.
 */
export interface SystemAuthenticator {
  authenticate(authorization: string | undefined): SystemAuthOutcome;
}

export class StaticTokenAuthenticator implements SystemAuthenticator {
  private readonly digests: Array<{ system: SystemId; digest: Buffer }> = [];

  constructor(tokens: SystemCredentials) {
    for (const [system, list] of Object.entries(tokens) as Array<[SystemId, readonly string[]]>) {
      for (const token of list) this.digests.push({ system, digest: sha256(token) });
    }
  }

  authenticate(authorization: string | undefined): SystemAuthOutcome {
    if (!authorization) return { ok: false, message: 'push mutations need an agency system token: Authorization: Bearer <token>' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) return { ok: false, message: 'the Authorization header must be "Bearer <token>"' };
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    const offered = sha256(match[1]);
    let found: SystemId | null = null;
    for (const { system, digest } of this.digests) {
      if (timingSafeEqual(offered, digest)) found = system;
    }
    return found ? { ok: true, principal: { system: found, via: 'TOKEN' } } : { ok: false, message: 'the token is not one of an agency system' };
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
