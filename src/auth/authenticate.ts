import { ANONYMOUS } from './principal.js';
import type { SystemAuthenticator } from './system-authenticator.js';
import type { AuthOutcome, TokenVerifier } from './token-verifier.js';

/**
 * The caller of an API request: a person's JWT, or an agency system's own token (accepted only
 * for what systems may do: their push mutations check it again against the system they push for).
 */
export async function authenticate(
  authorization: string | undefined,
  tokens: TokenVerifier | undefined,
  systems: SystemAuthenticator | undefined,
): Promise<AuthOutcome> {
  if (!authorization) return { ok: true, principal: ANONYMOUS };
  const user: AuthOutcome = tokens ? await tokens.verify(authorization) : { ok: false, message: 'invalid or expired token' };
  if (user.ok || !systems) return user;
  const system = systems.authenticate(authorization);
  if (!system.ok) return user;
  return {
    ok: true,
    principal: {
      kind: 'SYSTEM',
      subject: system.principal.system,
      name: null,
      agency: system.principal.system,
      units: [],
      roles: [],
      scopes: new Set(),
    },
  };
}
